import { isMap, isPair, isScalar, isSeq, type Document } from 'yaml';
import { formatPath } from '../../core/index.js';
import type { PathPart } from '../yaml-positions.js';
import type { Problem } from './context.js';

const MAX_NODES = 200_000;

/**
 * Finds keys that appear twice in one mapping. The parser runs with `uniqueKeys: false` so we can
 * name the key and its place; the report points at the SECOND occurrence, the one that would win.
 * Iterative and bounded by node count, and aliases are not followed, so it cannot blow up.
 */
export function duplicateKeyProblems(doc: Document): Problem[] {
  const out: Problem[] = [];
  const stack: { node: unknown; path: PathPart[] }[] = [{ node: doc.contents, path: [] }];
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_NODES) {
    const { node, path } = stack.pop()!;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) {
          out.push({
            code: 'PIPELINE_DUPLICATE_KEY',
            path: [...path, key],
            message: `duplicate key '${key}'${path.length ? ` in '${formatPath(path)}'` : ' at the top level'}`,
            hint: 'a later key would silently replace the earlier one; rename or merge them',
            // The exact node: the path alone would lead to the FIRST occurrence.
            at: { source: pair.key.range?.[0] ?? 0 },
          });
        }
        seen.add(key);
        stack.push({ node: pair.value, path: [...path, key] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
    }
  }
  return out;
}
