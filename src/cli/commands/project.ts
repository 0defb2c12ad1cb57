import { createApiClient, type ApiClient, type CreateProjectRequest, type ForgeKindName, type ProjectView } from '../../api-client/index.js';
import { clientSettings, loadConfig } from '../../config/index.js';
import { GantryError } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';

/** `gantry project add|list`: talk to a running server through the API client. */
export interface ClientFlags {
  server?: string;
  token?: string;
}

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

function client(flags: ClientFlags): { api: ApiClient; server: string } {
  const config = loadConfig(clientSettings, {
    env: process.env,
    flags: { server: flags.server, token: flags.token },
    context: { cwd: process.cwd(), isTty: process.stdout.isTTY === true },
  });
  return { api: createApiClient({ baseUrl: config.server, token: config.token }), server: config.server };
}

/** Adds what to do about the common failures to the server's answer. */
function withHint(err: unknown, server: string): unknown {
  if (!(err instanceof GantryError)) return err;
  const hints: Partial<Record<string, string>> = {
    AUTH_REQUIRED: 'pass --token TOKEN or set GANTRY_TOKEN (the admin token the server printed at its first start)',
    AUTH_INVALID_TOKEN: `the token is not known to ${server}: check --token / GANTRY_TOKEN`,
    AUTH_FORBIDDEN: 'this token may not change projects; use an admin token',
  };
  const hint = hints[err.code];
  if (!hint) return err;
  return new GantryError(err.code, err.message, { details: { ...err.details, hint }, cause: err });
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
  const { api, server } = client(flags);
  let project: ProjectView;
  try {
    project = await api.projects.create(request);
  } catch (err) {
    throw withHint(err, server);
  }
  const poll = project.pollIntervalMs === null ? '' : `, polled every ${project.pollIntervalMs / 1000}s`;
  process.stdout.write(`created project ${project.name} (${project.forge}, ${project.repoUrl}, branch ${project.defaultBranch}${poll})\n`);
  process.stdout.write(`  webhook URL: ${server}/hooks/${project.forge}/${project.name}${project.hasSecret ? '' : ' (no secret set: add one with --secret)'}\n`);
  return EXIT.ok;
}

function table(projects: readonly ProjectView[]): string {
  const rows = [['NAME', 'FORGE', 'BRANCH', 'POLL', 'REPO']];
  for (const p of projects) rows.push([p.name, p.forge, p.defaultBranch, p.pollIntervalMs === null ? '-' : `${p.pollIntervalMs / 1000}s`, p.repoUrl]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export async function projectListCommand(flags: ClientFlags & { json?: boolean }): Promise<number> {
  const { api, server } = client(flags);
  let projects: ProjectView[];
  try {
    projects = await api.projects.list();
  } catch (err) {
    throw withHint(err, server);
  }
  if (flags.json) process.stdout.write(JSON.stringify(projects, null, 2) + '\n');
  else if (projects.length === 0) process.stdout.write('no projects yet: add one with `gantry project add NAME --repo URL`\n');
  else process.stdout.write(table(projects));
  return EXIT.ok;
}
