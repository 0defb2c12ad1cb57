import type { ProjectRoleName, UserView } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { EXIT } from '../exit-codes.js';
import { promptLine, readAllTrimmed } from '../prompt.js';
import { formatTable } from '../render/table.js';

/** `gantry user add|ls|rm|role`: accounts and project roles (admins; `role` also project maintainers). */
export interface UserAddFlags extends ClientFlags {
  admin?: boolean;
  displayName?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

const ROLES = ['viewer', 'developer', 'maintainer', 'none'] as const;

async function newPassword(username: string, flags: UserAddFlags): Promise<string> {
  if (flags.passwordStdin) return readAllTrimmed(process.stdin);
  if (!process.stdin.isTTY) {
    throw new GantryError('CONFIG_INVALID', 'stdin is not a terminal: pass --password-stdin to read the password from it', {
      details: { hint: `e.g. gantry user add ${username} --password-stdin < password.txt` },
    });
  }
  const io = { stdin: process.stdin, stderr: process.stderr };
  const first = await promptLine(`password for ${username} (not shown): `, io, true);
  if ((await promptLine('again: ', io, true)) !== first) throw new GantryError('CONFIG_INVALID', 'the two passwords differ');
  return first;
}

export async function userAddCommand(username: string, flags: UserAddFlags): Promise<number> {
  const password = await newPassword(username, flags);
  const user = await connect(flags).call((api) =>
    api.users.create({ username, password, admin: flags.admin === true, ...(flags.displayName !== undefined && { displayName: flags.displayName }) }),
  );
  if (flags.json) process.stdout.write(JSON.stringify(user, null, 2) + '\n');
  else process.stdout.write(`created user ${user.username}${user.admin ? ' (instance admin)' : ''}\n`);
  return EXIT.ok;
}

function table(users: readonly UserView[]): string {
  const rows = [['USERNAME', 'ADMIN', 'ACTIVE', 'CREATED', 'NAME']];
  for (const u of users) rows.push([u.username, u.admin ? 'yes' : '-', u.active ? 'yes' : 'no', u.createdAt.slice(0, 10), u.displayName ?? '']);
  return formatTable(rows);
}

export async function userListCommand(flags: ClientFlags & { json?: boolean }): Promise<number> {
  const users = await connect(flags).call((api) => api.users.list());
  if (flags.json) process.stdout.write(JSON.stringify(users, null, 2) + '\n');
  else process.stdout.write(table(users));
  return EXIT.ok;
}

export async function userRemoveCommand(username: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  await connect(flags).call((api) => api.users.remove(username));
  if (flags.json) process.stdout.write(JSON.stringify({ removed: username }) + '\n');
  else process.stdout.write(`removed user ${username} (their tokens no longer work)\n`);
  return EXIT.ok;
}

export async function userRoleCommand(username: string, project: string, role: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  if (!(ROLES as readonly string[]).includes(role)) throw new GantryError('CONFIG_INVALID', `role "${role}": expected one of ${ROLES.join(', ')}`);
  const { call } = connect(flags);
  if (role === 'none') {
    await call((api) => api.members.remove(project, username));
    if (flags.json) process.stdout.write(JSON.stringify({ project, username, role: null }) + '\n');
    else process.stdout.write(`${username} has no role in ${project} any more\n`);
    return EXIT.ok;
  }
  const member = await call((api) => api.members.set(project, username, role as ProjectRoleName));
  if (flags.json) process.stdout.write(JSON.stringify({ project, ...member }, null, 2) + '\n');
  else process.stdout.write(`${username} is ${member.role} of ${project}\n`);
  return EXIT.ok;
}
