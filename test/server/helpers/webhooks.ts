// Webhook deliveries as the forges send them: GitHub's published example payloads
// (@octokit/webhooks-examples) and the Gitea/GitLab fixtures in test/fixtures/webhooks, with their
// ref and commit fields rewritten to point at the test repository, then signed like each forge does.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHmac } from 'node:crypto';
import { genericDelivery, signBody, ZERO_SHA } from '../../../src/triggers/index.js';

type Json = Record<string, unknown>;
interface ExampleSet {
  name: string;
  examples: Json[];
}
const githubExamples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];

export function githubExample(name: string, pick: (e: Json) => boolean = () => true): Json {
  const found = githubExamples.find((s) => s.name === name)?.examples.find(pick);
  if (!found) throw new Error(`no GitHub example for ${name}`);
  return structuredClone(found);
}

export function fixture(path: string): Json {
  return JSON.parse(readFileSync(new URL(`../../fixtures/webhooks/${path}`, import.meta.url), 'utf8')) as Json;
}

const o = (v: unknown): Json => v as Json;

/** GitHub/Gitea push of `ref` moving to `sha`. */
export function githubStylePush(body: Json, ref: string, sha: string, before = ZERO_SHA): Json {
  body.ref = ref;
  body.before = before;
  body.after = sha;
  body.deleted = false;
  if (body.head_commit) o(body.head_commit).id = sha;
  const commits = body.commits as Json[] | undefined;
  if (commits && commits.length > 0) commits[commits.length - 1]!.id = sha;
  return body;
}

/** GitHub/Gitea pull request from `head` (at `sha`) into `base`, from the same repository. */
export function githubStylePullRequest(body: Json, head: string, sha: string, base: string): Json {
  const pr = o(body.pull_request);
  o(pr.head).ref = head;
  o(pr.head).sha = sha;
  o(pr.base).ref = base;
  // Same repository on both sides: not a fork.
  o(pr.head).repo = structuredClone(o(pr.base).repo ?? body.repository);
  return body;
}

export function gitlabPush(body: Json, ref: string, sha: string, before = ZERO_SHA): Json {
  body.ref = ref;
  body.before = before;
  body.after = sha;
  body.checkout_sha = sha;
  const commits = body.commits as Json[] | undefined;
  if (commits && commits.length > 0) commits[commits.length - 1]!.id = sha;
  return body;
}

export function gitlabMergeRequest(body: Json, source: string, sha: string, target: string): Json {
  const attrs = o(body.object_attributes);
  attrs.source_branch = source;
  attrs.target_branch = target;
  o(attrs.last_commit).id = sha;
  attrs.source_project_id = attrs.target_project_id;
  return body;
}

export interface SignedRequest {
  headers: Record<string, string>;
  payload: string;
}

/** Headers as each forge sends them, with the signature (or token) made from `secret`. */
export function signed(forge: 'github' | 'gitea' | 'gitlab', secret: string, event: string, deliveryId: string, body: Json | string): SignedRequest {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const base = { 'content-type': 'application/json' };
  switch (forge) {
    case 'github':
      return { payload, headers: { ...base, 'x-github-event': event, 'x-github-delivery': deliveryId, 'x-hub-signature-256': signBody(secret, payload) } };
    case 'gitea':
      return {
        payload,
        headers: { ...base, 'x-gitea-event': event, 'x-gitea-delivery': deliveryId, 'x-gitea-signature': createHmac('sha256', secret).update(payload).digest('hex') },
      };
    case 'gitlab':
      return { payload, headers: { ...base, 'x-gitlab-event': event, 'idempotency-key': deliveryId, 'x-gitlab-token': secret } };
  }
}

export function signedGeneric(secret: string, ref: string, sha: string, deliveryId: string, before = ZERO_SHA): SignedRequest {
  const request = genericDelivery({ ref, before, after: sha }, secret, deliveryId);
  return { payload: request.body, headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])) };
}
