import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Project, Run, Store } from '../../../store/index.js';
import { readableProjects, type Principal } from '../auth.js';
import { projectParams, runListView, toRunView } from '../run-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { projectOrThrow } from './runs.js';

/**
 * How many of a project's newest runs are read to find the latest run per branch or tag. One
 * indexed query per project; a branch whose newest run is older than these is not listed (it has
 * not been built for a long while, and the runs list still shows it).
 */
export const BRANCH_SCAN_RUNS = 200;

const runView = runListView.shape.runs.element;
export const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict();
const branchList = z.object({ runs: z.array(runView) });
const projectBranches = z.object({ project: z.string(), repoUrl: z.string(), runs: z.array(runView) });
const summary = z.object({ projects: z.array(projectBranches) });

/** The newest run of each branch or tag (a tag and a branch of the same name are two refs), newest first. */
export function latestPerRef(runs: readonly Run[], limit: number): Run[] {
  const seen = new Set<string>();
  const latest: Run[] = [];
  for (const run of runs) {
    const ref = run.tag !== null ? `tag:${run.tag}` : `branch:${run.branch ?? ''}`;
    if (seen.has(ref)) continue;
    seen.add(ref);
    latest.push(run);
    if (latest.length === limit) break;
  }
  return latest;
}

async function latestRuns(store: Store, project: Project, limit: number) {
  const { runs } = await store.runs.list(project.id, { limit: BRANCH_SCAN_RUNS });
  return latestPerRef(runs, limit).map((run) => toRunView(run, project.name));
}

/** The latest runs per branch or tag of every project `principal` may read (the projects page). */
export async function branchSummary(store: Store, principal: Principal | undefined, limit: number): Promise<z.output<typeof summary>> {
  const projects = await readableProjects(store, principal, await store.projects.list());
  const answer: z.output<typeof projectBranches>[] = [];
  for (const project of projects) answer.push({ project: project.name, repoUrl: project.repoUrl, runs: await latestRuns(store, project, limit) });
  return { projects: answer };
}

/**
 * The latest run per branch: of one project (`project:read`), and of every project the caller may
 * read in one answer (`anyone`, as the project list), so the web UI's projects page asks once rather
 * than once per project (live: `GET /branches/stream`, branches-stream.ts).
 */
export function branchRoutes(app: FastifyInstance, store: Store): void {
  app.get(
    '/projects/:name/branches',
    {
      config: { permission: 'project:read' },
      schema: { summary: 'The latest run of each branch or tag, newest first', params: requestSchema(projectParams), querystring: requestSchema(limitQuery), response: { 200: responseSchema(branchList) } },
    },
    async (request) => {
      const { name } = request.params as z.output<typeof projectParams>;
      const { limit } = request.query as z.output<typeof limitQuery>;
      return { runs: await latestRuns(store, await projectOrThrow(store, name), limit) };
    },
  );

  app.get(
    '/branches',
    {
      config: { permission: 'anyone' },
      schema: { summary: 'The latest run of each branch or tag of every project the caller may read', querystring: requestSchema(limitQuery), response: { 200: responseSchema(summary) } },
    },
    async (request) => {
      const { limit } = request.query as z.output<typeof limitQuery>;
      return branchSummary(store, request.principal, limit);
    },
  );
}
