import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { AgentServiceService } from '../../agent-protocol/index.js';
import type { HostPort } from '../../config/index.js';
import { GantryError } from '../../core/index.js';
import { createAgentService, type AgentServiceOptions } from './agent-service.js';

export interface AgentTls {
  certFile: string;
  keyFile: string;
  /** With it, agents must present a client certificate signed by this CA (mutual TLS). */
  clientCaFile?: string;
}

export interface AgentGrpcServer {
  /** `host:port` actually bound (port 0 picks one). */
  readonly address: string;
  /** Refuses new calls, cancels open ones (agents reconnect to the next server). */
  stop(): Promise<void>;
}

async function credentials(tls: AgentTls | undefined): Promise<ServerCredentials> {
  if (!tls) return ServerCredentials.createInsecure();
  try {
    const [cert, key, ca] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile), tls.clientCaFile ? readFile(tls.clientCaFile) : undefined]);
    return ServerCredentials.createSsl(ca ?? null, [{ cert_chain: cert, private_key: key }], ca !== undefined);
  } catch (err) {
    throw new GantryError('SERVER_START_FAILED', `cannot read the agent port's TLS files: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The agent port: a gRPC server of its own next to the HTTP one (docs/agents.md). It listens on a
 * socket of ours with TCP_NODELAY (grpc-js's own listener leaves Nagle on, and an answer written
 * while another is unacknowledged then waits for the agent's delayed ACK: milliseconds on every
 * pair of concurrent calls, e.g. a step report next to a log batch) and hands each connection to
 * grpc-js.
 */
export async function startAgentGrpcServer(listen: HostPort, tls: AgentTls | undefined, options: AgentServiceOptions): Promise<AgentGrpcServer> {
  const server = new Server({ 'grpc.keepalive_time_ms': 20_000, 'grpc.keepalive_permit_without_calls': 1 });
  server.addService(AgentServiceService, createAgentService(options));
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  const injector = server.createConnectionInjector(await credentials(tls));
  const listener = createServer({ noDelay: true }, (socket) => injector.injectConnection(socket));
  const port = await new Promise<number>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(listen.port, listen.host, () => {
      listener.off('error', reject);
      resolve((listener.address() as { port: number }).port);
    });
  }).catch((err: unknown) => {
    throw new GantryError('SERVER_START_FAILED', `cannot listen for agents on ${host}:${listen.port}: ${(err as Error).message}`, {
      cause: err,
      details: { hint: 'choose another address with --agent-listen HOST:PORT or GANTRY_AGENT_LISTEN' },
    });
  });
  return {
    address: `${host}:${port}`,
    stop: () => new Promise<void>((resolve) => {
      listener.close();
      // Open Lease long polls would hold a graceful shutdown forever: give them a moment, then cut.
      const force = setTimeout(() => server.forceShutdown(), 1000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }),
  };
}
