import { GantryError } from '../core/index.js';

/**
 * Server-Sent Events for the API client: a WHATWG parser and one reconnecting reader shared by every
 * live stream (a job's log, a run's state). Each stream decides what its events mean and where a
 * new connection resumes; the reconnect, idle and give-up rules live here once.
 */
export interface StreamTarget {
  url: string;
  token?: string | undefined;
  fetch: typeof fetch;
  /** Turns a non-2xx answer into the client's GantryError. */
  toError(status: number, body: string): GantryError;
}

export interface StreamOptions {
  /** Stops reading (the iterator just finishes). Breaking out of `for await` works too. */
  signal?: AbortSignal;
  /** No byte for this long (the server sends a heartbeat every 15 s) = a dead connection: reconnect. Default 45 s. */
  idleTimeoutMs?: number;
  /** Reconnects in a row that deliver nothing before giving up with API_UNREACHABLE. Default 10. */
  maxReconnects?: number;
}

export interface StreamSession {
  /** Last-Event-ID for the next connection; undefined sends none (the stream starts over). */
  resumeFrom(): number | undefined;
  /** The error thrown after `maxReconnects` fruitless attempts. */
  lost(attempts: number, cause: unknown): GantryError;
}

export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/** Incremental text/event-stream parser (WHATWG rules: CRLF/LF/CR, comments, multi-line data, retry). */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id: string | undefined;
  retryMs: number | undefined;

  push(text: string): SseEvent[] {
    this.#buffer += text;
    const out: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      // A lone CR at the end may be the first half of CRLF: wait for the next chunk.
      if (!match || (match[0] === '\r' && match.index === this.#buffer.length - 1)) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (this.#data.length > 0) out.push({ event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id });
        this.#event = '';
        this.#data = [];
        this.#id = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.#event = value;
      else if (field === 'data') this.#data.push(value);
      else if (field === 'id' && !value.includes('\0')) this.#id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    return out;
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Reads a stream's events across connections: a dropped connection (network error, server restart,
 * idle timeout) reconnects after the server's `retry:` hint, resuming where `session.resumeFrom()`
 * says. Problem answers (4xx, and 5xx other than 502–504) are thrown as GantryError at once. The
 * caller stops by returning from its loop (the connection is closed) or through `signal`.
 */
export async function* readEventStream(target: StreamTarget, session: StreamSession, options: StreamOptions = {}): AsyncGenerator<SseEvent, void, undefined> {
  let retryMs = 1000;
  let failures = 0;
  const maxReconnects = options.maxReconnects ?? 10;
  while (!options.signal?.aborted) {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const parser = new SseParser();
    let progressed = false;
    let failure: unknown;
    try {
      const response = await connectEventStream(target, session.resumeFrom(), controller.signal);
      let idle: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => controller.abort(), options.idleTimeoutMs ?? 45_000);
      };
      arm();
      try {
        for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
          arm();
          for (const event of parser.push(chunk)) {
            progressed = true;
            yield event;
          }
        }
      } finally {
        clearTimeout(idle);
      }
    } catch (err) {
      if (err instanceof GantryError && err.code !== 'API_UNREACHABLE') throw err;
      failure = err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
    if (options.signal?.aborted) return;
    failures = progressed ? 0 : failures + 1;
    if (failures > maxReconnects) throw session.lost(maxReconnects, failure);
    retryMs = parser.retryMs ?? retryMs;
    await sleep(retryMs, options.signal);
  }
}

/** Opens an event stream; `last` (a resume point) goes as Last-Event-ID. Retryable failures are API_UNREACHABLE. */
async function connectEventStream(target: StreamTarget, last: number | undefined, signal: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (last !== undefined) headers['last-event-id'] = String(last);
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  let response: Response;
  try {
    response = await target.fetch(target.url, { headers, signal });
  } catch (err) {
    throw new GantryError('API_UNREACHABLE', `cannot reach ${target.url}: ${(err as Error).message}`, { cause: err });
  }
  // A server restarting or a proxy in between: worth another try.
  if ([502, 503, 504].includes(response.status)) {
    await response.body?.cancel();
    throw new GantryError('API_UNREACHABLE', `${target.url} answered ${response.status}`);
  }
  if (!response.ok) throw target.toError(response.status, await response.text());
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream') || !response.body) {
    await response.body?.cancel();
    throw target.toError(response.status, '');
  }
  return response;
}
