// Live views of the API (SSE); reconnecting is in reconnect.ts.
import type { RunList } from '../../src/api-client/types.js';
import { path, readSse } from './api.js';

/** A project's runs list live (`event: runs` snapshots from `…/stream`, the runs list's filters in `search`). */
export function followProjectRuns(project: string, search: string, onList: (list: RunList) => void, signal: AbortSignal): Promise<void> {
  return readSse(`/api/v1/projects/${path(project)}/stream${search ? `?${search}` : ''}`, (e) => {
    if (e.event === 'runs') onList(JSON.parse(e.data) as RunList);
  }, signal);
}
