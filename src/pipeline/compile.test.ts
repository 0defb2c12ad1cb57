import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compilePipeline, type CompileOptions } from './compile.js';
import { SHA, loadForTest, pushEvent } from './compile/test-helpers.js';
import type { GitEvent } from './event.js';
import type { Plan, PlanJob } from './plan.js';

function compile(text: string, event: GitEvent = pushEvent('main'), options?: CompileOptions): Plan {
  const result = compilePipeline(loadForTest(text), event, options);
  assert.deepEqual(result.diagnostics, [], 'no diagnostics expected');
  assert.ok(result.plan);
  return result.plan;
}

function diagnostics(text: string, event: GitEvent = pushEvent('main'), options?: CompileOptions) {
  const result = compilePipeline(loadForTest(text), event, options);
  assert.equal(result.plan, undefined, 'no plan when there are errors');
  return result.diagnostics;
}

function job(plan: Plan, id: string): PlanJob {
  const found = plan.jobs.find((j) => j.id === id);
  assert.ok(found, `job ${id} in ${plan.jobs.map((j) => j.id).join(', ')}`);
  return found;
}

const manual = (inputs: Record<string, string>): GitEvent => ({ name: 'manual', sha: SHA, branch: 'main', inputs });

describe('compilePipeline: triggers', () => {
  it('returns a plan with every job skipped when the event does not match', () => {
    const plan = compile('version: 1\non: { push: { branches: [main, "release/**"] } }\njobs:\n  a: { steps: [{ run: x }] }\n', pushEvent('feature/x'));
    assert.equal(plan.trigger.matched, false);
    assert.deepEqual(job(plan, 'a').skip, {
      reason: "event push on branch 'feature/x' does not match on.push.branches [main, release/**]",
    });
  });
});

describe('compilePipeline: inputs', () => {
  const text = `
version: 1
on:
  manual:
    inputs:
      target: { default: staging, options: [staging, production] }
      dry_run: { type: boolean, default: false }
      replicas: { type: number, default: 2 }
      ticket: { required: true }
jobs:
  deploy:
    if: inputs.dry_run
    steps: [{ run: "echo \${{ inputs.target }}" }]
  real:
    if: "!inputs.dry_run && inputs.replicas > 1"
    steps: [{ run: x }]
`;

  it('applies defaults and keeps values typed as declared in the plan context', () => {
    const plan = compile(text, manual({ ticket: 'OPS-1', target: 'production' }));
    assert.deepEqual(plan.context.inputs, { target: 'production', dry_run: false, replicas: 2, ticket: 'OPS-1' });
  });

  it('evaluates typed inputs in compile-time conditions (false is not truthy)', () => {
    const plan = compile(text, manual({ ticket: 'OPS-1' }));
    assert.deepEqual(job(plan, 'deploy').skip, { reason: 'if: inputs.dry_run was false' });
    assert.equal(job(plan, 'real').skip, undefined);
    const dry = compile(text, manual({ ticket: 'OPS-1', dry_run: 'TRUE' }));
    assert.equal(job(dry, 'deploy').skip, undefined);
    assert.deepEqual(job(dry, 'real').skip, { reason: 'if: !inputs.dry_run && inputs.replicas > 1 was false' });
  });

  it('rejects unknown, missing, out-of-options and mistyped inputs', () => {
    const found = diagnostics(text, manual({ targt: 'x', target: 'prod', dry_run: 'yes', replicas: 'two' }));
    const messages = found.map((d) => d.message).sort();
    assert.deepEqual(messages, [
      "input 'dry_run' must be true or false, got 'yes'",
      "input 'replicas' must be a number, got 'two'",
      "input 'target' must be one of staging, production, got 'prod'",
      "missing required input 'ticket'",
      "unknown input 'targt' for event manual",
    ]);
    assert.ok(found.every((d) => d.code === 'PIPELINE_BAD_INPUT' && d.severity === 'error'));
    assert.equal(found.find((d) => d.message.startsWith('unknown'))?.hint, "did you mean 'target'?");
    const missing = found.find((d) => d.message.startsWith('missing'))!;
    assert.equal(missing.line, 9);
  });

  it('gives other events the declared defaults and ignores required', () => {
    const plan = compile(text, pushEvent('main'));
    assert.deepEqual(plan.context.inputs, { target: 'staging', dry_run: false, replicas: 2, ticket: '' });
  });
});

