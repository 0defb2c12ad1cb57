import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Remembers how long each job took in earlier `gantry exec` runs, so the engine can start the
 * longest chain first (critical path). Stored in `<git dir>/gantry/durations.json`; outside a git
 * repository nothing is remembered. A smoothed average keeps one odd run from dominating.
 */
export interface DurationStore {
  read(): Promise<Record<string, number>>;
  update(observed: Record<string, number>): Promise<void>;
}

const WEIGHT_NEW = 0.5;
const MAX_ENTRIES = 2000;

export function durationsFile(gitDir: string | undefined): string | undefined {
  return gitDir ? join(gitDir, 'gantry', 'durations.json') : undefined;
}

export function createDurationStore(file: string | undefined): DurationStore {
  return {
    async read() {
      if (!file) return {};
      try {
        const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
        return sanitize(parsed);
      } catch {
        return {};
      }
    },
    async update(observed) {
      if (!file || Object.keys(observed).length === 0) return;
      const merged = mergeDurations(await this.read(), observed);
      try {
        await mkdir(dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(merged) + '\n');
        await rename(tmp, file);
      } catch {
        // Estimates are an optimisation: a read-only .git must not fail the run.
      }
    },
  };
}

export function mergeDurations(previous: Record<string, number>, observed: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = { ...previous };
  for (const [job, ms] of Object.entries(observed)) {
    const old = out[job];
    out[job] = Math.round(old === undefined ? ms : old * (1 - WEIGHT_NEW) + ms * WEIGHT_NEW);
  }
  const keys = Object.keys(out);
  if (keys.length > MAX_ENTRIES) for (const key of keys.slice(0, keys.length - MAX_ENTRIES)) delete out[key];
  return out;
}

function sanitize(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [key, ms] of Object.entries(value)) if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) out[key] = ms;
  return out;
}
