import { ExpressionError, MAX_EXPRESSION_LENGTH } from './types.js';

/**
 * Tokens of the expression language. The lexer is one linear pass with no backtracking, so any
 * input up to MAX_EXPRESSION_LENGTH characters is tokenised in bounded time.
 */
export type TokenType = 'string' | 'number' | 'true' | 'false' | 'null' | 'ident' | 'op' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  /** Raw text for ident/op/punct; the decoded value for strings; the source text for numbers. */
  text: string;
  /** Parsed value of a number token. */
  number?: number;
  offset: number;
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!'] as const;
const PUNCTUATION = new Set(['.', '[', ']', '(', ')', ',']);
const KEYWORDS = new Set(['true', 'false', 'null']);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_-]/.test(c);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Splits `source` into tokens, ending with an `eof` token. Throws ExpressionError on bad input. */
export function tokenize(source: string): Token[] {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(
      `expression is too long (${source.length} characters, the limit is ${MAX_EXPRESSION_LENGTH})`,
      MAX_EXPRESSION_LENGTH,
      'move long logic into a script step and pass values through $GANTRY_OUTPUT',
    );
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    const token = readToken(source, i);
    tokens.push(token.token);
    i = token.end;
  }
  tokens.push({ type: 'eof', text: '', offset: source.length });
  return tokens;
}

function readToken(source: string, start: number): { token: Token; end: number } {
  const c = source[start];
  const next = source[start + 1];
  if (c === "'") return readString(source, start);
  if (isDigit(c) || (c === '-' && isDigit(next))) {
    return readNumber(source, start);
  }
  if (isIdentStart(c)) {
    let end = start + 1;
    while (isIdentPart(source[end])) end++;
    const text = source.slice(start, end);
    const type: TokenType = KEYWORDS.has(text) ? (text as TokenType) : 'ident';
    return { token: { type, text, offset: start }, end };
  }
  if ((c === '=' || c === '!') && next === '=' && source[start + 2] === '=') {
    throw new ExpressionError(`unexpected '${c}==' — did you mean '${c}='?`, start, `'==' and '!=' already compare strictly by type`);
  }
  for (const op of OPERATORS) {
    if (source.startsWith(op, start)) return { token: { type: 'op', text: op, offset: start }, end: start + op.length };
  }
  if (c !== undefined && PUNCTUATION.has(c)) return { token: { type: 'punct', text: c, offset: start }, end: start + 1 };
  throw unexpectedCharacter(source, start);
}

function unexpectedCharacter(source: string, start: number): ExpressionError {
  const c = source.codePointAt(start) ?? 0;
  const ch = String.fromCodePoint(c);
  const hints: Record<string, [string, string?]> = {
    '=': ["unexpected '=' — did you mean '=='?", "'=' alone is not an operator; compare with '=='"],
    '&': ["unexpected '&' — did you mean '&&'?"],
    '|': ["unexpected '|' — did you mean '||'?"],
    '"': ["unexpected '\"' — strings use single quotes", "write 'text'; a quote inside is doubled: 'it''s'"],
    '-': ["unexpected '-' — there is no arithmetic", "a '-' may only start a negative number like -1"],
    '}': ["unexpected '}'", 'an expression ends at the first }} outside a string'],
  };
  const known = hints[ch];
  if (known) return new ExpressionError(known[0], start, known[1]);
  const shown = c < 0x20 || c === 0x7f ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
  return new ExpressionError(`unexpected character '${shown}'`, start);
}

function readString(source: string, start: number): { token: Token; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const quote = source.indexOf("'", i);
    if (quote === -1) {
      throw new ExpressionError('unterminated string', start, "close the string with ' (write '' for a quote inside it)");
    }
    value += source.slice(i, quote);
    if (source[quote + 1] === "'") {
      value += "'";
      i = quote + 2;
      continue;
    }
    return { token: { type: 'string', text: value, offset: start }, end: quote + 1 };
  }
}

const NUMBER = /-?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/y;

function readNumber(source: string, start: number): { token: Token; end: number } {
  NUMBER.lastIndex = start;
  const match = NUMBER.exec(source);
  const text = match?.[0] ?? '';
  const end = start + text.length;
  if (!match || isIdentPart(source[end]) || source[end] === '.') {
    let badEnd = end;
    while (isIdentPart(source[badEnd]) || source[badEnd] === '.') badEnd++;
    throw new ExpressionError(`invalid number '${source.slice(start, Math.max(badEnd, start + 1))}'`, start,
      'numbers look like 42, -1.5, 1e3 or 0xff');
  }
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const magnitude = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : Number(body);
  const value = negative ? -magnitude : magnitude;
  if (!Number.isFinite(value)) throw new ExpressionError(`number '${text}' is out of range`, start);
  return { token: { type: 'number', text, number: value, offset: start }, end };
}

/** How a token is shown in an error message. */
export function describeToken(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'the end of the expression';
    case 'string':
      return 'a string';
    case 'number':
      return `'${token.text}'`;
    default:
      return `'${token.text}'`;
  }
}
