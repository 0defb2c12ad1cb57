import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authAddress, parseImageTag } from './image-build-reference.js';

describe('image tags of build steps', () => {
  it('splits registry, repository and tag; a missing tag is latest; no host means Docker Hub', () => {
    assert.deepEqual(parseImageTag('127.0.0.1:5000/team/app:abc123d'), {
      ok: true,
      reference: { registry: '127.0.0.1:5000', repository: '127.0.0.1:5000/team/app', tag: 'abc123d' },
    });
    assert.deepEqual(parseImageTag('registry.example.com/app'), {
      ok: true,
      reference: { registry: 'registry.example.com', repository: 'registry.example.com/app', tag: 'latest' },
    });
    assert.deepEqual(parseImageTag('localhost/app:1'), { ok: true, reference: { registry: 'localhost', repository: 'localhost/app', tag: '1' } });
    assert.deepEqual(parseImageTag('team/app:v1.2.3'), { ok: true, reference: { registry: 'docker.io', repository: 'team/app', tag: 'v1.2.3' } });
    assert.equal(authAddress('docker.io'), 'https://index.docker.io/v1/');
    assert.equal(authAddress('127.0.0.1:5000'), '127.0.0.1:5000');
  });

  it('makes a branch name a valid tag and says what it became', () => {
    const parsed = parseImageTag('reg.example.com/app:release/1.2+fix');
    assert.ok(parsed.ok);
    assert.equal(parsed.reference.tag, 'release-1.2-fix');
    assert.equal(parsed.sanitized, 'reg.example.com/app:release-1.2-fix');
    const leading = parseImageTag('reg.example.com/app:-x');
    assert.ok(leading.ok);
    assert.equal(leading.reference.tag, 'x');
    const long = parseImageTag(`reg.example.com/app:${'a'.repeat(200)}`);
    assert.ok(long.ok);
    assert.equal(long.reference.tag.length, 128);
  });

  it('refuses bad input with the reason: empty, digest, uppercase repository, bad host, empty tag', () => {
    const message = (text: string): string => {
      const parsed = parseImageTag(text);
      assert.ok(!parsed.ok, `${text} is refused`);
      return parsed.message;
    };
    assert.match(message('  '), /empty/);
    assert.match(message('reg.example.com/app@sha256:abc'), /digest/);
    assert.match(message('reg.example.com/Team/app:1'), /"Team" must be lowercase/);
    assert.match(message('reg_bad.example.com/app:1'), /not a registry host/);
    assert.match(message('reg.example.com/app:'), /empty tag/);
    assert.match(message('reg.example.com/app:///'), /empty tag/);
  });
});
