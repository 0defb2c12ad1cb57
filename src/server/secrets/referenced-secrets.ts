import { expr, type Plan, type PlanJob } from '../../pipeline/index.js';

type Expr = expr.Expr;

export interface SecretReferences {
  /** Names used as `secrets.NAME` or `secrets['NAME']`, sorted. */
  names: string[];
  /** The job reads `secrets` some other way (`secrets[matrix.key]`, `toJSON(secrets)`): nothing to give. */
  dynamic: boolean;
}

/**
 * The secrets one job of a plan may read: every `${{ }}` in the job (env, step env, `with`, `if`,
 * outputs, image…) and in the plan's top-level env, which every job inherits. Only names written
 * out can be known before the job runs, so only those are decrypted and handed to the job;
 * anything else that reads `secrets` is reported as dynamic and gets nothing.
 */
export function referencedSecrets(plan: Plan, job: PlanJob): SecretReferences {
  const names = new Set<string>();
  const found = { dynamic: false };
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === 'string') {
      for (const source of expressionsOf(value, key)) {
        const parsed = expr.parseExpression(source);
        if (parsed.ok) collect(parsed.ast, names, found);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, undefined);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  visit(plan.env, undefined);
  visit(job, undefined);
  return { names: [...names].sort(), dynamic: found.dynamic };
}

/** `if:` values may be written bare; everything else is a template. */
function expressionsOf(value: string, key: string | undefined): string[] {
  if (key === 'condition') {
    try {
      return [expr.conditionExpression(value).source];
    } catch {
      return [];
    }
  }
  return value.includes('${{') ? expr.templateExpressions(value).map((part) => part.text) : [];
}

function collect(ast: Expr, names: Set<string>, found: { dynamic: boolean }): void {
  const stack: Expr[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const named = staticSecretName(node);
    if (named !== undefined) {
      names.add(named);
      continue;
    }
    switch (node.kind) {
      case 'context':
        if (node.name === 'secrets') found.dynamic = true;
        break;
      case 'member':
        stack.push(node.object);
        break;
      case 'index':
        stack.push(node.object, node.index);
        break;
      case 'unary':
        stack.push(node.operand);
        break;
      case 'binary':
        stack.push(node.left, node.right);
        break;
      case 'call':
        stack.push(...node.args);
        break;
      default:
        break;
    }
  }
}

function staticSecretName(node: Expr): string | undefined {
  if (node.kind === 'member' && node.object.kind === 'context' && node.object.name === 'secrets') return node.property;
  if (node.kind === 'index' && node.object.kind === 'context' && node.object.name === 'secrets' && node.index.kind === 'literal' && typeof node.index.value === 'string') {
    return node.index.value;
  }
  return undefined;
}
