import { didYouMean } from '../suggest.js';
import type { PathPart } from '../yaml-positions.js';
import { describePath, type Problem } from './context.js';
import { allowedKeys, describeExpected, describeValue, schemaAt, unwrap, type SchemaLike } from './zod-describe.js';

/** The parts of a zod issue we read; zod's own types are a wide union we do not need. */
export interface Issue {
  code?: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  values?: unknown[];
  errors?: Issue[][];
  origin?: string;
  minimum?: number | bigint;
}

const MISSING_HINTS: Record<string, string> = {
  version: 'add `version: 1` at the top of the file',
  jobs: 'add a `jobs:` mapping with at least one job',
  steps: 'add `steps:` with at least one step, e.g. `- run: echo hello`',
};

function valueAt(root: unknown, path: readonly PathPart[]): unknown {
  let cur = root;
  for (const part of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[String(part)];
  }
  return cur;
}

const toPath = (p: PropertyKey[]): PathPart[] => p.map((x) => (typeof x === 'number' ? x : String(x)));

/**
 * How well a union branch fitted: the depth of its shallowest issue, plus a half when that issue is
 * not a type mismatch (the branch accepted the node's type but disliked its content). The best
 * branch is the one the user most likely meant.
 */
function branchRank(issues: Issue[]): number {
  let rank = Infinity;
  for (const i of issues) rank = Math.min(rank, i.path.length + (i.code === 'invalid_type' ? 0 : 0.5));
  return rank;
}

/** Turns zod issues into problems in user words. Unions collapse into one message. */
export function schemaProblems(issues: readonly Issue[], root: unknown, schema: SchemaLike): Problem[] {
  const out: Problem[] = [];
  const visit = (issue: Issue, base: PathPart[], baseSchema: SchemaLike): void => {
    const rel = toPath(issue.path);
    const path = [...base, ...rel];
    const here = schemaAt(baseSchema, rel);
    const value = valueAt(root, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys ?? []) out.push(unknownKey(path, key, allowedKeys(here)));
        return;
      case 'invalid_union': {
        const branches = (issue.errors ?? []).filter((b) => b.length > 0);
        const options = here ? ((unwrap(here)._zod.def.options as SchemaLike[] | undefined) ?? []) : [];
        let best = -1;
        let bestRank = 0;
        branches.forEach((b, i) => {
          const r = branchRank(b);
          if (r > bestRank || (r === bestRank && best >= 0 && b.length < branches[best]!.length)) {
            best = i;
            bestRank = r;
          }
        });
        const option = options[best];
        if (best >= 0 && option && branches.length === options.length) {
          for (const sub of branches[best]!) visit(sub, path, option);
          return;
        }
        out.push(wrongType(path, here, value));
        return;
      }
      case 'invalid_type':
        if (value === undefined && path.length > 0) out.push(missingKey(path));
        else out.push(wrongType(path, here, value));
        return;
      case 'invalid_value':
        out.push(value === undefined && path.length > 0 ? missingKey(path) : invalidValue(path, issue.values ?? [], value));
        return;
      case 'too_small':
        out.push(tooSmall(path, issue, value));
        return;
      default:
        out.push({ code: 'PIPELINE_WRONG_TYPE', path, message: `${describePath(path)}: ${issue.message}` });
    }
  };
  for (const issue of issues) visit(issue, [], schema);
  return out;
}

function unknownKey(path: PathPart[], key: string, allowed: string[] | undefined): Problem {
  const where = path.length === 0 ? 'at the top level' : `in ${describePath(path)}`;
  let hint = allowed ? didYouMean(key, allowed) : undefined;
  if (!hint && key === 'run' && path.length === 2 && path[0] === 'jobs') hint = 'commands go in steps: `steps: [{ run: ... }]`';
  if (!hint && allowed && allowed.length > 0) hint = `allowed keys: ${allowed.join(', ')}`;
  return { code: 'PIPELINE_UNKNOWN_KEY', path: [...path, key], message: `unknown key '${key}' ${where}`, hint, at: 'key' };
}

function missingKey(path: PathPart[]): Problem {
  const key = String(path[path.length - 1]);
  const parent = path.slice(0, -1);
  const where = parent.length === 0 ? 'at the top level' : `in ${describePath(parent)}`;
  return { code: 'PIPELINE_MISSING_KEY', path: parent, message: `missing required key '${key}' ${where}`, hint: MISSING_HINTS[key], at: 'key' };
}

function wrongType(path: PathPart[], schema: SchemaLike | undefined, value: unknown): Problem {
  if (path.length === 0) {
    return value === null || value === undefined
      ? { code: 'PIPELINE_MISSING_KEY', path, message: 'the pipeline file is empty', hint: 'start with `version: 1` and a `jobs:` mapping' }
      : { code: 'PIPELINE_WRONG_TYPE', path, message: `the pipeline file must be a mapping with 'version' and 'jobs', got ${describeValue(value)}` };
  }
  return { code: 'PIPELINE_WRONG_TYPE', path, message: `wrong type for ${describePath(path)}: expected ${describeExpected(schema)}, got ${describeValue(value)}` };
}

function invalidValue(path: PathPart[], values: unknown[], value: unknown): Problem {
  if (path.length === 1 && path[0] === 'version') {
    return { code: 'PIPELINE_BAD_VERSION', path, message: `unsupported pipeline version ${JSON.stringify(value)}`, hint: 'this Gantry understands `version: 1`' };
  }
  const list = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
  const hint = typeof value === 'string' ? didYouMean(value, values.filter((v): v is string => typeof v === 'string')) : undefined;
  return { code: 'PIPELINE_WRONG_TYPE', path, message: `${describePath(path)} must be one of ${list}, got ${describeValue(value)}`, hint };
}

function tooSmall(path: PathPart[], issue: Issue, value: unknown): Problem {
  if (Array.isArray(value)) {
    const last = path[path.length - 1];
    const hint = last === 'steps' ? MISSING_HINTS.steps : undefined;
    return { code: 'PIPELINE_WRONG_TYPE', path, message: `${describePath(path)} must not be empty`, hint };
  }
  return { code: 'PIPELINE_WRONG_TYPE', path, message: `${describePath(path)} must be at least ${String(issue.minimum)}, got ${describeValue(value)}` };
}
