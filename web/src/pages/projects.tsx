import type { RunView } from '../../../src/api-client/types.js';
import { api, path } from '../api.js';
import type { BranchSummary } from '../api-types.js';
import { when } from '../format.js';
import { Status } from '../status.js';
import { useData } from '../use-data.js';

interface ProjectRow {
  name: string;
  repoUrl: string;
  /** The newest run of each branch or tag, newest first. */
  latest: RunView[];
}

/** One request for every project (`GET /branches`), however many projects there are. */
async function loadProjects(): Promise<ProjectRow[]> {
  const { projects } = await api<BranchSummary>('GET', 'branches?limit=6');
  return projects.map((p) => ({ name: p.project, repoUrl: p.repoUrl, latest: p.runs }));
}

export function ProjectsPage() {
  const { data, error } = useData(loadProjects, [], 5000);
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
