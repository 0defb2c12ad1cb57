import { resolve } from 'node:path';
import { GantryError } from '../core/index.js';
import type { ConfigDomain, ConfigOf, DefaultContext, SettingDef, SettingDefs, SettingInfo } from './domain.js';
import { readConfigFile, type ConfigFile } from './config-file.js';
import { deepFreeze } from './deep-freeze.js';
import { closest } from './closest.js';

/**
 * Layers a domain's settings — defaults < config file < environment < flags — validates every value
 * that was given (not only the winning one, so a typo in the file is not hidden by a flag), and
 * returns the typed result deep-frozen. Every problem is reported at once, each naming the setting
 * and where its value came from.
 */
export interface ConfigSources {
  /** `--config FILE` (or GANTRY_CONFIG): read here. */
  readonly configFile?: string | undefined;
  /** An already read file (tests). */
  readonly file?: ConfigFile | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Flag values keyed by setting key (camelCase), as commander returns them; undefined = not given. */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly context: DefaultContext;
}

interface Candidate {
  readonly value: unknown;
  readonly source: string;
}

function show(value: unknown, secret: boolean): string {
  if (secret) return '(hidden)';
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

function candidates(info: SettingInfo, def: SettingDef, sources: ConfigSources, file: ConfigFile | undefined): Candidate[] {
  const out: Candidate[] = [];
  if (def.default !== undefined) {
    const value = typeof def.default === 'function' ? (def.default as (ctx: DefaultContext) => unknown)(sources.context) : def.default;
    out.push({ value, source: `default ${info.key}=${show(value, info.secret)}` });
  }
  const fromFile = file?.values[info.key];
  if (fromFile !== undefined && file) out.push({ value: fromFile, source: `${file.path}: ${info.key}=${show(fromFile, info.secret)}` });
  const fromEnv = sources.env?.[info.env];
  if (fromEnv !== undefined && fromEnv !== '') out.push({ value: fromEnv, source: `${info.env}=${show(fromEnv, info.secret)}` });
  const fromFlag = sources.flags?.[info.key];
  if (fromFlag !== undefined) out.push({ value: fromFlag, source: `--${info.flag}=${show(fromFlag, info.secret)}` });
  return out;
}

function unknownFileKeys(domain: ConfigDomain, file: ConfigFile | undefined): string[] {
  if (!file) return [];
  const known = domain.settings.map((s) => s.key);
  return Object.keys(file.values)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const guess = closest(key, known);
      return `${file.path}: unknown setting "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
    });
}

export function loadConfig<D extends SettingDefs>(domain: ConfigDomain<D>, sources: ConfigSources): ConfigOf<D> {
  const file = sources.file ?? (sources.configFile ? readConfigFile(sources.configFile) : undefined);
  const problems = unknownFileKeys(domain, file);
  const result: Record<string, unknown> = {};
  for (const info of domain.settings) {
    const def = domain.defs[info.key]!;
    let value: unknown;
    for (const candidate of candidates(info, def, sources, file)) {
      const parsed = def.schema.safeParse(candidate.value);
      if (parsed.success) value = parsed.data;
      else problems.push(`${candidate.source}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
    if (value !== undefined && def.path && typeof value === 'string') value = resolve(sources.context.cwd, value);
    result[info.key] = value;
  }
  if (problems.length > 0) {
    throw new GantryError('CONFIG_INVALID', `invalid ${domain.name} configuration:\n  ${problems.join('\n  ')}`, {
      details: { problems, hint: `\`gantry ${domain.name} --help\` lists every setting, its environment variable and default` },
    });
  }
  return deepFreeze(result) as ConfigOf<D>;
}
