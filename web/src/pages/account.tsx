import { useState } from 'preact/hooks';
import type { MeView } from '../../../src/api-client/account-types.js';
import { api } from '../api.js';
import { useData } from '../use-data.js';

/** The signed-in user: who they are, their project roles, and changing their own password. */
export function AccountPage() {
  const { data, error } = useData(() => api<MeView>('GET', 'me'), []);
  const [message, setMessage] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    const newPassword = String(fields.get('newPassword'));
    setMessage('');
    if (newPassword !== String(fields.get('repeat'))) return setMessage('the new passwords differ');
    try {
      await api('PUT', 'me/password', { currentPassword: String(fields.get('currentPassword')), newPassword });
      form.reset();
      setMessage('password changed');
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <main>
      <h1>Account</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {data && (
        <>
          <p>
            <strong>{data.username}</strong> {data.displayName && <span class="muted">{data.displayName}</span>} {data.admin && <span>· instance admin</span>}
          </p>
          <h2>Project roles</h2>
          {data.projects.length === 0 ? (
            <p class="muted">No project roles{data.admin ? ' (an instance admin may do everything anyway)' : ''}.</p>
          ) : (
            <ul class="jobs">
              {data.projects.map((p) => (
                <li key={p.project} class="job" data-role-in={p.project}>
                  <a href={`/projects/${encodeURIComponent(p.project)}`}>{p.project}</a> <span class="muted">{p.role}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {data?.user !== false && (
        <>
          <h2>Change your password</h2>
          <form class="login" onSubmit={submit}>
            <label>
              Current password <input name="currentPassword" type="password" required autocomplete="current-password" />
            </label>
            <label>
              New password <input name="newPassword" type="password" required minLength={8} autocomplete="new-password" />
            </label>
            <label>
              Repeat the new password <input name="repeat" type="password" required minLength={8} autocomplete="new-password" />
            </label>
            <button type="submit">Change password</button>
            <p role="status" class={message === 'password changed' ? '' : 'error'}>
              {message}
            </p>
          </form>
        </>
      )}
    </main>
  );
}
