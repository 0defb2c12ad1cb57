import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLimit } from './step-runner.js';
import { isGone, waitGone } from './testing/process-probe.js';
import { makeJob, runJob, step } from './testing/fixtures.js';

const BACKGROUND_AND_WAIT = 'sleep 1000 & echo "$!"; sleep 1000';

describe('job runner: timeouts and cancel', () => {
  it('a step timeout kills the whole process group, background grandchild included', async () => {
    // The limit leaves a loaded CI machine time to start bash and print the grandchild's pid
    // (300 ms once was not enough); the step itself would sleep for 1000 s.
    const started = Date.now();
    const r = await runJob(makeJob([step(BACKGROUND_AND_WAIT, { timeoutMs: 2000 }), step('echo after'), step('echo always', { condition: 'always()' })]));
    assert.ok(Date.now() - started < 30_000, 'the timeout, not the 1000 s sleep, ended the step');
    const finished = r.finished(0);
    assert.equal(finished.status, 'failure');
    assert.equal(finished.reason, 'timed out after 2s');
    assert.deepEqual(r.lines(0, 'system'), ['step timed out after 2s']);
    const pid = Number(r.lines(0)[0]);
    assert.ok(pid > 0, `the step printed its grandchild's pid before the timeout: ${JSON.stringify(r.lines(0))}`);
    assert.ok(await waitGone(pid, 10_000), `grandchild ${pid} survived the timeout`);
    assert.equal(r.statuses[1], 'skipped');
    assert.equal(r.statuses[2], 'success');
    assert.equal(r.outcome.status, 'failure');
    assert.equal(r.outcome.failureKind, 'timeout');
  });

  it('the job timeout is a deadline for the whole job', async () => {
    const r = await runJob(
      // Generous enough for the first step to finish on a loaded machine; the second never would.
      makeJob([step('echo quick'), step(BACKGROUND_AND_WAIT), step('echo cleanup', { condition: 'always()' })], { timeoutMs: 4000 }),
    );
    assert.equal(r.statuses[0], 'success');
    assert.equal(r.statuses[1], 'failure');
    assert.match(r.finished(1).reason ?? '', /^timed out after 4s/);
    assert.equal(r.statuses[2], 'skipped');
    assert.equal(r.outcome.failureKind, 'timeout');
    const pid = Number(r.lines(1)[0]);
    assert.ok(await waitGone(pid, 10_000), `grandchild ${pid} survived the job timeout`);
  });

  it('cancel kills the running step; only always()/cancelled() steps run after it', async () => {
    const controller = new AbortController();
    let pid = 0;
    const r = await runJob(
      makeJob([
        step(BACKGROUND_AND_WAIT),
        step('echo next'),
        step('echo "cancelled: $S"', { condition: 'cancelled()', env: { S: '${{ job.status }}' } }),
        step('echo always', { condition: 'always()' }),
        step('echo failure', { condition: 'failure()' }),
      ]),
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'log' && event.step === 0 && event.stream === 'stdout') {
            pid = Number(event.line);
            controller.abort();
          }
        },
      },
    );
    assert.ok(pid > 0);
    assert.ok(isGone(pid) || (await waitGone(pid, 10_000)), `grandchild ${pid} survived the cancel`);
    assert.deepEqual(r.statuses, { 0: 'canceled', 1: 'skipped', 2: 'success', 3: 'success', 4: 'skipped' });
    assert.deepEqual(r.lines(2), ['cancelled: cancelled']);
    assert.equal(r.outcome.status, 'canceled');
  });

  it('a job canceled before it starts runs only always() steps', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runJob(makeJob([step('echo a'), step('echo b', { condition: 'always()' })]), { signal: controller.signal });
    assert.deepEqual(r.statuses, { 0: 'skipped', 1: 'success' });
    assert.equal(r.outcome.status, 'canceled');
  });

  it('formats limits as people write them', () => {
    assert.equal(formatLimit(2000), '2s');
    assert.equal(formatLimit(250), '250ms');
    assert.equal(formatLimit(300_000), '5m');
    assert.equal(formatLimit(7_200_000), '2h');
    assert.equal(formatLimit(1500), '1.5s');
  });
});

describe('job runner: secret masking end to end', () => {
  const secrets = { TOKEN: 'tok-s3cret-value', PASS: 'p@ss w/rd', KEY: '-----BEGIN KEY-----\nMIIsecretbody\n-----END KEY-----' };

  it('masks a secret split across writes, its base64 and a multi-line secret', async () => {
    const r = await runJob(
      makeJob([
        step(
          [
            'printf "token: tok-s3c"; sleep 0.2; printf "ret-value done\\n"',
            'printf %s "$T" | base64',
            `echo "url: https://u:${encodeURIComponent(secrets.PASS)}@host/"`,
            'printf "%s\\n" "$K"',
            'echo "$T" >&2',
            'printf "tail tok-s3cret-value"',
          ].join('\n'),
          { env: { T: '${{ secrets.TOKEN }}', K: '${{ secrets.KEY }}' } },
        ),
      ]),
      { secrets },
    );
    const out = r.lines(0);
    assert.equal(out[0], 'token: *** done');
    assert.equal(out[1], '***');
    assert.deepEqual(out.slice(2), ['url: https://u:***@host/', '***', 'tail ***']);
    assert.deepEqual(r.lines(0, 'stderr'), ['***']);
    const all = r.events.map((e) => JSON.stringify(e)).join('\n');
    for (const value of ['tok-s3cret-value', 'MIIsecretbody', 'p%40ss', Buffer.from(secrets.TOKEN).toString('base64')]) {
      assert.ok(!all.includes(value), `${value} leaked`);
    }
  });

  it('masks secrets in outputs and in lines of the multi-line secret printed alone', async () => {
    const r = await runJob(
      makeJob([step('echo "out=$T" >> "$GANTRY_OUTPUT"; echo MIIsecretbody', { id: 'a', env: { T: '${{ secrets.TOKEN }}' } })]),
      { secrets },
    );
    assert.deepEqual(r.outcome.outputs, { out: '***' });
    assert.deepEqual(r.lines(0), ['***']);
  });

  it('only the secrets given to the runner are visible', async () => {
    const r = await runJob(makeJob([step('echo "[$X]"', { env: { X: '${{ secrets.OTHER }}' } })]), { secrets });
    assert.deepEqual(r.lines(0), ['[]']);
  });
});
