import { z } from 'zod';
import type { ApiToken, Membership, User } from '../../store/index.js';
import type { MemberView, TokenView, UserView } from '../../api-client/index.js';
import { projectParams } from '../http/run-schemas.js';

/** Wire schemas of the accounts API (auth, users, tokens, members) and the record → view conversions. */
export const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const username = z.string().regex(USERNAME, 'expected a username: lowercase letters, digits, ".", "_", "-" (at most 64)');
const password = z.string().min(1).max(1024);
const time = z.string();
const role = z.enum(['viewer', 'developer', 'maintainer']);
const scope = z.enum(['read', 'write']);

export const usernameParams = z.object({ username }).strict();
export const memberParams = projectParams.extend({ username }).strict();
export const tokenParams = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }).strict();

export const loginBody = z.object({ username: z.string().min(1).max(64), password }).strict();
export const refreshBody = z.object({ refreshToken: z.string().min(1).max(200) }).strict();
export const loginView = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: time,
  refreshToken: z.string(),
  refreshExpiresAt: time,
});

export const userView = z.object({
  username: z.string(),
  displayName: z.string().nullable(),
  admin: z.boolean(),
  active: z.boolean(),
  createdAt: time,
  updatedAt: time,
});
export const userList = z.object({ users: z.array(userView) });
export const createUserBody = z
  .object({ username, password, displayName: z.string().max(200).nullable().optional(), admin: z.boolean().optional() })
  .strict();
export const patchUserBody = z
  .object({ password: password.optional(), displayName: z.string().max(200).nullable().optional(), admin: z.boolean().optional(), active: z.boolean().optional() })
  .strict();
export const meView = z.object({
  username: z.string(),
  displayName: z.string().nullable(),
  admin: z.boolean(),
  user: z.boolean(),
  /** How the caller authenticated and what the credential allows. */
  credential: z.object({ kind: z.enum(['token', 'jwt']), scope }),
  projects: z.array(z.object({ project: z.string(), role })),
});

export const tokenView = z.object({
  id: z.number().int(),
  name: z.string(),
  owner: z.string().nullable(),
  scope,
  createdAt: time,
  lastUsedAt: time.nullable(),
  expiresAt: time.nullable(),
});
export const tokenList = z.object({ tokens: z.array(tokenView) });
export const createTokenBody = z
  .object({
    name: z.string().min(1).max(100),
    /** A duration such as 30d or 12h; none = never expires. */
    expiresIn: z.string().max(20).optional(),
    scope: scope.optional(),
  })
  .strict();
export const createdTokenView = tokenView.extend({ token: z.string() });
export const listTokensQuery = z.object({ all: z.enum(['true', 'false']).optional() }).strict();

export const memberView = z.object({ username: z.string(), role, since: time });
export const memberList = z.object({ members: z.array(memberView) });
export const memberBody = z.object({ role }).strict();

const iso = (ms: number) => new Date(ms).toISOString();

export function toUserView(user: User): UserView {
  return {
    username: user.username,
    displayName: user.displayName,
    admin: user.admin,
    active: user.active,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
  };
}

export function toTokenView(token: ApiToken, owner: string | null): TokenView {
  return {
    id: token.id,
    name: token.name,
    owner,
    scope: token.scope,
    createdAt: iso(token.createdAt),
    lastUsedAt: token.lastUsedAt === null ? null : iso(token.lastUsedAt),
    expiresAt: token.expiresAt === null ? null : iso(token.expiresAt),
  };
}

export function toMemberView(member: Membership & { username: string }): MemberView {
  return { username: member.username, role: member.role, since: iso(member.createdAt) };
}
