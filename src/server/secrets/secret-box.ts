import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { GantryError } from '../../core/index.js';
import type { SecretScope } from '../../store/index.js';

/** AES-256 key length in bytes. */
export const SECRET_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Version prefix of a sealed value: `gsk1:<keyId>:<nonce>:<ciphertext+tag>` (base64url parts). */
const PREFIX = 'gsk1';

/** The keys the server knows: `current` seals, every key (current included) opens. */
export interface SecretKeyring {
  readonly current: Buffer;
  readonly previous: readonly Buffer[];
}

/**
 * A key's public name, stored with each ciphertext so a value can be opened by the key that sealed
 * it while a rotation is half done. A hash prefix of the key: it names the key without revealing it.
 */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('gantry-secret-key-id\0').update(key).digest('hex').slice(0, 16);
}

export function isSealed(value: string): boolean {
  return value.startsWith(`${PREFIX}:`);
}

/** The key id inside a sealed value (undefined when it is not one). */
export function sealedKeyId(value: string): string | undefined {
  return isSealed(value) ? value.split(':')[1] : undefined;
}

/**
 * Authenticated encryption of secret values: AES-256-GCM, a fresh random 96-bit nonce per value.
 * `context` (the scope and name, e.g. `secret/project:3/TOKEN`) is associated data: it is not
 * stored but must be given again to open, so a ciphertext copied to another row or scope fails
 * instead of decrypting to someone else's value. Opening fails the same way for a wrong key, a
 * tampered value or a moved one: SECRET_UNREADABLE, whose message never contains the value.
 */
export class SecretBox {
  readonly #current: Buffer;
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keyring: SecretKeyring) {
    for (const key of [keyring.current, ...keyring.previous]) {
      if (key.length !== SECRET_KEY_BYTES) throw new GantryError('SECRET_KEY_INVALID', `a secret key must be ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
    }
    this.#current = keyring.current;
    this.currentKeyId = keyIdOf(keyring.current);
    this.#keys = new Map([keyring.current, ...keyring.previous].map((key) => [keyIdOf(key), key]));
  }

  seal(plain: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [PREFIX, this.currentKeyId, nonce.toString('base64url'), body.toString('base64url')].join(':');
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== PREFIX) throw unreadable(context, 'it is not a sealed value');
    const [, keyId, nonceText, bodyText] = parts as [string, string, string, string];
    const key = this.#keys.get(keyId);
    if (!key) throw unreadable(context, `it was sealed with key ${keyId}, which is not configured`);
    const nonce = Buffer.from(nonceText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw unreadable(context, 'it is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (err) {
      throw unreadable(context, 'authentication failed (altered, or copied from another name or scope)', err);
    }
  }

  /** True when `sealed` names a key this box has (it may still fail to open if altered or moved). */
  hasKeyFor(sealed: string): boolean {
    const id = sealedKeyId(sealed);
    return id !== undefined && this.#keys.has(id);
  }

  /** True when `sealed` was made with the current key (rotation skips those). */
  isCurrent(sealed: string): boolean {
    return sealedKeyId(sealed) === this.currentKeyId;
  }
}

function unreadable(context: string, why: string, cause?: unknown): GantryError {
  return new GantryError('SECRET_UNREADABLE', `cannot decrypt ${context}: ${why}`, { details: { context }, ...(cause !== undefined && { cause }) });
}

/**
 * Contexts (associated data) of what the server seals. Secrets are bound to their scope row's
 * project id; a webhook secret to its project's name, which never changes and, unlike the id, is
 * known before the project row exists.
 */
export const sealContext = {
  secret: (scope: SecretScope, name: string) =>
    `secret/${scope.kind === 'instance' ? 'instance' : `project:${scope.projectId}`}/${name}`,
  webhook: (projectName: string) => `webhook/project:${projectName}`,
};
