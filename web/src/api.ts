// Every call the UI makes goes through here: the public REST API (docs/api.md) with the session's
// bearer token; a 401 refreshes once and retries, then logs out.
import type { RunDetailView } from '../../src/api-client/types.js';
import { accessToken, refresh, saveSession } from './auth.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const path = (...parts: (string | number)[]): string => parts.map((p) => encodeURIComponent(String(p))).join('/');

export async function authorizedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = await accessToken();
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const response = await fetch(url, { ...init, headers });
    if (response.status !== 401) return response;
    if (attempt > 0 || !(await refresh())) {
      saveSession(null);
      return response;
    }
  }
}

export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await authorizedFetch(`/api/v1/${url}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
  if (!response.ok) throw new ApiError(response.status, json.code ?? 'UNKNOWN', json.detail ?? `${method} ${url}: ${response.status}`);
  return json as T;
}

export interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

/**
 * Reads a Server-Sent Events response. `fetch` rather than `EventSource`, which cannot send the
 * Authorization header. Resolves when the server closes the stream or `signal` aborts.
 */
export async function readSse(url: string, onEvent: (event: SseEvent) => void, signal: AbortSignal, headers: Record<string, string> = {}): Promise<void> {
  const response = await authorizedFetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal });
  if (!response.ok || !response.body) throw new ApiError(response.status, 'STREAM_FAILED', `stream ${url}: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = 'message';
  let id: string | null = null;
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      // Walk the chunk with an index and keep only the unfinished tail: slicing the buffer per line
      // would copy a 1 MB chunk of 10,000 lines 10,000 times.
      let start = 0;
      let newline: number;
      for (; (newline = buffer.indexOf('\n', start)) >= 0; start = newline + 1) {
        const line = buffer.slice(start, newline).replace(/\r$/, '');
        if (line === '') {
          if (data.length > 0) onEvent({ event, id, data: data.join('\n') });
          event = 'message';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(text);
        else if (field === 'event') event = text;
        else if (field === 'id') id = text;
      }
      buffer = buffer.slice(start);
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

/** Follows a run's state (`event: run` snapshots, then `event: end`). */
export function followRun(project: string, number: number, onRun: (run: RunDetailView) => void, signal: AbortSignal): Promise<void> {
  return readSse(`/api/v1/projects/${path(project)}/runs/${number}/stream`, (e) => {
    if (e.event === 'run' || e.event === 'end') onRun(JSON.parse(e.data) as RunDetailView);
  }, signal);
}
