import type { AgentView } from '../../api-client/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../render/table.js';

/** `gantry agent ls|pause|resume|drain`: the server's agents (admin). */

function runningText(agent: AgentView): string {
  if (agent.running.length === 0) return '-';
  return agent.running.map((j) => (j.project !== null && j.run !== null ? `${j.project}#${j.run}/${j.job}` : j.job)).join(', ');
}

export async function agentListCommand(flags: ClientFlags & { json?: boolean }): Promise<number> {
  const agents = await connect(flags).call((api) => api.agents.list());
  if (flags.json) process.stdout.write(JSON.stringify(agents, null, 2) + '\n');
  else if (agents.length === 0) process.stdout.write('no agents: the server runs without its embedded agent and no remote agent has connected\n');
  else {
    const rows = [['ID', 'KIND', 'STATE', 'JOBS', 'LABELS', 'RUNNING']];
    for (const a of agents) rows.push([a.id, a.kind, a.state, `${a.running.length}/${a.capacity}`, a.labels.join(',') || '-', runningText(a)]);
    process.stdout.write(formatTable(rows));
  }
  return EXIT.ok;
}

const SAID = {
  pause: 'paused: it takes no new job (running jobs go on)',
  resume: 'resumed: it takes jobs again',
  drain: 'draining: no new job; paused once its running jobs end',
} as const;

export async function agentActionCommand(action: keyof typeof SAID, id: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  const agent = await connect(flags).call((api) => api.agents[action](id));
  if (flags.json) process.stdout.write(JSON.stringify(agent, null, 2) + '\n');
  else process.stdout.write(`agent ${agent.id} ${action === 'drain' && agent.state === 'paused' ? 'drained (it was idle): paused' : SAID[action]}\n`);
  return EXIT.ok;
}
