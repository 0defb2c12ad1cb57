import { hostname } from 'node:os';
import { createApiClient } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { credentialsFile, loadCredential, removeCredential, saveCredential } from '../credentials.js';
import { EXIT } from '../exit-codes.js';
import { promptLine, readAllTrimmed, type PromptIo } from '../prompt.js';

/**
 * `gantry login [URL]`: logs in with a password and saves a personal API token (scope write,
 * named after this machine) for that server in the user's credentials file; later commands use it
 * when no --token / GANTRY_TOKEN is given. The login's refresh token is not kept (logged out at
 * once): the CLI needs one revocable credential, not two. `gantry logout` revokes and forgets it.
 */
export interface LoginFlags extends Pick<ClientFlags, 'server'> {
  username?: string;
  passwordStdin?: boolean;
  expiresIn?: string;
  json?: boolean;
}

const io = (): PromptIo => ({ stdin: process.stdin, stderr: process.stderr });

async function askUsername(flags: LoginFlags): Promise<string> {
  if (flags.username !== undefined) return flags.username;
  if (!process.stdin.isTTY || flags.passwordStdin) {
    throw new GantryError('CONFIG_INVALID', 'give the username with --username (stdin is not a terminal to ask on)');
  }
  return (await promptLine('username: ', io(), false)).trim();
}

async function askPassword(flags: LoginFlags): Promise<string> {
  if (flags.passwordStdin) return readAllTrimmed(process.stdin);
  if (!process.stdin.isTTY) {
    throw new GantryError('CONFIG_INVALID', 'stdin is not a terminal: pass --password-stdin to read the password from it', {
      details: { hint: 'e.g. gantry login https://ci.example.com --username me --password-stdin < password.txt' },
    });
  }
  return promptLine('password (not shown): ', io(), true);
}

export async function loginCommand(url: string | undefined, flags: LoginFlags): Promise<number> {
  const { api, server, call } = connect({ server: url ?? flags.server });
  const username = await askUsername(flags);
  const password = await askPassword(flags);
  if (username === '' || password === '') throw new GantryError('CONFIG_INVALID', 'a username and a password are needed');
  const login = await call(() => api.auth.login(username, password));
  const asUser = createApiClient({ baseUrl: server, token: login.accessToken });
  const created = await call(() =>
    asUser.tokens.create({ name: `gantry CLI on ${hostname()}`, ...(flags.expiresIn !== undefined && { expiresIn: flags.expiresIn }) }),
  );
  await asUser.auth.logout(login.refreshToken).catch(() => undefined);
  const previous = loadCredential(server);
  saveCredential(server, { token: created.token, tokenId: created.id, username, savedAt: new Date().toISOString() });
  // The token saved by an earlier login is replaced: revoke it so it does not linger on the server.
  if (previous && previous.tokenId !== created.id) await createApiClient({ baseUrl: server, token: created.token }).tokens.revoke(previous.tokenId).catch(() => undefined);
  const file = credentialsFile();
  if (flags.json) process.stdout.write(JSON.stringify({ server, username, tokenId: created.id, expiresAt: created.expiresAt, file }, null, 2) + '\n');
  else process.stdout.write(`logged in to ${server} as ${username} (API token ${created.id} saved in ${file})\n`);
  return EXIT.ok;
}

export async function logoutCommand(url: string | undefined, flags: LoginFlags): Promise<number> {
  const { server } = connect({ server: url ?? flags.server });
  const saved = removeCredential(server);
  if (!saved) {
    process.stdout.write(`not logged in to ${server}\n`);
    return EXIT.ok;
  }
  let revoked = true;
  try {
    await createApiClient({ baseUrl: server, token: saved.token }).tokens.revoke(saved.tokenId);
  } catch (err) {
    // Already revoked or expired is fine; an unreachable server means the token still works there.
    revoked = err instanceof GantryError && (err.code === 'AUTH_INVALID_TOKEN' || err.code === 'TOKEN_NOT_FOUND');
    if (!revoked) process.stderr.write(`gantry: warning: could not revoke token ${saved.tokenId} on ${server} (${(err as Error).message}); revoke it with \`gantry token revoke ${saved.tokenId}\`\n`);
  }
  if (flags.json) process.stdout.write(JSON.stringify({ server, username: saved.username, revoked }) + '\n');
  else process.stdout.write(`logged out of ${server} (${saved.username})\n`);
  return EXIT.ok;
}
