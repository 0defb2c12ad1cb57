import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RunEventInput } from '../../core/index.js';
import type { Plan } from '../../pipeline/index.js';
import { BASE_IMAGE, labelled, startPodman, type PodmanWorld } from '../../../test/helpers/podman.js';
import { compilePlan } from '../../../test/helpers/compile-plan.js';
import { createJobRunner } from '../job-runner.js';
import type { JobRunOutcome } from '../job-types.js';
import { LocalBackend } from '../local/local-backend.js';
import { createContainerRuntime, type ContainerRuntime } from './container-runtime.js';

const AGENT = 'docker-backend-test';

interface Inspected {
  HostConfig: { Memory: number; NanoCpus: number; Privileged: boolean; SecurityOpt: string[]; CapDrop: string[] };
  Config: { Labels: Record<string, string> };
}
const SECRET = 'sup3r-s3cret-token';

describe('docker backend: jobs in containers (real Podman)', () => {
  let world: PodmanWorld;
  let runtime: ContainerRuntime;
  let local: LocalBackend;
  const scratch = mkdtempSync(join(tmpdir(), 'gantry-docker-test-'));

  before(async () => {
    world = await startPodman({ registry: true });
    runtime = createContainerRuntime({ dockerHost: world.dockerHost, agentId: AGENT, privilegedImages: [], tempRoot: scratch })!;
    local = new LocalBackend({ tempRoot: scratch });
  });
  after(async () => {
    await runtime?.close();
    await local?.close();
    await world?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  afterEach(async () => {
    assert.deepEqual(await labelled(world, `gantry.agent=${AGENT}`), { containers: [], networks: [], volumes: [] }, 'nothing left behind');
  });

  interface Ran {
    outcome: JobRunOutcome;
    events: RunEventInput[];
    lines(step: number, stream?: 'stdout' | 'stderr' | 'system'): string[];
    finished(step: number): Extract<RunEventInput, { type: 'step:finished' }>;
  }

  async function run(yaml: string, options: { containers?: ContainerRuntime; signal?: AbortSignal; sourceDir?: string; onEvent?: (event: RunEventInput) => void } = {}): Promise<Ran> {
    const plan: Plan = compilePlan(`version: 1\n${yaml}`);
    const events: RunEventInput[] = [];
    const runner = createJobRunner({
      plan,
      backend: local,
      containers: (options.containers ?? runtime).containers,
      secrets: { TOKEN: SECRET },
      hostEnv: { PATH: '/agent/only/bin', AGENT_ONLY: 'leaked' },
      killGraceMs: 500,
      ...(options.sourceDir !== undefined ? { sourceDir: options.sourceDir } : {}),
    });
    const report = (event: RunEventInput) => {
      events.push(event);
      options.onEvent?.(event);
    };
    const outcome = await runner.runJob(plan.jobs[0]!, { attempt: 1, needs: {}, report }, options.signal ?? new AbortController().signal);
    return {
      outcome,
      events,
      lines: (step, stream = 'stdout') => events.flatMap((e) => (e.type === 'log' && e.step === step && e.stream === stream ? [e.line] : [])),
      finished: (step) => {
        const found = events.find((e) => e.type === 'step:finished' && e.step === step);
        if (found?.type !== 'step:finished') throw new Error(`step ${step} did not finish`);
        return found;
      },
    };
  }

  /** The running job container (by its labels), inspected while a step is still running. */
  async function inspectJobContainer(): Promise<{ inspect: Inspected; top: string }> {
    const id = (await world.podman(['ps', '-q', '--filter', `label=gantry.agent=${AGENT}`])).trim();
    assert.ok(id !== '', 'a job container is running');
    const [inspect] = JSON.parse(await world.podman(['inspect', id])) as Inspected[];
    return { inspect: inspect!, top: await world.podman(['top', id, 'args']) };
  }

  it('runs steps in the image: workspace mounted, user, limits, env (secrets) never on argv, no host env, stdout and stderr apart', async () => {
    const source = mkdtempSync(join(scratch, 'src-'));
    writeFileSync(join(source, 'hello.txt'), 'from the checkout\n');
    mkdirSync(join(source, 'sub'));
    writeFileSync(join(source, 'sub', 'inner.txt'), '');
    let seen: { inspect: Inspected; top: string } | undefined;
    const r = await run(
      `
jobs:
  test:
    image: { name: "${BASE_IMAGE}", user: "65534", memory: 64m, cpus: 0.5 }
    env: { TOKEN: "\${{ secrets.TOKEN }}" }
    steps:
      - run: |
          cat hello.txt; pwd; id -u
          echo "to stderr" >&2
          echo "secret length \${#TOKEN}"
          cat /proc/*/cmdline | tr 'a-z' 'A-Z' | tr '\\0' ' ' > /gantry/argv.txt
          echo "argv has secret: $(grep -c "$(echo "$TOKEN" | tr 'a-z' 'A-Z')" /gantry/argv.txt)"
          echo "path=$PATH agent=\${AGENT_ONLY:-unset}"
          echo "v=42" >> "$GANTRY_OUTPUT"
          echo ready
          i=0; while [ ! -e go ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
        id: s
      - run: pwd; ls
        working_directory: sub
`,
      {
        sourceDir: source,
        onEvent: (event) => {
          if (event.type === 'log' && event.line === 'ready') {
            void inspectJobContainer()
              .then((found) => (seen = found))
              .finally(() => writeFileSync(join(source, 'go'), ''));
          }
        },
      },
    );
    assert.equal(r.outcome.status, 'success', JSON.stringify(r.events.filter((e) => e.type === 'log')));
    const out = r.lines(0);
    assert.deepEqual(out.slice(0, 3), ['from the checkout', '/workspace', '65534']);
    assert.deepEqual(r.lines(0, 'stderr'), ['to stderr']);
    assert.ok(out.includes(`secret length ${SECRET.length}`), 'the secret reached the step as env');
    assert.ok(out.includes('argv has secret: 0'), out.join('\n'));
    assert.ok(out.includes('path=/bin agent=unset'), `the image's PATH, none of the agent's env: ${out.join('\n')}`);
    assert.deepEqual(r.outcome.outputs, { v: '42' });
    assert.deepEqual(r.lines(1), ['/workspace/sub', 'inner.txt'], 'working_directory maps into the mounted workspace');
    await waitUntil(() => seen !== undefined);
    const { inspect, top } = seen!;
    assert.equal(JSON.stringify(inspect).includes(SECRET), false, 'no secret in the container inspect');
    assert.equal(top.includes(SECRET), false, 'no secret in any process argv');
    assert.equal(inspect.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(inspect.HostConfig.NanoCpus, 500_000_000);
    assert.equal(inspect.HostConfig.Privileged, false);
    assert.ok(inspect.HostConfig.SecurityOpt.includes('no-new-privileges'));
    const dropped = JSON.stringify(inspect.HostConfig.CapDrop);
    assert.ok(/NET_RAW/.test(dropped) && /MKNOD/.test(dropped) && !/CHOWN/.test(dropped), dropped);
    assert.equal(inspect.Config.Labels['gantry.managed'], 'true');
    assert.equal(inspect.Config.Labels['gantry.job'], 'test');
  });

  it('a failing step fails the job; an always() step still runs in the same container', async () => {
    const r = await run(`
jobs:
  test:
    image: "${BASE_IMAGE}"
    steps:
      - run: touch /tmp/marker; echo before; exit 3
      - run: echo never
      - run: ls /tmp/marker
        if: always()
`);
    assert.equal(r.outcome.status, 'failure');
    assert.equal(r.finished(0).exitCode, 3);
    assert.equal(r.finished(1).status, 'skipped');
    assert.deepEqual(r.lines(2), ['/tmp/marker']);
  });

  it('a step timeout stops the step\'s processes in the container (background ones too); later always() steps run', async () => {
    const started = Date.now();
    const r = await run(`
jobs:
  test:
    image: "${BASE_IMAGE}"
    steps:
      - run: sleep 300 & sleep 301
        timeout: 1s
      - run: ps | grep -c "sleep 30[01]" || true
        if: always()
`);
    assert.equal(r.finished(0).status, 'failure');
    assert.match(r.finished(0).reason ?? '', /timed out after 1s/);
    assert.deepEqual(r.lines(1), ['0'], 'no sleep survived the timeout');
    assert.equal(r.outcome.status, 'failure');
    assert.equal(r.outcome.failureKind, 'timeout');
    assert.ok(Date.now() - started < 20_000);
  });

  it('a job cancel stops the running step; the job ends canceled and its container is removed', async () => {
    const controller = new AbortController();
    const r = await run(
      `
jobs:
  test:
    image: "${BASE_IMAGE}"
    steps:
      - run: echo started; sleep 300
      - run: ps | grep -c "sleep 30[0]" || true
        if: cancelled()
`,
      { signal: controller.signal, onEvent: (event) => event.type === 'log' && event.line === 'started' && controller.abort() },
    );
    assert.equal(r.outcome.status, 'canceled');
    assert.equal(r.finished(0).status, 'canceled');
    assert.deepEqual(r.lines(1), ['0'], 'the canceled step left nothing running');
  });

  it('services start first and the job container reaches them by name on the job network', async () => {
    const r = await run(`
jobs:
  test:
    image: "${BASE_IMAGE}"
    services:
      web:
        image: "${BASE_IMAGE}"
        command: "mkdir -p /tmp/www && echo \\"hello $GREETING\\" > /tmp/www/index.html && httpd -f -p 8080 -h /tmp/www"
        env: { GREETING: "\${{ env.WHO }}" }
        ports: [8080]
    env: { WHO: services }
    steps:
      - run: wget -qO- http://web:8080/
`);
    assert.equal(r.outcome.status, 'success', JSON.stringify(r.events.filter((e) => e.type === 'log')));
    assert.deepEqual(r.lines(0), ['hello services']);
    assert.ok(r.lines(0, 'system').some((line) => /service web: ready/.test(line)), 'the wait for the service is in the log');
  });

  it('privileged: true is refused unless the image is allow-listed', async () => {
    const yaml = `
jobs:
  test:
    image: { name: "${BASE_IMAGE}", privileged: true }
    steps:
      - run: grep CapEff /proc/self/status
`;
    const refused = await run(yaml);
    assert.equal(refused.outcome.status, 'error');
    assert.match(refused.outcome.reason ?? '', /privileged: true.*not allow-listed.*privilegedImages/);
    assert.equal(refused.events.some((e) => e.type === 'step:started'), false, 'nothing ran');
    const allowing = createContainerRuntime({ dockerHost: world.dockerHost, agentId: AGENT, privilegedImages: ['localhost/gantry-test-*:*'], tempRoot: scratch })!;
    try {
      const allowed = await run(yaml, { containers: allowing });
      assert.equal(allowed.outcome.status, 'success');
      assert.notEqual(allowed.lines(0)[0], 'CapEff:\t0000000000000000');
    } finally {
      await allowing.close();
    }
  });

  it('pulls a missing image from a registry with credentials from secrets, which reach no log line', async () => {
    const image = `${world.registry}/gantry-pull-test:1`;
    await world.podman(['tag', BASE_IMAGE, image]);
    await world.podman(['push', image]);
    await world.podman(['rmi', image]);
    try {
      const r = await run(`
jobs:
  test:
    image: { name: "${image}", credentials: { username: ci, password: "\${{ secrets.TOKEN }}" } }
    steps:
      - run: echo pulled
`);
      assert.equal(r.outcome.status, 'success', JSON.stringify(r.events.filter((e) => e.type === 'log')));
      assert.deepEqual(r.lines(0), ['pulled']);
      assert.ok(r.lines(0, 'system').some((line) => line.includes(`pulling image ${image}`)), 'the pull is in the log');
      assert.equal(JSON.stringify(r.events).includes(SECRET), false, 'the password is in no event');
    } finally {
      await world.podman(['rmi', '-f', image]).catch(() => '');
    }
  });

  it('pull: never with an image the engine lacks ends the job in error, saying what to do', async () => {
    const r = await run(`
jobs:
  test:
    image: { name: "localhost/no-such-image:1", pull: never }
    steps:
      - run: echo never
`);
    assert.equal(r.outcome.status, 'error');
    assert.match(r.outcome.reason ?? '', /image "localhost\/no-such-image:1" is not on the container engine, and its pull policy is "never"/);
  });

  it('removeLeftovers removes what a crashed agent of the same id left, and nothing of other agents', async () => {
    const crashed = 'crashed-agent-test';
    const labels = ['--label', 'gantry.managed=true', '--label', `gantry.agent=${crashed}`];
    await world.podman(['create', ...labels, BASE_IMAGE, 'true']);
    await world.podman(['network', 'create', ...labels, 'gantry-leftover-net']);
    await world.podman(['volume', 'create', ...labels, 'gantry-leftover-vol']);
    const other = (await world.podman(['create', '--label', 'gantry.managed=true', '--label', 'gantry.agent=someone-else', BASE_IMAGE, 'true'])).trim();
    try {
      const restarted = createContainerRuntime({ dockerHost: world.dockerHost, agentId: crashed, privilegedImages: [] })!;
      const removed = await restarted.removeLeftovers();
      assert.deepEqual(removed, { containers: 1, networks: 1, volumes: 1 });
      assert.deepEqual(await labelled(world, `gantry.agent=${crashed}`), { containers: [], networks: [], volumes: [] });
      assert.equal((await labelled(world, 'gantry.agent=someone-else')).containers.length, 1);
      await restarted.close();
    } finally {
      await world.podman(['rm', '-f', other]);
    }
  });
});

async function waitUntil(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
