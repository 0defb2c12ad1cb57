// `gantry agent ls|pause|resume|drain` against a real `gantry server` process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentView, RunView } from '../../src/api-client/index.js';
import { runGantry } from '../helpers/server-process.js';
import { useCliServer } from './helpers/cli-server.js';

const s = useCliServer('cli-agent', { name: 'site', secret: 's3cret' });
const gantry = (args: string[], input?: string) => runGantry(args, s.env, input);

test('agent ls, pause, resume, drain: a paused agent takes no job until resumed', async () => {
  await s.settled('site');
  const [agent] = await s.json<AgentView[]>(['agent', 'ls']);
  assert.equal(agent?.kind, 'embedded');
  assert.equal(agent.state, 'idle');
  const ls = await gantry(['agent', 'ls']);
  assert.match(ls.stdout, /^ID\s+KIND\s+STATE\s+JOBS\s+LABELS\s+RUNNING\n\S+\s+embedded\s+idle\s+0\/\d+/);

  const paused = await gantry(['agent', 'pause', agent.id]);
  assert.match(paused.stdout, /paused: it takes no new job/);
  const trigger = await gantry(['trigger', 'site', '--json']);
  assert.equal(trigger.code, 0, trigger.stderr);
  const run = (JSON.parse(trigger.stdout) as RunView).number;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const waiting = (await s.api('GET', `/projects/site/runs/${run}`)).json as RunView;
  assert.ok(['queued', 'waiting', 'running'].includes(waiting.status), waiting.status);
  assert.equal(((await s.api('GET', '/agents')).json as { agents: AgentView[] }).agents[0]!.running.length, 0, 'no job leased while paused');

  await gantry(['agent', 'resume', agent.id]);
  await s.settled('site');
  assert.equal(((await s.api('GET', `/projects/site/runs/${run}`)).json as RunView).status, 'success');
  const drained = await s.json<AgentView>(['agent', 'drain', agent.id]);
  assert.equal(drained.state, 'paused', 'an idle agent is drained at once');
  assert.equal((await s.json<AgentView>(['agent', 'resume', agent.id])).state, 'idle');
  const unknown = await gantry(['agent', 'pause', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /AGENT_NOT_FOUND/);
});
