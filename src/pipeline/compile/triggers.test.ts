import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GitEvent } from '../event.js';
import type { PipelineFile } from '../schema.js';
import { matchTrigger } from './triggers.js';

const sha = 'abc';
const push = (branch: string, extra: Partial<GitEvent> = {}): GitEvent => ({ name: 'push', branch, sha, ...extra });

describe('matchTrigger', () => {
  it('runs push, pull_request, tag, manual and api when on is omitted, but not cron', () => {
    for (const name of ['push', 'pull_request', 'tag', 'manual', 'api'] as const) {
      assert.equal(matchTrigger(undefined, { name, sha }).matched, true, name);
    }
    const cron = matchTrigger(undefined, { name: 'cron', sha, cronName: 'nightly' });
    assert.equal(cron.matched, false);
    assert.match(cron.reason, /on\.cron/);
  });

  it('accepts the string and list shorthands', () => {
    assert.equal(matchTrigger('push', push('x')).matched, true);
    assert.equal(matchTrigger('push', { name: 'tag', tag: 'v1', sha }).matched, false);
    assert.equal(matchTrigger(['push', 'tag'], { name: 'tag', tag: 'v1', sha }).matched, true);
    const miss = matchTrigger(['push', 'tag'], { name: 'manual', sha });
    assert.equal(miss.reason, 'event manual is not listed in on: [push, tag]');
  });

  it('filters push by branch globs, ** crossing slashes', () => {
    const on: PipelineFile['on'] = { push: { branches: ['main', 'release/**'] } };
    assert.equal(matchTrigger(on, push('main')).matched, true);
    assert.equal(matchTrigger(on, push('release/1.2/hotfix')).matched, true);
    const miss = matchTrigger(on, push('feature/x'));
    assert.equal(miss.matched, false);
    assert.equal(miss.reason, "event push on branch 'feature/x' does not match on.push.branches [main, release/**]");
  });

  it('single * does not cross a slash', () => {
    const on: PipelineFile['on'] = { push: { branches: ['feature/*'] } };
    assert.equal(matchTrigger(on, push('feature/a')).matched, true);
    assert.equal(matchTrigger(on, push('feature/a/b')).matched, false);
  });

  it('applies branches_ignore', () => {
    const on: PipelineFile['on'] = { push: { branches_ignore: ['wip/**'] } };
    assert.equal(matchTrigger(on, push('main')).matched, true);
    const miss = matchTrigger(on, push('wip/try'));
    assert.equal(miss.matched, false);
    assert.match(miss.reason, /matches on\.push\.branches_ignore \[wip\/\*\*\]/);
  });

  it('a present key with no value enables the event unfiltered', () => {
    assert.equal(matchTrigger({ push: null }, push('anything')).matched, true);
    assert.equal(matchTrigger({ push: null }, { name: 'tag', tag: 'v1', sha }).matched, false);
  });

  it('filters by changed paths, passing when they are unknown', () => {
    const on: PipelineFile['on'] = { push: { paths: ['src/**', 'package*.json'] } };
    assert.equal(matchTrigger(on, push('main')).matched, true, 'unknown changes pass');
    assert.equal(matchTrigger(on, push('main', { changedFiles: ['src/a/b.ts'] })).matched, true);
    assert.equal(matchTrigger(on, push('main', { changedFiles: ['package-lock.json'] })).matched, true);
    const miss = matchTrigger(on, push('main', { changedFiles: ['docs/x.md'] }));
    assert.equal(miss.matched, false);
    assert.match(miss.reason, /no changed file matches on\.push\.paths/);
  });

  it('skips when every changed file is ignored', () => {
    const on: PipelineFile['on'] = { push: { paths_ignore: ['docs/**', '**/*.md'] } };
    assert.equal(matchTrigger(on, push('main', { changedFiles: ['docs/a.txt', 'README.md'] })).matched, false);
    assert.equal(matchTrigger(on, push('main', { changedFiles: ['docs/a.txt', 'src/x.ts'] })).matched, true);
  });

  it('matches pull_request branch filters against the base branch', () => {
    const on: PipelineFile['on'] = { pull_request: { branches: ['main'] } };
    const pr = (head: string, base: string): GitEvent => ({ name: 'pull_request', branch: head, baseBranch: base, sha });
    assert.equal(matchTrigger(on, pr('feature/x', 'main')).matched, true);
    const miss = matchTrigger(on, pr('main', 'develop'));
    assert.equal(miss.matched, false);
    assert.match(miss.reason, /into 'develop' does not match on\.pull_request\.branches \[main\]/);
  });

  it('filters tags by patterns', () => {
    const on: PipelineFile['on'] = { tag: { patterns: ['v*'] } };
    assert.equal(matchTrigger(on, { name: 'tag', tag: 'v1.2.0', sha }).matched, true);
    const miss = matchTrigger(on, { name: 'tag', tag: 'nightly-1', sha });
    assert.equal(miss.reason, "event tag 'nightly-1' does not match on.tag.patterns [v*]");
    assert.equal(matchTrigger({ tag: null }, { name: 'tag', tag: 'anything', sha }).matched, true);
  });

  it('matches cron by schedule name', () => {
    const on: PipelineFile['on'] = { cron: [{ name: 'nightly', schedule: '0 3 * * *' }] };
    assert.equal(matchTrigger(on, { name: 'cron', cronName: 'nightly', sha }).matched, true);
    const miss = matchTrigger(on, { name: 'cron', cronName: 'weekly', sha });
    assert.equal(miss.matched, false);
    assert.match(miss.reason, /\[nightly\]/);
    assert.equal(matchTrigger(on, { name: 'cron', sha }).matched, false);
  });

  it('matches manual and api only when listed', () => {
    const on: PipelineFile['on'] = { push: null, manual: {} };
    assert.equal(matchTrigger(on, { name: 'manual', sha }).matched, true);
    const api = matchTrigger(on, { name: 'api', sha });
    assert.equal(api.matched, false);
    assert.equal(api.reason, 'event api is not listed in on: [push, manual]');
  });
});
