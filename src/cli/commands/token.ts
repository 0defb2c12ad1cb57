import type { TokenScopeName, TokenView } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../render/table.js';

/** `gantry token create|ls|revoke`: personal API tokens for scripts and CI (shown once). */
export interface TokenCreateFlags extends ClientFlags {
  expiresIn?: string;
  scope?: string;
  json?: boolean;
}

export async function tokenCreateCommand(name: string, flags: TokenCreateFlags): Promise<number> {
  const token = await connect(flags).call((api) =>
    api.tokens.create({
      name,
      ...(flags.expiresIn !== undefined && { expiresIn: flags.expiresIn }),
      ...(flags.scope !== undefined && { scope: flags.scope as TokenScopeName }),
    }),
  );
  if (flags.json) {
    process.stdout.write(JSON.stringify(token, null, 2) + '\n');
    return EXIT.ok;
  }
  process.stdout.write(`${token.token}\n`);
  const expiry = token.expiresAt === null ? 'never expires' : `expires ${token.expiresAt}`;
  process.stderr.write(`created token ${token.id} "${token.name}" (scope ${token.scope}, ${expiry}); it is shown only this once\n`);
  return EXIT.ok;
}

function table(tokens: readonly TokenView[], all: boolean): string {
  const rows = [['ID', 'NAME', ...(all ? ['OWNER'] : []), 'SCOPE', 'CREATED', 'LAST USED', 'EXPIRES']];
  for (const t of tokens) {
    rows.push([String(t.id), t.name, ...(all ? [t.owner ?? '(bootstrap)'] : []), t.scope, t.createdAt.slice(0, 16), t.lastUsedAt?.slice(0, 16) ?? '-', t.expiresAt?.slice(0, 16) ?? 'never']);
  }
  return formatTable(rows);
}

export async function tokenListCommand(flags: ClientFlags & { all?: boolean; json?: boolean }): Promise<number> {
  const tokens = await connect(flags).call((api) => api.tokens.list({ all: flags.all === true }));
  if (flags.json) process.stdout.write(JSON.stringify(tokens, null, 2) + '\n');
  else if (tokens.length === 0) process.stdout.write('no API tokens: create one with `gantry token create NAME`\n');
  else process.stdout.write(table(tokens, flags.all === true));
  return EXIT.ok;
}

export async function tokenRevokeCommand(id: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  if (!/^\d+$/.test(id)) throw new GantryError('CONFIG_INVALID', `token id "${id}": expected a number (see \`gantry token ls\`)`);
  await connect(flags).call((api) => api.tokens.revoke(Number(id)));
  if (flags.json) process.stdout.write(JSON.stringify({ revoked: Number(id) }) + '\n');
  else process.stdout.write(`revoked token ${id}\n`);
  return EXIT.ok;
}
