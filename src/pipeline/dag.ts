/**
 * Graph helpers over job names. `edges` maps a node to the nodes it needs (its dependencies);
 * names not in the map are ignored (unknown needs are reported elsewhere).
 */
export type Graph = ReadonlyMap<string, readonly string[]>;

/**
 * Finds one dependency cycle and returns it closed, e.g. ['build', 'test', 'build'] for
 * build needs test and test needs build; undefined when the graph has none. Iterative, so a long
 * chain cannot overflow the stack. Deterministic: nodes are visited in map order.
 */
export function findCycle(graph: Graph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 'visiting');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = (graph.get(top.node) ?? []).filter((d) => graph.has(d));
      if (top.next >= deps.length) {
        state.set(top.node, 'done');
        stack.pop();
        continue;
      }
      const dep = deps[top.next++]!;
      const seen = state.get(dep);
      if (seen === 'visiting') {
        const from = stack.findIndex((f) => f.node === dep);
        return [...stack.slice(from).map((f) => f.node), dep];
      }
      if (seen === undefined) {
        state.set(dep, 'visiting');
        stack.push({ node: dep, next: 0 });
      }
    }
  }
  return undefined;
}

/**
 * Nodes ordered so every node comes after the nodes it needs (Kahn's algorithm, ties broken by map
 * order). Returns undefined when the graph has a cycle.
 */
export function topologicalOrder(graph: Graph): string[] | undefined {
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const [node, deps] of graph) {
    const known = [...new Set(deps.filter((d) => graph.has(d)))];
    remaining.set(node, known.length);
    for (const dep of known) dependents.set(dep, [...(dependents.get(dep) ?? []), node]);
  }
  const order: string[] = [];
  const ready = [...graph.keys()].filter((n) => remaining.get(n) === 0);
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    for (const next of dependents.get(node) ?? []) {
      const left = remaining.get(next)! - 1;
      remaining.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order.length === graph.size ? order : undefined;
}
