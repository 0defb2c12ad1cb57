import { useState } from 'preact/hooks';
import type { DeliveryList } from '../../../src/api-client/types.js';
import { api, path } from '../api.js';
import { when } from '../format.js';
import { useData } from '../use-data.js';
import { ProjectTabs } from './project-tabs.js';
import { DataTable } from '../data-table.js';

interface ReplayAnswer {
  delivery: { id: number; outcome: string; reason: string | null };
  run: number | null;
}

/** The project's webhook deliveries, newest first, with replay (needs project:manage). */
export function DeliveriesPage({ name }: { name: string }) {
  const { data, error, reload } = useData(() => api<DeliveryList>('GET', `projects/${path(name)}/deliveries?limit=100`), [name], 5000);
  const [message, setMessage] = useState('');
  const replay = async (id: number) => {
    setMessage('');
    try {
      const answer = await api<ReplayAnswer>('POST', `projects/${path(name)}/deliveries/${id}/replay`);
      setMessage(`delivery ${id} replayed as ${answer.delivery.id}: ${answer.delivery.outcome}${answer.run ? `, run #${answer.run}` : ''}${answer.delivery.reason ? ` (${answer.delivery.reason})` : ''}`);
      reload();
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <main>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Projects</a> / <a href={`/projects/${path(name)}`}>{name}</a> / <span aria-current="page">deliveries</span>
      </nav>
      <h1>{name}: webhook deliveries</h1>
      <ProjectTabs name={name} />
      {error && <p class="error" role="alert">{error}</p>}
      <p role="status" data-testid="replay-result">
        {message}
      </p>
      <DataTable columns={['Id', 'Received', 'Forge / event', 'Outcome', 'Run']} actions>
        {data?.deliveries.map((d) => (
          <tr key={d.id} data-delivery={d.id}>
            <td>
              {d.id}
              {d.replayOf !== null && <span class="muted"> (replay of {d.replayOf})</span>}
            </td>
            <td class="muted">{when(d.receivedAt)}</td>
            <td>
              {d.forge} {d.event}
            </td>
            <td>
              {d.outcome}
              {d.reason && <span class="muted"> — {d.reason}</span>}
            </td>
            <td>{d.run !== null && <a href={`/projects/${path(name)}/runs/${d.run}`}>#{d.run}</a>}</td>
            <td>
              {!d.deliveryId.startsWith('unverified-') && (
                <button type="button" onClick={() => replay(d.id)}>
                  Replay {d.id}
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {data?.deliveries.length === 0 && <p class="muted">No deliveries yet.</p>}
    </main>
  );
}
