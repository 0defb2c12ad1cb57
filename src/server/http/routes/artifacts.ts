import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { Artifact, Project, Run, Store } from '../../../store/index.js';
import type { BlobFiles } from '../../artifacts/index.js';
import { runParams } from '../run-schemas.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';
import { projectOrThrow, runOrThrow } from './runs.js';

const artifactParams = runParams.extend({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }).strict();

const artifactView = z.object({
  id: z.number().int(),
  jobId: z.string(),
  name: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
const artifactList = z.object({ artifacts: z.array(artifactView) });

export type ArtifactView = z.output<typeof artifactView>;

function toArtifactView(artifact: Artifact): ArtifactView {
  const { id, jobId, name, sizeBytes, sha256 } = artifact;
  return { id, jobId, name, sizeBytes, sha256, createdAt: new Date(artifact.createdAt).toISOString(), expiresAt: new Date(artifact.expiresAt).toISOString() };
}

/**
 * A Content-Disposition value: an ASCII fallback with nothing a header or a file system could
 * misread, plus the exact name in RFC 5987 form for clients that read it.
 */
function attachment(name: string): string {
  const ascii = `${name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 200)}.tar.gz`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(`${name}.tar.gz`)}`;
}

/**
 * Artifacts of a run: the list and one artifact's archive (a gzipped tar, as the job uploaded it) as
 * a download (`project:read`), and deleting one before its retention ends (`project:manage`). An id
 * of another run's artifact is 404 like an unknown one, so permission on the project in the path is
 * permission on everything answered.
 */
export function artifactRoutes(app: FastifyInstance, store: Store, files: BlobFiles): void {
  const read = { permission: 'project:read' as const };
  app.get(
    '/projects/:name/runs/:number/artifacts',
    { config: read, schema: { summary: 'The artifacts of a run', params: requestSchema(runParams), response: { 200: responseSchema(artifactList) } } },
    async (request) => {
      const { name, number } = request.params as z.output<typeof runParams>;
      const project = await projectOrThrow(store, name);
      const run = await runOrThrow(store, project, number);
      return { artifacts: (await store.artifacts.listForRun(run.id)).map(toArtifactView) };
    },
  );

  app.get(
    '/projects/:name/runs/:number/artifacts/:id',
    { config: { ...read, produces: 'application/gzip' }, schema: { summary: "An artifact's archive (tar.gz) as a download", params: requestSchema(artifactParams) } },
    async (request, reply) => {
      const { name, number, id } = request.params as z.output<typeof artifactParams>;
      const project = await projectOrThrow(store, name);
      const run = await runOrThrow(store, project, number);
      const artifact = await artifactOf(store, project, run, id);
      const body = await files.open(artifact.blob, () => missingArtifact(project, run, id));
      body.on('error', (err) => request.log.warn({ err, artifactId: id }, 'artifact download failed'));
      return reply
        .type('application/gzip')
        .header('content-length', artifact.sizeBytes)
        .header('content-disposition', attachment(artifact.name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(body);
    },
  );

  app.delete(
    '/projects/:name/runs/:number/artifacts/:id',
    { config: { permission: 'project:manage' }, schema: { summary: 'Delete an artifact (its file too) before its retention ends', params: requestSchema(artifactParams) } },
    async (request, reply) => {
      const { name, number, id } = request.params as z.output<typeof artifactParams>;
      const project = await projectOrThrow(store, name);
      const run = await runOrThrow(store, project, number);
      const artifact = await artifactOf(store, project, run, id);
      // Row first: a download that already opened the file still gets all of it.
      if (await store.artifacts.delete(artifact.id)) await files.remove(artifact.blob);
      return reply.code(204).send();
    },
  );
}

const missingArtifact = (project: Project, run: Run, id: number) => new GantryError('ARTIFACT_NOT_FOUND', `run #${run.number} of ${project.name} has no artifact ${id}`);

async function artifactOf(store: Store, project: Project, run: Run, id: number): Promise<Artifact> {
  const artifact = await store.artifacts.get(id);
  if (!artifact || artifact.runId !== run.id) throw missingArtifact(project, run, id);
  return artifact;
}
