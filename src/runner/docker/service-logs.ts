import type Docker from 'dockerode';
import { createDemuxer } from './demux.js';

/** How many of a failed service's last log lines go into the error. */
export const SERVICE_LOG_LINES = 20;

/**
 * The last `count` lines a container printed, stdout and stderr together. Best effort: the error
 * being built matters more than its logs, so a failure to read them gives no lines.
 */
export async function tailLogs(container: Docker.Container, count = SERVICE_LOG_LINES): Promise<string[]> {
  try {
    const raw = await container.logs({ stdout: true, stderr: true, follow: false, tail: count });
    return lastLines(demultiplexed(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))), count);
  } catch {
    return [];
  }
}

/** Services run without a TTY, so what the engine returns is framed (see createDemuxer). */
export function demultiplexed(raw: Buffer): string {
  const parts: Buffer[] = [];
  createDemuxer((_stream, chunk) => parts.push(chunk))(raw);
  return Buffer.concat(parts).toString('utf8');
}

export function lastLines(text: string, count: number): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count);
}
