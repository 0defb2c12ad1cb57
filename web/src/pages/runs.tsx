import { useEffect, useState } from 'preact/hooks';
import type { RunDetailView, RunList } from '../../../src/api-client/types.js';
import { api, path } from '../api.js';
import { elapsed, shortSha, when } from '../format.js';
import { followProjectRuns } from '../live.js';
import { keepStreaming } from '../reconnect.js';
import { location, navigate } from '../router.js';
import { Status } from '../status.js';
import { ProjectTabs } from './project-tabs.js';
import { DataTable } from '../data-table.js';

const STATUSES = ['', 'queued', 'waiting', 'running', 'success', 'failure', 'canceled', 'skipped', 'error'];
const EVENTS = ['', 'push', 'pull_request', 'tag', 'cron', 'manual', 'api'];

export function RunsPage({ name }: { name: string }) {
  const query = new URLSearchParams(location.value.search);
  const filters = { status: query.get('status') ?? '', branch: query.get('branch') ?? '', event: query.get('event') ?? '' };
  const search = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '')).toString();
  const { data, error } = useLiveRuns(name, search);
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(location.value.search);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/projects/${path(name)}${next.size ? `?${next}` : ''}`, true);
  };
  return (
    <main>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Projects</a> / <span aria-current="page">{name}</span>
      </nav>
      <h1>{name}</h1>
      <ProjectTabs name={name} />
      <TriggerForm name={name} />
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
        <label>
          Status
          <select value={filters.status} onChange={(e) => setFilter('status', e.currentTarget.value)}>
            {STATUSES.map((s) => <option value={s}>{s || 'any'}</option>)}
          </select>
        </label>
        <label>
          Event
          <select value={filters.event} onChange={(e) => setFilter('event', e.currentTarget.value)}>
            {EVENTS.map((s) => <option value={s}>{s || 'any'}</option>)}
          </select>
        </label>
        <label>
          Branch
          <input value={filters.branch} placeholder="any" onChange={(e) => setFilter('branch', e.currentTarget.value.trim())} />
        </label>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <DataTable class="runs" columns={['#', 'Status', 'Event', 'Ref', 'Commit', 'Took', 'Started']}>
        {data?.runs.map((run) => (
          <tr key={run.number} data-run={run.number}>
            <td>
              <a href={`/projects/${path(name)}/runs/${run.number}`}>#{run.number}</a>
            </td>
            <td>
              <Status status={run.status} />
            </td>
            <td>{run.event}</td>
            <td>{run.tag ? `tag ${run.tag}` : run.branch}</td>
            <td>
              <span class="message">{run.message ?? ''}</span>
              <span class="muted">
                {' '}
                {shortSha(run.sha)}
                {run.author ? ` · ${run.author.replace(/\s*<.*>$/, '')}` : ''}
              </span>
            </td>
            <td>{elapsed(run.startedAt, run.durationMs)}</td>
            <td class="muted">{when(run.startedAt ?? run.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      {data?.runs.length === 0 && <p class="muted">No runs{search ? ' match these filters' : ' yet'}.</p>}
    </main>
  );
}

/**
 * The runs list pushed by the server (`…/stream`, a whole list per change): new runs and status
 * changes appear without a reload and without polling; a dropped stream reconnects with backoff.
 */
function useLiveRuns(name: string, search: string): { data: RunList | undefined; error: string | undefined } {
  const [data, setData] = useState<RunList | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    setData(undefined);
    const query = `limit=50${search ? `&${search}` : ''}`;
    void keepStreaming((heard) => followProjectRuns(name, query, (list) => {
      heard();
      setData(list);
    }, abort.signal), abort.signal, setError);
    return () => abort.abort();
  }, [name, search]);
  return { data, error };
}

/** Starts a manual run of a branch with `name=value` inputs (checked by the server against on.manual.inputs). */
function TriggerForm({ name }: { name: string }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const inputs: Record<string, string> = {};
    for (const line of String(form.get('inputs')).split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) inputs[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    const branch = String(form.get('branch')).trim();
    setBusy(true);
    setError('');
    try {
      const run = await api<RunDetailView>('POST', `projects/${path(name)}/runs`, { event: 'manual', inputs, ...(branch && { branch }) });
      navigate(`/projects/${path(name)}/runs/${run.number}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="trigger">
      <summary>Trigger a run</summary>
      <form onSubmit={submit}>
        <label>
          Branch <input name="branch" placeholder="default branch" />
        </label>
        <label>
          Inputs <span class="muted">(one name=value per line)</span>
          <textarea name="inputs" rows={3} />
        </label>
        <button type="submit" disabled={busy}>
          Start run
        </button>
        <p class="error" role="alert">
          {error}
        </p>
      </form>
    </details>
  );
}
