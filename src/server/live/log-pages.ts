import type { LogLine, LogStore } from '../../store/index.js';

/** One log line as a Server-Sent Event: `id: <seq>` + `data: <line JSON>` (docs/api.md, "Live job log"). */
export function logEvent(l: LogLine): string {
  const data = { seq: l.seq, step: l.step, stream: l.stream, line: l.line, time: new Date(l.ts).toISOString() };
  return `id: ${l.seq}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The events of one stored batch, keyed by the batch array itself: the hub hands the same array to
 * every follower of the job, so a batch followed by 50 readers is formatted once, not 50 times. (Per
 * batch, not per line: a weak entry per line would cost the garbage collector more than it saves.)
 */
const batchTexts = new WeakMap<readonly LogLine[], string>();

export function batchEvents(lines: readonly LogLine[]): string {
  let text = batchTexts.get(lines);
  if (text === undefined) {
    text = lines.map(logEvent).join('');
    batchTexts.set(lines, text);
  }
  return text;
}

/** Lines read from the store as SSE text, cut at any line. */
export interface LogPage {
  /** Lines in the page (fewer than the page size: the end of what is stored). */
  readonly count: number;
  /** seq of the page's last line (0 when empty). */
  readonly lastSeq: number;
  /** The events of the page's lines with seq > afterSeq ('' when none). */
  eventsAfter(afterSeq: number): string;
}

function formatPage(lines: readonly LogLine[]): LogPage {
  const seqs = lines.map((l) => l.seq);
  const offsets: number[] = [];
  let length = 0;
  const events = lines.map((l) => {
    const event = logEvent(l);
    offsets.push(length);
    length += event.length;
    return event;
  });
  const text = events.join('');
  return {
    count: lines.length,
    lastSeq: seqs.at(-1) ?? 0,
    eventsAfter(afterSeq) {
      let lo = 0;
      let hi = seqs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (seqs[mid]! <= afterSeq) lo = mid + 1;
        else hi = mid;
      }
      return lo === seqs.length ? '' : text.slice(offsets[lo]);
    },
  };
}

/**
 * Reads a job's log from the store in pages aligned on seq (page k holds seq k·size+1 … (k+1)·size),
 * so followers catching up from different places ask for the SAME pages, and keeps the complete
 * ones, formatted, for the next follower: fifty readers that fell behind cost one store read and one
 * formatting per page instead of fifty. A complete page can never change (lines are append-only and
 * a seq is never reused), so the cache needs no invalidation; the last, incomplete page is never
 * kept. Concurrent reads of one page share one store read. LRU-bounded (64 pages ≈ 7 MB of text
 * with 1000-line pages); one instance serves every stream of the server.
 */
export class LogPages {
  readonly #pages = new Map<string, Promise<LogPage>>();
  readonly #maxPages: number;

  constructor(maxPages = 64) {
    this.#maxPages = maxPages;
  }

  read(logs: Pick<LogStore, 'read'>, runId: number, jobId: string, index: number, size: number): Promise<LogPage> {
    const key = `${runId}/${jobId}/${size}/${index}`;
    const cached = this.#pages.get(key);
    if (cached) {
      // Map order is the LRU order: move it to the newest end.
      this.#pages.delete(key);
      this.#pages.set(key, cached);
      return cached;
    }
    const first = index * size + 1;
    const page = logs.read(runId, jobId, { afterSeq: first - 1, limit: size }).then((lines) => {
      const complete = lines.length === size && lines[0]!.seq === first && lines.at(-1)!.seq === first + size - 1;
      if (!complete) this.#pages.delete(key);
      return formatPage(lines);
    });
    page.catch(() => this.#pages.delete(key));
    this.#pages.set(key, page);
    for (const oldest of this.#pages.keys()) {
      if (this.#pages.size <= this.#maxPages) break;
      this.#pages.delete(oldest);
    }
    return page;
  }
}
