import type { RunView } from '../../../src/api-client/types.js';
import { useEffect, useState } from 'preact/hooks';
import { path } from '../api.js';
import { when } from '../format.js';
import { followBranches } from '../live.js';
import { keepStreaming } from '../reconnect.js';
import { Status } from '../status.js';

interface ProjectRow {
  name: string;
  repoUrl: string;
  /** The newest run of each branch or tag, newest first. */
  latest: RunView[];
}

/**
 * Every project's latest run per branch, live: one stream for all projects (`/branches/stream`), so
 * status changes show as they happen and new runs within seconds, without polling.
 */
function useLiveProjects(): { data: ProjectRow[] | undefined; error: string | undefined } {
  const [data, setData] = useState<ProjectRow[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    void keepStreaming((heard) => followBranches(6, ({ projects }) => {
      heard();
      setData(projects.map((p) => ({ name: p.project, repoUrl: p.repoUrl, latest: p.runs })));
    }, abort.signal), abort.signal, setError);
    return () => abort.abort();
  }, []);
  return { data, error };
}

export function ProjectsPage() {
  const { data, error } = useLiveProjects();
  return (
    <main>
      <h1>Projects</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {data?.length === 0 && <p>No projects yet: add one with <code>gantry project add</code>.</p>}
      <ul class="cards">
        {data?.map((project) => (
          <li key={project.name} class="card">
            <h2>
              <a href={`/projects/${path(project.name)}`}>{project.name}</a>
            </h2>
            <p class="muted">{project.repoUrl}</p>
            <table class="compact">
              <caption class="sr-only">Latest run per branch of {project.name}</caption>
              <tbody>
                {project.latest.map((run) => (
                  <tr key={run.number}>
                    <th scope="row">{run.tag ?? run.branch}</th>
                    <td>
                      <a href={`/projects/${path(project.name)}/runs/${run.number}`}>
                        <Status status={run.status} /> #{run.number}
                      </a>
                    </td>
                    <td class="muted">{when(run.createdAt)}</td>
                  </tr>
                ))}
                {project.latest.length === 0 && (
                  <tr>
                    <td class="muted">no runs yet</td>
                  </tr>
                )}
              </tbody>
            </table>
          </li>
        ))}
      </ul>
    </main>
  );
}
