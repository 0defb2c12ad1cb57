import { readFile } from 'node:fs/promises';
import { formatDiagnostic, GantryError, sortDiagnostics, type Diagnostic } from '../core/index.js';
import { compilePipeline, loadPipeline, type EventName, type GitEvent, type LoadedPipeline, type Plan } from '../pipeline/index.js';
import type { GitInfo } from './git-info.js';
import type { Style } from './render/style.js';

export const DEFAULT_PIPELINE_FILE = '.gantry.yml';

export async function readPipelineText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new GantryError('PIPELINE_NOT_FOUND', `no pipeline file at ${file}`, { details: { file }, cause: err });
    }
    throw new GantryError('SYSTEM_INTERNAL', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Event flags shared by `exec` and `plan`. */
export interface EventFlags {
  event?: string;
  branch?: string;
  tag?: string;
  input?: string[];
}

const CLI_EVENTS: readonly EventName[] = ['push', 'pull_request', 'tag', 'manual', 'cron', 'api'];

/** Builds the event to compile for: flags win over what git says. `--tag` alone means a tag event. */
export function buildEvent(flags: EventFlags, git: GitInfo, inputs: Record<string, string>): GitEvent {
  const name = (flags.event ?? (flags.tag ? 'tag' : 'push')) as EventName;
  if (!CLI_EVENTS.includes(name)) {
    throw new GantryError('CONFIG_INVALID', `--event must be one of ${CLI_EVENTS.join(', ')}, got "${flags.event}"`);
  }
  const event: GitEvent = {
    name,
    branch: flags.branch ?? git.branch,
    sha: git.sha,
    message: git.message,
    author: git.author,
    repository: git.repository,
    inputs,
  };
  if (flags.tag !== undefined) event.tag = flags.tag;
  if (name === 'pull_request') event.baseBranch = flags.branch ?? git.branch;
  return event;
}

export interface Compiled {
  plan?: Plan;
  loaded?: LoadedPipeline;
  diagnostics: Diagnostic[];
}

/** Loads and compiles; diagnostics from both stages, errors first in position order. */
export function loadAndCompile(text: string, file: string, event: GitEvent, only: string[] | undefined, options: { ignoreTrigger?: boolean } = {}): Compiled {
  const load = loadPipeline(text, file);
  if (!load.loaded) return { diagnostics: sortDiagnostics(load.diagnostics) };
  const compiled = compilePipeline(load.loaded, event, { ...options, ...(only && only.length > 0 ? { only } : {}) });
  const diagnostics = sortDiagnostics([...load.diagnostics, ...compiled.diagnostics]);
  return compiled.plan ? { plan: compiled.plan, loaded: load.loaded, diagnostics } : { loaded: load.loaded, diagnostics };
}

/** Diagnostics printed like a compiler's, with a count line at the end. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], style: Style): string {
  const lines = diagnostics.map((d) => {
    const text = formatDiagnostic(d);
    const [head, ...rest] = text.split('\n');
    const colored = d.severity === 'error' ? head!.replace(' error ', ` ${style.red('error')} `) : head!.replace(' warning ', ` ${style.yellow('warning')} `);
    return [style.bold(colored.split(': ')[0]!) + colored.slice(colored.indexOf(': ')), ...rest.map((r) => style.dim(r))].join('\n');
  });
  return lines.join('\n');
}

export function countLine(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/**
 * Reads, loads and compiles for the event the flags describe (git fills the rest). Diagnostics go to
 * stderr; resolves the plan, or undefined when the file has errors (exit code 3).
 */
export async function planFromFlags(file: string, flags: EventFlags & { job?: string[] }, style: Style): Promise<Plan | undefined> {
  const { readGitInfo } = await import('./git-info.js');
  const { parseKeyValues } = await import('./key-values.js');
  const inputs = parseKeyValues('--input', flags.input ?? []);
  const [git, text] = await Promise.all([readGitInfo(process.cwd()), readPipelineText(file)]);
  const compiled = loadAndCompile(text, file, buildEvent(flags, git, inputs), flags.job);
  if (compiled.diagnostics.length > 0) process.stderr.write(formatDiagnostics(compiled.diagnostics, style) + '\n');
  if (!compiled.plan) process.stderr.write(`${countLine(compiled.diagnostics)}\n`);
  return compiled.plan;
}
