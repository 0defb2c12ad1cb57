import { StringDecoder } from 'node:string_decoder';
import { createLineSplitter } from '../line-splitter.js';

/** Longest progress message read as one (a message is never cut: cutting breaks its JSON). */
const MAX_MESSAGE = 16 * 1024 * 1024;

/** One message of the Engine API's JSON progress stream (`POST /build`, `POST /images/…/push`). */
export interface ProgressMessage {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string; Digest?: string; Tag?: string };
}

export interface FollowResult {
  /** The engine's own error message (a failing RUN, a refused push), when it sent one. */
  error?: string;
  /** Every `aux` object, in order. */
  aux: NonNullable<ProgressMessage['aux']>[];
  /** Every `status` text, in order (Podman reports the pushed digest only there). */
  statuses: string[];
}

/**
 * Reads a JSON progress stream to its end: one JSON object per line, several lines per chunk or a
 * line across chunks. Build output (`stream`) and statuses become log lines; per-layer transfer
 * progress (`progress`, bars that redraw) is left out of the log. Rejects when the connection
 * fails or is aborted; an `error` message in the stream resolves with `error` set.
 */
export function followProgress(stream: NodeJS.ReadableStream, onLine: (stream: 'stdout' | 'stderr', line: string) => void): Promise<FollowResult> {
  const result: FollowResult = { aux: [], statuses: [] };
  const output = createLineSplitter();
  const emitOutput = (lines: string[]): void => {
    for (const line of lines) onLine('stdout', line);
  };
  const handle = (text: string): void => {
    if (text.trim() === '') return;
    let message: ProgressMessage;
    try {
      message = JSON.parse(text) as ProgressMessage;
    } catch {
      emitOutput([text]);
      return;
    }
    if (typeof message.stream === 'string') emitOutput(output.push(message.stream));
    if (message.aux !== undefined && typeof message.aux === 'object') result.aux.push(message.aux);
    if (typeof message.status === 'string' && message.progress === undefined) {
      result.statuses.push(message.status);
      onLine('stdout', message.id !== undefined ? `${message.id}: ${message.status}` : message.status);
    }
    const error = message.errorDetail?.message ?? message.error;
    if (typeof error === 'string' && error.trim() !== '') {
      result.error ??= error.trim();
      onLine('stderr', error.trim());
    }
  };
  const messages = createLineSplitter(MAX_MESSAGE);
  const decoder = new StringDecoder('utf8');
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer | string) => {
      for (const line of messages.push(typeof chunk === 'string' ? chunk : decoder.write(chunk))) handle(line);
    });
    stream.once('error', reject);
    stream.once('end', () => {
      for (const line of messages.push(decoder.end())) handle(line);
      for (const line of messages.flush()) handle(line);
      emitOutput(output.flush());
      resolve(result);
    });
  });
}
