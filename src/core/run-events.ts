import type { Status } from './status.js';

/**
 * Typed events of one run, in the order they happen. The CLI renders them (tree, lines, --json);
 * the server will store and fan them out. `seq` is per run, strictly increasing; `ts` is epoch ms.
 * Log lines have already passed secret masking when they become events.
 */
export type RunEvent =
  | { type: 'run:started'; seq: number; ts: number; jobs: { id: string; name: string; needs: string[] }[] }
  | { type: 'job:skipped'; seq: number; ts: number; job: string; reason: string }
  | { type: 'job:started'; seq: number; ts: number; job: string; attempt: number }
  | { type: 'job:retrying'; seq: number; ts: number; job: string; attempt: number; delayMs: number; reason: string }
  | {
      type: 'job:finished';
      seq: number;
      ts: number;
      job: string;
      status: Status;
      attempt: number;
      durationMs: number;
      reason?: string;
      outputs: Record<string, string>;
    }
  | { type: 'step:started'; seq: number; ts: number; job: string; step: number; name: string }
  | {
      type: 'step:finished';
      seq: number;
      ts: number;
      job: string;
      step: number;
      name: string;
      status: Status;
      durationMs: number;
      exitCode?: number;
      reason?: string;
    }
  | { type: 'log'; seq: number; ts: number; job: string; step: number; stream: 'stdout' | 'stderr' | 'system'; line: string }
  | { type: 'run:finished'; seq: number; ts: number; status: Status; durationMs: number; jobs: Record<string, Status>; reason?: string };

export type RunEventType = RunEvent['type'];

/** An event before the engine stamps it with `seq` and `ts`. */
export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'seq' | 'ts'> : never) : never;
