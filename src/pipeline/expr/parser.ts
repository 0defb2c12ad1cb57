import { describeToken, tokenize, type Token } from './lexer.js';
import { ExpressionError, MAX_EXPRESSION_DEPTH, type Expr, type ParseResult } from './types.js';

/**
 * Grammar, lowest precedence first (binary operators are left-associative):
 *
 *   or         := and ('||' and)*
 *   and        := equality ('&&' equality)*
 *   equality   := comparison (('==' | '!=') comparison)*
 *   comparison := unary (('<' | '<=' | '>' | '>=') unary)*
 *   unary      := '!' unary | postfix
 *   postfix    := primary ('.' name | '[' or ']')*
 *   primary    := literal | name | name '(' (or (',' or)*)? ')' | '(' or ')'
 *
 * Hand-written recursive descent; recursion only happens through parentheses, brackets, call
 * arguments and '!', and each of those counts towards MAX_EXPRESSION_DEPTH, so the parser can
 * never run out of stack.
 */
export function parseExpression(source: string): ParseResult {
  try {
    return { ok: true, ast: parseExpressionOrThrow(source) };
  } catch (err) {
    if (err instanceof ExpressionError) {
      const error = { message: err.message, offset: err.offset, ...(err.hint === undefined ? {} : { hint: err.hint }) };
      return { ok: false, error };
    }
    throw err;
  }
}

/** Like parseExpression, but throws ExpressionError on a syntax error. */
export function parseExpressionOrThrow(source: string): Expr {
  const parser = new Parser(tokenize(source));
  return parser.parseAll();
}

const EQUALITY = new Set(['==', '!=']);
const COMPARISON = new Set(['<', '<=', '>', '>=']);
const WORD_OPERATORS: Record<string, string> = { and: '&&', or: '||', not: '!', is: '==', eq: '==', ne: '!=' };

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    if (this.peek().type === 'eof') {
      throw new ExpressionError('empty expression', 0, "write a value or a condition, e.g. git.branch == 'main'");
    }
    const expr = this.parseOr();
    const extra = this.peek();
    if (extra.type !== 'eof') {
      const word = WORD_OPERATORS[extra.text];
      const hint = extra.type === 'ident' && word !== undefined
        ? `did you mean '${word}'?`
        : "combine conditions with '&&' or '||'";
      const what = extra.text === ')' ? "unmatched ')'" : `unexpected ${describeToken(extra)} after a complete expression`;
      throw new ExpressionError(what, extra.offset, hint);
    }
    return expr;
  }

  private peek(): Token {
    // The token list always ends with 'eof', and pos never moves past it.
    return this.tokens[this.pos] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.pos++;
    return token;
  }

  private isOp(set: Set<string>): boolean {
    const token = this.peek();
    return token.type === 'op' && set.has(token.text);
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.type === 'punct' && token.text === text;
  }

  private expectPunct(text: string, opener: Token): void {
    if (this.isPunct(text)) {
      this.next();
      return;
    }
    const found = this.peek();
    throw new ExpressionError(`expected '${text}' to close '${opener.text}' at offset ${opener.offset}, found ${describeToken(found)}`,
      found.offset);
  }

  private enter(offset: number): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      throw new ExpressionError(`expression is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels)`, offset,
        'split it into smaller expressions');
    }
  }

  private leave(): void {
    this.depth--;
  }

  private binary(ops: Set<string>, operand: () => Expr): Expr {
    let left = operand();
    while (this.isOp(ops)) {
      const op = this.next();
      const right = operand();
      left = { kind: 'binary', op: op.text as '==', left, right, offset: op.offset };
    }
    return left;
  }

  private parseOr(): Expr {
    return this.binary(new Set(['||']), () => this.parseAnd());
  }

  private parseAnd(): Expr {
    return this.binary(new Set(['&&']), () => this.parseEquality());
  }

  private parseEquality(): Expr {
    return this.binary(EQUALITY, () => this.parseComparison());
  }

  private parseComparison(): Expr {
    return this.binary(COMPARISON, () => this.parseUnary());
  }

  private parseUnary(): Expr {
    const token = this.peek();
    if (token.type === 'op' && token.text === '!') {
      this.next();
      this.enter(token.offset);
      const operand = this.parseUnary();
      this.leave();
      return { kind: 'unary', op: '!', operand, offset: token.offset };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        const name = this.peek();
        if (name.type !== 'ident' && name.type !== 'true' && name.type !== 'false' && name.type !== 'null') {
          const hint = name.type === 'number' || name.type === 'string' ? `use an index instead: [${name.type === 'number' ? name.text : `'…'`}]` : undefined;
          throw new ExpressionError(`expected a property name after '.', found ${describeToken(name)}`, name.offset, hint);
        }
        this.next();
        expr = { kind: 'member', object: expr, property: name.text, offset: name.offset };
      } else if (this.isPunct('[')) {
        const open = this.next();
        this.enter(open.offset);
        if (this.isPunct(']')) throw new ExpressionError("expected an index inside '[ ]'", this.peek().offset);
        const index = this.parseOr();
        this.expectPunct(']', open);
        this.leave();
        expr = { kind: 'index', object: expr, index, offset: open.offset };
      } else if (this.isPunct('(')) {
        throw new ExpressionError('only named functions can be called', this.peek().offset,
          "call a function by its name, e.g. contains(git.message, 'skip')");
      } else {
        return expr;
      }
    }
  }

  private parsePrimary(): Expr {
    const token = this.next();
    switch (token.type) {
      case 'string':
        return { kind: 'literal', value: token.text, offset: token.offset };
      case 'number':
        return { kind: 'literal', value: token.number ?? Number(token.text), offset: token.offset };
      case 'true':
      case 'false':
        return { kind: 'literal', value: token.type === 'true', offset: token.offset };
      case 'null':
        return { kind: 'literal', value: null, offset: token.offset };
      case 'ident':
        return this.isPunct('(') ? this.parseCall(token) : { kind: 'context', name: token.text, offset: token.offset };
      case 'punct':
        if (token.text === '(') return this.parseGroup(token);
        break;
      default:
        break;
    }
    if (token.type === 'eof') {
      throw new ExpressionError('unexpected end of expression: a value is missing', token.offset);
    }
    throw new ExpressionError(`expected a value, found ${describeToken(token)}`, token.offset);
  }

  private parseGroup(open: Token): Expr {
    this.enter(open.offset);
    if (this.isPunct(')')) throw new ExpressionError("empty parentheses '()'", open.offset);
    const inner = this.parseOr();
    this.expectPunct(')', open);
    this.leave();
    return inner;
  }

  private parseCall(name: Token): Expr {
    const open = this.next();
    this.enter(open.offset);
    const args: Expr[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        args.push(this.parseOr());
        if (!this.isPunct(',')) break;
        this.next();
      }
    }
    if (!this.isPunct(')')) {
      const found = this.peek();
      throw new ExpressionError(`expected ',' or ')' in the arguments of ${name.text}(), found ${describeToken(found)}`, found.offset);
    }
    this.next();
    this.leave();
    return { kind: 'call', name: name.text, args, offset: name.offset };
  }
}
