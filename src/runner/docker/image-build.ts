import { relative } from 'node:path';
import type Docker from 'dockerode';
import { GantryError } from '../../core/index.js';
import type { ImageBuilder, ImageBuildRequest, ImageBuildResult } from '../image-builder.js';
import { createBuildContext } from './build-context.js';
import { followProgress, type FollowResult } from './image-build-stream.js';
import { authAddress, parseImageTag, type ImageReference } from './image-build-reference.js';

const DIGEST = /\bdigest: (sha256:[0-9a-f]{64})\b/;
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/**
 * The ImageBuilder of the docker backend: `POST /build` with the context as a tar, then
 * `POST /images/{name}/push` for each tag. Works with Docker and with Podman's compatible API.
 * The pushed digest comes from the push stream — Docker sends it as `aux.Digest`, Podman only in
 * the status line `TAG: digest: sha256:… size: N` — and, when neither is there, from the image's
 * RepoDigests (Docker records the pushed digest there; Podman records a digest of its local copy,
 * which the registry does not serve, hence the stream first).
 */
export function createImageBuilder(docker: Docker): ImageBuilder {
  return { build: (request) => buildAndPush(docker, request) };
}

async function buildAndPush(docker: Docker, request: ImageBuildRequest): Promise<ImageBuildResult> {
  const references = request.tags.map(toReference);
  try {
    const built = await build(docker, request, references);
    if (built.outcome !== 'built' || !request.push) return built;
    let digest: string | undefined;
    for (const reference of references) {
      const pushed = await push(docker, request, reference);
      if (pushed.outcome !== 'pushed') return pushed;
      digest ??= pushed.digest;
    }
    return { ...built, ...(digest !== undefined ? { digest } : {}) };
  } catch (err) {
    if (request.signal.aborted) return { outcome: 'canceled' };
    throw err;
  }
}

function toReference(tag: string): ImageReference {
  const parsed = parseImageTag(tag);
  // The build step passes only tags it has parsed; anything else is a fault of the caller.
  if (!parsed.ok || parsed.sanitized !== undefined) throw new GantryError('SYSTEM_INTERNAL', `invalid image tag ${JSON.stringify(tag)}`);
  return parsed.reference;
}

async function build(docker: Docker, request: ImageBuildRequest, references: ImageReference[]): Promise<ImageBuildResult> {
  const context = await createBuildContext(request.contextDir, request.file);
  request.onLine('system', `sending the build context (${context.entries.length} entries), building with ${relative(request.contextDir, request.file)}`);
  const registries = [...new Set(references.map((r) => r.registry))];
  const options = {
    // Several `t` parameters tag the image with each tag; the typings allow only one.
    t: request.tags,
    dockerfile: context.dockerfile,
    buildargs: request.buildArgs,
    labels: request.labels,
    ...(request.target !== undefined ? { target: request.target } : {}),
    // Remove the working containers of a failed build too (Podman keeps them otherwise).
    rm: true,
    forcerm: true,
    ...(request.credentials !== undefined ? { registryconfig: registryConfig(registries, request.credentials) } : {}),
    abortSignal: request.signal,
  };
  const stream = await docker.buildImage(context.stream, options as unknown as Docker.ImageBuildOptions);
  const result = await followProgress(stream, request.onLine);
  if (result.error !== undefined) return { outcome: 'failed', reason: `the image build failed: ${result.error}` };
  const imageId = imageIdOf(result) ?? (await inspectId(docker, request.tags[0]));
  if (imageId === undefined) return { outcome: 'failed', reason: 'the engine finished the build without naming the image it built' };
  request.onLine('system', `built ${imageId}${request.tags.length > 0 ? ` as ${request.tags.join(', ')}` : ''}`);
  return { outcome: 'built', imageId };
}

function imageIdOf(result: FollowResult): string | undefined {
  const id = result.aux.map((aux) => aux.ID).findLast((value) => typeof value === 'string' && IMAGE_ID.test(value));
  return id;
}

async function inspectId(docker: Docker, tag: string | undefined): Promise<string | undefined> {
  if (tag === undefined) return undefined;
  const info = await docker.getImage(tag).inspect();
  return info.Id;
}

type PushResult = { outcome: 'pushed'; digest?: string } | Exclude<ImageBuildResult, { outcome: 'built' }>;

async function push(docker: Docker, request: ImageBuildRequest, reference: ImageReference): Promise<PushResult> {
  const name = `${reference.repository}:${reference.tag}`;
  request.onLine('system', `pushing ${name}`);
  // Docker wants an X-Registry-Auth header even for anonymous pushes: an empty login then.
  const authconfig = { ...(request.credentials ?? {}), serveraddress: authAddress(reference.registry) };
  const stream = await docker.getImage(reference.repository).push({ tag: reference.tag, authconfig, abortSignal: request.signal } as Docker.ImagePushOptions);
  const result = await followProgress(stream, request.onLine);
  if (result.error !== undefined) return { outcome: 'failed', reason: `the push of ${name} failed: ${result.error}` };
  const digest = digestOf(result) ?? (await repoDigest(docker, reference));
  request.onLine('system', digest !== undefined ? `pushed ${name}@${digest}` : `pushed ${name} (the engine did not report its digest)`);
  return { outcome: 'pushed', ...(digest !== undefined ? { digest } : {}) };
}

function digestOf(result: FollowResult): string | undefined {
  for (const aux of result.aux) if (typeof aux.Digest === 'string' && aux.Digest.startsWith('sha256:')) return aux.Digest;
  for (const status of result.statuses) {
    const match = DIGEST.exec(status);
    if (match) return match[1];
  }
  return undefined;
}

async function repoDigest(docker: Docker, reference: ImageReference): Promise<string | undefined> {
  const info = await docker.getImage(`${reference.repository}:${reference.tag}`).inspect();
  const prefix = `${reference.repository}@`;
  return info.RepoDigests?.find((entry) => entry.startsWith(prefix))?.slice(prefix.length);
}

/** X-Registry-Config: the login for each registry the tags name (a private base image may live there). */
function registryConfig(registries: string[], credentials: { username: string; password: string }): Record<string, { username: string; password: string }> {
  return Object.fromEntries(registries.map((registry) => [authAddress(registry), credentials]));
}
