import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hashFiles } from './hash-files.js';

const root = mkdtempSync(join(tmpdir(), 'gantry-hash-'));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'b', 'c'), { recursive: true });
mkdirSync(join(root, '.git'));
writeFileSync(join(root, 'a.lock'), 'A');
writeFileSync(join(root, 'b', 'c', 'd.lock'), 'D');
writeFileSync(join(root, 'b', 'e.txt'), 'E');
writeFileSync(join(root, '.git', 'x.lock'), 'ignored');

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest();

describe('hashFiles', () => {
  it('hashes the matching files in sorted order (hash of file hashes)', () => {
    const expected = createHash('sha256').update(sha('A')).update(sha('D')).digest('hex');
    assert.equal(hashFiles(root, ['**/*.lock']), expected);
    assert.equal(hashFiles(root, ['**/*.lock']), expected);
  });

  it('supports several patterns and exclusions', () => {
    const expected = createHash('sha256').update(sha('A')).update(sha('E')).digest('hex');
    assert.equal(hashFiles(root, ['**/*.lock', 'b/*.txt', '!b/c/**']), expected);
  });

  it('returns an empty string when nothing matches', () => {
    assert.equal(hashFiles(root, ['**/*.nothing']), '');
    assert.equal(hashFiles(root, ['!**']), '');
  });
});
