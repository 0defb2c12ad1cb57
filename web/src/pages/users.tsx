import type { UserView } from '../../../src/api-client/account-types.js';
import { api, path } from '../api.js';
import { when } from '../format.js';
import { useData } from '../use-data.js';
import { DataTable } from '../data-table.js';
import { useAction } from '../use-action.js';

/** Instance admins: users — add, make admin or not, set a password, deactivate or activate, delete. */
export function UsersPage() {
  const { data, error, reload } = useData(() => api<{ users: UserView[] }>('GET', 'users'), []);
  const { message, run } = useAction(reload);
  const submit = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    const username = String(fields.get('username')).trim();
    void run(api('POST', 'users', { username, password: String(fields.get('password')), admin: fields.get('admin') === 'on' }), `${username} added`).then((ok) => ok && form.reset());
  };
  // An admin sets it without the old one (a forgotten password); users change their own on /account.
  const setPassword = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    const username = String(fields.get('username'));
    // Only the password is cleared: the chosen user stays chosen.
    void run(api('PATCH', `users/${path(username)}`, { password: String(fields.get('password')) }), `password of ${username} set`).then((ok) => {
      if (ok) (form.elements.namedItem('password') as HTMLInputElement).value = '';
    });
  };
  return (
    <main>
      <h1>Users</h1>
      {error && <p class="error" role="alert">{error}</p>}
      <p role="status">{message}</p>
      <DataTable class="stack" columns={['User', 'Role', 'State', 'Created']} actions>
        {data?.users.map((u) => (
          <tr key={u.username} data-user={u.username}>
            <td>
              {u.username} {u.displayName && <span class="muted">{u.displayName}</span>}
            </td>
            <td>{u.admin ? 'admin' : 'user'}</td>
            <td>{u.active ? 'active' : 'deactivated'}</td>
            <td class="muted">{when(u.createdAt)}</td>
            <td>
              <span class="actions">
                <button type="button" onClick={() => void run(api('PATCH', `users/${path(u.username)}`, { active: !u.active }), `${u.username} ${u.active ? 'deactivated' : 'activated'}`)}>
                  {u.active ? 'Deactivate' : 'Activate'} {u.username}
                </button>
                <button type="button" onClick={() => void run(api('PATCH', `users/${path(u.username)}`, { admin: !u.admin }), `${u.username} is ${u.admin ? 'no longer an' : 'now an'} admin`)}>
                  {u.admin ? 'Remove admin' : 'Make admin'} {u.username}
                </button>
                <button type="button" class="danger" onClick={() => void run(api('DELETE', `users/${path(u.username)}`), `${u.username} deleted`)}>
                  Delete {u.username}
                </button>
              </span>
            </td>
          </tr>
        ))}
      </DataTable>
      <h2>Set a user's password</h2>
      <form class="login" onSubmit={setPassword} aria-label="Set a user's password">
        <label>
          User
          <select name="username" required>
            {data?.users.map((u) => <option value={u.username}>{u.username}</option>)}
          </select>
        </label>
        <label>
          New password <input name="password" type="password" required minLength={8} autocomplete="new-password" />
        </label>
        <button type="submit">Set password</button>
      </form>
      <h2>Add a user</h2>
      <form class="login" onSubmit={submit} aria-label="Add a user">
        <label>
          Username <input name="username" required pattern="[a-z0-9._\-]+" autocomplete="off" />
        </label>
        <label>
          Password <input name="password" type="password" required minLength={8} autocomplete="new-password" />
        </label>
        <label class="check">
          <input name="admin" type="checkbox" /> Instance admin
        </label>
        <button type="submit">Add user</button>
      </form>
    </main>
  );
}
