import type { RunEvent } from '../../core/index.js';
import { eventLines } from './lines.js';
import { applyEvent, createRunView, type RunView } from './run-view.js';
import type { Style } from './style.js';
import { renderSummary } from './summary.js';

/**
 * Shows a run while it happens. Call order: `event()` for every RunEvent in order, `note()` for
 * messages of the CLI itself (e.g. "canceling…"), then `finish(result)` once.
 */
export interface Reporter {
  readonly view: RunView;
  event(event: RunEvent): void;
  note(message: string): void;
  finish(result: unknown): void;
}

type Write = (text: string) => void;

/** `--json`: every event as one JSON line, then `{type: 'run:result', ...result}`. */
export function createJsonReporter(write: Write): Reporter {
  const view = createRunView();
  return {
    view,
    event(event) {
      applyEvent(view, event);
      write(JSON.stringify(event) + '\n');
    },
    note() {},
    finish(result) {
      write(JSON.stringify({ type: 'run:result', ...(result as object) }) + '\n');
    },
  };
}

/** Not a TTY: prefixed lines, then the summary. */
export function createLineReporter(write: Write, style: Style): Reporter {
  const view = createRunView();
  return {
    view,
    event(event) {
      applyEvent(view, event);
      const lines = eventLines(view, event, style);
      if (lines.length > 0) write(lines.join('\n') + '\n');
    },
    note(message) {
      write(style.yellow(message) + '\n');
    },
    finish() {
      write('\n' + renderSummary(view, style) + '\n');
    },
  };
}

