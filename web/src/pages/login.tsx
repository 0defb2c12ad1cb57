import { useState } from 'preact/hooks';
import { login } from '../auth.js';
import { navigate } from '../router.js';

export function LoginPage() {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      await login(String(form.get('username')), String(form.get('password')));
      const back = new URLSearchParams(window.location.search).get('next');
      navigate(back?.startsWith('/') && !back.startsWith('//') ? back : '/', true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <h1>Gantry</h1>
      <form onSubmit={submit} aria-describedby="login-error">
        <label>
          Username <input name="username" autocomplete="username" required autofocus />
        </label>
        <label>
          Password <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          Log in
        </button>
        <p id="login-error" class="error" role="alert">
          {error}
        </p>
      </form>
    </main>
  );
}
