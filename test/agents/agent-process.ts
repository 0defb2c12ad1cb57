// Real `gantry agent` processes for the remote-agent tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { cleanEnv, GANTRY_BIN } from '../helpers/server-process.js';

export interface AgentProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts `gantry agent --server … --token … ARGS`; `registered` waits for its registration line. */
export function startAgentProcess(server: string, token: string, args: string[], env: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, [GANTRY_BIN, 'agent', '--server', server, '--token', token, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

/** Waits until the agent printed that it registered (or fails with what it printed). */
export async function registered(agent: AgentProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/agent \S+ registered/.test(agent.stderr())) {
    if (agent.child.exitCode !== null || Date.now() > deadline) throw new Error(`agent did not register:\n${agent.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
