import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Plan } from '../pipeline/index.js';
import { runJob } from './testing/fixtures.js';
import { compilePlan } from '../../test/helpers/compile-plan.js';

const compile = (yaml: string): Plan => compilePlan(yaml, { branch: 'feature/x";echo INJECTED;"', sha: 'abc1234def' });

describe('job runner on a compiled plan', () => {
  it('runs a real pipeline: expressions in scripts arrive as data, outputs flow between steps', async () => {
    const plan = compile(`
version: 1
env: { GREETING: hello }
jobs:
  build:
    checkout: false
    outputs: { version: "\${{ steps.ver.outputs.version }}" }
    steps:
      - run: echo "branch=\${{ git.branch }}"
      - id: ver
        run: echo "version=1.2.\${{ inputs.patch || 3 }}" >> "$GANTRY_OUTPUT"
      - run: echo "$GREETING \${{ steps.ver.outputs.version }} $TOKEN"
        env: { TOKEN: "\${{ secrets.TOKEN }}" }
`);
    const job = plan.jobs.find((j) => j.key === 'build');
    assert.ok(job);
    const r = await runJob(job, { plan, secrets: { TOKEN: 'top-secret-token' } });
    assert.equal(r.outcome.status, 'success', JSON.stringify(r.events));
    assert.deepEqual(r.lines(0), ['branch=feature/x";echo INJECTED;"']);
    assert.deepEqual(r.lines(2), ['hello 1.2.3 ***']);
    assert.equal(r.outcome.outputs.version, '1.2.3');
  });
});
