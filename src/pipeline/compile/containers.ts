import { parseDuration, parseSize } from '../../core/index.js';
import type { PlanArtifacts, PlanCache, PlanContainer, PlanCredentials, PlanService, PullPolicy } from '../plan.js';
import type { JobSpec } from '../schema.js';
import { stringifyEnv } from './env.js';

type ImageSpec = NonNullable<JobSpec['image']>;
type ServiceSpec = NonNullable<JobSpec['services']>[string];

const DEFAULT_PULL: PullPolicy = 'if-not-present';
const DEFAULT_HEALTH_INTERVAL_MS = 1000;
const DEFAULT_HEALTH_TIMEOUT_MS = 60_000;

/** `image:` as a string or an object → the reference and the container settings. */
export function compileImage(spec: ImageSpec): { image: string; container: PlanContainer } {
  if (typeof spec === 'string') return { image: spec, container: { pull: DEFAULT_PULL, privileged: false } };
  const container: PlanContainer = { pull: spec.pull ?? DEFAULT_PULL, privileged: spec.privileged ?? false };
  if (spec.credentials !== undefined) container.credentials = credentials(spec.credentials);
  if (spec.user !== undefined) container.user = spec.user;
  if (spec.cpus !== undefined) container.cpus = spec.cpus;
  // Lint reports a size that does not parse; the plan then simply has no limit.
  const memory = spec.memory === undefined ? undefined : parseSize(spec.memory);
  if (memory !== undefined) container.memoryBytes = memory;
  return { image: spec.name, container };
}

export function compileServices(spec: Record<string, ServiceSpec>): Record<string, PlanService> {
  const out: Record<string, PlanService> = {};
  for (const [name, s] of Object.entries(spec)) {
    const service: PlanService = {
      image: s.image,
      env: stringifyEnv(s.env),
      ports: (s.ports ?? []).map(portNumber).filter((p): p is number => p !== undefined),
      pull: s.pull ?? DEFAULT_PULL,
    };
    if (s.command !== undefined) service.command = typeof s.command === 'string' ? ['sh', '-c', s.command] : [...s.command];
    if (s.credentials !== undefined) service.credentials = credentials(s.credentials);
    if (s.health !== undefined) {
      service.health = {
        cmd: typeof s.health.cmd === 'string' ? ['sh', '-c', s.health.cmd] : [...s.health.cmd],
        intervalMs: (s.health.interval === undefined ? undefined : parseDuration(s.health.interval)) ?? DEFAULT_HEALTH_INTERVAL_MS,
        timeoutMs: (s.health.timeout === undefined ? undefined : parseDuration(s.health.timeout)) ?? DEFAULT_HEALTH_TIMEOUT_MS,
      };
    }
    out[name] = service;
  }
  return out;
}

export function compileCache(spec: NonNullable<JobSpec['cache']>): PlanCache[] {
  return spec.map((entry) => ({ key: entry.key, fallbackKeys: [...(entry.fallback_keys ?? [])], paths: [...entry.paths] }));
}

export function compileArtifacts(spec: NonNullable<JobSpec['artifacts']>, jobId: string): PlanArtifacts {
  const out: PlanArtifacts = { name: spec.name ?? jobId, paths: [...spec.paths] };
  const retention = spec.retention === undefined ? undefined : parseDuration(spec.retention);
  if (retention !== undefined) out.retentionMs = retention;
  if (spec.when !== undefined && spec.when !== 'on_success') out.when = spec.when;
  return out;
}

function credentials(c: { username: string; password: string }): PlanCredentials {
  return { username: c.username, password: c.password };
}

/**
 * `5432`, `"5432/tcp"`, `"15432:5432"` → 5432: the container port. Services are reached on the
 * job's own network by name, never published on the host.
 */
function portNumber(port: string | number): number | undefined {
  const n = typeof port === 'number' ? port : Number(port.split(':').at(-1)?.split('/')[0]);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}
