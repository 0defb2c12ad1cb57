import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GantryError } from '../../core/index.js';
import type { SseSink, StreamEnd } from '../live/index.js';

/**
 * Takes the socket from fastify and opens a text/event-stream response on it. Lookups and auth have
 * answered as normal problem responses before this; from here on the stream owns the socket.
 */
export function openEventStream(reply: FastifyReply): SseSink {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and friends buffer responses unless told not to.
    'x-accel-buffering': 'no',
  });
  res.socket?.setNoDelay(true);
  return {
    write: (chunk) => void res.write(chunk),
    bufferedBytes: () => res.writableLength,
    end: () => void (res.writableEnded || res.end()),
    drained: () =>
      new Promise<void>((resolve) => {
        if (res.writableLength === 0 || res.destroyed) return resolve();
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      }),
  };
}

/** What a live route holds open: a stream that is started, can be stopped, and ends with a reason. */
export interface LiveStream {
  readonly done: Promise<StreamEnd>;
  start(): void;
  stop(why: StreamEnd): void;
}

/**
 * The streams a route file holds open. `hold` starts one and keeps it until it ends: it is stopped
 * when its client goes and when the server closes (preClose: followers are no reason to wait), and
 * `onEnd` hears why it ended (for the log).
 */
export function liveStreams(app: FastifyInstance): { hold(stream: LiveStream, reply: FastifyReply, onEnd: (why: StreamEnd) => void): void } {
  const open = new Set<LiveStream>();
  app.addHook('preClose', async () => {
    for (const stream of open) stream.stop('server-closing');
  });
  return {
    hold(stream, reply, onEnd) {
      open.add(stream);
      reply.raw.on('close', () => stream.stop('client-gone'));
      void stream.done.then((why) => {
        open.delete(stream);
        onEnd(why);
      });
      stream.start();
    },
  };
}

/**
 * A stream with no natural end is opened only for a client that asks for one (`Accept:
 * text/event-stream`, as EventSource and the UI send): a plain GET (a crawler, curl without -H, a
 * generic API client) is answered, not held open forever.
 */
export function requireEventStreamAccept(request: FastifyRequest): void {
  if (!/\btext\/event-stream\b/.test(request.headers.accept ?? '')) {
    throw new GantryError('API_INVALID_REQUEST', 'this route is a Server-Sent Events stream: send Accept: text/event-stream');
  }
}
