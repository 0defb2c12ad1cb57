// Virtualised log rows: the DOM holds only the rows in view (plus a margin), absolutely placed in a
// spacer as tall as all rows, so 100,000 lines scroll like 100. Rows have one fixed height for that.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { StepView } from '../../../src/api-client/types.js';
import { duration } from '../format.js';
import type { LogBuffer } from './log-buffer.js';

export const ROW_HEIGHT = 20;
const OVERSCAN = 20;

export interface LogViewProps {
  buffer: LogBuffer;
  version: number;
  steps: StepView[];
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  showTime: boolean;
  matches: Set<number>;
  current: number | null;
  onToggle: (step: number | null) => void;
  /** A row to bring into view (a search hit, a #L permalink). */
  scrollToRow: number | null;
}

export function LogView(props: LogViewProps) {
  const { buffer, steps, follow, showTime, matches, current, scrollToRow } = props;
  const box = useRef<HTMLDivElement>(null);
  const lastTop = useRef(0);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(600);
  const total = buffer.rows.length;

  useEffect(() => {
    const el = box.current!;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Follow mode: stick to the bottom as lines arrive.
  useLayoutEffect(() => {
    const el = box.current!;
    if (follow) el.scrollTop = el.scrollHeight;
  }, [props.version, follow, total]);

  useLayoutEffect(() => {
    if (scrollToRow === null || scrollToRow < 0) return;
    const el = box.current!;
    el.scrollTop = Math.max(0, scrollToRow * ROW_HEIGHT - el.clientHeight / 3);
  }, [scrollToRow]);

  const onScroll = () => {
    const el = box.current!;
    setTop(el.scrollTop);
    // At the bottom (within a row): follow again. Stop following only when the view moved UP: a scroll
    // event of our own follow-scroll can arrive after more rows were added, not at the bottom any more.
    const movedUp = el.scrollTop < lastTop.current;
    lastTop.current = el.scrollTop;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
    if (atBottom && !follow) props.onFollowChange(true);
    else if (!atBottom && follow && movedUp) props.onFollowChange(false);
  };

  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  const shown = [];
  for (let r = first; r < last; r++) {
    const row = buffer.rows[r]!;
    const y = r * ROW_HEIGHT;
    if (row.kind === 'step') {
      const step = row.step === null ? undefined : steps.find((s) => s.index === row.step);
      const collapsed = buffer.collapsed.has(row.step);
      shown.push(
        <div key={`s${r}`} class="log-row log-step" style={{ transform: `translateY(${y}px)` }}>
          <button type="button" aria-expanded={!collapsed} onClick={() => props.onToggle(row.step)}>
            <span aria-hidden="true">{collapsed ? '▸' : '▾'}</span> {row.step === null ? 'job' : (step?.name ?? `step ${row.step + 1}`)}
          </button>
          {step && <span class="muted"> {step.status} · {duration(step.durationMs)}</span>}
        </div>,
      );
      continue;
    }
    const i = row.index;
    const seq = buffer.seq[i]!;
    shown.push(
      <div key={`l${seq}`} id={`L${seq}`} class={`log-row${matches.has(r) ? ' hit' : ''}${current === r ? ' current' : ''}`} style={{ transform: `translateY(${y}px)` }}>
        <a class="ln" href={`#L${seq}`} tabIndex={-1}>
          {seq}
        </a>
        {showTime && <span class="ts">{buffer.time[i]!.slice(11, 23)}</span>}
        <span class="text" dangerouslySetInnerHTML={{ __html: buffer.html[i]! }} />
      </div>,
    );
  }
  return (
    <div class="log" ref={box} onScroll={onScroll} tabIndex={0} role="log" aria-label="Job log" aria-live="off">
      <div class="log-spacer" style={{ height: `${total * ROW_HEIGHT}px` }}>
        {shown}
      </div>
    </div>
  );
}
