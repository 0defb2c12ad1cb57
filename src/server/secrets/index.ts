/**
 * Secrets on the server: sealed at rest (AES-256-GCM, SecretBox), handed to a job only when it
 * names them (createJobSecretsSource), never to pull requests from forks. docs/secrets.md.
 *
 *   loadKeyring({ dataDir, secretKey })  the key(s): setting, else <dataDir>/secret.key (created 0600)
 *   SecretBox                            seal/open bound to a scope+name context
 *   withSealedWebhookSecrets(store, box) projects' webhook secrets sealed in the database
 *   createJobSecretsSource(...)          the engine's per-attempt secret lookup
 *   rotateSecretKey(store, source)       offline re-encryption under a new key
 */
export { SecretBox, sealContext, isSealed, keyIdOf, SECRET_KEY_BYTES, type SecretKeyring } from './secret-box.js';
export { loadKeyring, keyFileOf, SECRET_KEY_FILE, type KeySource, type LoadedKeyring } from './secret-key.js';
export { secretName, SECRET_NAME_PATTERN, MAX_SECRET_VALUE_BYTES } from './secret-names.js';
export { referencedSecrets, type SecretReferences } from './referenced-secrets.js';
export { createJobSecretsSource } from './job-secrets.js';
export { sealStore, withSealedWebhookSecrets, sealPlainWebhookSecrets } from './sealed-projects.js';
export { rotateSecretKey, type RotationReport } from './rotate-key.js';
