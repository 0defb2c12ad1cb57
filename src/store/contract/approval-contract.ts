import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addProject, freshStore, pushEvent, rejectsWithCode, type MakeStoreHarness } from './harness.js';

export function approvalStoreContract(make: MakeStoreHarness): void {
  describe('ApprovalStore contract', () => {
    test('one final decision per run and job; a second is STORE_CONFLICT; deleting the run deletes it', async (t) => {
      const { store, clock } = await freshStore(t, make);
      const project = await addProject(store, 'app', { settings: { protectedEnvironments: ['production'] } });
      assert.deepEqual(project.settings.protectedEnvironments, ['production'], 'the project setting round-trips');
      const run = await store.runs.create({ projectId: project.id, event: pushEvent(), trigger: { kind: 'push' } });
      assert.equal(await store.approvals.get(run.id, 'deploy'), undefined);
      const decided = await store.approvals.decide({ runId: run.id, jobId: 'deploy', environment: 'production', decision: 'approved', actor: 'alice', comment: null });
      assert.equal(decided.decidedAt, clock.now());
      assert.deepEqual(await store.approvals.get(run.id, 'deploy'), decided);
      clock.advance(1000);
      await rejectsWithCode(store.approvals.decide({ runId: run.id, jobId: 'deploy', environment: 'production', decision: 'rejected', actor: 'bob', comment: 'no' }), 'STORE_CONFLICT');
      await store.approvals.decide({ runId: run.id, jobId: 'deploy-eu', environment: 'production', decision: 'rejected', actor: 'bob', comment: 'no' });
      assert.deepEqual((await store.approvals.listForRun(run.id)).map((a) => [a.jobId, a.decision]), [['deploy', 'approved'], ['deploy-eu', 'rejected']]);
      await rejectsWithCode(store.approvals.decide({ runId: run.id + 100, jobId: 'deploy', environment: 'production', decision: 'approved', actor: 'alice', comment: null }), 'STORE_NOT_FOUND');
      await store.projects.delete(project.id);
      assert.deepEqual(await store.approvals.listForRun(run.id), []);
    });
  });
}
