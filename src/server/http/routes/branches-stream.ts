import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Store } from '../../../store/index.js';
import type { LiveHub } from '../../live/index.js';
import { ProjectRunsWatch } from '../../live/index.js';
import { liveStreams, openEventStream, requireEventStreamAccept } from '../sse.js';
import { requestSchema } from '../zod-schemas.js';
import { branchSummary, limitQuery } from './branches.js';
import type { ProjectStreamRouteOptions } from './project-stream.js';

/**
 * `GET /branches/stream`: the projects page live — `event: branches` with what `GET /branches`
 * answers for the caller (the latest run per branch or tag of every project they may read) now and
 * after every change: status changes of the runs shown arrive as they happen (the hub), new runs
 * and new projects within the re-read interval (2 s). Only for a client that asks for a stream
 * (`Accept: text/event-stream`), as the runs list stream.
 */
export function branchesStreamRoutes(app: FastifyInstance, store: Store, hub: LiveHub, options: ProjectStreamRouteOptions = {}): void {
  const streams = liveStreams(app);

  app.get(
    '/branches/stream',
    {
      config: { permission: 'anyone', produces: 'text/event-stream' },
      schema: { summary: 'The latest run of each branch or tag of every project the caller may read, live (Server-Sent Events)', querystring: requestSchema(limitQuery) },
    },
    async (request, reply) => {
      const { limit } = request.query as z.output<typeof limitQuery>;
      requireEventStreamAccept(request);
      const watch = new ProjectRunsWatch({
        hub,
        event: 'branches',
        load: async () => {
          const view = await branchSummary(store, request.principal, limit);
          return { view, runIds: view.projects.flatMap((project) => project.runs.map((run) => run.id)) };
        },
        sink: openEventStream(reply),
        ...(options.projectPollMs !== undefined && { pollMs: options.projectPollMs }),
        ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
        ...(options.maxBufferedBytes !== undefined && { maxBufferedBytes: options.maxBufferedBytes }),
        onError: (err) => request.log.warn({ err }, 'live branches stream failed'),
      });
      streams.hold(watch, reply, (why) => request.log.debug({ why }, 'live branches stream ended'));
    },
  );
}
