import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { JobView, LogLineView } from '../../../src/api-client/types.js';
import { api, authorizedFetch, path, readSse } from '../api.js';
import { elapsed } from '../format.js';
import { LogBuffer } from '../log/log-buffer.js';
import { LogView } from '../log/log-view.js';
import { Status } from '../status.js';

interface Props {
  name: string;
  number: number;
  job: string;
}

/** Streams the log (SSE, resuming with Last-Event-ID after a drop) into a buffer; re-renders once per frame. */
function useLogStream(url: string, buffer: LogBuffer): { version: number; ended: boolean } {
  const [version, setVersion] = useState(0);
  const [ended, setEnded] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    let frame = 0;
    const changed = () => {
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    };
    void (async () => {
      let done = false;
      while (!done && !abort.signal.aborted) {
        const resume: Record<string, string> = buffer.lastSeq > 0 ? { 'last-event-id': String(buffer.lastSeq) } : {};
        await readSse(url, (event) => {
          if (event.event === 'end') done = true;
          else buffer.append(JSON.parse(event.data) as LogLineView);
          changed();
        }, abort.signal, resume).catch(() => undefined);
        if (!done) await new Promise((r) => setTimeout(r, 1000));
      }
      setEnded(done);
    })();
    return () => {
      abort.abort();
      cancelAnimationFrame(frame);
    };
  }, [url, buffer]);
  return { version, ended };
}

export function JobLogPage({ name, number, job }: Props) {
  const base = `projects/${path(name)}/runs/${number}/jobs/${path(job)}`;
  const buffer = useMemo(() => new LogBuffer(), [base]);
  const { version, ended } = useLogStream(`/api/v1/${base}/logs/stream`, buffer);
  const [view, setView] = useState<JobView | undefined>(undefined);
  const [follow, setFollow] = useState(!window.location.hash);
  const [showTime, setShowTime] = useState(false);
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(-1);
  const [scrollToRow, setScrollToRow] = useState<number | null>(null);
  const [, setToggles] = useState(0);
  const search = useRef<HTMLInputElement>(null);

  // Steps with their durations: again when the log ends, so the last step's duration shows.
  useEffect(() => {
    void api<JobView>('GET', base).then(setView, () => undefined);
  }, [base, ended]);

  const matches = useMemo(() => buffer.search(query), [query, version, buffer.rows]);
  const matchSet = useMemo(() => new Set(matches), [matches]);

  // Permalinks: #L123 scrolls to line 123 once it has arrived.
  const [target, setTarget] = useState(() => Number(/^#L(\d+)$/.exec(window.location.hash)?.[1] ?? 0));
  useEffect(() => {
    const onHash = () => setTarget(Number(/^#L(\d+)$/.exec(window.location.hash)?.[1] ?? 0));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (!target || buffer.lastSeq < target) return;
    const row = buffer.rowOfSeq(target);
    setFollow(false);
    setCurrent(row);
    setScrollToRow(row);
    setTarget(0);
  }, [target, version]);

  const go = (delta: number) => {
    if (matches.length === 0) return;
    const at = matches.indexOf(current);
    const next = matches[(at + delta + matches.length) % matches.length]!;
    setFollow(false);
    setCurrent(next);
    setScrollToRow(next);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
      if (event.key === '/' && !typing) {
        event.preventDefault();
        search.current?.focus();
      } else if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        if (event.key === 'f') setFollow((f) => !f);
        else if (event.key === 't') setShowTime((t) => !t);
        else if (event.key === 'n') go(1);
        else if (event.key === 'N') go(-1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const download = async () => {
    const response = await authorizedFetch(`/api/v1/${base}/logs/raw`);
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `${name}-${number}-${job}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <main class="log-page">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Projects</a> / <a href={`/projects/${path(name)}`}>{name}</a> / <a href={`/projects/${path(name)}/runs/${number}`}>#{number}</a> /{' '}
        <span aria-current="page">{job}</span>
      </nav>
      <h1>
        {job} {view && <Status status={view.status} />} <span class="muted">{view ? elapsed(view.startedAt, view.durationMs) : ''}</span>
      </h1>
      {view?.reason && <p class="reason-inline">{view.reason}</p>}
      <div class="toolbar" role="toolbar" aria-label="Log tools">
        <label class="search">
          <span class="sr-only">Search the log</span>
          <input
            ref={search}
            type="search"
            placeholder="Search ( / )"
            value={query}
            onInput={(e) => {
              setQuery(e.currentTarget.value);
              setCurrent(-1);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') go(e.shiftKey ? -1 : 1);
              if (e.key === 'Escape') e.currentTarget.blur();
            }}
          />
        </label>
        <span class="muted" aria-live="polite" data-testid="match-count">
          {query ? `${matches.indexOf(current) + 1 || 0} of ${matches.length}` : ''}
        </span>
        <button type="button" aria-pressed={follow} onClick={() => setFollow(!follow)} title="f">
          Follow
        </button>
        <button type="button" aria-pressed={showTime} onClick={() => setShowTime(!showTime)} title="t">
          Timestamps
        </button>
        <button type="button" onClick={download}>
          Raw log
        </button>
        <span class="muted">{buffer.seq.length.toLocaleString()} lines{ended ? '' : ' · live'}</span>
      </div>
      <LogView
        buffer={buffer}
        version={version}
        steps={view?.steps ?? []}
        follow={follow}
        onFollowChange={setFollow}
        showTime={showTime}
        matches={matchSet}
        current={current}
        scrollToRow={scrollToRow}
        onToggle={(step) => {
          buffer.toggle(step);
          setToggles((t) => t + 1);
        }}
      />
    </main>
  );
}
