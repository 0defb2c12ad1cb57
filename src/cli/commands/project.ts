import { text } from 'node:stream/consumers';
import type { CreateProjectRequest, ForgeKindName, PatchProjectRequest, ProjectView } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { formatTable } from '../render/table.js';
import { EXIT } from '../exit-codes.js';

/** `gantry project add|list|show|set|rm`: talk to a running server through the API client. */

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

/** `gantry project show NAME`: every setting (the webhook secret only as set / not set). */
export function describeProject(p: ProjectView, server: string): string {
  const s = p.settings;
  const lines = [
    `project ${p.name} (#${p.id})`,
    `  repo:            ${p.repoUrl}`,
    `  forge:           ${p.forge}  (webhook URL ${server}/hooks/${p.forge}/${p.name})`,
    `  webhook secret:  ${p.hasSecret ? 'set' : 'not set'}`,
    `  default branch:  ${p.defaultBranch}`,
    `  poll:            ${p.pollIntervalMs === null ? 'off' : `every ${p.pollIntervalMs / 1000}s`}`,
    `  auto-cancel:     ${s.autoCancel ? 'on' : 'off'}`,
    `  max concurrent:  ${s.maxConcurrentRuns ?? 'no limit'}`,
    `  priority:        ${s.priority}`,
    `  protected envs:  ${s.protectedEnvironments.length > 0 ? `${s.protectedEnvironments.join(', ')} (jobs wait for approval)` : 'none'}`,
    `  public:          ${s.public ? 'yes (anyone may read it)' : 'no'}`,
    `  created ${p.createdAt}, updated ${p.updatedAt}`,
  ];
  return lines.join('\n') + '\n';
}

export async function projectShowCommand(name: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  const { server, call } = connect(flags);
  const project = await call((api) => api.projects.get(name));
  process.stdout.write(flags.json ? JSON.stringify(project, null, 2) + '\n' : describeProject(project, server));
  return EXIT.ok;
}

export interface ProjectSetFlags extends ClientFlags {
  repo?: string;
  forge?: string;
  branch?: string;
  /** A duration, or `off`. */
  poll?: string;
  autoCancel?: boolean;
  /** A number, or `none`. */
  maxConcurrentRuns?: string;
  priority?: string;
  secretStdin?: boolean;
  /** `--no-secret`: false clears the webhook secret. */
  secret?: boolean;
  /** Comma-separated environment names whose jobs wait for approval, or `none`. */
  protect?: string;
  /** `--public` / `--no-public`: anyone may read the project. */
  public?: boolean;
  json?: boolean;
}

/** The flags given become the PATCH body; what was not given is left out (kept by the server). */
export function setRequest(flags: ProjectSetFlags, secretFromStdin?: string): PatchProjectRequest {
  const patch: PatchProjectRequest = {};
  if (flags.repo !== undefined) patch.repoUrl = flags.repo;
  if (flags.forge !== undefined) patch.forge = flags.forge as ForgeKindName;
  if (flags.branch !== undefined) patch.defaultBranch = flags.branch;
  if (flags.poll !== undefined) patch.pollInterval = flags.poll === 'off' ? null : flags.poll;
  if (flags.secret === false) patch.webhookSecret = null;
  if (secretFromStdin !== undefined) patch.webhookSecret = secretFromStdin;
  const settings: NonNullable<PatchProjectRequest['settings']> = {};
  if (flags.autoCancel !== undefined) settings.autoCancel = flags.autoCancel;
  if (flags.maxConcurrentRuns !== undefined) settings.maxConcurrentRuns = flags.maxConcurrentRuns === 'none' ? null : integerFlag('max-concurrent-runs', flags.maxConcurrentRuns)!;
  const priority = integerFlag('priority', flags.priority);
  if (priority !== undefined) settings.priority = priority;
  if (flags.protect !== undefined) settings.protectedEnvironments = flags.protect === 'none' ? [] : flags.protect.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (flags.public !== undefined) settings.public = flags.public;
  if (Object.keys(settings).length > 0) patch.settings = settings;
  if (Object.keys(patch).length === 0) throw new GantryError('CONFIG_INVALID', 'nothing to change: give at least one flag (see gantry project set --help)');
  return patch;
}

export async function projectSetCommand(name: string, flags: ProjectSetFlags): Promise<number> {
  if (flags.secretStdin && flags.secret === false) throw new GantryError('CONFIG_INVALID', 'give --secret-stdin or --no-secret, not both');
  // The secret never goes in argv (shell history, `ps`): stdin only, one trailing newline dropped.
  const secret = flags.secretStdin ? (await text(process.stdin)).replace(/\r?\n$/, '') : undefined;
  if (secret === '') throw new GantryError('CONFIG_INVALID', '--secret-stdin: stdin was empty (use --no-secret to remove the secret)');
  const patch = setRequest(flags, secret);
  const { server, call } = connect(flags);
  const project = await call((api) => api.projects.update(name, patch));
  process.stdout.write(flags.json ? JSON.stringify(project, null, 2) + '\n' : describeProject(project, server));
  return EXIT.ok;
}

export async function projectRmCommand(name: string, flags: ClientFlags & { yes?: boolean }): Promise<number> {
  if (!flags.yes) {
    throw new GantryError('CONFIG_INVALID', `deleting ${name} also deletes its runs, logs and webhook deliveries: pass --yes to confirm`, {
      details: { hint: `gantry project rm ${name} --yes` },
    });
  }
  await connect(flags).call((api) => api.projects.remove(name));
  process.stdout.write(`deleted project ${name} with its runs, logs, deliveries and mirror\n`);
  return EXIT.ok;
}
