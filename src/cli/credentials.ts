import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { GantryError } from '../core/index.js';

/**
 * What `gantry login` saves: per server URL, a personal API token of the user (created at login,
 * revoked by `gantry logout`). The file is `${XDG_CONFIG_HOME:-~/.config}/gantry/credentials.json`,
 * mode 0600 in a 0700 directory, written to a temporary file and renamed so a crash never leaves
 * half a file. A token is a password: nothing else reads or prints it.
 */
export interface SavedCredential {
  token: string;
  /** Id of the token on the server (for logout). */
  tokenId: number;
  username: string;
  /** ISO 8601. */
  savedAt: string;
}

interface CredentialsFile {
  servers: Record<string, SavedCredential>;
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'gantry', 'credentials.json');
}

/** `http://Host:8080/` and `http://host:8080` are the same server. */
export function serverKey(url: string): string {
  try {
    return new URL(url).origin + new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return url.replace(/\/+$/, '');
  }
}

function read(file: string): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { servers: {} };
    throw new GantryError('CONFIG_INVALID', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed = JSON.parse(text) as Partial<CredentialsFile>;
    return { servers: typeof parsed.servers === 'object' && parsed.servers !== null ? parsed.servers : {} };
  } catch (err) {
    throw new GantryError('CONFIG_INVALID', `${file} is not valid JSON`, { cause: err, details: { hint: 'delete it and run `gantry login` again' } });
  }
}

function write(file: string, content: CredentialsFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new GantryError('CONFIG_INVALID', `cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export function loadCredential(server: string, file = credentialsFile()): SavedCredential | undefined {
  return read(file).servers[serverKey(server)];
}

export function saveCredential(server: string, credential: SavedCredential, file = credentialsFile()): void {
  const content = read(file);
  content.servers[serverKey(server)] = credential;
  write(file, content);
}

/** Returns the removed credential, if there was one. */
export function removeCredential(server: string, file = credentialsFile()): SavedCredential | undefined {
  const content = read(file);
  const key = serverKey(server);
  const removed = content.servers[key];
  if (removed === undefined) return undefined;
  delete content.servers[key];
  write(file, content);
  return removed;
}
