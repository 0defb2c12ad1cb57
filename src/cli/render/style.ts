import pc from 'picocolors';
import type { Status } from '../../core/index.js';

/** Colours on or off for one command (NO_COLOR, --no-color, not a TTY). */
export interface Style {
  enabled: boolean;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  magenta(s: string): string;
}

export function createStyle(enabled: boolean): Style {
  const c = pc.createColors(enabled);
  return { enabled, red: c.red, green: c.green, yellow: c.yellow, cyan: c.cyan, dim: c.dim, bold: c.bold, magenta: c.magenta };
}

/** Whether to colour a stream: never with NO_COLOR or --no-color; otherwise only on a TTY (or FORCE_COLOR). */
export function colorEnabled(stream: NodeJS.WriteStream, noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export const ICONS: Record<Status, string> = {
  queued: '○',
  waiting: '◷',
  running: '▶',
  success: '✓',
  failure: '✗',
  canceled: '⊘',
  skipped: '↷',
  error: '!',
};

export function colorStatus(style: Style, status: Status, text: string): string {
  switch (status) {
    case 'success':
      return style.green(text);
    case 'failure':
    case 'error':
      return style.red(text);
    case 'canceled':
    case 'waiting':
      return style.yellow(text);
    case 'running':
      return style.cyan(text);
    default:
      return style.dim(text);
  }
}

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
