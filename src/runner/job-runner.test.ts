import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeJob, makePlan, runJob, step } from './testing/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-jr-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('job runner: steps and conditions', () => {
  it('a failing step stops the job; failure() and always() steps still run', async () => {
    const r = await runJob(
      makeJob([
        step('echo first'),
        step('echo before; exit 3'),
        step('echo never'),
        step('echo on-failure', { condition: 'failure()' }),
        step('echo cleanup', { condition: '${{ always() }}' }),
        step('echo branch', { condition: "git.branch == 'main'" }),
      ]),
    );
    assert.deepEqual(r.statuses, { 0: 'success', 1: 'failure', 2: 'skipped', 3: 'success', 4: 'success', 5: 'skipped' });
    assert.equal(r.finished(1).exitCode, 3);
    assert.equal(r.finished(1).reason, 'exit code 3');
    assert.deepEqual(r.lines(1), ['before']);
    assert.deepEqual(r.lines(2), []);
    assert.deepEqual(r.lines(3), ['on-failure']);
    assert.equal(r.outcome.status, 'failure');
    assert.equal(r.outcome.failureKind, 'failure');
    assert.match(r.outcome.reason ?? '', /step 1.*exit code 3/);
    const started = r.events.filter((e) => e.type === 'step:started').map((e) => e.type === 'step:started' && e.step);
    assert.deepEqual(started, [0, 1, 3, 4]);
  });

  it('continue_on_error steps do not fail the job', async () => {
    const r = await runJob(
      makeJob([
        step('exit 1', { id: 'flaky', continueOnError: true }),
        step('echo "$O $C"', { env: { O: '${{ steps.flaky.outcome }}', C: '${{ steps.flaky.conclusion }}' } }),
      ]),
    );
    assert.deepEqual(r.statuses, { 0: 'failure', 1: 'success' });
    assert.deepEqual(r.lines(1), ['failure success']);
    assert.equal(r.outcome.status, 'success');
  });

  it('passes outputs through $GANTRY_OUTPUT, multi-line values included', async () => {
    const r = await runJob(
      makeJob(
        [
          step('echo "x=1" >> "$GANTRY_OUTPUT"\nprintf "notes<<EOF\\nline one\\nline=two\\nEOF\\n" >> "$GANTRY_OUTPUT"', { id: 'a' }),
          step('echo "x=2" >> "$GANTRY_OUTPUT"; printf "%s|" "$N"', { id: 'b', env: { N: '${{ steps.a.outputs.notes }}' } }),
        ],
        { outputs: { combined: '${{ steps.a.outputs.x }}-${{ steps.b.outputs.x }}' } },
      ),
    );
    assert.equal(r.outcome.status, 'success');
    assert.deepEqual(r.lines(1), ['line one', 'line=two|']);
    assert.deepEqual(r.outcome.outputs, { x: '2', notes: 'line one\nline=two', combined: '1-2' });
  });

  it('stdout cannot set outputs or env', async () => {
    const r = await runJob(
      makeJob([
        step('echo "::set-output name=x::y"; echo "x=y"; echo "::set-env name=E::1"; echo "E=1"', { id: 'a' }),
        step('echo "[${E:-unset}]"'),
      ]),
    );
    assert.deepEqual(r.outcome.outputs, {});
    assert.deepEqual(r.lines(1), ['[unset]']);
  });

  it('$GANTRY_ENV exports reach later steps, below step env', async () => {
    const r = await runJob(
      makeJob([
        step('echo "FOO=from-env-file" >> "$GANTRY_ENV"; echo "BAR=exported" >> "$GANTRY_ENV"; echo "bad key=1" >> "$GANTRY_ENV"'),
        step('echo "$FOO $BAR"', { env: { BAR: 'step-wins' } }),
        step('echo "$X"', { env: { X: '${{ env.FOO }}' } }),
      ]),
    );
    assert.deepEqual(r.lines(1), ['from-env-file step-wins']);
    assert.deepEqual(r.lines(2), ['from-env-file']);
    assert.ok(r.lines(0, 'system').some((l) => /invalid env name "bad key"/.test(l)));
    assert.equal(r.outcome.status, 'success');
  });

  it('builds env in layers: host < Gantry < plan < job < step, with templates over every context', async () => {
    const plan = makePlan({ env: { LAYER: 'plan', PLAN_ONLY: 'p-${{ git.branch }}' } });
    const job = makeJob(
      [
        step('echo "$LAYER $PLAN_ONLY $HOST_VAR $CI $GANTRY $GANTRY_JOB $GANTRY_BRANCH $GANTRY_SHA $GANTRY_EVENT"'),
        step('echo "$LAYER|$M|$I|$N|$S"', {
          env: {
            LAYER: 'step',
            M: '${{ matrix.node }}',
            I: '${{ inputs.target }}',
            N: '${{ needs.build.outputs.digest }}/${{ needs.build.result }}',
            S: '${{ job.status }}',
          },
        }),
      ],
      { env: { LAYER: 'job' }, matrix: { node: 20 }, id: 'test (node: 20)' },
    );
    const r = await runJob(job, {
      plan,
      hostEnv: { PATH: process.env.PATH!, HOST_VAR: 'host', LAYER: 'host', CI: 'false' },
      needs: { build: { result: 'success', outputs: { digest: 'sha256:1' } } },
    });
    assert.deepEqual(r.lines(0), ['job p-main host true true test (node: 20) main abc123def push']);
    assert.deepEqual(r.lines(1), ['step|20|staging|sha256:1/success|success']);
  });

  it('env templates see the values set before them in the same map', async () => {
    const r = await runJob(makeJob([step('echo "$B"', { env: { A: 'lit', B: '${{ env.A }}-x' } })], { env: { J: 'job' } }));
    assert.deepEqual(r.lines(0), ['lit-x']);
  });

  it('a bad template fails the step with a clear reason', async () => {
    const r = await runJob(makeJob([step('echo hi', { env: { X: '${{ nope.x }}' } }), step('echo after')]));
    assert.equal(r.statuses[0], 'failure');
    assert.match(r.finished(0).reason ?? '', /steps\[0\]\.env\.X/);
    assert.equal(r.statuses[1], 'skipped');
    assert.equal(r.outcome.status, 'failure');
  });
});

