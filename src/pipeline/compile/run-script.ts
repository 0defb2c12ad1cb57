import { parseTemplate } from '../expr/index.js';
import type { ExpressionProblem } from '../expr/index.js';

/**
 * Makes a run script safe from injection: every `${{ expr }}` in the script TEXT becomes a shell
 * reference `${GANTRY_EXPR_<n>}`, and the step's env gets `GANTRY_EXPR_<n>: '${{ expr }}'`, a
 * template the runner evaluates and exports. So a value from outside (a branch called
 * `x";rm -rf /;"`) reaches the shell as data in a variable, never as script text.
 * The same expression written twice shares one variable; names already used by the step's own
 * env are skipped.
 */
export interface RewrittenScript {
  script: string;
  env: Record<string, string>;
}

export const EXPR_ENV_PREFIX = 'GANTRY_EXPR_';

export function rewriteRunScript(
  text: string,
  taken: ReadonlySet<string> = new Set(),
): { ok: true; value: RewrittenScript } | { ok: false; error: ExpressionProblem } {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const env: Record<string, string> = {};
  const bySource = new Map<string, string>();
  let next = 0;
  let script = '';
  for (const part of parsed.parts) {
    if (part.kind === 'text') {
      script += part.text;
      continue;
    }
    const source = part.text.trim();
    let name = bySource.get(source);
    if (name === undefined) {
      do name = `${EXPR_ENV_PREFIX}${next++}`;
      while (taken.has(name));
      bySource.set(source, name);
      env[name] = `\${{ ${source} }}`;
    }
    script += `\${${name}}`;
  }
  return { ok: true, value: { script, env } };
}
