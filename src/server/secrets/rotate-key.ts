import type { Store } from '../../store/index.js';
import { isSealed, SecretBox, sealContext } from './secret-box.js';
import { generateKey, loadKeyring, writeKeyFile, type KeySource } from './secret-key.js';

export interface RotationReport {
  /** Secrets and webhook secrets re-encrypted under the new key. */
  secrets: number;
  webhookSecrets: number;
  /** The key file now holding the new key. */
  keyFile: string;
  /** The `secretKey` setting is set: it wins over the key file until it is removed or replaced. */
  settingInUse: boolean;
  /** False when values kept changing under the rotation: the old keys stay in the file; run it again. */
  complete: boolean;
}

/**
 * Re-encrypts every stored secret and project webhook secret under a fresh key and leaves that key
 * alone in `<dataDir>/secret.key`. Meant for a stopped server (`gantry server rotate-secret-key`):
 * a running one keeps sealing with the key it loaded.
 *
 * Crash-safe order: first the key file gets the new key AND the old ones (so every value opens
 * whatever happens next), then values move one by one (compare-and-set: a value changed meanwhile
 * is left to the next pass), and only when none is left under an old key does the file drop them.
 * Running it again after a crash finishes the job. Values are opened under their own scope and name,
 * so a ciphertext moved to another row fails here too (SECRET_UNREADABLE) instead of being laundered.
 */
export async function rotateSecretKey(store: Store, source: KeySource): Promise<RotationReport> {
  const { keyring } = await loadKeyring(source);
  const oldBox = new SecretBox(keyring);
  const next = generateKey();
  const all = [keyring.current, ...keyring.previous];
  const keyFile = await writeKeyFile(source.dataDir, [next, ...all]);
  const newBox = new SecretBox({ current: next, previous: [] });
  let secrets = 0;
  let webhookSecrets = 0;
  let complete = false;
  for (let pass = 0; pass < 3 && !complete; pass++) {
    let left = 0;
    for (const secret of await store.secrets.listAll()) {
      if (newBox.isCurrent(secret.sealed)) continue;
      const context = sealContext.secret(secret.scope, secret.name);
      const moved = await store.secrets.replaceSealed(secret.id, secret.sealed, newBox.seal(oldBox.open(secret.sealed, context), context));
      if (moved) secrets++;
      else left++;
    }
    for (const project of await store.projects.list()) {
      const sealed = project.webhookSecret;
      if (sealed === null || sealed === '' || newBox.isCurrent(sealed)) continue;
      const context = sealContext.webhook(project.name);
      // A plain (never sealed) webhook secret gets sealed here too.
      const plain = isSealed(sealed) ? oldBox.open(sealed, context) : sealed;
      await store.projects.update(project.id, { webhookSecret: newBox.seal(plain, context) });
      webhookSecrets++;
    }
    complete = left === 0;
  }
  if (complete) await writeKeyFile(source.dataDir, [next]);
  return { secrets, webhookSecrets, keyFile, settingInUse: source.secretKey !== undefined && source.secretKey !== '', complete };
}
