import type { Project, Run, RunStore } from '../store/index.js';
import { groupOf, takenFrom, takenReason } from './concurrency-groups.js';
import type { EngineLogger } from './run-recorder.js';
import { supersededBy, supersededReason } from './supersede.js';

export interface AutoCancelDeps {
  runs: RunStore;
  logger: EngineLogger;
  /** The run service's cancel (stored and executing runs alike; idempotent). */
  cancel: (runId: number, reason: string) => Promise<unknown>;
}

/**
 * Cancels older runs on behalf of newer queued ones, once per queued run seen:
 * - auto-cancel (project setting `autoCancel`): older runs on the same branch (see supersede.ts);
 * - concurrency groups with `cancelInProgress`: older queued runs and the holder of the group.
 *
 * Called by admission on every pass with the queued runs; a run already checked is not checked
 * again while it stays queued. The checked set is only a shortcut: after a restart every queued run
 * is checked again, and cancel is idempotent, so a crash between a new run's arrival and its cancels
 * loses nothing. Not reentrant (admission runs one pass at a time).
 */
export class AutoCanceler {
  readonly #deps: AutoCancelDeps;
  #superseded = new Set<number>();
  #taken = new Set<number>();

  constructor(deps: AutoCancelDeps) {
    this.#deps = deps;
  }

  /** Returns the ids of the runs it canceled (admission must not start them). */
  async pass(queued: readonly Run[], projects: ReadonlyMap<number, Project>, running: () => Promise<Run[]>): Promise<Set<number>> {
    const canceled = new Set<number>();
    await this.#supersede(queued, projects, canceled);
    await this.#takeGroups(queued, running, canceled);
    return canceled;
  }

  async #supersede(queued: readonly Run[], projects: ReadonlyMap<number, Project>, canceled: Set<number>): Promise<void> {
    const checked = new Set<number>();
    for (const run of queued) {
      checked.add(run.id);
      if (this.#superseded.has(run.id) || canceled.has(run.id) || !projects.get(run.projectId)?.settings.autoCancel) continue;
      for (const older of await supersededBy(this.#deps.runs, run)) {
        await this.#cancel(older, supersededReason(run), run, canceled);
      }
    }
    this.#superseded = checked;
  }

  /** Newest first, so the newest run of a group takes it and the older queued ones take nothing. */
  async #takeGroups(queued: readonly Run[], running: () => Promise<Run[]>, canceled: Set<number>): Promise<void> {
    const checked = new Set<number>();
    const takers = [...queued].sort((a, b) => b.number - a.number || b.id - a.id);
    for (const run of takers) {
      checked.add(run.id);
      if (this.#taken.has(run.id) || canceled.has(run.id) || !groupOf(run)?.cancelInProgress) continue;
      const candidates = [...queued, ...(await running())].filter((other) => !canceled.has(other.id));
      for (const older of takenFrom(run, candidates)) {
        await this.#cancel(older, takenReason(groupOf(run)!.group, run), run, canceled);
      }
    }
    this.#taken = checked;
  }

  async #cancel(victim: Run, reason: string, by: Run, canceled: Set<number>): Promise<void> {
    try {
      await this.#deps.cancel(victim.id, reason);
      canceled.add(victim.id);
      this.#deps.logger.info({ runId: victim.id, by: by.id }, reason);
    } catch (err) {
      this.#deps.logger.warn({ err, runId: victim.id }, `could not cancel run #${victim.number} (${reason})`);
    }
  }
}
