import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GantryError } from '../core/index.js';

/** A config file's settings, keyed as in the schema (camelCase). */
export interface ConfigFile {
  readonly path: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** Reads a YAML or JSON config file (`.json` is parsed strictly as JSON; anything else as YAML, a superset). */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GantryError('CONFIG_INVALID', `cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new GantryError('CONFIG_INVALID', `config file ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null || parsed === undefined) return { path, values: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new GantryError('CONFIG_INVALID', `config file ${path} must hold a mapping of settings (key: value)`);
  }
  return { path, values: parsed as Record<string, unknown> };
}
