import assert from 'node:assert/strict';
import { compilePipeline, loadPipeline, type Plan } from '../../src/pipeline/index.js';

/**
 * Tests: a pipeline text compiled for a push (default: branch main, a fixed sha), asserting that it
 * loads and compiles, with the diagnostics in the failure message when it does not.
 */
export function compilePlan(yaml: string, event: { branch?: string; sha?: string } = {}): Plan {
  const loaded = loadPipeline(yaml, '.gantry.yml');
  assert.ok(loaded.loaded, JSON.stringify(loaded.diagnostics));
  const compiled = compilePipeline(loaded.loaded, { name: 'push', branch: event.branch ?? 'main', sha: event.sha ?? 'c'.repeat(40) });
  assert.ok(compiled.plan, JSON.stringify(compiled.diagnostics));
  return compiled.plan;
}