describe('compilePipeline: conditions', () => {
  const text = `
version: 1
env: { STAGE: prod, DYN: "\${{ git.sha }}" }
jobs:
  main-only:
    if: \${{ git.branch == 'main' }}
    steps: [{ run: x }]
  never:
    if: false
    steps: [{ run: x }]
  always:
    if: true
    steps: [{ run: x }]
  runtime:
    needs: [never]
    if: always() && git.branch == 'main'
    steps: [{ run: x }]
  by-needs:
    needs: main-only
    if: needs.main-only.outputs.ok == 'yes'
    steps: [{ run: x }]
  by-env:
    if: env.STAGE == 'prod'
    steps: [{ run: x }]
  by-dyn-env:
    if: env.DYN != ''
    steps: [{ run: x }]
  chained:
    needs: [never]
    steps: [{ run: x }]
  chained-2:
    needs: [chained]
    steps: [{ run: x }]
`;

  it('decides compile-time conditions now and keeps run-time ones', () => {
    const dev = compile(text, pushEvent('dev'));
    assert.deepEqual(job(dev, 'main-only').skip, { reason: "if: git.branch == 'main' was false" });
    assert.deepEqual(job(dev, 'never').skip, { reason: 'if: false was false' });
    assert.equal(job(dev, 'always').skip, undefined);
    assert.equal(job(dev, 'always').condition, undefined);
    assert.equal(job(dev, 'runtime').condition, "always() && git.branch == 'main'");
    assert.equal(job(dev, 'runtime').skip, undefined, 'a job with its own condition is left to the engine');
    assert.equal(job(dev, 'by-needs').condition, "needs.main-only.outputs.ok == 'yes'");
    assert.equal(job(dev, 'by-env').skip, undefined);
    assert.equal(job(dev, 'by-env').condition, undefined);
    assert.equal(job(dev, 'by-dyn-env').condition, "env.DYN != ''", 'env holding a template is run-time');
    const main = compile(text, pushEvent('main'));
    assert.equal(job(main, 'main-only').skip, undefined);
  });

  it('skips default-condition jobs whose needs will not run, through chains', () => {
    const plan = compile(text, pushEvent('dev'));
    assert.deepEqual(job(plan, 'chained').skip, { reason: "needs 'never' will not run" });
    assert.deepEqual(job(plan, 'chained-2').skip, { reason: "needs 'chained' will not run" });
  });

  it('reports an expression that fails at compile time at the if', () => {
    const found = diagnostics('version: 1\njobs:\n  a:\n    if: git.branch > 1 && nope(1)\n    steps: [{ run: x }]\n');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.code, 'PIPELINE_EXPRESSION_FAILED');
    assert.equal(found[0]!.line, 4);
    assert.equal(found[0]!.path, 'jobs.a.if');
  });
});

describe('compilePipeline: matrix', () => {
  it('expands instances with ids, names and needs on all instances', () => {
    const plan = compile(`
version: 1
jobs:
  test:
    matrix: { node: [20, 22], os: [linux] }
    steps: [{ run: "node \${{ matrix.node }}" }]
  named:
    name: "Node \${{ matrix.node }}"
    matrix: { node: [20] }
    steps: [{ run: x }]
  plain-name:
    name: Lint
    matrix: { node: [20] }
    steps: [{ run: x }]
  report:
    needs: test
    steps: [{ run: x }]
`);
    assert.deepEqual(plan.jobs.map((j) => j.id), ['test (node: 20, os: linux)', 'test (node: 22, os: linux)', 'named (node: 20)', 'plain-name (node: 20)', 'report']);
    assert.deepEqual(job(plan, 'test (node: 22, os: linux)').matrix, { node: 22, os: 'linux' });
    assert.equal(job(plan, 'named (node: 20)').name, 'Node 20');
    assert.equal(job(plan, 'plain-name (node: 20)').name, 'Lint (node: 20)');
    assert.deepEqual(job(plan, 'report').needs, ['test (node: 20, os: linux)', 'test (node: 22, os: linux)']);
    assert.equal(job(plan, 'report').matrix, undefined);
  });

  it('evaluates if per instance', () => {
    const plan = compile('version: 1\njobs:\n  t:\n    matrix: { n: [1, 2] }\n    if: matrix.n == 2\n    steps: [{ run: x }]\n');
    assert.deepEqual(job(plan, 't (n: 1)').skip, { reason: 'if: matrix.n == 2 was false' });
    assert.equal(job(plan, 't (n: 2)').skip, undefined);
  });

  it('refuses a matrix over maxMatrix', () => {
    const found = diagnostics('version: 1\njobs:\n  t:\n    matrix: { a: [1, 2, 3], b: [1, 2] }\n    steps: [{ run: x }]\n', pushEvent('main'), { maxMatrix: 5 });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.code, 'PIPELINE_MATRIX_TOO_LARGE');
    assert.equal(found[0]!.path, 'jobs.t.matrix');
    assert.match(found[0]!.message, /6 combinations/);
  });
});

