/**
 * The benchmark DAG: `layers` × `width` jobs; every job after the first layer needs two jobs of the
 * layer before (the one in the same column and the next one), so the graph is wide and deep.
 * Generated three ways for the same graph: a pipeline file, a Makefile, and a plain adjacency list.
 */
export interface LayeredDag {
  ids: string[];
  needs: Map<string, string[]>;
}

export function layeredDag(layers: number, width: number): LayeredDag {
  const ids: string[] = [];
  const needs = new Map<string, string[]>();
  const id = (l: number, j: number) => `l${String(l).padStart(2, '0')}j${String(j).padStart(2, '0')}`;
  for (let l = 0; l < layers; l++) {
    for (let j = 0; j < width; j++) {
      ids.push(id(l, j));
      needs.set(id(l, j), l === 0 ? [] : [id(l - 1, j), id(l - 1, (j + 1) % width)]);
    }
  }
  return { ids, needs };
}

export function pipelineYaml(dag: LayeredDag, command: string): string {
  const lines = ['version: 1', 'jobs:'];
  for (const id of dag.ids) {
    const needs = dag.needs.get(id)!;
    lines.push(`  ${id}:`);
    if (needs.length > 0) lines.push(`    needs: [${needs.join(', ')}]`);
    lines.push(`    steps: [{ run: "${command}" }]`);
  }
  return lines.join('\n') + '\n';
}

export function makefile(dag: LayeredDag, command: string): string {
  const lines = [`.PHONY: all ${dag.ids.join(' ')}`, `all: ${dag.ids.join(' ')}`, ''];
  for (const id of dag.ids) lines.push(`${id}: ${dag.needs.get(id)!.join(' ')}`, `\t@${command}`, '');
  return lines.join('\n');
}
