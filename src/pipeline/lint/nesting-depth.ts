/**
 * A linear pre-scan that estimates how deeply a YAML text nests, so absurd nesting is refused
 * BEFORE the YAML parser sees it (the parser recovers from deep nesting only by catching stack
 * overflows, which costs seconds and can exhaust memory). The estimate is conservative in the
 * direction that matters: real pipeline files are far below the limit; block scalar content
 * (`run: |`), quoted strings and comments are skipped so scripts with braces do not count.
 */
export const MAX_NESTING = 100;

export interface DeepSpot {
  /** 0-based offset of the line where the limit was passed. */
  offset: number;
  depth: number;
}

const BLOCK_HEADER = /(?:^|[:-]\s)\s*[|>][0-9+-]*\s*(?:#.*)?$/;

/** Returns where the text first nests deeper than `limit`, or undefined. */
export function findDeepNesting(text: string, limit = MAX_NESTING): DeepSpot | undefined {
  const indents: number[] = [];
  let flow = 0;
  let blockIndent = -1; // indentation of the line that opened a block scalar, while inside one
  let offset = 0;
  while (offset <= text.length) {
    const nl = text.indexOf('\n', offset);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(offset, end);
    const indent = line.length - line.trimStart().length;
    const content = line.trimStart();
    const blank = content === '' || content.startsWith('#');
    if (blockIndent >= 0 && (blank || indent > blockIndent)) {
      offset = end + 1;
      continue;
    }
    blockIndent = -1;
    if (!blank) {
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
      }
      const scanned = scanLine(content, flow);
      flow = scanned.flow;
      const depth = indents.length + scanned.dashes + flow;
      if (depth > limit || scanned.peak + indents.length > limit) return { offset, depth: Math.max(depth, scanned.peak + indents.length) };
      if (flow === 0 && BLOCK_HEADER.test(content)) blockIndent = indent;
    }
    if (nl < 0) break;
    offset = end + 1;
  }
  return undefined;
}

/** Counts leading `- ` items and flow brackets outside quotes and comments. */
function scanLine(content: string, startFlow: number): { flow: number; peak: number; dashes: number } {
  let dashes = 0;
  let i = 0;
  while (content[i] === '-' && (content[i + 1] === ' ' || content[i + 1] === '\t')) {
    dashes++;
    i += 2;
    while (content[i] === ' ') i++;
  }
  let flow = startFlow;
  let peak = flow;
  let quote: string | undefined;
  for (; i < content.length; i++) {
    const c = content[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      // A quote only starts a string at the start of a scalar; `it's` in plain text does not.
      const prev = content[i - 1];
      if (prev === undefined || ' \t[{,:'.includes(prev)) quote = c;
    } else if (c === '#' && (i === 0 || content[i - 1] === ' ')) {
      break;
    } else if (c === '[' || c === '{') {
      flow++;
      peak = Math.max(peak, flow);
    } else if ((c === ']' || c === '}') && flow > 0) {
      flow--;
    }
  }
  return { flow, peak, dashes };
}
