import type { AgentTokenView } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../render/table.js';

/** `gantry agent token create|ls|revoke` (admin): tokens remote agents present (docs/agents.md). */
export async function agentTokenCreateCommand(name: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  const token = await connect(flags).call((api) => api.agentTokens.create(name));
  if (flags.json) {
    process.stdout.write(JSON.stringify(token, null, 2) + '\n');
    return EXIT.ok;
  }
  process.stdout.write(`${token.token}\n`);
  process.stderr.write(`created agent token ${token.id} "${token.name}"; it is shown only this once. Start agents with: gantry agent --server grpc://HOST:8081 --token <token>\n`);
  return EXIT.ok;
}

function table(tokens: readonly AgentTokenView[]): string {
  const rows = [['ID', 'NAME', 'CREATED', 'LAST USED']];
  for (const t of tokens) rows.push([String(t.id), t.name, t.createdAt.slice(0, 16), t.lastUsedAt?.slice(0, 16) ?? '-']);
  return formatTable(rows);
}

export async function agentTokenListCommand(flags: ClientFlags & { json?: boolean }): Promise<number> {
  const tokens = await connect(flags).call((api) => api.agentTokens.list());
  if (flags.json) process.stdout.write(JSON.stringify(tokens, null, 2) + '\n');
  else if (tokens.length === 0) process.stdout.write('no agent tokens: create one with `gantry agent token create NAME`\n');
  else process.stdout.write(table(tokens));
  return EXIT.ok;
}

export async function agentTokenRevokeCommand(id: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  if (!/^\d+$/.test(id)) throw new GantryError('CONFIG_INVALID', `agent token id "${id}": expected a number (see \`gantry agent token ls\`)`);
  await connect(flags).call((api) => api.agentTokens.revoke(Number(id)));
  if (flags.json) process.stdout.write(JSON.stringify({ revoked: Number(id) }) + '\n');
  else process.stdout.write(`revoked agent token ${id}: its agents are refused from their next call\n`);
  return EXIT.ok;
}
