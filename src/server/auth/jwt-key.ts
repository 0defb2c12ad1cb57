import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GantryError } from '../../core/index.js';

export const JWT_KEY_FILE = 'jwt.key';

/**
 * The HS256 signing key: the `jwtKey` setting (GANTRY_JWT_KEY, at least 32 characters, used as
 * UTF-8 bytes) when given, so several servers can share it; else `<dataDir>/jwt.key`, 32 random
 * bytes (base64url) generated at first start with mode 0600. A key file other users can read is
 * tightened to 0600 (a readable key lets anyone mint tokens). Changing the key logs everyone out
 * (access tokens only: refresh and API tokens are not JWTs).
 */
export function loadJwtKey(configured: string | undefined, dataDir: string): Uint8Array {
  if (configured !== undefined) return new TextEncoder().encode(configured);
  const file = join(dataDir, JWT_KEY_FILE);
  try {
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw keyError(file, err);
  }
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    if (key.length < 32) throw new Error('the key is shorter than 32 bytes');
    return new Uint8Array(key);
  } catch (err) {
    throw keyError(file, err);
  }
}

function keyError(file: string, err: unknown): GantryError {
  return new GantryError('SERVER_START_FAILED', `cannot use the JWT signing key file ${file}: ${(err as Error).message}`, {
    cause: err,
    details: { hint: 'fix or delete the file (a new key is generated; everyone logs in again), or set GANTRY_JWT_KEY' },
  });
}
