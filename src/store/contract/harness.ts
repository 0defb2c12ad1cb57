import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { GantryError, ManualClock, type Clock, type ErrorCode } from '../../core/index.js';
import type { GitEvent } from '../../pipeline/index.js';
import type { Project, Store } from '../index.js';

/**
 * What a driver gives the contract tests: a fresh, empty database per harness that can be opened
 * several times (to test durability across close/reopen, and two connections at once).
 */
export interface StoreHarness {
  /** Opens the harness's database (creating and migrating it on first call). Each call is a new Store. */
  open(clock: Clock): Promise<Store>;
  /** Closes every Store opened through this harness and drops the database. */
  cleanup(): Promise<void>;
}

export type MakeStoreHarness = () => Promise<StoreHarness>;

/** A fresh store + clock for one test, cleaned up when the test ends. */
export async function freshStore(t: TestContext, make: MakeStoreHarness) {
  const harness = await make();
  t.after(() => harness.cleanup());
  const clock = new ManualClock();
  const store = await harness.open(clock);
  return { harness, clock, store };
}

export async function rejectsWithCode(promise: Promise<unknown>, code: ErrorCode): Promise<GantryError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof GantryError, `expected GantryError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected a rejection with ${code}`);
}

export function addProject(store: Store, name = 'app', extra: Partial<Parameters<Store['projects']['create']>[0]> = {}): Promise<Project> {
  return store.projects.create({ name, repoUrl: `https://git.example.com/${name}.git`, forge: 'github', ...extra });
}

export function pushEvent(branch = 'main', sha = 'a'.repeat(40)): GitEvent {
  return { name: 'push', branch, sha, message: 'fix: things', author: 'dev' };
}
