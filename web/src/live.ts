// Live views of the API (SSE); reconnecting is in reconnect.ts.
import type { RunList } from '../../src/api-client/types.js';
import { path, readSse } from './api.js';
import type { BranchSummary } from './api-types.js';

/** A project's runs list live (`event: runs` snapshots from `…/stream`, the runs list's filters in `search`). */
export function followProjectRuns(project: string, search: string, onList: (list: RunList) => void, signal: AbortSignal): Promise<void> {
  return readSse(`/api/v1/projects/${path(project)}/stream${search ? `?${search}` : ''}`, (e) => {
    if (e.event === 'runs') onList(JSON.parse(e.data) as RunList);
  }, signal);
}

/** The latest run per branch of every project live (`event: branches` snapshots from `/branches/stream`). */
export function followBranches(limit: number, onSummary: (summary: BranchSummary) => void, signal: AbortSignal): Promise<void> {
  return readSse(`/api/v1/branches/stream?limit=${limit}`, (e) => {
    if (e.event === 'branches') onSummary(JSON.parse(e.data) as BranchSummary);
  }, signal);
}
