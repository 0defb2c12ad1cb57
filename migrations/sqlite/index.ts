import type { Migration } from 'kysely';
import * as m0001 from './0001-projects-runs.js';
import * as m0002 from './0002-logs-tokens-state.js';
import * as m0003 from './0003-accounts.js';
import * as m0004 from './0004-secrets.js';
import * as m0005 from './0005-delivery-replays.js';
import * as m0006 from './0006-approvals.js';
import * as m0007 from './0007-agent-tokens.js';
import * as m0008 from './0008-artifacts-caches.js';

/**
 * Every SQLite migration, imported statically (the CLI is bundled with esbuild: no directory
 * scanning at run time). Forward-only: never edit or remove an entry once released; add the next
 * number. Names sort in order of application.
 */
export const SQLITE_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-projects-runs': m0001,
  '0002-logs-tokens-state': m0002,
  '0003-accounts': m0003,
  '0004-secrets': m0004,
  '0005-delivery-replays': m0005,
  '0006-approvals': m0006,
  '0007-agent-tokens': m0007,
  '0008-artifacts-caches': m0008,
});
