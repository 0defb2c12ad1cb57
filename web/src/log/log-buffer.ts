// A job's log in flat arrays (100,000 lines as objects and signals would cost far more memory and GC),
// plus the rows the viewer shows: a header per step, then that step's lines unless it is collapsed.
import { AnsiUp } from 'ansi_up';
import type { LogLineView } from '../../../src/api-client/types.js';

export type Row = { kind: 'step'; step: number | null } | { kind: 'line'; index: number };

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export class LogBuffer {
  readonly seq: number[] = [];
  readonly step: (number | null)[] = [];
  readonly time: string[] = [];
  /** HTML from ansi_up, which escapes `<`, `>`, `&`, quotes: a line can never become markup. */
  readonly html: string[] = [];
  /** The text without escape sequences, lower-cased, for search. */
  readonly plain: string[] = [];
  rows: Row[] = [];
  readonly collapsed = new Set<number | null>();
  /** Colour state carries over from line to line, as in a terminal. */
  private readonly ansi = new AnsiUp();
  private lastStep: number | null | undefined = undefined;

  constructor() {
    this.ansi.use_classes = true;
    this.ansi.escape_html = true;
  }

  get lastSeq(): number {
    return this.seq.at(-1) ?? 0;
  }

  append(line: LogLineView): void {
    if (line.seq <= this.lastSeq) return; // a resumed stream never repeats, but be safe
    const index = this.seq.length;
    this.seq.push(line.seq);
    this.step.push(line.step);
    this.time.push(line.time);
    this.html.push(this.ansi.ansi_to_html(line.line));
    this.plain.push(line.line.replace(ANSI, '').toLowerCase());
    this.addRow(index);
  }

  private addRow(index: number): void {
    const step = this.step[index] ?? null;
    if (step !== this.lastStep) {
      this.rows.push({ kind: 'step', step });
      this.lastStep = step;
    }
    if (!this.collapsed.has(step)) this.rows.push({ kind: 'line', index });
  }

  toggle(step: number | null): void {
    if (this.collapsed.has(step)) this.collapsed.delete(step);
    else this.collapsed.add(step);
    this.rows = [];
    this.lastStep = undefined;
    for (let i = 0; i < this.seq.length; i++) this.addRow(i);
  }

  /** Row positions of shown lines containing `query` (case-insensitive). */
  search(query: string): number[] {
    const needle = query.toLowerCase();
    const found: number[] = [];
    if (!needle) return found;
    this.rows.forEach((row, r) => {
      if (row.kind === 'line' && this.plain[row.index]!.includes(needle)) found.push(r);
    });
    return found;
  }

  rowOfSeq(seq: number): number {
    const collapsedStep = this.step[this.seq.indexOf(seq)];
    if (collapsedStep !== undefined && this.collapsed.has(collapsedStep)) this.toggle(collapsedStep);
    return this.rows.findIndex((row) => row.kind === 'line' && this.seq[row.index] === seq);
  }
}
