import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AgentInfo, AgentRegistry } from '../../../engine/index.js';
import type { Store } from '../../../store/index.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';

const agentParams = z.object({ id: z.string().min(1).max(200) }).strict();

const agentView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['embedded', 'remote']),
  state: z.enum(['idle', 'busy', 'paused', 'draining']),
  labels: z.array(z.string()),
  capacity: z.number().int(),
  running: z.array(z.object({ project: z.string().nullable(), run: z.number().int().nullable(), job: z.string(), since: z.string() })),
  lastSeenAt: z.string(),
});
const agentList = z.object({ agents: z.array(agentView) });

type AgentView = z.output<typeof agentView>;

/** Running jobs named as people know them (project, run number) rather than by internal ids. */
async function toView(store: Store, agent: AgentInfo): Promise<AgentView> {
  const running: AgentView['running'] = [];
  for (const job of agent.running) {
    const run = await store.runs.get(job.runId);
    const project = run && (await store.projects.getById(run.projectId));
    running.push({ project: project?.name ?? null, run: run?.number ?? null, job: job.job, since: new Date(job.since).toISOString() });
  }
  const { id, name, kind, state, capacity } = agent;
  return { id, name, kind, state, labels: [...agent.labels], capacity, running, lastSeenAt: new Date(agent.lastSeenAt).toISOString() };
}

/**
 * Agents (admin): list them with state and running jobs; pause (no new jobs, running ones carry
 * on), drain (the same, then paused once its jobs end) and resume. Each action answers the agent.
 */
export function agentRoutes(app: FastifyInstance, store: Store, agents: AgentRegistry): void {
  const admin = { permission: 'admin' as const };
  const one = responseSchema(agentView);
  app.get('/agents', { config: admin, schema: { summary: 'List agents', response: { 200: responseSchema(agentList) } } }, async () => {
    const views: AgentView[] = [];
    for (const agent of agents.list()) views.push(await toView(store, agent));
    return { agents: views };
  });

  const actions = {
    pause: 'Pause an agent: it takes no new job',
    resume: 'Resume a paused or draining agent',
    drain: 'Drain an agent: no new job; paused once its running jobs end',
  } as const;
  for (const [action, summary] of Object.entries(actions) as [keyof typeof actions, string][]) {
    app.post(`/agents/:id/${action}`, { config: admin, schema: { summary, params: requestSchema(agentParams), response: { 200: one } } }, async (request) => {
      const { id } = request.params as z.output<typeof agentParams>;
      const agent = agents[action](id);
      request.log.info({ agent: id, action, state: agent.state }, 'agent state changed');
      return toView(store, agent);
    });
  }
}
