import { arityProblem, FUNCTIONS, unknownFunction } from './functions.js';
import { parseExpression } from './parser.js';
import { walk } from './references.js';
import { didYouMean } from './suggest.js';
import { parseTemplate } from './template.js';
import { CONTEXT_NAMES, type ExpressionProblem } from './types.js';

/**
 * Static checks of one expression, without evaluating it: syntax, unknown or unavailable context
 * names, unknown functions and wrong numbers of arguments. Returns every problem found (a syntax
 * error stops the rest). `knownContexts` are the names visible where the expression is used;
 * by default all CONTEXT_NAMES. Offsets are 0-based into `source`.
 */
export function checkExpression(source: string, knownContexts: Iterable<string> = CONTEXT_NAMES): ExpressionProblem[] {
  const parsed = parseExpression(source);
  if (!parsed.ok) return [parsed.error];
  const known = new Set(knownContexts);
  const problems: ExpressionProblem[] = [];
  for (const node of walk(parsed.ast)) {
    if (node.kind === 'context' && !known.has(node.name)) {
      problems.push(contextProblem(node.name, node.offset, known));
    } else if (node.kind === 'call') {
      const fn = FUNCTIONS.get(node.name);
      if (!fn) {
        problems.push({ offset: node.offset, ...unknownFunction(node.name) });
        continue;
      }
      const arity = arityProblem(fn, node.args.length);
      if (arity) problems.push({ message: arity, offset: node.offset, hint: `usage: ${fn.signature}` });
    }
  }
  return problems.sort((a, b) => a.offset - b.offset);
}

function contextProblem(name: string, offset: number, known: Set<string>): ExpressionProblem {
  const available = [...known];
  if ((CONTEXT_NAMES as readonly string[]).includes(name)) {
    return { message: `the '${name}' context is not available here`, offset, hint: `available here: ${available.join(', ') || 'none'}` };
  }
  const suggestion = didYouMean(name, available.length ? available : CONTEXT_NAMES);
  return {
    message: `unknown name '${name}'${suggestion ? ` — ${suggestion}` : ''}`,
    offset,
    hint: `names available here: ${available.join(', ') || 'none'}; text must be quoted: '${name}'`,
  };
}

/** checkExpression for every `${{ }}` of a template; offsets are into the template text. */
export function checkTemplate(text: string, knownContexts: Iterable<string> = CONTEXT_NAMES): ExpressionProblem[] {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return [parsed.error];
  const known = [...knownContexts];
  return parsed.parts
    .filter((part) => part.kind === 'expr')
    .flatMap((part) => checkExpression(part.text, known).map((p) => ({ ...p, offset: p.offset + part.offset })));
}
