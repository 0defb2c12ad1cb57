import { readFileSync } from 'node:fs';
import {
  ChannelCredentials,
  Metadata,
  status,
  type CallOptions,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ClientWritableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { AGENT_CODE_METADATA, AUTH_METADATA, AgentServiceClient } from '../../agent-protocol/index.js';
import { GantryError, type ErrorCode } from '../../core/index.js';

export interface AgentConnection {
  /** `grpc://host:port` (plain), `grpcs://host:port` (TLS), or `host:port` (plain). */
  server: string;
  token: string;
  /** TLS: CA that signed the server's certificate (default: the system's). */
  caFile?: string;
  /** Mutual TLS: this agent's certificate and key. */
  certFile?: string;
  keyFile?: string;
}

/** A call the server refused, with the Gantry code it sent (LEASE_STALE, AUTH_INVALID_TOKEN…). */
export class AgentCallError extends GantryError {
  constructor(code: ErrorCode, message: string, readonly grpcCode: status) {
    super(code, message);
  }
}

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: (err: ServiceError | null, response: Res) => void) => ClientUnaryCall;
type ServerStreaming<Req, Msg> = (request: Req, metadata: Metadata, options?: Partial<CallOptions>) => ClientReadableStream<Msg>;
type ClientStreaming<Msg, Res> = (metadata: Metadata, options: Partial<CallOptions>, callback: (err: ServiceError | null, response: Res) => void) => ClientWritableStream<Msg>;

/** The gRPC client of the agent port with the token on every call and errors as Gantry codes. */
export class AgentClient {
  readonly #client: AgentServiceClient;
  readonly #token: string;

  constructor(connection: AgentConnection) {
    const match = /^(grpcs?):\/\/(.+?)\/?$/.exec(connection.server);
    const tls = match?.[1] === 'grpcs';
    const address = match ? match[2]! : connection.server;
    const read = (file: string | undefined) => (file ? readFileSync(file) : null);
    const credentials = tls
      ? ChannelCredentials.createSsl(read(connection.caFile), read(connection.keyFile), read(connection.certFile))
      : ChannelCredentials.createInsecure();
    this.#client = new AgentServiceClient(address, credentials, {
      'grpc.keepalive_time_ms': 20_000,
      // Reconnect quickly after a server restart: the agent retries its calls with its own backoff.
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2000,
    });
    this.#token = connection.token;
  }

  /** One call; `signal` cancels it (the server then withdraws a waiting Lease). */
  call<Req, Res>(method: keyof AgentServiceClient & string, request: Req, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Res> {
    const metadata = this.#metadata();
    const fn = (this.#client[method] as unknown as Unary<Req, Res>).bind(this.#client);
    return new Promise<Res>((resolve, reject) => {
      const deadline = options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs };
      const call = fn(request, metadata, deadline, (err, response) => {
        options.signal?.removeEventListener('abort', cancel);
        if (err) reject(toCallError(err));
        else resolve(response);
      });
      const cancel = () => call.cancel();
      options.signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  /** A server-streaming call: its messages, in order; a refusal is thrown as AgentCallError. */
  async *receive<Req, Msg>(method: keyof AgentServiceClient & string, request: Req, signal: AbortSignal): AsyncGenerator<Msg> {
    const fn = (this.#client[method] as unknown as ServerStreaming<Req, Msg>).bind(this.#client);
    const call = fn(request, this.#metadata());
    const cancel = () => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      for await (const message of call) yield message as Msg;
    } catch (err) {
      throw signal.aborted ? signal.reason : toCallError(err as ServiceError);
    } finally {
      signal.removeEventListener('abort', cancel);
      call.cancel();
    }
  }

  /** A client-streaming call: sends `messages` (waiting when the stream is full), then the answer. */
  async send<Msg, Res>(method: keyof AgentServiceClient & string, messages: AsyncIterable<Msg>, signal: AbortSignal): Promise<Res> {
    const fn = (this.#client[method] as unknown as ClientStreaming<Msg, Res>).bind(this.#client);
    let settle!: { resolve(res: Res): void; reject(err: unknown): void };
    const answer = new Promise<Res>((resolve, reject) => (settle = { resolve, reject }));
    const call = fn(this.#metadata(), {}, (err, response) => (err ? settle.reject(toCallError(err)) : settle.resolve(response)));
    const cancel = () => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    let failed = false;
    answer.catch(() => (failed = true));
    try {
      for await (const message of messages) {
        if (failed) break;
        // A refusal ends the call: stop waiting for room then.
        if (!call.write(message)) await Promise.race([new Promise((resolve) => call.once('drain', resolve)), answer.catch(() => undefined)]);
      }
      call.end();
      return await answer;
    } catch (err) {
      call.cancel();
      throw signal.aborted ? signal.reason : err;
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }

  #metadata(): Metadata {
    const metadata = new Metadata();
    metadata.set(AUTH_METADATA, `Bearer ${this.#token}`);
    return metadata;
  }

  close(): void {
    this.#client.close();
  }
}

const FALLBACK: Partial<Record<status, ErrorCode>> = {
  [status.UNAUTHENTICATED]: 'AUTH_INVALID_TOKEN',
  [status.PERMISSION_DENIED]: 'AUTH_FORBIDDEN',
  [status.FAILED_PRECONDITION]: 'LEASE_STALE',
  [status.NOT_FOUND]: 'AGENT_NOT_FOUND',
};

function toCallError(err: ServiceError): AgentCallError {
  const sent = err.metadata?.get(AGENT_CODE_METADATA)[0];
  const code = (typeof sent === 'string' ? sent : (FALLBACK[err.code] ?? 'API_UNREACHABLE')) as ErrorCode;
  return new AgentCallError(code, err.details || err.message, err.code);
}
