import type { z } from 'zod';
import type { SettingShape } from './setting-kinds.js';

/** What a default may depend on: where the process runs, never the time or the network. */
export interface DefaultContext {
  readonly cwd: string;
  /** Whether stdout is a terminal (pretty logs by default there). */
  readonly isTty: boolean;
}

/**
 * One setting. The schema accepts the raw value (file value, or text from env/flags) and outputs
 * the typed one; the default is a raw value too, so it passes the same validation.
 */
export interface SettingDef<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly description: string;
  /** Placeholder in help and error text: HOST:PORT, DIR, DURATION… */
  readonly valueName: string;
  readonly default?: z.input<S> | ((ctx: DefaultContext) => z.input<S>);
  /** How help shows the default when it is computed (e.g. "pretty on a terminal, else json"). */
  readonly defaultText?: string;
  /** Never echoed in errors or help. */
  readonly secret?: boolean;
  /** A file system path: resolved against the working directory. */
  readonly path?: boolean;
  readonly shape?: SettingShape;
  /** The environment variable, when the one derived from the key would clash with another program's. */
  readonly env?: string;
}

export type SettingDefs = Readonly<Record<string, SettingDef>>;

/** Everything a user sees about one setting, derived from its key. */
export interface SettingInfo {
  readonly key: string;
  readonly env: string;
  /** Long flag without dashes, e.g. `data-dir`. */
  readonly flag: string;
  readonly description: string;
  readonly valueName: string;
  /** The default as help prints it, or undefined when the setting is unset by default. */
  readonly defaultText: string | undefined;
  readonly secret: boolean;
  readonly shape: SettingShape;
}

export interface ConfigDomain<D extends SettingDefs = SettingDefs> {
  /** e.g. `server`; used in messages. */
  readonly name: string;
  readonly defs: D;
  readonly settings: readonly SettingInfo[];
}

/** The frozen, typed configuration of a domain: settings without a default may be undefined. */
export type ConfigOf<D extends SettingDefs> = {
  readonly [K in keyof D]: D[K] extends { default: unknown } ? z.output<D[K]['schema']> : z.output<D[K]['schema']> | undefined;
};

export function envName(key: string): string {
  return `GANTRY_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

export function flagName(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function describeDefault(def: SettingDef): string | undefined {
  if (def.defaultText !== undefined) return def.defaultText;
  if (def.default === undefined) return undefined;
  if (def.secret) return '(hidden)';
  return String(def.default);
}

/** Declares a settings domain; env names and flags follow from the keys (dataDir → GANTRY_DATA_DIR, --data-dir) unless a setting names its env. */
export function defineDomain<const D extends SettingDefs>(name: string, defs: D): ConfigDomain<D> {
  const settings = Object.entries(defs).map(
    ([key, def]): SettingInfo => ({
      key,
      env: def.env ?? envName(key),
      flag: flagName(key),
      description: def.description,
      valueName: def.valueName,
      defaultText: describeDefault(def),
      secret: def.secret === true,
      shape: def.shape ?? 'value',
    }),
  );
  return Object.freeze({ name, defs, settings: Object.freeze(settings) });
}
