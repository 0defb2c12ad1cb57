import { useState } from 'preact/hooks';
import { api, authorizedFetch, path } from '../api.js';
import type { ArtifactList, ArtifactView } from '../../../src/api-client/types.js';
import { bytes } from '../format.js';
import { useData } from '../use-data.js';
import { DataTable } from '../data-table.js';

/**
 * The run's artifacts (`…/runs/{n}/artifacts`): job, name, size, sha256, expiry, a download
 * button and a delete button. Reloaded whenever another job of the run ends (`ended` counts them), since jobs upload
 * their artifacts as they finish. Downloads go through fetch, not a plain link: the API needs the
 * bearer token, which never goes in a URL.
 */
export function Artifacts({ project, run, ended }: { project: string; run: number; ended: number }) {
  const base = `projects/${path(project)}/runs/${run}/artifacts`;
  const { data, error, reload } = useData(() => api<ArtifactList>('GET', base), [base, ended]);
  const [failed, setFailed] = useState('');
  // Needs project:manage; anyone else gets the server's refusal shown.
  const remove = (artifact: ArtifactView) => {
    setFailed('');
    api('DELETE', `${base}/${path(artifact.id)}`).then(reload, (err: Error) => setFailed(`${artifact.name}: ${err.message}`));
  };
  const download = async (artifact: ArtifactView) => {
    setFailed('');
    const response = await authorizedFetch(`/api/v1/${base}/${path(artifact.id)}`);
    if (!response.ok) return setFailed(`${artifact.name}: download failed (${response.status})`);
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `${artifact.name}.tar.gz`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section aria-labelledby="artifacts-heading">
      <h2 id="artifacts-heading">Artifacts</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {data?.artifacts.length === 0 && <p class="muted">No artifacts.</p>}
      {data && data.artifacts.length > 0 && (
        <DataTable class="artifacts stack" columns={['Name', 'Job', 'Size', 'sha256', 'Expires']} actions>
          {data.artifacts.map((a) => (
            <tr key={a.id} data-artifact={a.name}>
              <td>{a.name}</td>
              <td>{a.jobId}</td>
              <td>{bytes(a.sizeBytes)}</td>
              <td>
                <code title={a.sha256}>{a.sha256.slice(0, 12)}</code>
              </td>
              <td class="muted">{new Date(a.expiresAt).toLocaleDateString()}</td>
              <td>
                <span class="actions">
                  <button type="button" onClick={() => void download(a)}>
                    Download {a.name}
                  </button>
                  <button type="button" class="danger" onClick={() => remove(a)}>
                    Delete {a.name}
                  </button>
                </span>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <p class="error" role="alert">
        {failed}
      </p>
    </section>
  );
}
