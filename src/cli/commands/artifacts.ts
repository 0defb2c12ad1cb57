import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ArtifactView } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../render/table.js';
import { positiveInt } from './runs.js';

/** `gantry artifacts` and `gantry artifacts download`: a run's artifacts, through the API client (docs/artifacts.md). */

export interface ArtifactsFlags extends ClientFlags {
  json?: boolean;
}

export interface DownloadFlags extends ClientFlags {
  /** A file, or `-` for stdout. Default: `./<name>.tar.gz`. */
  output?: string;
}

/** Bytes as people read them: 512 B, 1.5 KiB, 3.2 MiB. */
export function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function runNumber(value: string): number {
  const number = positiveInt('RUN', value);
  if (number === undefined) throw new GantryError('CONFIG_INVALID', 'RUN: expected a run number');
  return number;
}

export async function artifactsCommand(project: string, run: string, flags: ArtifactsFlags): Promise<number> {
  const number = runNumber(run);
  const artifacts = await connect(flags).call((api) => api.artifacts.list(project, number));
  if (flags.json) process.stdout.write(JSON.stringify(artifacts, null, 2) + '\n');
  else if (artifacts.length === 0) process.stdout.write(`run #${number} of ${project} has no artifacts\n`);
  else {
    const rows = [['ID', 'JOB', 'NAME', 'SIZE', 'EXPIRES']];
    for (const a of artifacts) rows.push([String(a.id), a.jobId, a.name, size(a.sizeBytes), a.expiresAt.replace('T', ' ').slice(0, 16)]);
    process.stdout.write(formatTable(rows));
  }
  return EXIT.ok;
}

/** An id of the list, else the one artifact with that name; a name two jobs used is ambiguous. */
export function pickArtifact(artifacts: readonly ArtifactView[], which: string, where: string): ArtifactView {
  const byId = /^\d+$/.test(which) ? artifacts.find((a) => a.id === Number(which)) : undefined;
  if (byId) return byId;
  const named = artifacts.filter((a) => a.name === which);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new GantryError('CONFIG_INVALID', `${where} has ${named.length} artifacts named "${which}": pick one by id (${named.map((a) => `${a.id} from job ${a.jobId}`).join(', ')})`);
  }
  const known = artifacts.map((a) => `${a.id} ${a.name}`).join(', ');
  throw new GantryError('ARTIFACT_NOT_FOUND', `${where} has no artifact "${which}"${known ? ` (it has: ${known})` : ''}`);
}

/** A file name from an artifact name: nothing a shell or a file system could misread. */
export const fileNameOf = (name: string): string => `${name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 200)}.tar.gz`;

export async function artifactsDownloadCommand(project: string, run: string, which: string, flags: DownloadFlags): Promise<number> {
  const number = runNumber(run);
  const session = connect(flags);
  const artifact = pickArtifact(await session.call((api) => api.artifacts.list(project, number)), which, `run #${number} of ${project}`);
  const body = Readable.fromWeb(await session.call((api) => api.artifacts.download(project, number, artifact.id)) as WebReadableStream<Uint8Array>);
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const verify = () => {
    const got = hash.digest('hex');
    if (got !== artifact.sha256) throw new GantryError('API_BAD_RESPONSE', `artifact ${artifact.id} arrived with sha256 ${got}, the server lists ${artifact.sha256}: the download is damaged`);
  };
  if (flags.output === '-') {
    await pipeline(body, check, process.stdout as Writable, { end: false });
    verify();
    return EXIT.ok;
  }
  // Into a temp file first: a failed or damaged download never leaves a file under the real name.
  const file = flags.output ?? fileNameOf(artifact.name);
  const temp = `${file}.part-${process.pid}`;
  try {
    await pipeline(body, check, createWriteStream(temp, { flags: 'wx' }));
    verify();
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  process.stderr.write(`downloaded ${artifact.name} (${size(artifact.sizeBytes)}) from job ${artifact.jobId} to ${file}\n`);
  return EXIT.ok;
}
