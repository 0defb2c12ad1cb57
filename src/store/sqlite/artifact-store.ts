import type { Selectable } from 'kysely';
import { GantryError } from '../../core/index.js';
import type { Artifact, ArtifactStore, NewArtifact } from '../index.js';
import type { SqliteDb } from './db.js';
import type { ArtifactsTable } from './tables.js';

const SELECT_BY_NAME = 'SELECT * FROM artifacts WHERE run_id = ? AND job_id = ? AND name = ?';
const DELETE_BY_ID = 'DELETE FROM artifacts WHERE id = ?';
const INSERT = `INSERT INTO artifacts (project_id, run_id, job_id, attempt, name, size_bytes, sha256, blob, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`;

function toArtifact(row: Selectable<ArtifactsTable>): Artifact {
  return {
    id: row.id, projectId: row.project_id, runId: row.run_id, jobId: row.job_id, attempt: row.attempt, name: row.name,
    sizeBytes: row.size_bytes, sha256: row.sha256, blob: row.blob, createdAt: row.created_at, expiresAt: row.expires_at,
  };
}

export class SqliteArtifactStore implements ArtifactStore {
  constructor(private readonly db: SqliteDb) {}

  add(input: NewArtifact): Promise<{ artifact: Artifact; replaced: Artifact | undefined }> {
    return this.db.call('artifacts.add', () =>
      // One synchronous transaction: the check and the replacement cannot interleave with another add.
      this.db.tx(() => {
        const old = this.db.stmt(SELECT_BY_NAME).get(input.runId, input.jobId, input.name) as Selectable<ArtifactsTable> | undefined;
        if (old && old.attempt > input.attempt) {
          throw new GantryError('STORE_CONFLICT', `attempt ${old.attempt} of job "${input.jobId}" already stored artifact "${input.name}" (this is attempt ${input.attempt})`);
        }
        if (old) this.db.stmt(DELETE_BY_ID).run(old.id);
        const row = this.db.stmt(INSERT).get(
          input.projectId, input.runId, input.jobId, input.attempt, input.name, input.sizeBytes, input.sha256, input.blob, this.db.clock.now(), input.expiresAt,
        ) as Selectable<ArtifactsTable>;
        return { artifact: toArtifact(row), replaced: old && toArtifact(old) };
      }),
    );
  }

  get(id: number): Promise<Artifact | undefined> {
    return this.db.call('artifacts.get', () => {
      const row = this.db.first(this.db.kysely.selectFrom('artifacts').selectAll().where('id', '=', id));
      return row && toArtifact(row);
    });
  }

  listForRun(runId: number, jobIds?: readonly string[]): Promise<Artifact[]> {
    return this.db.call('artifacts.listForRun', () => {
      if (jobIds?.length === 0) return [];
      let query = this.db.kysely.selectFrom('artifacts').selectAll().where('run_id', '=', runId);
      if (jobIds) query = query.where('job_id', 'in', [...jobIds]);
      return this.db.all(query.orderBy('job_id').orderBy('name')).map(toArtifact);
    });
  }

  listExpired(now: number, limit: number): Promise<Artifact[]> {
    return this.db.call('artifacts.listExpired', () =>
      this.db.all(this.db.kysely.selectFrom('artifacts').selectAll().where('expires_at', '<=', now).orderBy('expires_at').orderBy('id').limit(limit)).map(toArtifact),
    );
  }

  delete(id: number): Promise<boolean> {
    return this.db.call('artifacts.delete', () => this.db.stmt(DELETE_BY_ID).run(id).changes > 0);
  }

  blobs(): Promise<string[]> {
    return this.db.call('artifacts.blobs', () => this.db.all(this.db.kysely.selectFrom('artifacts').select('blob')).map((row) => row.blob));
  }
}
