import { useEffect, useState } from 'preact/hooks';
import type { JobView, RunDetailView } from '../../../src/api-client/types.js';
import { api, followRun, path } from '../api.js';
import { RunGraph } from '../dag.js';
import { elapsed, isActive, shortSha, when } from '../format.js';
import { keepStreaming } from '../reconnect.js';
import { navigate } from '../router.js';
import { Status } from '../status.js';
import { Artifacts } from './artifacts.js';

const APPROVAL = 'approval required';

/** The run live from its SSE stream (a whole snapshot per change), reconnecting with backoff until it ends. */
function useLiveRun(name: string, number: number): { run: RunDetailView | undefined; error: string } {
  const [run, setRun] = useState<RunDetailView | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    const abort = new AbortController();
    let final = false;
    void keepStreaming(async (heard) => {
      await followRun(name, number, (next) => {
        heard();
        setRun(next);
        final = !isActive(next.status);
      }, abort.signal);
      return final;
    }, abort.signal, (message) => setError(message ?? ''));
    return () => abort.abort();
  }, [name, number]);
  return { run, error };
}

export function RunPage({ name, number }: { name: string; number: number }) {
  const { run, error } = useLiveRun(name, number);
  const [actionError, setActionError] = useState('');
  const act = async (method: string, url: string, body?: unknown) => {
    setActionError('');
    try {
      const answer = await api<RunDetailView>(method, url, body);
      // Retry answers the NEW run: go there.
      if (answer.number !== number) navigate(`/projects/${path(name)}/runs/${answer.number}`);
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    }
  };
  const base = `projects/${path(name)}/runs/${number}`;
  return (
    <main>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Projects</a> / <a href={`/projects/${path(name)}`}>{name}</a> / <span aria-current="page">#{number}</span>
      </nav>
      {error && <p class="error" role="alert">{error}</p>}
      {run && (
        <>
          <h1>
            Run #{run.number} <Status status={run.status} />
          </h1>
          <p>
            {run.event} {run.tag ? `tag ${run.tag}` : run.branch} @ <code>{shortSha(run.sha)}</code> {run.message}
            <span class="muted">
              {run.author ? ` · ${run.author.replace(/\s*<.*>$/, '')}` : ''} · started {when(run.startedAt ?? run.createdAt)} · took {elapsed(run.startedAt, run.durationMs)}
            </span>
          </p>
          {run.reason && <pre class="reason">{run.reason}</pre>}
          <div class="actions">
            {isActive(run.status) && (
              <button type="button" onClick={() => act('POST', `${base}/cancel`)}>
                Cancel
              </button>
            )}
            {!isActive(run.status) && (
              <>
                <button type="button" onClick={() => act('POST', `${base}/retry`, {})}>
                  Retry all
                </button>
                {run.jobs.some((j) => j.status === 'failure' || j.status === 'canceled' || j.status === 'error') && (
                  <button type="button" onClick={() => act('POST', `${base}/retry`, { failedOnly: true })}>
                    Retry failed
                  </button>
                )}
              </>
            )}
          </div>
          <p class="error" role="alert">
            {actionError}
          </p>
          <RunGraph project={name} run={number} jobs={run.jobs} />
          <h2>Jobs</h2>
          <ul class="jobs">
            {run.jobs.map((job) => (
              <JobRow key={job.id} job={job} href={`/projects/${path(name)}/runs/${number}/jobs/${path(job.id)}`} onDecide={(decision) => act('POST', `${base}/jobs/${path(job.id)}/${decision}`, {})} />
            ))}
          </ul>
          <Artifacts project={name} run={number} ended={run.jobs.filter((j) => !isActive(j.status)).length} />
        </>
      )}
    </main>
  );
}

function JobRow({ job, href, onDecide }: { job: JobView; href: string; onDecide: (decision: 'approve' | 'reject') => void }) {
  const gated = job.status === 'waiting' && job.reason?.startsWith(APPROVAL);
  return (
    <li class="job" data-job={job.id}>
      <a href={href}>{job.id}</a> <Status status={job.status} />{job.startedAt && <span class="muted"> {elapsed(job.startedAt, job.durationMs)}</span>}
      {/* Why a job waits or was skipped, as the engine recorded it. */}
      {job.reason && <span class="reason-inline"> — {job.reason}</span>}
      {job.approval && (
        <span class="muted">
          {' '}
          ({job.approval.decision} by {job.approval.actor}
          {job.approval.comment ? `: ${job.approval.comment}` : ''})
        </span>
      )}
      {gated && (
        <span class="actions">
          <button type="button" onClick={() => onDecide('approve')}>
            Approve {job.id}
          </button>
          <button type="button" class="danger" onClick={() => onDecide('reject')}>
            Reject {job.id}
          </button>
        </span>
      )}
    </li>
  );
}
