import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Store } from '../../../store/index.js';
import { jobParams } from '../run-schemas.js';
import { requestSchema } from '../zod-schemas.js';
import { assertJobKnown, projectOrThrow, runOrThrow } from './runs.js';

/** Lines read from the store per page: the whole log is never held in memory. */
const PAGE = 1000;

async function* logText(store: Store, runId: number, job: string): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const lines = await store.logs.read(runId, job, { afterSeq: after, limit: PAGE });
    if (lines.length === 0) return;
    yield lines.map((l) => `${l.line}\n`).join('');
    after = lines.at(-1)!.seq;
    if (lines.length < PAGE) return;
  }
}

/** A file name for Content-Disposition with nothing a header or a file system could misread. */
function fileName(project: string, run: number, job: string): string {
  return `${project}-${run}-${job}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 200) + '.log';
}

/**
 * `GET .../runs/{number}/jobs/{job}/logs/raw`: the job's stored log as plain text (one line per log
 * line, already masked), as a download. Streamed page by page, so a huge log costs one page of
 * memory and a slow client only slows its own reads (the stream waits for the socket).
 */
export function rawLogRoutes(app: FastifyInstance, store: Store): void {
  app.get(
    '/projects/:name/runs/:number/jobs/:job/logs/raw',
    {
      config: { permission: 'project:read', produces: 'text/plain' },
      schema: { summary: "A job's whole log as text/plain (a download)", params: requestSchema(jobParams) },
    },
    async (request, reply) => {
      const { name, number, job } = request.params as z.output<typeof jobParams>;
      const project = await projectOrThrow(store, name);
      const run = await runOrThrow(store, project, number);
      await assertJobKnown(store, project, run, job);
      const body = Readable.from(logText(store, run.id, job));
      body.on('error', (err) => request.log.warn({ err, runId: run.id, job }, 'raw log download failed'));
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(project.name, run.number, job)}"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
}