describe('compilePipeline: run scripts', () => {
  it('never puts an outside value into script text', () => {
    const evil = 'x";rm -rf /;"';
    const plan = compile(
      'version: 1\njobs:\n  a:\n    steps:\n      - run: |\n          echo "${{ git.branch }}"\n          echo ${{ git.message }}\n',
      pushEvent(evil, { message: '$(curl evil)' }),
    );
    const step = job(plan, 'a').steps[0]!;
    assert.equal(step.script, 'echo "${GANTRY_EXPR_0}"\necho ${GANTRY_EXPR_1}\n');
    assert.ok(!step.script!.includes('rm -rf'));
    assert.ok(!JSON.stringify(plan.jobs).includes('rm -rf'), 'the value is only in plan.event/context');
    assert.deepEqual(step.env, { GANTRY_EXPR_0: '${{ git.branch }}', GANTRY_EXPR_1: '${{ git.message }}' });
  });

  it('keeps any branch, message or input out of every script (property)', () => {
    const loaded = loadForTest(
      'version: 1\non: { manual: { inputs: { v: { default: d } } } }\njobs:\n  a:\n    steps:\n      - run: echo "${{ git.branch }}" ${{ git.message }} ${{ inputs.v }}\n',
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (raw, message) => {
        const branch = `ZQ${raw}`;
        const value = `ZV${message}`;
        const event: GitEvent = { name: 'manual', sha: SHA, branch, message: `ZM${message}`, inputs: { v: value } };
        const result = compilePipeline(loaded, event);
        assert.ok(result.plan);
        const script = result.plan.jobs[0]!.steps[0]!.script!;
        assert.equal(script, 'echo "${GANTRY_EXPR_0}" ${GANTRY_EXPR_1} ${GANTRY_EXPR_2}');
      }),
      { numRuns: 200 },
    );
  });

  it('does not evaluate a branch name that looks like an expression', () => {
    const plan = compile(
      'version: 1\nconcurrency: { group: "ci-${{ git.branch }}" }\njobs:\n  a: { steps: [{ run: x }] }\n',
      pushEvent('${{ secrets.TOKEN }}'),
    );
    assert.equal(plan.concurrency?.group, 'ci-${{ git.branch }}');
    assert.equal(compile('version: 1\nconcurrency: { group: "ci-${{ git.branch }}" }\njobs:\n  a: { steps: [{ run: x }] }\n').concurrency?.group, 'ci-main');
  });
});

describe('compilePipeline: only', () => {
  const text = `
version: 1
jobs:
  lint: { steps: [{ run: x }] }
  build: { steps: [{ run: x }] }
  test: { needs: build, matrix: { n: [1, 2] }, steps: [{ run: x }] }
  deploy: { needs: [test], steps: [{ run: x }] }
`;

  it('selects the named jobs and their transitive needs', () => {
    const plan = compile(text, pushEvent('main'), { only: ['deploy'] });
    assert.deepEqual(job(plan, 'lint').skip, { reason: 'not selected (--job)' });
    for (const id of ['build', 'test (n: 1)', 'test (n: 2)', 'deploy']) assert.equal(job(plan, id).skip, undefined, id);
  });

  it('selects a single matrix instance by id', () => {
    const plan = compile(text, pushEvent('main'), { only: ['test (n: 2)'] });
    assert.equal(job(plan, 'test (n: 2)').skip, undefined);
    assert.equal(job(plan, 'build').skip, undefined);
    assert.deepEqual(job(plan, 'test (n: 1)').skip, { reason: 'not selected (--job)' });
    assert.deepEqual(job(plan, 'deploy').skip, { reason: 'not selected (--job)' });
  });

  it('reports an unknown job with did-you-mean', () => {
    const found = diagnostics(text, pushEvent('main'), { only: ['deplyo'] });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.code, 'PIPELINE_UNKNOWN_JOB');
    assert.equal(found[0]!.message, "no job named 'deplyo'");
    assert.equal(found[0]!.hint, "did you mean 'deploy'?");
  });
});

