import type { MemberView, ProjectRoleName } from '../../../src/api-client/account-types.js';
import { api, path } from '../api.js';
import { when } from '../format.js';
import { useData } from '../use-data.js';
import { ProjectTabs } from './project-tabs.js';
import { DataTable } from '../data-table.js';
import { useAction } from '../use-action.js';

const ROLES: readonly ProjectRoleName[] = ['viewer', 'developer', 'maintainer'];

/**
 * A project's members and their roles (viewer < developer < maintainer, docs/auth.md). Anyone who
 * may read the project sees the list; adding, changing and removing needs project:manage, and the
 * server's refusal is shown as it comes.
 */
export function MembersPage({ name }: { name: string }) {
  const base = `projects/${path(name)}/members`;
  const { data, error, reload } = useData(() => api<{ members: MemberView[] }>('GET', base), [base]);
  const { message, run } = useAction(reload);
  const setRole = (username: string, role: string) => run(api('PUT', `${base}/${path(username)}`, { role }), `${username} is now ${role}`);
  const changeRole = (event: Event, username: string) => {
    event.preventDefault();
    void setRole(username, String(new FormData(event.currentTarget as HTMLFormElement).get('role')));
  };
  const submit = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    const username = String(fields.get('username')).trim();
    void setRole(username, String(fields.get('role'))).then((ok) => ok && form.reset());
  };
  return (
    <main>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Projects</a> / <a href={`/projects/${path(name)}`}>{name}</a> / <span aria-current="page">members</span>
      </nav>
      <h1>{name}: members</h1>
      <ProjectTabs name={name} />
      {error && <p class="error" role="alert">{error}</p>}
      <p role="status">{message}</p>
      <DataTable class="stack" columns={['User', 'Role', 'Since']} actions>
        {data?.members.map((m) => (
          <tr key={m.username} data-member={m.username}>
            <td>{m.username}</td>
            <td>
              {/* A button, not a change handler: arrowing through the options with the keyboard must not send each one. */}
              <form class="inline" onSubmit={(e) => changeRole(e, m.username)}>
                <select name="role" aria-label={`Role of ${m.username}`} key={m.role} defaultValue={m.role}>
                  {ROLES.map((r) => <option value={r}>{r}</option>)}
                </select>{' '}
                <button type="submit">Set role of {m.username}</button>
              </form>
            </td>
            <td class="muted">{when(m.since)}</td>
            <td>
              <button type="button" class="danger" onClick={() => void run(api('DELETE', `${base}/${path(m.username)}`), `${m.username} removed`)}>
                Remove {m.username}
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      {data?.members.length === 0 && <p class="muted">No members: only instance admins (and everyone, if the project is public) can see it.</p>}
      <h2>Add a member</h2>
      <form class="login" onSubmit={submit} aria-label="Add a member">
        <label>
          Username <input name="username" required pattern="[a-z0-9][a-z0-9._\-]*" autocomplete="off" />
        </label>
        <label>
          Role
          <select name="role">
            {ROLES.map((r) => <option value={r}>{r}</option>)}
          </select>
        </label>
        <button type="submit">Add member</button>
      </form>
    </main>
  );
}
