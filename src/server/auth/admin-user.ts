import { randomBytes } from 'node:crypto';
import type { UserStore } from '../../store/index.js';
import { hashPassword } from './passwords.js';

export const ADMIN_USERNAME = 'admin';

/**
 * First start: when no user exists, creates the instance admin `admin` with the password from
 * GANTRY_ADMIN_PASSWORD, or a generated one that is returned for the caller to print once (only
 * its scrypt hash is stored). Later starts change nothing — not even when the variable changes: the
 * password is then managed through the API (`gantry user`), and an old variable in an environment
 * must not silently reset it.
 */
export async function ensureAdminUser(
  users: UserStore,
  adminPassword: string | undefined,
  generate: () => string = () => randomBytes(18).toString('base64url'),
): Promise<{ generatedPassword?: string }> {
  if ((await users.count()) > 0) return {};
  const password = adminPassword ?? generate();
  await users.create({ username: ADMIN_USERNAME, displayName: 'Administrator', passwordHash: await hashPassword(password), admin: true });
  return adminPassword === undefined ? { generatedPassword: password } : {};
}
