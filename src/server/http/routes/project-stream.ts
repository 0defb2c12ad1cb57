import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Store } from '../../../store/index.js';
import type { LiveHub } from '../../live/index.js';
import { ProjectRunsWatch } from '../../live/index.js';
import { listRunsQuery, projectParams, toRunView } from '../run-schemas.js';
import { liveStreams, openEventStream, requireEventStreamAccept } from '../sse.js';
import { requestSchema } from '../zod-schemas.js';
import type { LogStreamRouteOptions } from './log-stream.js';
import { projectOrThrow } from './runs.js';

/** The runs list's filters; no cursor: a live list is always the newest page. */
const streamQuery = listRunsQuery.omit({ before: true });

export interface ProjectStreamRouteOptions extends LogStreamRouteOptions {
  /** How often the list is re-read to find new runs (default 2 s, see ProjectRunsWatch). */
  readonly projectPollMs?: number;
}

/**
 * `GET /projects/{name}/stream`: a project's runs list live as Server-Sent Events — `event: runs`
 * with the list (as `GET .../runs` answers it for the same filters) now and after every change. The
 * web UI's runs page shows it, so new runs and status changes appear without a reload and without
 * polling. The stream does not end by itself; clients reconnect when it drops. So it is opened only
 * for a client that asks for a stream (`Accept: text/event-stream`, as EventSource and the UI send):
 * a plain GET (a crawler, curl without -H, a generic API client) is answered, not held open forever.
 */
export function projectStreamRoutes(app: FastifyInstance, store: Store, hub: LiveHub, options: ProjectStreamRouteOptions = {}): void {
  const streams = liveStreams(app);

  app.get(
    '/projects/:name/stream',
    {
      config: { permission: 'project:read', produces: 'text/event-stream' },
      schema: { summary: "A project's runs list live (Server-Sent Events)", params: requestSchema(projectParams), querystring: requestSchema(streamQuery) },
    },
    async (request, reply) => {
      const { name } = request.params as z.output<typeof projectParams>;
      const query = request.query as z.output<typeof streamQuery>;
      requireEventStreamAccept(request);
      const project = await projectOrThrow(store, name);
      const filter = {
        limit: query.limit,
        ...(query.status && { status: query.status }),
        ...(query.branch !== undefined && { branch: query.branch }),
        ...(query.event !== undefined && { event: query.event }),
      };
      const watch = new ProjectRunsWatch({
        hub,
        load: async () => {
          const page = await store.runs.list(project.id, filter);
          return { view: { runs: page.runs.map((run) => toRunView(run, project.name)), nextCursor: page.nextCursor }, runIds: page.runs.map((run) => run.id) };
        },
        sink: openEventStream(reply),
        ...(options.projectPollMs !== undefined && { pollMs: options.projectPollMs }),
        ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
        ...(options.maxBufferedBytes !== undefined && { maxBufferedBytes: options.maxBufferedBytes }),
        onError: (err) => request.log.warn({ err, project: project.name }, 'live project stream failed'),
      });
      streams.hold(watch, reply, (why) => request.log.debug({ project: project.name, why }, 'live project stream ended'));
    },
  );
}
