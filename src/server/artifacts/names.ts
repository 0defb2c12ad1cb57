import { GantryError } from '../../core/index.js';

// Control characters (C0, DEL, C1): never in a name that reaches a header, a table or a log line.
const CONTROL = /\p{Cc}/u;

/**
 * An artifact name: what people download it as (`<name>.tar.gz`) and pick it by in the CLI. Job ids
 * such as `test (node: 20)` are the default name, so spaces and punctuation are fine; slashes are
 * not (a name is never a path), nor control characters.
 */
export function checkArtifactName(name: string): string {
  if (name.length === 0 || name.length > 255 || CONTROL.test(name) || /[/\\]/.test(name) || name === '.' || name === '..') {
    throw new GantryError('ARTIFACT_INVALID', `artifact name ${JSON.stringify(name.slice(0, 300))} is not allowed: 1–255 characters, no slash, backslash or control character`);
  }
  return name;
}

/** A cache key or restore prefix: free text (typically `npm-<hash>`), bounded, without control characters. */
export function checkCacheKey(key: string, what = 'cache key'): string {
  if (key.length === 0 || key.length > 512 || CONTROL.test(key)) {
    throw new GantryError('ARTIFACT_INVALID', `${what} ${JSON.stringify(key.slice(0, 600))} is not allowed: 1–512 characters, no control character`);
  }
  return key;
}
