import { Readable } from 'node:stream';
import {
  status,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type Metadata,
  type ServerReadableStream,
  type ServerWritableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import type { AgentServiceServer, wire } from '../../agent-protocol/index.js';
import { GantryError } from '../../core/index.js';
import type { AgentToken } from '../../store/index.js';
import type { LeaseJobStorage, LeaseStorage } from '../artifacts/lease-storage.js';
import { RpcError } from './rpc-error.js';

/** What the storage calls share with the rest of the agent service. */
export interface StorageCallContext {
  storage: LeaseStorage | undefined;
  authenticate(metadata: Metadata): Promise<AgentToken>;
  /** The lease must be the calling agent's, at this epoch (else LEASE_STALE). */
  held(token: AgentToken, ref: wire.LeaseRef | undefined): { leaseId: string; epoch: number };
  refuse(name: string, err: unknown, token: AgentToken | undefined, peer: string): Partial<ServiceError>;
}

type StorageCalls = Pick<AgentServiceServer, 'restoreCache' | 'saveCache' | 'uploadArtifact' | 'listArtifacts' | 'downloadArtifact'>;

/** Archives travel in chunks of at most this many bytes (well under gRPC's 4 MiB message limit). */
export const CHUNK_BYTES = 1024 * 1024;

/**
 * The cache and artifact calls of the agent port: the same token and lease checks as every other
 * call (a lease that is not the caller's is LEASE_STALE), then the server's LeaseStorage, which
 * scopes everything to the lease's project, run and job. A cancelled call aborts the storage work.
 */
export function createStorageCalls(ctx: StorageCallContext): StorageCalls {
  function storageOf(token: AgentToken, ref: wire.LeaseRef | undefined): LeaseJobStorage {
    const lease = ctx.held(token, ref);
    if (!ctx.storage) throw new RpcError(status.UNIMPLEMENTED, 'STORE_UNAVAILABLE', 'this server keeps no cache or artifact storage for remote agents');
    return ctx.storage(lease);
  }

  /** A server-streaming call: `act` answers with the messages to send (or throws a refusal). */
  function download<Req, Msg>(name: string, act: (request: Req, token: AgentToken, signal: AbortSignal) => Promise<Iterable<Msg> | AsyncIterable<Msg>>): handleServerStreamingCall<Req, Msg> {
    return (call: ServerWritableStream<Req, Msg>) => {
      const cancelled = new AbortController();
      call.once('cancelled', () => cancelled.abort());
      let token: AgentToken | undefined;
      void (async () => {
        token = await ctx.authenticate(call.metadata);
        for await (const message of await act(call.request, token, cancelled.signal)) {
          if (cancelled.signal.aborted) return;
          if (!call.write(message)) await new Promise((resolve) => call.once('drain', resolve));
        }
        call.end();
      })().catch((err: unknown) => {
        if (!cancelled.signal.aborted) call.emit('error', ctx.refuse(name, err, token, call.getPeer()));
      });
    };
  }

  /** A client-streaming call: the first message names the lease; `act` gets the rest as bytes. */
  function upload<Msg extends { lease?: wire.LeaseRef | undefined; data: Buffer }, Res>(
    name: string,
    act: (first: Msg, storage: LeaseJobStorage, archive: Readable, signal: AbortSignal) => Promise<Res>,
  ): handleClientStreamingCall<Msg, Res> {
    return (call: ServerReadableStream<Msg, Res>, callback) => {
      const cancelled = new AbortController();
      call.once('cancelled', () => cancelled.abort());
      let token: AgentToken | undefined;
      void (async () => {
        const messages = call[Symbol.asyncIterator]() as AsyncIterator<Msg>;
        token = await ctx.authenticate(call.metadata);
        const first = await messages.next();
        if (first.done) throw new GantryError('API_INVALID_REQUEST', 'the upload sent no message');
        const storage = storageOf(token, first.value.lease);
        async function* bytes(): AsyncGenerator<Buffer> {
          if (first.value.data.length > 0) yield first.value.data;
          for (let next = await messages.next(); !next.done; next = await messages.next()) yield next.value.data;
        }
        return act(first.value, storage, Readable.from(bytes(), { objectMode: false }), cancelled.signal);
      })().then(
        (response) => callback(null, response),
        (err: unknown) => callback(ctx.refuse(name, err, token, call.getPeer())),
      );
    };
  }

  const listArtifacts: handleUnaryCall<wire.ListArtifactsRequest, wire.ListArtifactsResponse> = (call, callback) => {
    let token: AgentToken | undefined;
    (async () => {
      token = await ctx.authenticate(call.metadata);
      const found = await storageOf(token, call.request.lease).artifactsOf(call.request.jobIds, AbortSignal.timeout(60_000));
      return { artifacts: found.map((a) => ({ jobId: a.jobId, name: a.name, sizeBytes: a.sizeBytes })) };
    })().then(
      (response) => callback(null, response),
      (err: unknown) => callback(ctx.refuse('ListArtifacts', err, token, call.getPeer())),
    );
  };

  return {
    restoreCache: download<wire.RestoreCacheRequest, wire.RestoreCacheChunk>('RestoreCache', async (request, token, signal) => {
      const found = await storageOf(token, request.lease).restoreCache(request.key, request.prefixes, signal);
      if (!found) return [{ data: Buffer.alloc(0) }];
      return prepend<wire.RestoreCacheChunk>({ matchedKey: found.key, data: Buffer.alloc(0) }, chunks(found.archive));
    }),
    saveCache: upload<wire.SaveCacheChunk, wire.SaveCacheResponse>('SaveCache', async (first, storage, archive, signal) => {
      if (!first.key) throw new GantryError('API_INVALID_REQUEST', 'SaveCache names no key');
      return { saved: await storage.saveCache(first.key, archive, signal) };
    }),
    uploadArtifact: upload<wire.UploadArtifactChunk, wire.Empty>('UploadArtifact', async (first, storage, archive, signal) => {
      if (!first.name) throw new GantryError('API_INVALID_REQUEST', 'UploadArtifact names no artifact');
      await storage.uploadArtifact(first.name, archive, first.retentionMs, signal);
      return {};
    }),
    listArtifacts,
    downloadArtifact: download<wire.DownloadArtifactRequest, wire.DataChunk>('DownloadArtifact', async (request, token, signal) => {
      const found = await storageOf(token, request.lease).artifactsOf([request.jobId], signal);
      const artifact = found.find((a) => a.jobId === request.jobId && a.name === request.name);
      if (!artifact) throw new RpcError(status.NOT_FOUND, 'STORE_NOT_FOUND', `job ${request.jobId} of this run has no artifact "${request.name}"`);
      return chunks(await artifact.open(signal));
    }),
  };
}

async function* chunks(archive: Readable): AsyncGenerator<{ data: Buffer }> {
  for await (const chunk of archive as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let at = 0; at < buffer.length; at += CHUNK_BYTES) yield { data: buffer.subarray(at, at + CHUNK_BYTES) };
  }
}

async function* prepend<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield first;
  yield* rest;
}
