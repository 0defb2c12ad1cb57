import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar } from 'yaml';

export type PathPart = string | number;
export interface Position {
  line: number;
  column: number;
}

/**
 * Maps document paths (as zod and lint report them) to 1-based line:column in the source text.
 * Paths that do not exist resolve to the nearest existing ancestor, so every diagnostic has a place.
 */
export interface YamlPositions {
  /** Position of the value at `path`. */
  locate(path: readonly PathPart[]): Position;
  /** Position of the key of the last path part (for "unknown key"), else of the value. */
  locateKey(path: readonly PathPart[]): Position;
  /**
   * Position of character `offset` of the string value at `path` — inside plain, quoted and block
   * scalars, so an expression error points at the expression, not at the start of `run: |`.
   */
  locateInScalar(path: readonly PathPart[], offset: number): Position;
  /** Position of a 0-based offset in the source text. */
  at(offset: number): Position;
}

type Found = { node: Node | null; keyNode?: Node | null };

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** Walks from the document root along `path`; returns the deepest node reached. */
function walk(doc: Document, path: readonly PathPart[]): Found {
  let current: Found = { node: (doc.contents as Node | null) ?? null };
  for (const part of path) {
    let node = current.node;
    if (node && isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    if (node && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(part));
      if (!pair) return current;
      current = { node: (pair.value as Node | null) ?? (pair.key as Node), keyNode: pair.key as Node };
    } else if (node && isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) return current;
      current = { node: item };
    } else {
      return current;
    }
  }
  return current;
}

const startOf = (node: Node | null | undefined): number | undefined => node?.range?.[0];

export function createYamlPositions(doc: Document, lineCounter: LineCounter, source: string): YamlPositions {
  const at = (offset: number): Position => {
    const clamped = Math.max(0, Math.min(offset, source.length));
    const p = lineCounter.linePos(clamped);
    return { line: Math.max(1, p.line), column: Math.max(1, p.col) };
  };
  const locate = (path: readonly PathPart[]): Position => at(startOf(walk(doc, path).node) ?? 0);
  return {
    at,
    locate,
    locateKey(path) {
      const found = walk(doc, path);
      return at(startOf(found.keyNode) ?? startOf(found.node) ?? 0);
    },
    locateInScalar(path, offset) {
      const { node } = walk(doc, path);
      if (!node || !isScalar(node) || typeof node.value !== 'string' || !node.range) return at(startOf(node) ?? 0);
      return at(scalarSourceOffset(source, node, offset));
    },
  };
}

const WS = new Set([' ', '\t', '\n', '\r']);

/** Length in the source of the escape at `i` in a double-quoted scalar, and how many chars it makes. */
function escapeLength(s: string, i: number): { src: number; out: number } {
  const c = s[i + 1];
  if (c === 'x') return { src: 4, out: 1 };
  if (c === 'u') return { src: 6, out: 1 };
  if (c === 'U') return { src: 10, out: 2 };
  if (c === '\n' || c === '\r') return { src: 2, out: 0 };
  return { src: 2, out: 1 };
}

/**
 * Aligns the parsed value with its source text to find where value character `offset` came from.
 * One linear pass: characters that match advance both sides; indentation, line breaks and quotes
 * in the source are skipped; spaces the parser produced by folding lines are skipped in the value.
 * When the two cannot be aligned (unusual escapes), falls back to the scalar's start.
 */
export function scalarSourceOffset(source: string, node: Scalar, offset: number): number {
  const [start, end] = node.range!;
  const value = String(node.value);
  let i = start;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const nl = source.indexOf('\n', start);
    i = nl < 0 || nl >= end ? end : nl + 1;
  } else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    i = start + 1;
  }
  const double = node.type === 'QUOTE_DOUBLE';
  const single = node.type === 'QUOTE_SINGLE';
  let j = 0;
  while (i < end && j <= value.length) {
    const s = source[i]!;
    const v = value[j];
    if (single && s === "'" && source[i + 1] === "'") {
      // '' is one quote in the value: skip the first, let the second match.
      i++;
    } else if (s === v && !(double && s === '\\')) {
      if (j === offset) return i;
      i++;
      j++;
    } else if (double && s === '\\') {
      const esc = escapeLength(source, i);
      if (j === offset || (esc.out === 2 && j + 1 === offset)) return i;
      i += esc.src;
      j += esc.out;
    } else if (WS.has(s)) {
      i++;
    } else if (v === ' ' || v === '\n' || v === '\t') {
      j++;
    } else {
      break;
    }
  }
  return start;
}
