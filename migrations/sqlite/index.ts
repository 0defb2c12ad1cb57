import type { Migration } from 'kysely';
import * as m0001 from './0001-projects-runs.js';
import * as m0002 from './0002-logs-tokens-state.js';

/**
 * Every SQLite migration, imported statically (the CLI is bundled with esbuild: no directory
 * scanning at run time). Forward-only: never edit or remove an entry once released; add the next
 * number. Names sort in order of application.
 */
export const SQLITE_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-projects-runs': m0001,
  '0002-logs-tokens-state': m0002,
});
