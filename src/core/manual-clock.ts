import type { Clock } from './clock.js';

/**
 * A Clock that only moves when told to: for tests (exact timestamps, cron at a given instant).
 * `sleep` advances it and resolves at once. Starts at 2024-01-01T00:00Z unless given a time.
 */
export class ManualClock implements Clock {
  constructor(public time = Date.UTC(2024, 0, 1)) {}
  now(): number {
    return this.time;
  }
  monotonic(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    this.time += ms;
    return Promise.resolve();
  }
  advance(ms: number): number {
    this.time += ms;
    return this.time;
  }
  /** Jumps to an ISO instant; returns the new time. */
  set(iso: string): number {
    this.time = Date.parse(iso);
    return this.time;
  }
}
