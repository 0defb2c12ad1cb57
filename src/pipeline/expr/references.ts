import type { Expr, ExprReferences } from './types.js';

/** Every node of an expression, parents before children (iterative: no recursion limit). */
export function walk(ast: Expr): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop() as Expr;
    out.push(node);
    switch (node.kind) {
      case 'member':
        stack.push(node.object);
        break;
      case 'index':
        stack.push(node.index, node.object);
        break;
      case 'unary':
        stack.push(node.operand);
        break;
      case 'binary':
        stack.push(node.right, node.left);
        break;
      case 'call':
        for (let i = node.args.length - 1; i >= 0; i--) stack.push(node.args[i] as Expr);
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * The top-level context names and function names an expression uses. Compile compares them with
 * RUNTIME_CONTEXTS / RUNTIME_FUNCTIONS to decide whether the expression can be evaluated now.
 */
export function references(ast: Expr): ExprReferences {
  const contexts = new Set<string>();
  const functions = new Set<string>();
  for (const node of walk(ast)) {
    if (node.kind === 'context') contexts.add(node.name);
    else if (node.kind === 'call') functions.add(node.name);
  }
  return { contexts, functions };
}
