import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { isFinal } from '../../../core/index.js';
import type { Store } from '../../../store/index.js';
import { RunWatch, type LiveHub } from '../../live/index.js';
import { runParams } from '../run-schemas.js';
import { liveStreams, openEventStream } from '../sse.js';
import { requestSchema } from '../zod-schemas.js';
import type { LogStreamRouteOptions } from './log-stream.js';
import { projectOrThrow, runDetail, runOrThrow } from './runs.js';

/**
 * `GET /projects/{name}/runs/{number}/stream`: a run's state live as Server-Sent Events — `event: run`
 * with the run detail (as `GET .../runs/{number}` answers it) now and after every change, and
 * `event: end` with the final run. `gantry trigger --follow` and the web UI draw the job graph from
 * it. Open streams end when the server closes; clients reconnect and get the current state.
 */
export function runStreamRoutes(app: FastifyInstance, store: Store, hub: LiveHub, options: LogStreamRouteOptions = {}): void {
  const streams = liveStreams(app);

  app.get(
    '/projects/:name/runs/:number/stream',
    { config: { permission: 'project:read', produces: 'text/event-stream' }, schema: { summary: "A run's state live (Server-Sent Events)", params: requestSchema(runParams) } },
    async (request, reply) => {
      const { name, number } = request.params as z.output<typeof runParams>;
      const project = await projectOrThrow(store, name);
      const run = await runOrThrow(store, project, number);
      const watch = new RunWatch({
        hub,
        runId: run.id,
        load: async () => {
          const now = (await store.runs.get(run.id)) ?? run;
          return { view: await runDetail(store, project, now), final: isFinal(now.status) };
        },
        sink: openEventStream(reply),
        ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
        ...(options.maxBufferedBytes !== undefined && { maxBufferedBytes: options.maxBufferedBytes }),
        onError: (err) => request.log.warn({ err, runId: run.id }, 'live run stream failed'),
      });
      streams.hold(watch, reply, (why) => request.log.debug({ runId: run.id, why }, 'live run stream ended'));
    },
  );
}
