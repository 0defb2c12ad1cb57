import { join } from 'node:path';
import { ManualClock, type Clock } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { createRepoMirrors, type RepoMirrors } from '../repos/index.js';
import { createTestOrigin, type TestOrigin } from '../repos/test-origin.js';
import { createRunFromEvent, type CreateRunFromEvent } from '../runs/index.js';
import type { ScheduleLogger } from './tick-loop.js';

export interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

/** Tests only: a logger that keeps what it was told, to assert what an operator would see. */
export function collectingLogger(): ScheduleLogger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at = (level: LoggedLine['level']) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? '' });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Tests only: a real SQLite store, a real origin repository, real mirrors and the real run creator. */
export interface ScheduleWorld {
  clock: ManualClock;
  store: Store;
  origin: TestOrigin;
  repos: RepoMirrors;
  createRun: CreateRunFromEvent;
  logger: ReturnType<typeof collectingLogger>;
  cleanup(): Promise<void>;
}

/** A temp store the test opens (only composition roots and tests pick a store driver). */
export type OpenTempStore = (clock: Clock) => Promise<{ store: Store; cleanup(): Promise<void> }>;

export async function createScheduleWorld(start: string, openStore: OpenTempStore): Promise<ScheduleWorld> {
  const clock = new ManualClock(Date.parse(start));
  const origin = createTestOrigin();
  let temp: Awaited<ReturnType<OpenTempStore>>;
  try {
    temp = await openStore(clock);
  } catch (err) {
    origin.cleanup();
    throw err;
  }
  const repos = createRepoMirrors({ dataDir: join(origin.scratch, 'data'), clock });
  const createRun = createRunFromEvent({ store: temp.store, repos, clock });
  return {
    clock,
    store: temp.store,
    origin,
    repos,
    createRun,
    logger: collectingLogger(),
    async cleanup() {
      await temp.cleanup();
      origin.cleanup();
    },
  };
}
