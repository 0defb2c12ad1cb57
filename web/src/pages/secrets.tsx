import type { SecretList } from '../../../src/api-client/secret-types.js';
import { api, path } from '../api.js';
import { when } from '../format.js';
import { useData } from '../use-data.js';
import { ProjectTabs } from './project-tabs.js';
import { useAction } from '../use-action.js';

/** A project's secrets (needs project:manage). */
export function SecretsPage({ name }: { name: string }) {
  return (
    <main>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Projects</a> / <a href={`/projects/${path(name)}`}>{name}</a> / <span aria-current="page">secrets</span>
      </nav>
      <h1>{name}: secrets</h1>
      <ProjectTabs name={name} />
      <SecretEditor base={`projects/${path(name)}/secrets`} />
    </main>
  );
}

/** Instance secrets, given to every project's jobs (admins only; a project's secret of the same name wins). */
export function InstanceSecretsPage() {
  return (
    <main>
      <h1>Instance secrets</h1>
      <p class="muted">
        Every project's pipelines can use these (<code>{'${{ secrets.NAME }}'}</code>); a project secret of the same name shadows one here.
      </p>
      <SecretEditor base="secrets" />
    </main>
  );
}

/** Secrets under `base`: names only (values are write-only and never come back), set and delete. */
function SecretEditor({ base }: { base: string }) {
  const { data, error, reload } = useData(() => api<SecretList>('GET', base), [base]);
  const { message, run } = useAction(reload);
  const submit = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    const secret = String(fields.get('name')).trim();
    void run(api('PUT', `${base}/${path(secret)}`, { value: String(fields.get('value')) }), `${secret} set`).then((ok) => ok && form.reset());
  };
  return (
    <>
      {error && <p class="error" role="alert">{error}</p>}
      <p role="status">{message}</p>
      <ul class="jobs">
        {data?.secrets.map((s) => (
          <li key={s.name} class="job" data-secret={s.name}>
            <code>{s.name}</code> <span class="muted">updated {when(s.updatedAt)}</span>{' '}
            <button type="button" class="danger" onClick={() => void run(api('DELETE', `${base}/${path(s.name)}`), `${s.name} deleted`)}>
              Delete {s.name}
            </button>
          </li>
        ))}
      </ul>
      {data?.secrets.length === 0 && <p class="muted">No secrets.</p>}
      <h2>Set a secret</h2>
      <form class="login" onSubmit={submit}>
        <label>
          Name <input name="name" required pattern="[A-Za-z_][A-Za-z0-9_]*" autocomplete="off" />
        </label>
        <label>
          Value <input name="value" type="password" required autocomplete="new-password" />
        </label>
        <button type="submit">Set secret</button>
      </form>
    </>
  );
}
