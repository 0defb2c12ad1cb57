import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GantryError } from '../../core/index.js';
import { SECRET_KEY_BYTES, type SecretKeyring } from './secret-box.js';

/** The key file's name inside the data directory. */
export const SECRET_KEY_FILE = 'secret.key';

export interface KeySource {
  dataDir: string;
  /** The `secretKey` setting (GANTRY_SECRET_KEY): wins over the key file when set. */
  secretKey?: string | undefined;
}

export interface LoadedKeyring {
  keyring: SecretKeyring;
  /** Where the keys came from, for messages: the setting or the file's path. */
  source: string;
  /** True when the key file was created just now. */
  generated: boolean;
}

export function keyFileOf(dataDir: string): string {
  return join(dataDir, SECRET_KEY_FILE);
}

/**
 * The keys to seal and open secrets with. From the `secretKey` setting when set, else from
 * `<dataDir>/secret.key`, which is created (mode 0600, a fresh random key) when missing.
 * Both hold one or more base64 keys of 32 bytes — comma- or line-separated, `#` comments in the
 * file — the first one seals, the others only open (a rotation in progress).
 * A key file that group or others may read is refused, like ssh refuses a private key.
 */
export async function loadKeyring(source: KeySource): Promise<LoadedKeyring> {
  if (source.secretKey !== undefined && source.secretKey !== '') {
    return { keyring: parseKeys(source.secretKey, 'the secretKey setting (GANTRY_SECRET_KEY)'), source: 'the secretKey setting', generated: false };
  }
  const file = keyFileOf(source.dataDir);
  let generated = false;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw keyError(`cannot read ${file}: ${(err as Error).message}`, err);
    text = await createKeyFile(file);
    generated = true;
  }
  await refuseOpenPermissions(file);
  return { keyring: parseKeys(text, file), source: file, generated };
}

export function generateKey(): Buffer {
  return randomBytes(SECRET_KEY_BYTES);
}

/** Writes `keys` (first = current) to the key file atomically, mode 0600. */
export async function writeKeyFile(dataDir: string, keys: readonly Buffer[]): Promise<string> {
  const file = keyFileOf(dataDir);
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(keyFileText(keys));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(temp, 0o600);
  await rename(temp, file);
  return file;
}

function keyFileText(keys: readonly Buffer[]): string {
  const [current, ...previous] = keys;
  const lines = ['# Gantry secret key (AES-256, base64). Keep it secret; without it stored secrets are lost.', current!.toString('base64')];
  if (previous.length > 0) lines.push('# older keys, still accepted for decryption while a rotation finishes:', ...previous.map((k) => k.toString('base64')));
  return `${lines.join('\n')}\n`;
}

/** Exclusive create: two servers starting at once cannot write two different keys. */
async function createKeyFile(file: string): Promise<string> {
  const text = keyFileText([generateKey()]);
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFile(file, 'utf8');
    throw keyError(`cannot create the secret key file ${file}: ${(err as Error).message}`, err);
  }
}

async function refuseOpenPermissions(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) {
    throw new GantryError('SECRET_KEY_INVALID', `${file} may be read by other users (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`, { details: { file } });
  }
}

/** Never echoes a key (or a part of one) into the message. */
function parseKeys(text: string, where: string): SecretKeyring {
  const words = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((word) => word.trim())
    .filter((word) => word !== '');
  if (words.length === 0) throw keyError(`${where} holds no key`);
  const keys = words.map((word, i) => {
    const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(word) ? Buffer.from(word, 'base64') : Buffer.alloc(0);
    if (key.length !== SECRET_KEY_BYTES) {
      throw keyError(`key ${i + 1} in ${where} is not ${SECRET_KEY_BYTES} bytes of base64 (make one with: openssl rand -base64 32)`);
    }
    return key;
  });
  return { current: keys[0]!, previous: keys.slice(1) };
}

function keyError(message: string, cause?: unknown): GantryError {
  return new GantryError('SECRET_KEY_INVALID', message, cause === undefined ? {} : { cause });
}
