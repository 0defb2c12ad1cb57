/** Longest line emitted as one; longer runs without a newline are cut (progress bars, minified output). */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Assembles text chunks into whole lines for one stream. `push` returns the lines completed by this
 * chunk (without `\n` or a trailing `\r`); `flush` returns the trailing partial line, if any, once
 * the stream has ended. Feed it text that has already been masked: cutting happens after masking,
 * so a cut can never split a secret in a way the masker did not see.
 */
export interface LineSplitter {
  push(text: string): string[];
  flush(): string[];
}

export function createLineSplitter(maxLineLength = MAX_LINE_LENGTH): LineSplitter {
  let partial = '';
  const clean = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
  return {
    push(text) {
      if (text === '') return [];
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      const lines = parts.map(clean);
      while (partial.length > maxLineLength) {
        lines.push(partial.slice(0, maxLineLength));
        partial = partial.slice(maxLineLength);
      }
      return lines;
    },
    flush() {
      const rest = partial;
      partial = '';
      return rest === '' ? [] : [clean(rest)];
    },
  };
}
