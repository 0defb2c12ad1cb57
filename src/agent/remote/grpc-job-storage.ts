import { Readable } from 'node:stream';
import type { wire } from '../../agent-protocol/index.js';
import type { JobStorage, StoredArtifact } from '../../runner/index.js';
import type { AgentClient } from './agent-client.js';

/** Archives go up in chunks of at most this many bytes (well under gRPC's 4 MiB message limit). */
const CHUNK_BYTES = 1024 * 1024;

/**
 * The server's cache and artifact storage for one lease, over the agent port's storage calls: the
 * remote agent's JobStorage. Every call names the lease; the server checks that this agent holds
 * it and scopes what it reaches to the lease's project, run and job.
 */
export function createGrpcJobStorage(client: AgentClient, lease: wire.LeaseRef): JobStorage {
  return {
    async restoreCache(key, prefixes, signal) {
      const stream = client.receive<wire.RestoreCacheRequest, wire.RestoreCacheChunk>('restoreCache', { lease, key, prefixes: [...prefixes] }, signal);
      const first = await stream.next();
      if (first.done || first.value.matchedKey === undefined) {
        await stream.return(undefined);
        return undefined;
      }
      const head = first.value.data;
      async function* bytes(): AsyncGenerator<Buffer> {
        if (head.length > 0) yield head;
        for await (const chunk of stream) yield chunk.data;
      }
      return { key: first.value.matchedKey, archive: Readable.from(bytes(), { objectMode: false }) };
    },

    async saveCache(key, archive, signal) {
      const answer = await client.send<wire.SaveCacheChunk, wire.SaveCacheResponse>('saveCache', frames(archive, (data, first) => (first ? { lease, key, data } : { key: '', data })), signal);
      return answer.saved;
    },

    async uploadArtifact(name, archive, retentionMs, signal) {
      const head = { lease, name, ...(retentionMs === undefined ? {} : { retentionMs }) };
      await client.send<wire.UploadArtifactChunk, wire.Empty>('uploadArtifact', frames(archive, (data, first) => (first ? { ...head, data } : { name: '', data })), signal);
    },

    async artifactsOf(jobIds, signal) {
      const answer = await client.call<wire.ListArtifactsRequest, wire.ListArtifactsResponse>('listArtifacts', { lease, jobIds: [...jobIds] }, { signal, timeoutMs: 60_000 });
      return answer.artifacts.map((a): StoredArtifact => ({
        jobId: a.jobId,
        name: a.name,
        sizeBytes: a.sizeBytes,
        open: async (openSignal) => {
          const stream = client.receive<wire.DownloadArtifactRequest, wire.DataChunk>('downloadArtifact', { lease, jobId: a.jobId, name: a.name }, openSignal);
          // Wait for the first chunk so a refusal (LEASE_STALE, not found) is thrown here, not mid-unpack.
          const first = await stream.next();
          async function* bytes(): AsyncGenerator<Buffer> {
            if (first.done) return;
            yield first.value.data;
            for await (const chunk of stream) yield chunk.data;
          }
          return Readable.from(bytes(), { objectMode: false });
        },
      }));
    },
  };
}

/** The first message (lease and names, no data), then the archive in chunks. */
async function* frames<T>(archive: Readable, message: (data: Buffer, first: boolean) => T): AsyncGenerator<T> {
  yield message(Buffer.alloc(0), true);
  for await (const chunk of archive as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let at = 0; at < buffer.length; at += CHUNK_BYTES) yield message(buffer.subarray(at, at + CHUNK_BYTES), false);
  }
}
