import type { AgentList } from '../../../src/api-client/types.js';
import { api, path } from '../api.js';
import { when } from '../format.js';
import { useData } from '../use-data.js';
import { DataTable } from '../data-table.js';

/** Agents with state, labels and current jobs; pause, drain, resume (instance admins). */
export function AgentsPage() {
  const { data, error, reload } = useData(() => api<AgentList>('GET', 'agents'), [], 3000);
  const act = (id: string, action: string) => void api('POST', `agents/${path(id)}/${action}`).then(reload, reload);
  return (
    <main>
      <h1>Agents</h1>
      {error && <p class="error" role="alert">{error}</p>}
      <DataTable columns={['Agent', 'State', 'Labels', 'Running', 'Last seen']} actions>
        {data?.agents.map((agent) => (
          <tr key={agent.id} data-agent={agent.id}>
            <td>
              {agent.name} <span class="muted">{agent.kind}</span>
            </td>
            <td data-testid="agent-state">{agent.state}</td>
            <td>{agent.labels.join(', ')}</td>
            <td>
              {agent.running.length}/{agent.capacity}
              {agent.running.map((job) => (
                <div key={`${job.project}-${job.run}-${job.job}`}>
                  {job.project && job.run ? <a href={`/projects/${path(job.project)}/runs/${job.run}/jobs/${path(job.job)}`}>{`${job.project} #${job.run} ${job.job}`}</a> : job.job}
                </div>
              ))}
            </td>
            <td class="muted">{when(agent.lastSeenAt)}</td>
            <td class="actions">
              {agent.state === 'paused' || agent.state === 'draining' ? (
                <button type="button" onClick={() => act(agent.id, 'resume')}>
                  Resume
                </button>
              ) : (
                <>
                  <button type="button" onClick={() => act(agent.id, 'pause')}>
                    Pause
                  </button>
                  <button type="button" onClick={() => act(agent.id, 'drain')}>
                    Drain
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </main>
  );
}
