import type { JobView } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';
import { connect, type ClientFlags } from '../api-session.js';
import { describeRun } from './runs.js';

export interface DecideFlags extends ClientFlags {
  comment?: string;
  json?: boolean;
}

const APPROVAL_PREFIX = 'approval required';
const isAtGate = (job: JobView): boolean => job.status === 'waiting' && (job.reason ?? '').startsWith(APPROVAL_PREFIX);

/**
 * `gantry run approve|reject PROJECT NUMBER [JOB]`: decides a job waiting for approval. Without JOB
 * it decides the one job of the run that waits at the gate, and refuses to guess when several do.
 */
export async function decideCommand(decision: 'approve' | 'reject', project: string, number: string, job: string | undefined, flags: DecideFlags): Promise<number> {
  if (!/^#?\d+$/.test(number) || Number(number.replace(/^#/, '')) < 1) {
    throw new GantryError('CONFIG_INVALID', `NUMBER "${number}": expected a run number ≥ 1`);
  }
  const n = Number(number.replace(/^#/, ''));
  const { call } = connect(flags);
  let target = job;
  if (target === undefined) {
    const run = await call((api) => api.runs.get(project, n));
    const waiting = run.jobs.filter(isAtGate).map((j) => j.id);
    if (waiting.length !== 1) {
      const what = waiting.length === 0 ? 'no job of this run waits for approval' : `several jobs wait for approval: ${waiting.join(', ')}`;
      throw new GantryError('RUN_JOB_NOT_AWAITING_APPROVAL', `run #${n} of ${project}: ${what}`, {
        details: { hint: waiting.length === 0 ? `see \`gantry run show ${project} ${n}\`` : `name the job: gantry run ${decision} ${project} ${n} JOB` },
      });
    }
    target = waiting[0]!;
  }
  const jobId = target;
  const run = await call((api) => api.runs.decide(project, n, jobId, decision, flags.comment === undefined ? {} : { comment: flags.comment }));
  if (flags.json) process.stdout.write(JSON.stringify(run, null, 2) + '\n');
  else process.stdout.write(`${decision === 'approve' ? 'approved' : 'rejected'} job ${jobId} of run #${n}\n` + describeRun(run));
  return EXIT.ok;
}
