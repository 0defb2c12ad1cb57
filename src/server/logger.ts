import { pino, type DestinationStream, type Logger } from 'pino';

export interface LoggerOptions {
  readonly level: string;
  readonly format: 'json' | 'pretty';
  /** Where lines go; default stdout. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
  /** Colours in pretty output. */
  readonly colorize?: boolean;
}

/**
 * Paths never logged. Fastify's request serializer logs no headers, but a handler logging a request
 * or a config object must not leak a token or webhook secret either.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'adminToken',
  '*.adminToken',
  'secret',
  '*.secret',
  'webhookSecret',
  '*.webhookSecret',
  'secretKey',
  '*.secretKey',
  // Fastify never logs bodies; this keeps a secret's value out if a serializer ever starts to.
  'req.body',
];

/**
 * The server's pino logger: JSON lines, or readable lines through pino-pretty (in the main thread,
 * synchronously: no worker file to resolve from a bundle). pino-pretty is a development
 * dependency; without it, pretty falls back to JSON with a warning.
 */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const base = { level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } };
  if (options.format === 'json') return pino(base, options.destination ?? pino.destination({ dest: 1, sync: true }));
  try {
    const { default: pretty } = await import('pino-pretty');
    const stream = pretty({
      colorize: options.colorize ?? false,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      ...(options.destination && { destination: options.destination as unknown as NodeJS.WritableStream }),
    });
    return pino(base, stream);
  } catch {
    const logger = pino(base, options.destination ?? pino.destination({ dest: 1, sync: true }));
    logger.warn('logFormat=pretty needs the pino-pretty package (a development dependency); logging JSON instead');
    return logger;
  }
}
