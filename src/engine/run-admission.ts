import type { Clock } from '../core/index.js';
import type { Project, Run, Store } from '../store/index.js';
import { groupHolders, groupOf, groupWaits } from './concurrency-groups.js';
import { pickNext, type QueueCandidate } from './queue/pick-next.js';
import { priorityClassOf } from './queue/priority-class.js';
import type { AutoCanceler } from './run-auto-cancel.js';

export interface AdmissionDeps {
  store: Pick<Store, 'runs' | 'projects'>;
  clock: Clock;
  agingStepMs: number;
  /** Runs running at once over all projects; null = no limit. */
  globalLimit: number | null;
  autoCancel: AutoCanceler;
  /** False once the service stops taking work: the pass ends. */
  accepting(): boolean;
  /** Runs executing in this process, with their projects (limits and fair share count these). */
  active(): ReadonlyMap<number, { projectId: number }>;
  /** Executes a run the pass just set `running`. */
  launch(run: Run, project: Project): void;
}

type Candidate = QueueCandidate & { run: Run };

/**
 * One admission pass: starts queued runs in the queue policy's order while the limits allow, and
 * stores why the others wait. Order of checks for each queued run:
 *  1. auto-cancel and concurrency-group cancelInProgress (the AutoCanceler) — canceled runs drop out;
 *  2. concurrency groups: a run whose group is held, or that has an older queued run of its group,
 *     waits (concurrency-groups.ts); holders come from the store's `running` runs, so they survive
 *     a restart;
 *  3. pickNext over the rest: priority classes with aging, project priority, fair share, global
 *     and per-project limits.
 * A run starts by compare-and-set (`queued` → `running`), so two services on one store never start
 * the same run twice. (Two services could still each start a different run of one group: the group
 * check is not part of that compare-and-set. One service per store is the supported setup.)
 * Not reentrant: the service runs one pass at a time.
 */
export async function admitQueuedRuns(deps: AdmissionDeps): Promise<void> {
  const { store } = deps;
  const active = deps.active();
  const queued = (await store.runs.listByStatus(['queued'], { limit: 1000 })).filter((run) => run.plan !== null && !active.has(run.id));
  if (queued.length === 0) return;
  const projects = await projectsOf(deps, queued);
  let running: Promise<Run[]> | undefined;
  const runningRuns = () => (running ??= store.runs.listByStatus(['running']));
  const canceled = await deps.autoCancel.pass(queued, projects, runningRuns);
  // A canceled holder that did not execute here ended in the store just now: look again.
  if (canceled.size > 0) running = undefined;
  const live = queued.filter((run) => projects.has(run.projectId) && !canceled.has(run.id));

  const waits = live.some((run) => groupOf(run)) ? groupWaits(live, groupHolders(await runningRuns())) : new Map<number, string>();
  await storeReasons(deps, live.filter((run) => waits.has(run.id)).map((run) => ({ run, reason: waits.get(run.id)! })));

  let candidates = live.filter((run) => !waits.has(run.id)).map((run) => candidate(run, projects.get(run.projectId)!));
  while (candidates.length > 0 && deps.accepting()) {
    const { next, reasons } = pickNext(candidates, deps.clock.now(), runningCounts(deps.active()), {
      agingStepMs: deps.agingStepMs,
      globalLimit: deps.globalLimit,
      projectLimit: (id) => projects.get(id)?.settings.maxConcurrentRuns,
      agentLabels: [],
      noun: 'run',
    });
    if (!next) {
      await storeReasons(deps, candidates.map((c) => ({ run: c.run, reason: reasons.get(c.key) })));
      return;
    }
    // Only the oldest queued run of a group is a candidate, so starting it cannot overlap its group.
    candidates = candidates.filter((c) => c !== next);
    const started = await store.runs.update(next.run.id, { status: 'running', reason: null }, { ifStatus: ['queued'] });
    if (started && deps.accepting()) deps.launch(started, projects.get(started.projectId)!);
  }
}

async function projectsOf(deps: AdmissionDeps, runs: readonly Run[]): Promise<Map<number, Project>> {
  const projects = new Map<number, Project>();
  for (const run of runs) {
    if (projects.has(run.projectId)) continue;
    const project = await deps.store.projects.getById(run.projectId);
    if (project) projects.set(project.id, project);
  }
  return projects;
}

function candidate(run: Run, project: Project): Candidate {
  return {
    key: String(run.id),
    projectId: run.projectId,
    priorityClass: priorityClassOf({ kind: run.trigger.kind, branch: run.branch, defaultBranch: project.defaultBranch }),
    projectPriority: project.settings.priority,
    enqueuedAt: run.createdAt,
    runOrder: run.id,
    rank: 0,
    seq: run.id,
    labels: [],
    run,
  };
}

function runningCounts(active: ReadonlyMap<number, { projectId: number }>): { total: number; byProject: Map<number, number> } {
  const byProject = new Map<number, number>();
  for (const run of active.values()) byProject.set(run.projectId, (byProject.get(run.projectId) ?? 0) + 1);
  return { total: active.size, byProject };
}

/** Stores changed wait reasons; a run that left `queued` meanwhile is not touched. */
async function storeReasons(deps: AdmissionDeps, waiting: readonly { run: Run; reason: string | undefined }[]): Promise<void> {
  for (const { run, reason } of waiting) {
    if (reason === undefined || reason === run.reason) continue;
    await deps.store.runs.update(run.id, { reason }, { ifStatus: ['queued'] });
  }
}
