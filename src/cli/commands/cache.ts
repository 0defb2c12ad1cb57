import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../render/table.js';
import { size } from './artifacts.js';
import { positiveInt } from './runs.js';

/** `gantry cache ls|rm`: a project's cache entries, through the API client (docs/artifacts.md). */

export interface CacheListFlags extends ClientFlags {
  json?: boolean;
}

export async function cacheListCommand(project: string, flags: CacheListFlags): Promise<number> {
  const list = await connect(flags).call((api) => api.caches.list(project));
  if (flags.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
  else if (list.caches.length === 0) process.stdout.write(`${project} has no cache entries\n`);
  else {
    const rows = [['ID', 'SCOPE', 'KEY', 'SIZE', 'LAST USED']];
    for (const c of list.caches) rows.push([String(c.id), c.scope, c.key, size(c.sizeBytes), c.lastUsedAt.replace('T', ' ').slice(0, 16)]);
    process.stdout.write(formatTable(rows));
    process.stdout.write(`${list.caches.length} entries, ${size(list.totalBytes)}\n`);
  }
  return EXIT.ok;
}

export async function cacheRemoveCommand(project: string, id: string, flags: ClientFlags): Promise<number> {
  const entry = positiveInt('ID', id);
  if (entry === undefined) throw new GantryError('CONFIG_INVALID', 'ID: expected a cache entry id (gantry cache ls)');
  await connect(flags).call((api) => api.caches.remove(project, entry));
  process.stdout.write(`deleted cache entry ${entry} of ${project}\n`);
  return EXIT.ok;
}
