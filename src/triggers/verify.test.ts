import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { FORGES } from './forge.js';
import { signBody, verifyWebhook } from './verify.js';

const secret = 'It\'s a Secret to Everybody';
// GitHub's documented test vector for X-Hub-Signature-256.
const githubBody = Buffer.from('Hello, World!');
const githubSig = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

const hex = (body: Buffer, key = secret) => createHmac('sha256', key).update(body).digest('hex');

test('github: the documented test vector verifies; octokit agrees with our signing', async () => {
  assert.deepEqual(verifyWebhook('github', { 'x-hub-signature-256': githubSig }, githubBody, secret), { ok: true });
  assert.equal(signBody(secret, githubBody), githubSig);
  assert.equal(await octokitVerify(secret, githubBody.toString(), signBody(secret, githubBody)), true);
});

test('header names are matched case-insensitively', () => {
  assert.equal(verifyWebhook('github', { 'X-HUB-SIGNATURE-256': githubSig }, githubBody, secret).ok, true);
  assert.equal(verifyWebhook('gitea', { 'x-gitea-signature': hex(githubBody) }, githubBody, secret).ok, true);
});

test('gitea: bare hex; Forgejo and Gogs header names are accepted too', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  for (const name of ['X-Gitea-Signature', 'X-Forgejo-Signature', 'X-Gogs-Signature']) {
    assert.deepEqual(verifyWebhook('gitea', { [name]: hex(body) }, body, secret), { ok: true }, name);
  }
  const prefixed = verifyWebhook('gitea', { 'X-Gitea-Signature': `sha256=${hex(body)}` }, body, secret);
  assert.equal(prefixed.ok === false && prefixed.reason, 'malformed_signature');
});

test('gitlab: the token must equal the secret', () => {
  const body = Buffer.from('{}');
  assert.deepEqual(verifyWebhook('gitlab', { 'X-Gitlab-Token': secret }, body, secret), { ok: true });
  for (const token of ['wrong', secret + 'x', secret.slice(0, -1)]) {
    const r = verifyWebhook('gitlab', { 'X-Gitlab-Token': token }, body, secret);
    assert.equal(r.ok === false && r.reason, 'signature_mismatch', token);
  }
});

test('generic: sha256=<hmac> of the raw body', () => {
  const body = Buffer.from('{"ref":"refs/heads/main","before":"a","after":"b"}');
  assert.deepEqual(verifyWebhook('generic', { 'X-Gantry-Signature': signBody(secret, body) }, body, secret), { ok: true });
});

test('every forge: missing, malformed, wrong secret, altered body and no secret give distinct reasons', () => {
  const body = Buffer.from('{"zen":"Keep it logically awesome."}');
  const good: Record<string, [string, string]> = {
    github: ['X-Hub-Signature-256', signBody(secret, body)],
    gitea: ['X-Gitea-Signature', hex(body)],
    gitlab: ['X-Gitlab-Token', secret],
    generic: ['X-Gantry-Signature', signBody(secret, body)],
  };
  for (const forge of FORGES) {
    const [name, value] = good[forge]!;
    const reason = (headers: Record<string, string | string[]>, raw = body, key = secret) => {
      const r = verifyWebhook(forge, headers, raw, key);
      return r.ok ? 'ok' : r.reason;
    };
    assert.equal(reason({ [name]: value }), 'ok', forge);
    assert.equal(reason({}), 'missing_signature', forge);
    assert.equal(reason({ [name]: '' }), 'malformed_signature', forge);
    assert.equal(reason({ [name]: [value, value] }), 'malformed_signature', `${forge} repeated`);
    assert.equal(reason({ [name]: value }, body, ''), 'no_secret', forge);
    assert.equal(reason({ [name]: value }, body, 'another secret'), 'signature_mismatch', forge);
    if (forge !== 'gitlab') {
      assert.equal(reason({ [name]: value }, Buffer.from(body.toString().replace('awesome', 'AWESOME'))), 'signature_mismatch', `${forge} body`);
      assert.equal(reason({ [name]: value.slice(0, -2) }), 'malformed_signature', `${forge} short`);
      assert.equal(reason({ [name]: value.replace(/.$/, 'g') }), 'malformed_signature', `${forge} not hex`);
    }
  }
});

test('the signature covers the exact bytes: re-serialised JSON does not verify', () => {
  const raw = Buffer.from('{"ref": "refs/heads/main"}');
  const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
  const r = verifyWebhook('github', { 'X-Hub-Signature-256': signBody(secret, raw) }, reserialised, secret);
  assert.equal(r.ok, false);
});
