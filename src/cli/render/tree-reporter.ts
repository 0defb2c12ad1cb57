import { createLogUpdate } from 'log-update';
import { applyEvent, createRunView } from './run-view.js';
import type { Reporter } from './reporter.js';
import type { Style } from './style.js';
import { renderSummary } from './summary.js';
import { renderTree } from './tree.js';

// Its own module, imported only on a terminal: log-update and its dependencies take ~60 ms to
// load, which plain-line and --json runs (CI, scripts, git hooks) should not pay.

const FRAME_MS = 100;

/**
 * Some terminals (a pty without a size, e.g. under `script` or some CI runners) report 0 rows;
 * log-update then draws nothing at all. Fall back to a usual size instead.
 */
function sizedStream(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  return {
    isTTY: stream.isTTY,
    get rows() {
      return stream.rows || 24;
    },
    get columns() {
      return stream.columns || 80;
    },
    write: (chunk: string) => stream.write(chunk),
  } as unknown as NodeJS.WriteStream;
}

/** A TTY: a live tree redrawn at most ~10×/s, then the summary. */
export function createTreeReporter(stream: NodeJS.WriteStream, style: Style): Reporter {
  const view = createRunView();
  const update = createLogUpdate(sizedStream(stream));
  let frame = 0;
  let notes: string[] = [];
  const draw = () => {
    frame++;
    const tree = renderTree(view, Date.now(), frame, style);
    update([tree, ...notes.map((n) => style.yellow(n))].join('\n'));
  };
  // Events only update the view; the timer draws, so a burst of log lines costs one redraw per
  // frame, and spinners and running times move even when no event arrives.
  const timer = setInterval(draw, FRAME_MS);
  timer.unref();
  return {
    view,
    event(event) {
      applyEvent(view, event);
    },
    note(message) {
      notes = [...notes, message];
      draw();
    },
    finish() {
      clearInterval(timer);
      notes = [];
      draw();
      update.done();
      stream.write('\n' + renderSummary(view, style) + '\n');
    },
  };
}
