import type { FastifyReply } from 'fastify';
import type { SseSink } from '../live/index.js';

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
