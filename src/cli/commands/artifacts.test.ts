import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ArtifactView } from '../../api-client/index.js';
import { fileNameOf, pickArtifact } from './artifacts.js';

const artifact = (id: number, jobId: string, name: string): ArtifactView => ({ id, jobId, name, sizeBytes: 1, sha256: '0', createdAt: '', expiresAt: '' });
const list = [artifact(3, 'build', 'dist'), artifact(4, 'test (node: 20)', 'report'), artifact(5, 'test (node: 22)', 'report'), artifact(6, 'x', '3')];

test('pickArtifact: an id first, else the one artifact of that name; a name two jobs used is ambiguous and lists the ids', () => {
  assert.equal(pickArtifact(list, '3', 'run #1').name, 'dist', 'a number that is an id picks by id');
  assert.equal(pickArtifact(list, 'dist', 'run #1').id, 3);
  assert.throws(() => pickArtifact(list, 'report', 'run #1'), { code: 'CONFIG_INVALID', message: /2 artifacts named "report": pick one by id \(4 from job test \(node: 20\), 5 from job test \(node: 22\)\)/ });
  assert.throws(() => pickArtifact(list, 'nope', 'run #1'), { code: 'ARTIFACT_NOT_FOUND', message: /no artifact "nope" \(it has: 3 dist, 4 report, 5 report, 6 3\)/ });
});

test('fileNameOf: an artifact name becomes a plain file name in the current directory (no slash, no leading dot, no shell characters)', () => {
  assert.equal(fileNameOf('test (node: 20)'), 'test_node_20_.tar.gz');
  assert.equal(fileNameOf('..'), '_.tar.gz');
  assert.equal(fileNameOf('.hidden'), '_hidden.tar.gz');
  assert.equal(fileNameOf('a$(rm -rf)b'), 'a_rm_-rf_b.tar.gz');
});
