/**
 * Image references as Docker reads them (`[registry[:port]/]path[:tag]`), for the tags of a build
 * step: which registry a push goes to, and whether a tag is valid before the engine sees it.
 */
export interface ImageReference {
  /** `registry.example.com:5000`; `docker.io` when the first component is not a host. */
  registry: string;
  /** Everything before the tag: `registry.example.com:5000/team/app`. */
  repository: string;
  tag: string;
}

/** Docker Hub's login address: what the engines expect as `serveraddress` for `docker.io` images. */
export const DOCKER_HUB_AUTH_ADDRESS = 'https://index.docker.io/v1/';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const MAX_NAME = 255;

export type ParsedReference = { ok: true; reference: ImageReference; sanitized?: string } | { ok: false; message: string };

/**
 * Parses one tag of a build step. A missing tag means `latest`. The tag part is made valid the way
 * branch names need it (`release/1.2` → `release-1.2`: characters outside `[A-Za-z0-9_.-]` become
 * `-`, leading `.`/`-` are dropped, at most 128 characters); `sanitized` then says what it became.
 * The repository part is not rewritten: a wrong one is an error that names it.
 */
export function parseImageTag(text: string): ParsedReference {
  const quoted = JSON.stringify(text);
  if (text.trim() === '') return { ok: false, message: 'a tag is empty' };
  if (text.includes('@')) return { ok: false, message: `tag ${quoted} carries a digest; tags name what is pushed, the digest is an output` };
  // The host is the first component when it looks like one; the tag starts at the first ":" after
  // it, so a tag made from a branch name may hold "/" (it is made valid below).
  const first = text.split('/')[0] ?? '';
  const isHost = text.includes('/') && (first.includes('.') || /^[^:]+:[0-9]+$/.test(first) || first === 'localhost');
  if (isHost && !HOST.test(first)) return { ok: false, message: `tag ${quoted}: ${JSON.stringify(first)} is not a registry host` };
  const rest = isHost ? text.slice(first.length + 1) : text;
  const colon = rest.indexOf(':');
  const hasTag = colon >= 0;
  const path = hasTag ? rest.slice(0, colon) : rest;
  const repository = isHost ? `${first}/${path}` : path;
  const rawTag = hasTag ? rest.slice(colon + 1) : 'latest';
  const bad = path.split('/').find((component) => !PATH_COMPONENT.test(component));
  if (bad !== undefined) {
    return { ok: false, message: `tag ${quoted}: repository part ${JSON.stringify(bad)} must be lowercase letters, digits and single . _ - separators` };
  }
  if (repository.length > MAX_NAME) return { ok: false, message: `tag ${quoted}: the repository name is longer than ${MAX_NAME} characters` };
  const tag = sanitizeTag(rawTag);
  if (tag === '') return { ok: false, message: `tag ${quoted} has an empty tag after the ":" (did a template evaluate to ""?)` };
  const reference = { registry: isHost ? first : 'docker.io', repository, tag };
  return tag === rawTag || !hasTag ? { ok: true, reference } : { ok: true, reference, sanitized: `${repository}:${tag}` };
}

function sanitizeTag(tag: string): string {
  if (TAG.test(tag)) return tag;
  return tag.replace(/[^\w.-]/g, '-').replace(/^[.-]+/, '').slice(0, 128);
}

/** `repository:tag`. */
export function formatReference(reference: ImageReference): string {
  return `${reference.repository}:${reference.tag}`;
}

/** The `serveraddress` of a registry login for images of `registry`. */
export function authAddress(registry: string): string {
  return registry === 'docker.io' ? DOCKER_HUB_AUTH_ADDRESS : registry;
}
