export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The syntax tree. `offset` (0-based, into the expression source) points where an error about the
 * node is most useful: a literal's, name's or call's first character, a member's property name, an
 * index's `[`, and a unary or binary node's operator.
 */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; offset: number }
  | { kind: 'context'; name: string; offset: number }
  | { kind: 'member'; object: Expr; property: string; offset: number }
  | { kind: 'index'; object: Expr; index: Expr; offset: number }
  | { kind: 'unary'; op: '!'; operand: Expr; offset: number }
  | { kind: 'binary'; op: '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||'; left: Expr; right: Expr; offset: number }
  | { kind: 'call'; name: string; args: Expr[]; offset: number };

export interface ExpressionProblem {
  message: string;
  /** 0-based offset in the expression (or template) text. */
  offset: number;
  hint?: string;
}

export class ExpressionError extends Error {
  readonly offset: number;
  readonly hint: string | undefined;
  constructor(message: string, offset: number, hint?: string) {
    super(message);
    this.name = 'ExpressionError';
    this.offset = offset;
    this.hint = hint;
  }
}

/**
 * What an expression can see. Contexts are plain JSON objects; `functions` supplies the
 * host-dependent ones: status functions (success/failure/always/cancelled) and hashFiles.
 * A context or function missing from the scope is an "unknown name" error.
 */
export interface Scope {
  contexts: Record<string, JsonValue>;
  functions?: Partial<HostFunctions>;
}

export interface HostFunctions {
  success(): boolean;
  failure(): boolean;
  always(): boolean;
  cancelled(): boolean;
  hashFiles(...patterns: string[]): string;
}

/** All context names the language knows (for lint's "unknown name" and "did you mean"). */
export const CONTEXT_NAMES = ['env', 'git', 'matrix', 'inputs', 'needs', 'steps', 'secrets', 'job'] as const;

/** Contexts and functions that are only known while the run executes. */
export const RUNTIME_CONTEXTS: ReadonlySet<string> = new Set(['needs', 'steps', 'secrets', 'job']);
export const RUNTIME_FUNCTIONS: ReadonlySet<string> = new Set(['success', 'failure', 'always', 'cancelled', 'hashFiles']);

export interface ExprReferences {
  contexts: Set<string>;
  functions: Set<string>;
}

export interface TemplatePart {
  kind: 'text' | 'expr';
  /** Literal text, or the expression source between `${{` and `}}`. */
  text: string;
  /** 0-based offset of `text` in the template. */
  offset: number;
}

/** Result of parseExpression: the AST, or the first syntax error (offset into the source). */
export type ParseResult = { ok: true; ast: Expr } | { ok: false; error: ExpressionProblem };

/** Result of parseTemplate: the parts in order, or the error for an unclosed `${{`. */
export type TemplateParseResult = { ok: true; parts: TemplatePart[] } | { ok: false; error: ExpressionProblem };

/** Longest expression source accepted (characters); longer ones are a syntax error, not a hang. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Deepest nesting of parentheses, brackets, calls and `!` accepted by the parser. */
export const MAX_EXPRESSION_DEPTH = 64;
