import { readFile } from 'node:fs/promises';
import { GantryError } from '../core/index.js';

/** Prefix of environment variables that carry secrets into `gantry exec`. */
export const SECRET_ENV_PREFIX = 'GANTRY_SECRET_';

/**
 * Parses a dotenv-style secrets file: `KEY=VALUE` lines, `#` comments, blank lines, an optional
 * `export ` prefix, and values in single or double quotes (double quotes understand \n, \t, \\, \").
 * A double-quoted value may span lines, so multi-line secrets (keys, certificates) fit.
 */
export function parseSecretFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      throw new GantryError('CONFIG_INVALID', `${file}:${i + 1}: expected KEY=VALUE`, { details: { file, line: i + 1 } });
    }
    const key = match[1]!;
    let value = match[2]!;
    if (value.startsWith('"')) {
      let body = value.slice(1);
      while (!endsWithUnescapedQuote(body) && i + 1 < lines.length) body += '\n' + lines[++i]!;
      if (!endsWithUnescapedQuote(body)) {
        throw new GantryError('CONFIG_INVALID', `${file}:${i + 1}: unterminated double quote for ${key}`, { details: { file } });
      }
      value = unescapeDouble(body.slice(0, -1));
    } else if (value.startsWith("'")) {
      if (!value.endsWith("'") || value.length < 2) {
        throw new GantryError('CONFIG_INVALID', `${file}:${i + 1}: unterminated single quote for ${key}`, { details: { file } });
      }
      value = value.slice(1, -1);
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[key] = value;
  }
  return out;
}

function endsWithUnescapedQuote(text: string): boolean {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith('"')) return false;
  let backslashes = 0;
  for (let i = trimmed.length - 2; i >= 0 && trimmed[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

function unescapeDouble(text: string): string {
  return text.trimEnd().replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export async function readSecretFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GantryError('CONFIG_INVALID', `cannot read secret file ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseSecretFile(text, file);
}

/** Secrets given as `GANTRY_SECRET_<NAME>` environment variables, by NAME. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(SECRET_ENV_PREFIX) && key.length > SECRET_ENV_PREFIX.length && value !== undefined) {
      out[key.slice(SECRET_ENV_PREFIX.length)] = value;
    }
  }
  return out;
}

/** The host environment handed to steps, without the secret carriers. */
export function hostEnvWithoutSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !key.startsWith(SECRET_ENV_PREFIX)) out[key] = value;
  }
  return out;
}
