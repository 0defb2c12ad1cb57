import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AgentCheckout } from '../port.js';

const run = promisify(execFile);

/**
 * A remote agent has no repo mirrors (those live on the server): it fetches the one commit its job
 * needs straight from the project's repository URL into the (empty) workspace. The agent's machine
 * needs read access to that URL (git's own credentials: SSH keys, credential helpers).
 */
export async function gitCheckout(spec: AgentCheckout, dir: string, signal: AbortSignal): Promise<void> {
  const git = (args: string[]) => run('git', args, { cwd: dir, signal, timeout: 10 * 60_000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  await git(['init', '--quiet']);
  await git(['fetch', '--quiet', '--depth', '1', '--', spec.repoUrl, spec.sha]);
  await git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', 'FETCH_HEAD', '--']);
}
