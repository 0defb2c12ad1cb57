import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Status } from '../../core/index.js';
import type { QueueStats, RunObserver } from '../../engine/index.js';
import type { RunStore } from '../../store/index.js';

/** What a webhook delivery came to, as answered: a run, nothing to do, a repeat, or refused. */
export type DeliveryAnswer = 'accepted' | 'ignored' | 'duplicate' | 'rejected';

/** What the server reads at scrape time (cheap: one grouped query and in-memory counts). */
export interface MetricsSources {
  readonly runs: Pick<RunStore, 'countRunsByStatus'>;
  readonly queue: () => QueueStats;
  /** Live log and run subscriptions (SSE followers). */
  readonly liveSubscribers: () => number;
}

/**
 * The server's Prometheus metrics, in a Registry of their own (never prom-client's global one, so two
 * servers in one process — tests — do not share counters). Counters and histograms are fed as things
 * happen (the run service's observer, stored log batches, webhook answers, HTTP responses); gauges are
 * read from their sources when Prometheus scrapes. Every metric is described in docs/metrics.md.
 */
export interface ServerMetrics {
  /** For RunServiceOptions.observer. */
  readonly observer: RunObserver;
  logLinesStored(count: number): void;
  deliveryAnswered(forge: string, answer: DeliveryAnswer): void;
  /** `route` is the route's pattern (`/api/v1/projects/:name`), never the raw URL: labels must stay few. */
  httpRequest(method: string, route: string, statusCode: number, seconds: number): void;
  /** The exposition in Prometheus text format, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

// A Record over Status makes the compiler insist on every status: a new one cannot be forgotten here.
const EVERY_STATUS = Object.keys({
  queued: 0, waiting: 0, running: 0, success: 0, failure: 0, canceled: 0, skipped: 0, error: 0,
} satisfies Record<Status, 0>) as Status[];

/** Seconds. Queue waits span milliseconds (an idle agent) to hours (a saturated one). */
const WAIT_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];
/** Seconds. Jobs run from a `true` step to builds of an hour and more. */
const JOB_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];
/** Seconds. API answers; a followed log (SSE) lasts as long as its reader stays. */
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createServerMetrics(sources: MetricsSources): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  new Gauge({
    name: 'gantry_runs',
    help: 'Runs in the store by status (all projects).',
    labelNames: ['status'],
    registers,
    async collect() {
      const counts = await sources.runs.countRunsByStatus();
      for (const status of EVERY_STATUS) this.set({ status }, counts[status] ?? 0);
    },
  });
  new Gauge({
    name: 'gantry_queue_depth',
    help: 'Jobs waiting in the queue for an agent.',
    registers,
    collect() {
      this.set(sources.queue().ready);
    },
  });
  new Gauge({
    name: 'gantry_jobs_leased',
    help: 'Jobs an agent holds (running).',
    registers,
    collect() {
      this.set(sources.queue().leased);
    },
  });
  new Gauge({
    name: 'gantry_agents_connected',
    help: 'Agents waiting for a job or heard from within max(2 x lease ttl, 60 s).',
    registers,
    collect() {
      this.set(sources.queue().agents);
    },
  });
  new Gauge({
    name: 'gantry_live_subscribers',
    help: 'Live log and run subscriptions (SSE followers).',
    registers,
    collect() {
      this.set(sources.liveSubscribers());
    },
  });
  const queueWait = new Histogram({ name: 'gantry_queue_wait_seconds', help: 'Time from a job attempt queued to leased by an agent.', buckets: WAIT_BUCKETS, registers });
  const jobDuration = new Histogram({
    name: 'gantry_job_duration_seconds',
    help: 'Time a job attempt ran, from lease to end, by its status.',
    labelNames: ['status'],
    buckets: JOB_BUCKETS,
    registers,
  });
  const logLines = new Counter({ name: 'gantry_log_lines_stored_total', help: 'Log lines stored (rate() gives lines per second).', registers });
  const deliveries = new Counter({
    name: 'gantry_webhook_deliveries_total',
    help: 'Webhook deliveries by forge and answer.',
    labelNames: ['forge', 'outcome'],
    registers,
  });
  const http = new Histogram({
    name: 'gantry_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status class.',
    labelNames: ['method', 'route', 'status_class'],
    buckets: HTTP_BUCKETS,
    registers,
  });

  return {
    observer: {
      jobLeased: (waitMs) => queueWait.observe(waitMs / 1000),
      attemptEnded: (status, durationMs) => jobDuration.observe({ status }, durationMs / 1000),
    },
    logLinesStored: (count) => logLines.inc(count),
    deliveryAnswered: (forge, answer) => deliveries.inc({ forge, outcome: answer }),
    httpRequest: (method, route, statusCode, seconds) => http.observe({ method, route, status_class: `${Math.floor(statusCode / 100)}xx` }, seconds),
    scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
