// Wire types of the API routes the UI uses that src/api-client does not describe yet (the latest run
// per branch). The server's zod schemas are the source of truth (docs/api.md).
import type { RunView } from '../../src/api-client/types.js';

/** `GET /api/v1/branches`: the newest run of each branch or tag of every project the caller may read. */
export interface BranchSummary {
  projects: { project: string; repoUrl: string; runs: RunView[] }[];
}
