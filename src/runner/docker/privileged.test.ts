import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { privilegedAllowed } from './privileged.js';

describe('privileged allow-list', () => {
  it('exact references and globs: * within a path segment, ** across', () => {
    assert.equal(privilegedAllowed('docker:27-dind', ['docker:27-dind']), true);
    assert.equal(privilegedAllowed('docker:27-dind', ['docker:*-dind']), true);
    assert.equal(privilegedAllowed('registry.local/ci/builder:1', ['registry.local/**']), true);
    assert.equal(privilegedAllowed('registry.local/ci/builder:1', ['registry.local/*']), false, '* stops at /');
  });

  it('refuses look-alikes: other registries, prefixes, suffixes, regex characters taken literally', () => {
    assert.equal(privilegedAllowed('evil/docker:27-dind', ['docker:*-dind']), false);
    assert.equal(privilegedAllowed('docker.io/library/docker:dind', ['docker:dind']), false, 'no normalisation');
    assert.equal(privilegedAllowed('docker:dind-evil', ['docker:dind']), false);
    assert.equal(privilegedAllowed('dockerXdind', ['docker.dind']), false, '. is not a wildcard');
    assert.equal(privilegedAllowed('docker:dind', []), false);
  });
});