describe('compilePipeline: defaults', () => {
  it('fills timeouts, retry, shell and the rest', () => {
    const plan = compile(`
version: 1
defaults: { timeout: 20m, retry: 2, shell: sh, working_directory: app }
fail_fast: false
jobs:
  a:
    runs_on: linux
    environment: { name: staging, url: "https://x" }
    steps:
      - run: make
      - { run: x, shell: "node --trace-warnings {0}", working_directory: web, timeout: 90s }
      - { build: { context: . } }
      - { uses: "slack@1", with: { channel: ci } }
  b:
    timeout: 1h30m
    retry: { max: 1, backoff: 30s, on: [failure] }
    shell: bash
    checkout: false
    continue_on_error: true
    steps: [{ run: "\\n\\n  first line\\nsecond" }]
`);
    const a = job(plan, 'a');
    assert.equal(plan.failFast, false);
    assert.equal(a.timeoutMs, 20 * 60_000);
    assert.deepEqual(a.retry, { max: 2, backoffMs: 10_000, on: ['infrastructure'] });
    assert.deepEqual(a.runsOn, ['linux']);
    assert.equal(a.environment, 'staging');
    assert.deepEqual(a.steps.map((s) => s.name), ['make', 'x', 'build', 'uses: slack@1']);
    assert.deepEqual(a.steps[0]!.shell, ['sh', '-e', '{0}']);
    assert.equal(a.steps[0]!.workingDirectory, 'app');
    assert.deepEqual(a.steps[1]!.shell, ['node', '--trace-warnings', '{0}']);
    assert.equal(a.steps[1]!.workingDirectory, 'web');
    assert.equal(a.steps[1]!.timeoutMs, 90_000);
    assert.deepEqual(a.steps[2]!.with, { context: '.' });
    assert.equal(a.steps[2]!.shell, undefined);
    assert.equal(a.steps[3]!.uses, 'slack@1');
    assert.deepEqual(a.steps[3]!.with, { channel: 'ci' });
    const b = job(plan, 'b');
    assert.equal(b.timeoutMs, 90 * 60_000);
    assert.deepEqual(b.retry, { max: 1, backoffMs: 30_000, on: ['failure'] });
    assert.equal(b.checkout, false);
    assert.equal(b.continueOnError, true);
    assert.equal(b.steps[0]!.name, 'first line');
    assert.deepEqual(b.steps[0]!.shell, ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}']);
  });

  it('rejects a custom shell without {0}', () => {
    const found = diagnostics('version: 1\njobs:\n  a: { steps: [{ run: x, shell: "node -e" }] }\n');
    assert.equal(found[0]!.code, 'PIPELINE_BAD_SHELL');
  });

  it('is deterministic and JSON-serialisable', () => {
    const text = 'version: 1\nenv: { N: 1, B: true }\njobs:\n  a: { env: { X: 2 }, steps: [{ run: x, env: { Y: false } }] }\n';
    const one = compile(text);
    assert.equal(JSON.stringify(one), JSON.stringify(compile(text)));
    assert.deepEqual(JSON.parse(JSON.stringify(one)), one);
    assert.deepEqual(one.env, { N: '1', B: 'true' });
    assert.deepEqual(job(one, 'a').env, { X: '2' });
    assert.deepEqual(job(one, 'a').steps[0]!.env, { Y: 'false' });
  });

  it('reports lines of jobs and steps', () => {
    const plan = compile('version: 1\njobs:\n  a:\n    steps:\n      - run: x\n      - run: y\n');
    // LoadedPipeline.locate gives the position of the job's value (its first key).
    assert.equal(job(plan, 'a').line, 4);
    assert.deepEqual(job(plan, 'a').steps.map((s) => s.line), [5, 6]);
  });
});

describe('compilePipeline: problems lint normally catches first', () => {
  it('reports unknown needs with did-you-mean and needs cycles', () => {
    const unknown = diagnostics('version: 1\njobs:\n  build: { steps: [{ run: x }] }\n  test: { needs: [biuld], steps: [{ run: x }] }\n');
    assert.equal(unknown[0]!.code, 'PIPELINE_UNKNOWN_NEED');
    assert.equal(unknown[0]!.hint, "did you mean 'build'?");
    const cycle = diagnostics('version: 1\njobs:\n  a: { needs: b, steps: [{ run: x }] }\n  b: { needs: a, steps: [{ run: x }] }\n');
    assert.equal(cycle[0]!.code, 'PIPELINE_CYCLE');
    assert.equal(cycle[0]!.message, 'needs form a cycle: a → b → a');
  });

  it('reports two jobs with the same plan id', () => {
    const found = diagnostics('version: 1\njobs:\n  t: { matrix: { n: [1] }, steps: [{ run: x }] }\n  "t (n: 1)": { steps: [{ run: x }] }\n');
    assert.equal(found[0]!.code, 'PIPELINE_DUPLICATE_JOB_ID');
  });
});

describe('compilePipeline: api inputs', () => {
  it('uses on.api.inputs for api events, else the manual ones', () => {
    const both = 'version: 1\non:\n  manual: { inputs: { a: { default: m } } }\n  api: { inputs: { b: { default: x } } }\njobs:\n  j: { steps: [{ run: x }] }\n';
    assert.deepEqual(compile(both, { name: 'api', sha: SHA, inputs: { b: 'y' } }).context.inputs, { b: 'y' });
    assert.deepEqual(compile(both, { name: 'manual', sha: SHA }).context.inputs, { a: 'm' });
    const manualOnly = 'version: 1\non:\n  manual: { inputs: { a: { default: m } } }\n  api: {}\njobs:\n  j: { steps: [{ run: x }] }\n';
    assert.deepEqual(compile(manualOnly, { name: 'api', sha: SHA, inputs: { a: 'z' } }).context.inputs, { a: 'z' });
  });
});
