import type { CreateProjectRequest, ForgeKindName, ProjectView } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { formatTable } from '../render/table.js';
import { EXIT } from '../exit-codes.js';

/** `gantry project add|list`: talk to a running server through the API client. */

export interface ProjectAddFlags extends ClientFlags {
  repo: string;
  forge?: string;
  secret?: string;
  branch?: string;
  poll?: string;
  autoCancel?: boolean;
  maxConcurrentRuns?: string;
  priority?: string;
}

function integerFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new GantryError('CONFIG_INVALID', `--${name} "${value}": expected a whole number`);
  return Number(value);
}

export function addRequest(name: string, flags: ProjectAddFlags): CreateProjectRequest {
  const request: CreateProjectRequest = { name, repoUrl: flags.repo };
  if (flags.forge !== undefined) request.forge = flags.forge as ForgeKindName;
  if (flags.secret !== undefined) request.secret = flags.secret;
  if (flags.branch !== undefined) request.defaultBranch = flags.branch;
  if (flags.poll !== undefined) request.pollInterval = flags.poll;
  const settings: NonNullable<CreateProjectRequest['settings']> = {};
  if (flags.autoCancel !== undefined) settings.autoCancel = flags.autoCancel;
  const max = integerFlag('max-concurrent-runs', flags.maxConcurrentRuns);
  if (max !== undefined) settings.maxConcurrentRuns = max;
  const priority = integerFlag('priority', flags.priority);
  if (priority !== undefined) settings.priority = priority;
  if (Object.keys(settings).length > 0) request.settings = settings;
  return request;
}

export async function projectAddCommand(name: string, flags: ProjectAddFlags): Promise<number> {
  const request = addRequest(name, flags);
  const { server, call } = connect(flags);
  const project = await call((api) => api.projects.create(request));
  const poll = project.pollIntervalMs === null ? '' : `, polled every ${project.pollIntervalMs / 1000}s`;
  process.stdout.write(`created project ${project.name} (${project.forge}, ${project.repoUrl}, branch ${project.defaultBranch}${poll})\n`);
  process.stdout.write(`  webhook URL: ${server}/hooks/${project.forge}/${project.name}${project.hasSecret ? '' : ' (no secret set: add one with --secret)'}\n`);
  return EXIT.ok;
}

function table(projects: readonly ProjectView[]): string {
  const rows = [['NAME', 'FORGE', 'BRANCH', 'POLL', 'REPO']];
  for (const p of projects) rows.push([p.name, p.forge, p.defaultBranch, p.pollIntervalMs === null ? '-' : `${p.pollIntervalMs / 1000}s`, p.repoUrl]);
  return formatTable(rows);
}

export async function projectListCommand(flags: ClientFlags & { json?: boolean }): Promise<number> {
  const projects = await connect(flags).call((api) => api.projects.list());
  if (flags.json) process.stdout.write(JSON.stringify(projects, null, 2) + '\n');
  else if (projects.length === 0) process.stdout.write('no projects yet: add one with `gantry project add NAME --repo URL`\n');
  else process.stdout.write(table(projects));
  return EXIT.ok;
}
