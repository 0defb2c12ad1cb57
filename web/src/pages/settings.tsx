import { useState } from 'preact/hooks';
import type { ProjectView } from '../../../src/api-client/types.js';
import { api, path } from '../api.js';
import { useData } from '../use-data.js';
import { ProjectTabs } from './project-tabs.js';

/** A project's settings (`PATCH /projects/{name}`, needs project:manage); the server checks every field. */
export function SettingsPage({ name }: { name: string }) {
  const { data, error, reload } = useData(() => api<ProjectView>('GET', `projects/${path(name)}`), [name]);
  const [message, setMessage] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const max = text('maxConcurrentRuns');
    const poll = text('pollInterval');
    setMessage('');
    try {
      await api('PATCH', `projects/${path(name)}`, {
        defaultBranch: text('defaultBranch'),
        pollInterval: poll === '' ? null : poll,
        settings: {
          autoCancel: form.get('autoCancel') === 'on',
          public: form.get('public') === 'on',
          priority: Number(text('priority')),
          maxConcurrentRuns: max === '' ? null : Number(max),
          protectedEnvironments: text('protectedEnvironments').split(',').map((e) => e.trim()).filter(Boolean),
        },
      });
      setMessage('saved');
      reload();
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  };
  const s = data?.settings;
  return (
    <main>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Projects</a> / <a href={`/projects/${path(name)}`}>{name}</a> / <span aria-current="page">settings</span>
      </nav>
      <h1>{name}: settings</h1>
      <ProjectTabs name={name} />
      {error && <p class="error" role="alert">{error}</p>}
      {data && s && (
        <form class="login" onSubmit={submit} key={data.updatedAt}>
          <p class="muted">
            {data.repoUrl} ({data.forge}){data.hasSecret ? ' · webhook secret set' : ' · no webhook secret'}
          </p>
          <label>
            Default branch <input name="defaultBranch" defaultValue={data.defaultBranch} required />
          </label>
          <label>
            Poll interval <span class="muted">(e.g. 5m; empty: no polling)</span>
            <input name="pollInterval" defaultValue={data.pollIntervalMs === null ? '' : `${Math.round(data.pollIntervalMs / 1000)}s`} />
          </label>
          <label>
            Protected environments <span class="muted">(comma-separated; their jobs wait for approval)</span>
            <input name="protectedEnvironments" defaultValue={s.protectedEnvironments.join(', ')} />
          </label>
          <label>
            Max concurrent runs <span class="muted">(empty: no limit)</span>
            <input name="maxConcurrentRuns" type="number" min={1} defaultValue={s.maxConcurrentRuns === null ? '' : String(s.maxConcurrentRuns)} />
          </label>
          <label>
            Priority <input name="priority" type="number" defaultValue={String(s.priority)} />
          </label>
          <label class="check">
            <input name="autoCancel" type="checkbox" defaultChecked={s.autoCancel} /> Cancel older runs of a branch when a newer one starts
          </label>
          <label class="check">
            <input name="public" type="checkbox" defaultChecked={s.public} /> Public: anyone may read runs and logs
          </label>
          <button type="submit">Save settings</button>
          <p role="status">{message}</p>
        </form>
      )}
    </main>
  );
}
