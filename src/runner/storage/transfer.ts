import { pipeline, Transform, type Readable } from 'node:stream';
import { toGantryError } from '../../core/index.js';

export interface Counted {
  /** The same bytes as the source; destroyed with the source's error. */
  stream: Readable;
  bytes(): number;
  /** The source itself failed (e.g. a file could not be read), not whoever consumed the stream. */
  sourceFailed(): boolean;
}

/** Counts what flows from `source` to a storage call, and tells a packing fault from a storage one. */
export function counted(source: Readable): Counted {
  let bytes = 0;
  let failed = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  source.once('error', () => {
    failed = true;
  });
  pipeline(source, stream, () => undefined);
  return { stream, bytes: () => bytes, sourceFailed: () => failed };
}

/** An error as one line for the job log. */
export function explain(err: unknown): string {
  return toGantryError(err).message;
}
