import { createHash, randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where `gantry exec` keeps `cache:` entries and this run's `artifacts:`. Inside the repository's
 * git dir (`.git/gantry/`): one cache per clone with no id to invent, outside the working tree (so
 * `hashFiles`, `git status` and `paths: [.]` never see it), gone with the clone, next to the job
 * durations. Outside a repository: the user's cache dir, keyed by the directory. Artifacts only
 * serve later jobs of the same run, so each run has its own directory, removed at the end.
 */
export function execStorageDirs(gitDir: string | undefined, sourceDir: string, env: NodeJS.ProcessEnv): { cacheDir: string; artifactsDir: string } {
  const base =
    gitDir !== undefined
      ? join(gitDir, 'gantry')
      : join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gantry', 'exec', createHash('sha256').update(sourceDir).digest('hex').slice(0, 16));
  return { cacheDir: join(base, 'cache'), artifactsDir: join(base, 'artifacts', randomUUID()) };
}
