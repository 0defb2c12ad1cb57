import type { GitEvent } from '../../pipeline/index.js';
import type { Project, Run, RunStore } from '../../store/index.js';

/** How many of a branch's newest push runs (of a tag's newest tag runs) a push is compared with. */
export const SAME_PUSH_WINDOW = { branch: 5, tag: 20 } as const;

/**
 * One push, one run, whichever way it reaches the server. A push can arrive by its webhook (forge or
 * post-receive hook), by polling (which also catches lost webhooks), and by a second webhook set up
 * for the same repository; delivery ids only dedupe the same delivery twice. So a push or tag event
 * whose commit one of the ref's newest runs already built makes no run: `{ created: false, reason }`
 * naming that run. Manual, API and cron events always make a run (they are explicit requests), as
 * do delivery replays (the run creator's `explicit` option skips this guard), retries (engine) and
 * pull requests.
 *
 * The window is the ref's newest runs, not its whole history: a branch force-pushed back to a commit
 * built long ago (more than SAME_PUSH_WINDOW runs back) builds it again.
 *
 * Concurrency: calls for one (project, ref, commit) run one after the other in this process, so a
 * webhook and a poll, or two webhooks, arriving together still make one run. Two server processes
 * on one store can each make one (one server per store is the supported setup).
 */
export type NoRun = { created: false; reason: string };

export interface SamePushGuard {
  once<T>(project: Project, event: GitEvent, create: () => Promise<T>): Promise<T | NoRun>;
}

export function createSamePushGuard(runs: Pick<RunStore, 'list'>): SamePushGuard {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async once<T>(project: Project, event: GitEvent, create: () => Promise<T>): Promise<T | NoRun> {
      const key = keyOf(project, event);
      if (key === undefined) return create();
      const previous = tails.get(key) ?? Promise.resolve();
      const mine = previous.then(async (): Promise<T | NoRun> => {
        const built = await runOfSamePush(runs, project.id, event);
        return built ? { created: false as const, reason: sameReason(event, built) } : create();
      });
      const tail = mine.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await mine;
      } finally {
        // The last caller of a key forgets it: no memory for pushes long done.
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}

function keyOf(project: Project, event: GitEvent): string | undefined {
  if (event.sha === '') return undefined;
  if (event.name === 'push' && event.branch) return `${project.id}\0refs/heads/${event.branch}\0${event.sha}`;
  if (event.name === 'tag' && event.tag) return `${project.id}\0refs/tags/${event.tag}\0${event.sha}`;
  return undefined;
}

async function runOfSamePush(runs: Pick<RunStore, 'list'>, projectId: number, event: GitEvent): Promise<Run | undefined> {
  if (event.name === 'tag') {
    const { runs: page } = await runs.list(projectId, { event: 'tag', limit: SAME_PUSH_WINDOW.tag });
    return page.find((r) => r.tag === event.tag && r.sha === event.sha);
  }
  const { runs: page } = await runs.list(projectId, { branch: event.branch!, event: 'push', limit: SAME_PUSH_WINDOW.branch });
  return page.find((r) => r.sha === event.sha);
}

function sameReason(event: GitEvent, run: Run): string {
  const ref = event.name === 'tag' ? `tag ${event.tag}` : `branch ${event.branch}`;
  return `commit ${event.sha.slice(0, 12)} of ${ref} already has run #${run.number} (a push is built once, however it arrives)`;
}
