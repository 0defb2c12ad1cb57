import type { LayeredDag } from './layered-dag.js';
export function runMinimalDag(dag: LayeredDag, command: string, parallel: number, cwd: string, like?: 'sh' | 'gantry-shell'): Promise<number>;
