import type { ApiClient, LogLineView, StatusName } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { EXIT } from '../exit-codes.js';

/**
 * `gantry logs PROJECT RUN [JOB] [-f]`: a job's stored log, or with `-f` its live log until the job
 * ends (SSE, resumed after a dropped connection without gap or duplicate). Without JOB: every job of
 * the run, one after the other in the order the run recorded them, each under a header.
 * Exit code with `-f`: 0 when every followed job ended success/skipped, 1 otherwise.
 */
export interface LogsFlags extends ClientFlags {
  follow?: boolean;
  json?: boolean;
}

const OK_STATUSES: readonly StatusName[] = ['success', 'skipped'];
const FINAL: readonly StatusName[] = ['success', 'failure', 'canceled', 'skipped', 'error'];

function runNumber(value: string): number {
  const text = value.replace(/^#/, '');
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new GantryError('CONFIG_INVALID', `run number "${value}": expected a whole number ≥ 1`);
  return Number(text);
}

function print(line: LogLineView, json: boolean | undefined): void {
  process.stdout.write(json ? `${JSON.stringify(line)}\n` : `${line.line}\n`);
}

/** Jobs of the run; when following a run whose jobs are not recorded yet, waits until they are. */
async function jobsOf(api: ApiClient, project: string, n: number, follow: boolean): Promise<string[]> {
  for (;;) {
    const run = await api.runs.get(project, n);
    if (run.jobs.length > 0 || !follow || FINAL.includes(run.status)) return run.jobs.map((j) => j.id);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function printStored(api: ApiClient, project: string, n: number, job: string, json: boolean | undefined): Promise<void> {
  let after = 0;
  for (;;) {
    const page = await api.runs.logs(project, n, job, { after, limit: 5000 });
    for (const line of page.lines) print(line, json);
    if (page.lines.length === 0) return;
    after = page.next;
  }
}

async function followJob(api: ApiClient, project: string, n: number, job: string, json: boolean | undefined): Promise<StatusName> {
  for await (const event of api.runs.follow(project, n, job)) {
    if (event.type === 'line') print(event.line, json);
    else return event.end.status;
  }
  throw new GantryError('API_BAD_RESPONSE', `the log stream of job "${job}" ended without telling how the job ended`);
}

export async function logsCommand(project: string, number: string, job: string | undefined, flags: LogsFlags): Promise<number> {
  const n = runNumber(number);
  const { call } = connect(flags);
  const jobs = job !== undefined ? [job] : await call((api) => jobsOf(api, project, n, flags.follow === true));
  let ok = true;
  for (const id of jobs) {
    if (job === undefined && !flags.json) process.stdout.write(`==> job ${id} <==\n`);
    if (flags.follow) {
      const status = await call((api) => followJob(api, project, n, id, flags.json));
      ok &&= OK_STATUSES.includes(status);
      if (!flags.json) process.stderr.write(`job ${id} ${status}\n`);
    } else await call((api) => printStored(api, project, n, id, flags.json));
  }
  return ok ? EXIT.ok : EXIT.failed;
}
