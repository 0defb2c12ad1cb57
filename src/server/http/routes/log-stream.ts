import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Store } from '../../../store/index.js';
import { LogPages, LogStream, type LiveHub } from '../../live/index.js';
import { jobParams } from '../run-schemas.js';
import { liveStreams, openEventStream } from '../sse.js';
import { requestSchema } from '../zod-schemas.js';
import { projectOrThrow } from './runs.js';

const streamQuery = z.object({ after: z.coerce.number().int().min(0).optional() }).strict();

export interface LogStreamRouteOptions {
  /** Comment lines that keep proxies from timing out an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** Tests: a small socket budget to exercise the slow-client close. */
  maxBufferedBytes?: number;
}

/** Last-Event-ID wins over `?after=`: browsers resend the original URL with the header on reconnect. */
function resumeFrom(header: string | string[] | undefined, after: number | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return after ?? 0;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new GantryError('API_INVALID_REQUEST', `Last-Event-ID "${value.slice(0, 40)}" is not a log sequence number`, {
      details: { problems: [{ field: 'Last-Event-ID', message: 'expected a whole number ≥ 0' }] },
    });
  }
  return Number(value.trim());
}

/**
 * `GET /projects/{name}/runs/{number}/jobs/{job}/logs/stream`: a job's log as Server-Sent Events
 * (docs/api.md "Live logs"). Each line is `id: <seq>` + `data: <line JSON>`; the job's end is
 * `event: end`. Lookups and auth fail as normal problem answers; once the stream is open the reply is
 * hijacked and LogStream owns the socket. Open streams end when the server closes (preClose), so
 * shutdown is not held up by followers; they reconnect with Last-Event-ID.
 */
export function logStreamRoutes(app: FastifyInstance, store: Store, hub: LiveHub, options: LogStreamRouteOptions = {}): void {
  const streams = liveStreams(app);
  // One page cache for every stream: followers catching up share store reads and formatting.
  const pages = new LogPages();

  app.get(
    '/projects/:name/runs/:number/jobs/:job/logs/stream',
    { config: { permission: 'project:read', produces: 'text/event-stream' }, schema: { summary: "A job's log live (Server-Sent Events)", params: requestSchema(jobParams), querystring: requestSchema(streamQuery) } },
    async (request, reply) => {
      const { name, number, job } = request.params as z.output<typeof jobParams>;
      const { after } = request.query as z.output<typeof streamQuery>;
      const from = resumeFrom(request.headers['last-event-id'], after);
      const project = await projectOrThrow(store, name);
      const run = await store.runs.getByNumber(project.id, number);
      if (!run) throw new GantryError('RUN_NOT_FOUND', `project ${project.name} has no run #${number}`);
      const known = run.plan?.jobs.some((j) => j.id === job) || (await store.runs.getJob(run.id, job)) !== undefined;
      if (!known) throw new GantryError('RUN_JOB_NOT_FOUND', `run #${number} of ${project.name} has no job "${job}"`);

      const sink = openEventStream(reply);
      const stream = new LogStream({
        store,
        hub,
        runId: run.id,
        jobId: job,
        after: from,
        sink,
        pages,
        ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
        ...(options.maxBufferedBytes !== undefined && { maxBufferedBytes: options.maxBufferedBytes }),
        onError: (err) => request.log.warn({ err, runId: run.id, job }, 'live log stream failed'),
      });
      streams.hold(stream, reply, (why) => request.log.debug({ runId: run.id, job, why, lastSeq: stream.lastSent }, 'live log stream ended'));
    },
  );
}
