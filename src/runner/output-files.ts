import { readFile } from 'node:fs/promises';

/** Largest $GANTRY_OUTPUT / $GANTRY_ENV file read; the rest is ignored with a note. */
export const MAX_FILE_BYTES = 1024 * 1024;

const OUTPUT_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names a step may not export: Gantry sets them per step. */
const RESERVED_ENV = new Set(['GANTRY_OUTPUT', 'GANTRY_ENV']);

export type FileKind = 'output' | 'env';

export interface ParsedFile {
  values: Record<string, string>;
  /** Human-readable notes about lines that were ignored (shown as system log lines). */
  problems: string[];
}

/**
 * Parses the files steps write to pass values on: `key=value` lines, and the multi-line form
 *
 *     key<<DELIM
 *     line 1
 *     line 2
 *     DELIM
 *
 * Total: any text yields values plus problems (bad keys, missing delimiters), never an exception.
 * A later line for the same key wins.
 */
export function parseKeyValueFile(text: string, kind: FileKind): ParsedFile {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const problems: string[] = [];
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.at(-1) === '') lines.pop();
  const validKey = kind === 'output' ? OUTPUT_KEY : ENV_KEY;
  const checkKey = (key: string, lineNo: number): boolean => {
    if (!validKey.test(key)) {
      problems.push(`line ${lineNo}: invalid ${kind} name ${JSON.stringify(key.slice(0, 80))} (ignored)`);
      return false;
    }
    if (kind === 'env' && RESERVED_ENV.has(key)) {
      problems.push(`line ${lineNo}: ${key} is set by Gantry and cannot be exported (ignored)`);
      return false;
    }
    return true;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const key = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      const end = delimiter === '' ? -1 : lines.indexOf(delimiter, i + 1);
      if (end < 0) {
        problems.push(`line ${i + 1}: ${JSON.stringify(key.slice(0, 80))} starts a multi-line value, but its delimiter ${JSON.stringify(delimiter)} never comes (ignored the rest of the file)`);
        break;
      }
      if (checkKey(key, i + 1)) values[key] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    if (eq <= 0) {
      problems.push(`line ${i + 1}: expected key=value or key<<DELIMITER (ignored)`);
      continue;
    }
    const key = line.slice(0, eq);
    if (checkKey(key, i + 1)) values[key] = line.slice(eq + 1);
  }
  return { values: { ...values }, problems };
}

/** Reads and parses one such file; a missing file is an empty one. */
export async function readKeyValueFile(path: string, kind: FileKind): Promise<ParsedFile> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { values: {}, problems: [] };
    throw err;
  }
  const truncated = buffer.length > MAX_FILE_BYTES;
  const parsed = parseKeyValueFile(buffer.subarray(0, MAX_FILE_BYTES).toString('utf8'), kind);
  if (truncated) parsed.problems.push(`the file is larger than ${MAX_FILE_BYTES} bytes; the rest was ignored`);
  return parsed;
}
