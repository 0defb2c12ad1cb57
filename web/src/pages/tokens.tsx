import { useState } from 'preact/hooks';
import type { CreatedTokenView, TokenView } from '../../../src/api-client/account-types.js';
import { api } from '../api.js';
import { when } from '../format.js';
import { useData } from '../use-data.js';

/** The user's personal API tokens: create (shown once), list, revoke. */
export function TokensPage() {
  const { data, error, reload } = useData(() => api<{ tokens: TokenView[] }>('GET', 'tokens'), []);
  const [created, setCreated] = useState<CreatedTokenView | null>(null);
  const [message, setMessage] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    setMessage('');
    try {
      setCreated(await api<CreatedTokenView>('POST', 'tokens', { name: String(fields.get('name')).trim(), scope: String(fields.get('scope')) }));
      form.reset();
      reload();
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  };
  const revoke = (id: number) => void api('DELETE', `tokens/${id}`).then(reload, (err: Error) => setMessage(err.message));
  return (
    <main>
      <h1>API tokens</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {created && (
        <p role="status" class="card">
          Token <strong>{created.name}</strong> — copy it now, it is never shown again: <code data-testid="new-token">{created.token}</code>
        </p>
      )}
      <p role="status">{message}</p>
      <ul class="jobs">
        {data?.tokens.map((t) => (
          <li key={t.id} class="job" data-token={t.name}>
            <strong>{t.name}</strong> <span class="muted">{t.scope} · created {when(t.createdAt)} · last used {when(t.lastUsedAt)}{t.expiresAt ? ` · expires ${new Date(t.expiresAt).toLocaleDateString()}` : ''}</span>{' '}
            <button type="button" class="danger" onClick={() => revoke(t.id)}>
              Revoke {t.name}
            </button>
          </li>
        ))}
      </ul>
      <h2>New token</h2>
      <form class="login" onSubmit={submit}>
        <label>
          Name <input name="name" required autocomplete="off" />
        </label>
        <label>
          Scope
          <select name="scope">
            <option value="write">write</option>
            <option value="read">read (GET only)</option>
          </select>
        </label>
        <button type="submit">Create token</button>
      </form>
    </main>
  );
}