describe('job runner: workspace', () => {
  it('checkout: false runs in an empty directory; checkout: true in the source dir', async () => {
    const source = join(scratch, 'src');
    mkdirSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(source, 'hello.txt'), 'hi');
    const empty = await runJob(makeJob([step('ls -A | wc -l; pwd')], { checkout: false }), { sourceDir: source });
    assert.equal(empty.lines(0)[0]?.trim(), '0');
    assert.notEqual(empty.lines(0)[1], source);
    const checkout = await runJob(makeJob([step('cat hello.txt; echo; pwd'), step('pwd', { workingDirectory: 'sub' })], { checkout: true }), {
      sourceDir: source,
    });
    assert.deepEqual(checkout.lines(0), ['hi', source]);
    assert.deepEqual(checkout.lines(1), [join(source, 'sub')]);
  });

  it('rejects working directories outside the workspace', async () => {
    const r = await runJob(makeJob([step('pwd', { workingDirectory: '../..' })]));
    assert.equal(r.statuses[0], 'failure');
    assert.match(r.finished(0).reason ?? '', /working_directory "\.\.\/\.\." leaves the workspace/);
    assert.equal(r.lines(0).length, 0);
    const abs = await runJob(makeJob([step('pwd', { workingDirectory: '/etc' })]));
    assert.match(abs.finished(0).reason ?? '', /must be relative/);
    const missing = await runJob(makeJob([step('pwd', { workingDirectory: 'nope' })]));
    assert.match(missing.finished(0).reason ?? '', /does not exist/);
  });

  it('hashFiles is deterministic and follows file contents', async () => {
    const source = join(scratch, 'hash');
    mkdirSync(join(source, 'a'), { recursive: true });
    writeFileSync(join(source, 'a', 'x.lock'), 'one');
    writeFileSync(join(source, 'y.lock'), 'two');
    const job = makeJob([step('echo "$H"', { env: { H: "${{ hashFiles('**/*.lock') }}" } })], { checkout: true });
    const first = (await runJob(job, { sourceDir: source })).lines(0)[0];
    const second = (await runJob(job, { sourceDir: source })).lines(0)[0];
    assert.match(first ?? '', /^[0-9a-f]{64}$/);
    assert.equal(first, second);
    writeFileSync(join(source, 'y.lock'), 'changed');
    const third = (await runJob(job, { sourceDir: source })).lines(0)[0];
    assert.notEqual(third, first);
  });
});

describe('job runner: unsupported work and system faults', () => {
  it('deploy/uses steps end the job in error with a clear reason', async () => {
    const r = await runJob(makeJob([step('echo hi'), { kind: 'deploy', name: 'ship', with: {} }]));
    assert.equal(r.outcome.status, 'error');
    assert.match(r.outcome.reason ?? '', /step "ship": deploy steps are not supported yet/);
    assert.equal(r.events.some((e) => e.type === 'step:started'), false, 'nothing ran');
  });

  it('a job with an image but no container engine configured ends in error saying how to configure one', async () => {
    const r = await runJob(makeJob([step('echo hi')], { image: 'node:20' }));
    assert.equal(r.outcome.status, 'error');
    assert.match(r.outcome.reason ?? '', /image "node:20".*no container engine is configured.*DOCKER_HOST.*dockerHost.*--backend docker/);
    assert.equal(r.lines(0).length, 0, 'no step ran');
  });

  it('a job with services but no image ends in error, before any step runs', async () => {
    const r = await runJob(makeJob([step('echo hi')], { services: { db: { image: 'postgres:16', env: {}, ports: [], pull: 'if-not-present' } } }));
    assert.equal(r.outcome.status, 'error');
    assert.match(r.outcome.reason ?? '', /has services but no image.*needs `image:`/);
    assert.equal(r.lines(0).length, 0, 'no step ran');
  });

  it('a shell that cannot start is an infrastructure error', async () => {
    const r = await runJob(makeJob([step('echo hi', { shell: ['/no/such/shell', '{0}'] }), step('echo cleanup', { condition: 'always()' })]));
    assert.equal(r.statuses[0], 'error');
    assert.equal(r.statuses[1], 'success');
    assert.equal(r.outcome.status, 'error');
    assert.equal(r.outcome.failureKind, 'infrastructure');
    assert.match(r.outcome.reason ?? '', /no\/such\/shell/);
  });
});
