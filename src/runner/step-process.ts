import { StringDecoder } from 'node:string_decoder';
import type { Backend, ExecResult, Workspace } from './backend.js';
import { createLineSplitter } from './line-splitter.js';
import { createMasker } from './masking/index.js';

export interface StepProcessRequest {
  backend: Backend;
  workspace: Workspace;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  timeoutMs?: number;
  killGraceMs?: number;
  signal: AbortSignal;
  /** Secret values to mask (already the plain values; forms are derived by the masker). */
  secrets: readonly string[];
  /** Receives each whole, masked line. */
  onLine(stream: 'stdout' | 'stderr', line: string): void;
}

/**
 * Runs one step's process through the backend and turns its raw output into whole, masked lines:
 * bytes → UTF-8 text (a character split across chunks is kept whole) → secret masker → line
 * splitter. Each stream has its own pipeline. Rejects only when the backend could not start it.
 */
export async function runStepProcess(request: StepProcessRequest): Promise<ExecResult> {
  const pipes = {
    stdout: outputPipe(request.secrets, (line) => request.onLine('stdout', line)),
    stderr: outputPipe(request.secrets, (line) => request.onLine('stderr', line)),
  };
  const execRequest = {
    workspace: request.workspace,
    argv: request.argv,
    env: request.env,
    cwd: request.cwd,
    signal: request.signal,
    ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    ...(request.killGraceMs !== undefined ? { killGraceMs: request.killGraceMs } : {}),
  };
  try {
    return await request.backend.exec(execRequest, (stream, chunk) => pipes[stream].write(chunk));
  } finally {
    pipes.stdout.end();
    pipes.stderr.end();
  }
}

function outputPipe(secrets: readonly string[], emit: (line: string) => void) {
  const decoder = new StringDecoder('utf8');
  const masker = createMasker(secrets);
  const splitter = createLineSplitter();
  const release = (text: string): void => {
    for (const line of splitter.push(text)) emit(line);
  };
  return {
    write(chunk: Buffer): void {
      release(masker.push(decoder.write(chunk)));
    },
    end(): void {
      release(masker.push(decoder.end()));
      release(masker.flush());
      for (const line of splitter.flush()) emit(line);
    },
  };
}
