import type { EventKindName, JobView, RunDetailView, RunView, StatusName, TriggerRunRequest } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';
import { parseKeyValues } from '../key-values.js';
import { connect, type ClientFlags } from '../api-session.js';
import { formatTable } from '../render/table.js';

/** `gantry runs`, `gantry run show`, `gantry trigger`: runs on a server, through the API client. */

export function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new GantryError('CONFIG_INVALID', `${flag} "${value}": expected a whole number ≥ 1`);
  return Number(value);
}

function duration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

const refOf = (run: RunView): string => run.tag ?? (run.baseBranch ? `${run.branch} → ${run.baseBranch}` : (run.branch ?? '-'));


export interface RunsFlags extends ClientFlags {
  status?: string;
  branch?: string;
  event?: EventKindName;
  limit?: string;
  /** Cursor: runs numbered below this (the `nextCursor` of the previous page). */
  before?: string;
  json?: boolean;
}

export async function runsCommand(project: string, flags: RunsFlags): Promise<number> {
  const { call } = connect(flags);
  const limit = positiveInt('--limit', flags.limit);
  const before = positiveInt('--before', flags.before);
  const status = flags.status === undefined ? undefined : (flags.status.split(',').map((s) => s.trim()) as StatusName[]);
  const page = await call((api) =>
    api.runs.list(project, {
      ...(status && { status }),
      ...(flags.branch !== undefined && { branch: flags.branch }),
      ...(flags.event !== undefined && { event: flags.event }),
      ...(limit !== undefined && { limit }),
      ...(before !== undefined && { before }),
    }),
  );
  const filtered = status || flags.branch || flags.event || before;
  if (flags.json) process.stdout.write(JSON.stringify(page.runs, null, 2) + '\n');
  else if (page.runs.length === 0) process.stdout.write(`no runs of ${project} yet${filtered ? ' matching the filters' : ': push, or start one with `gantry trigger ' + project + '`'}\n`);
  else {
    const rows = [['#', 'STATUS', 'EVENT', 'REF', 'COMMIT', 'CREATED', 'TOOK', 'MESSAGE']];
    for (const r of page.runs) {
      rows.push([String(r.number), r.status, r.event, refOf(r), r.sha.slice(0, 8), r.createdAt.replace('T', ' ').slice(0, 19), duration(r.durationMs), (r.message ?? '').split('\n')[0]!.slice(0, 60)]);
    }
    process.stdout.write(formatTable(rows));
    if (page.nextCursor !== null) process.stdout.write(`more: gantry runs ${project} --before ${page.nextCursor}\n`);
  }
  return EXIT.ok;
}

function jobLines(job: JobView): string[] {
  const lines = [`  ${job.id.padEnd(24)} ${job.status.padEnd(8)} ${duration(job.durationMs)}${job.reason ? `  (${job.reason})` : ''}`];
  for (const step of job.steps) {
    lines.push(`      ${String(step.index + 1).padStart(2)}. ${step.name.slice(0, 40).padEnd(40)} ${step.status.padEnd(8)} ${duration(step.durationMs)}${step.exitCode !== null && step.exitCode !== 0 ? `  exit ${step.exitCode}` : ''}`);
  }
  return lines;
}

export function describeRun(run: RunDetailView): string {
  const lines = [`run #${run.number} of ${run.project}: ${run.status}`, `  ${run.event} ${refOf(run)} @ ${run.sha.slice(0, 12)}${run.message ? `  ${run.message.split('\n')[0]}` : ''}`];
  if (run.author) lines.push(`  by ${run.author}${run.trigger.actor ? `, started by ${run.trigger.actor}` : ''}`);
  const inputs = Object.entries(run.inputs);
  if (inputs.length > 0) lines.push(`  inputs: ${inputs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  lines.push(`  created ${run.createdAt}${run.startedAt ? `, started ${run.startedAt}` : ''}${run.finishedAt ? `, took ${duration(run.durationMs)}` : ''}`);
  if (run.reason) lines.push(...run.reason.split('\n').map((l, i) => (i === 0 ? `  reason: ${l}` : `    ${l}`)));
  if (run.jobs.length > 0) lines.push('jobs:', ...run.jobs.flatMap(jobLines));
  return lines.join('\n') + '\n';
}

export async function runShowCommand(project: string, number: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  const n = positiveInt('NUMBER', number.replace(/^#/, ''))!;
  const { call } = connect(flags);
  const run = await call((api) => api.runs.get(project, n));
  process.stdout.write(flags.json ? JSON.stringify(run, null, 2) + '\n' : describeRun(run));
  return EXIT.ok;
}

export interface TriggerFlags extends ClientFlags {
  branch?: string;
  tag?: string;
  sha?: string;
  input?: string[];
  event?: 'manual' | 'api';
  json?: boolean;
  /** Show the run live (as `gantry exec` does) and exit with its result. */
  follow?: boolean;
  color?: boolean;
}

export async function triggerCommand(project: string, flags: TriggerFlags): Promise<number> {
  const request: TriggerRunRequest = { event: flags.event ?? 'manual' };
  if (flags.branch !== undefined) request.branch = flags.branch;
  if (flags.tag !== undefined) request.tag = flags.tag;
  if (flags.sha !== undefined) request.sha = flags.sha;
  if (flags.input && flags.input.length > 0) request.inputs = parseKeyValues('--input', flags.input);
  const { call, server } = connect(flags);
  const run = await call((api) => api.runs.trigger(project, request));
  if (flags.follow) return (await import('./trigger-follow.js')).followTriggered(project, run, flags, call);
  if (flags.json) process.stdout.write(JSON.stringify(run, null, 2) + '\n');
  else {
    process.stdout.write(`started run #${run.number} of ${project} (${run.event}, ${refOf(run)} @ ${run.sha.slice(0, 12)}): ${run.status}\n`);
    process.stdout.write(`  details: gantry run show ${project} ${run.number}   (${server}/api/v1/projects/${project}/runs/${run.number})\n`);
  }
  return EXIT.ok;
}

/** `gantry run cancel PROJECT NUMBER`: canceled at once when queued; a running run ends once its jobs stop. */
export async function runCancelCommand(project: string, number: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  const n = positiveInt('NUMBER', number.replace(/^#/, ''))!;
  const { call } = connect(flags);
  const run = await call((api) => api.runs.cancel(project, n));
  if (flags.json) process.stdout.write(JSON.stringify(run, null, 2) + '\n');
  else if (run.status === 'canceled') process.stdout.write(`run #${run.number} of ${project}: canceled${run.reason ? ` (${run.reason})` : ''}\n`);
  else process.stdout.write(`run #${run.number} of ${project}: stopping its jobs; it ends canceled once they stop (gantry run show ${project} ${run.number})\n`);
  return EXIT.ok;
}

/** `gantry run retry PROJECT NUMBER [--failed]`: a new run at the same commit with the same plan. */
export async function runRetryCommand(project: string, number: string, flags: ClientFlags & { failed?: boolean; json?: boolean }): Promise<number> {
  const n = positiveInt('NUMBER', number.replace(/^#/, ''))!;
  const { call } = connect(flags);
  const run = await call((api) => api.runs.retry(project, n, { failedOnly: flags.failed === true }));
  if (flags.json) process.stdout.write(JSON.stringify(run, null, 2) + '\n');
  else {
    const what = flags.failed ? 'the jobs that did not succeed in' : 'all of';
    process.stdout.write(`started run #${run.number} of ${project}: re-runs ${what} run #${n} @ ${run.sha.slice(0, 12)}: ${run.status}\n`);
  }
  return EXIT.ok;
}
