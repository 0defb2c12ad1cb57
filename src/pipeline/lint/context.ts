import type { Diagnostic } from '../../core/index.js';
import { formatPath } from '../../core/index.js';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../diagnostic-codes.js';
import type { PathPart, YamlPositions } from '../yaml-positions.js';

/**
 * Where in the source a problem is shown: the value (default), the key, a character inside the
 * string value, or an absolute source offset.
 */
export type Anchor = 'value' | 'key' | { offset: number } | { source: number };

export interface Problem {
  code: DiagnosticCode;
  path: readonly PathPart[];
  message: string;
  hint?: string | undefined;
  at?: Anchor;
}

/**
 * What every lint check receives. `root` is the document as plain data, NOT yet known to be valid:
 * checks run even when the schema found errors (so all problems are reported at once), and must
 * therefore look at values defensively (see the `as*` helpers below).
 */
export interface LintContext {
  root: unknown;
  positions: YamlPositions;
  report(problem: Problem): void;
}

export type LintCheck = (ctx: LintContext) => void;

export function toDiagnostic(file: string, positions: YamlPositions, p: Problem): Diagnostic {
  const at = p.at ?? 'value';
  const pos =
    at === 'value'
      ? positions.locate(p.path)
      : at === 'key'
        ? positions.locateKey(p.path)
        : 'source' in at
          ? positions.at(at.source)
          : positions.locateInScalar(p.path, at.offset);
  const d: Diagnostic = {
    code: p.code,
    severity: DIAGNOSTIC_CODES[p.code].severity,
    message: p.message,
    file,
    line: pos.line,
    column: pos.column,
    path: formatPath(p.path),
  };
  if (p.hint) d.hint = p.hint;
  return d;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asRecord = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `needs` as written: a string or a list; other shapes are the schema's business. */
export function needsOf(job: unknown): { name: string; index: number | undefined }[] {
  const needs = asRecord(job).needs;
  if (typeof needs === 'string') return [{ name: needs, index: undefined }];
  return asArray(needs).flatMap((n, index) => (typeof n === 'string' ? [{ name: n, index }] : []));
}

export function jobsOf(root: unknown): [string, Record<string, unknown>][] {
  return Object.entries(asRecord(asRecord(root).jobs)).flatMap(([k, v]) => (isRecord(v) ? [[k, v] as [string, Record<string, unknown>]] : []));
}

/** How a path reads in a message: `job 'test'`, `'needs' in job 'test'`, `step 2 of job 'test'`. */
export function describePath(path: readonly PathPart[]): string {
  if (path.length === 0) return 'the pipeline file';
  if (path[0] === 'jobs' && path.length >= 2) {
    const job = `job '${String(path[1])}'`;
    if (path[2] === 'steps' && typeof path[3] === 'number') {
      const step = `step ${path[3] + 1} of ${job}`;
      return path.length > 4 ? `'${formatPath(path.slice(4))}' in ${step}` : step;
    }
    return path.length > 2 ? `'${formatPath(path.slice(2))}' in ${job}` : job;
  }
  return `'${formatPath(path)}'`;
}
