import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'node:http';

const run = promisify(execFile);

/** The base image every container test uses: busybox-static in an empty root (no registry is reachable). */
export const BASE_IMAGE = 'localhost/gantry-test-base:1';
const BUSYBOX_COMMANDS = ['sh', 'echo', 'cat', 'ls', 'sleep', 'nc', 'wget', 'true', 'false', 'env', 'id', 'mkdir', 'kill', 'printf', 'ps', 'pwd', 'rm', 'cp', 'mv', 'touch', 'test', 'grep', 'sed', 'head', 'tail', 'wc', 'sha256sum', 'base64', 'tar', 'gzip', 'date', 'whoami', 'hostname', 'seq', 'tr', 'cut', 'sort', 'uniq', 'xargs', 'find', 'chmod', 'ln', 'dd', 'yes', 'timeout', 'trap', 'nproc', 'stat', 'du', 'df', 'tee', 'basename', 'dirname', 'expr', 'which', 'httpd'];

export interface PodmanWorld {
  /** `unix:///…/podman.sock`: what DOCKER_HOST is set to for the code under test. */
  dockerHost: string;
  socketPath: string;
  /** Environment for running `podman` itself against the same configuration. */
  env: NodeJS.ProcessEnv;
  /** Runs the podman CLI with this world's configuration. */
  podman(args: string[]): Promise<string>;
  /** `127.0.0.1:PORT` of a real registry (distribution v2, plain HTTP, marked insecure), when asked for. */
  registry?: string;
  stop(): Promise<void>;
}

let baseImageReady: Promise<void> | undefined;

/**
 * Starts Podman's Docker-compatible API service on a socket of its own (and, with `registry`, a real
 * registry on a free port), as DESIGN.md §6 describes: a containers.conf with runc, cgroupfs, file
 * events and explicit ulimits, and a registries.conf marking the test registry insecure. Images live
 * in the machine's normal Podman storage, so the base image is imported once per machine.
 */
export async function startPodman(options: { registry?: boolean } = {}): Promise<PodmanWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-podman-'));
  const children: ChildProcess[] = [];
  let registry: string | undefined;
  if (options.registry) {
    const port = await freePort();
    registry = `127.0.0.1:${port}`;
    const config = join(dir, 'registry.yml');
    writeFileSync(
      config,
      ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'registry-data')}`, '  delete:', '    enabled: true', 'http:', `  addr: ${registry}`, ''].join('\n'),
    );
    children.push(spawn('docker-registry', ['serve', config], { stdio: 'ignore' }));
    await waitFor(`the registry on ${registry}`, () => httpOk(`http://${registry}/v2/`));
  }
  writeFileSync(
    join(dir, 'containers.conf'),
    ['[containers]', 'default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]', '[engine]', 'runtime = "runc"', 'cgroup_manager = "cgroupfs"', 'events_logger = "file"', ''].join('\n'),
  );
  writeFileSync(join(dir, 'registries.conf'), registry ? `[[registry]]\nlocation = "${registry}"\ninsecure = true\n` : '');
  const env: NodeJS.ProcessEnv = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf'), CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf') };
  const podman = async (args: string[]): Promise<string> => (await run('podman', args, { env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  baseImageReady ??= importBaseImage(podman);
  await baseImageReady;
  const socketPath = join(dir, 'podman.sock');
  children.push(spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { env, stdio: 'ignore' }));
  await waitFor('the podman API socket', () => pingSocket(socketPath));
  return {
    dockerHost: `unix://${socketPath}`,
    socketPath,
    env,
    podman,
    ...(registry !== undefined ? { registry } : {}),
    stop: async () => {
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function importBaseImage(podman: (args: string[]) => Promise<string>): Promise<void> {
  const present = await podman(['image', 'exists', BASE_IMAGE]).then(() => true, () => false);
  if (present) return;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-base-'));
  try {
    const root = join(dir, 'root');
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'tmp'));
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n');
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
    for (const command of BUSYBOX_COMMANDS) if (!existsSync(join(root, 'bin', command))) symlinkSync('busybox', join(root, 'bin', command));
    await run('tar', ['-C', root, '-cf', join(dir, 'base.tar'), '.']);
    await podman(['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["sh"]', join(dir, 'base.tar'), BASE_IMAGE]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lists containers, networks and volumes carrying `label` (`key` or `key=value`), for leftover checks. */
export async function labelled(world: PodmanWorld, label: string): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
  const [containers, networks, volumes] = await Promise.all([
    world.podman(['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}']),
    world.podman(['network', 'ls', '--filter', `label=${label}`, '--format', '{{.Name}}']),
    world.podman(['volume', 'ls', '--filter', `label=${label}`, '--format', '{{.Name}}']),
  ]);
  return { containers: lines(containers), networks: lines(networks), volumes: lines(volumes) };
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

function pingSocket(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(socketPath)) return resolve(false);
    const req = request({ socketPath, path: '/_ping' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

