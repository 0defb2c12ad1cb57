/** Wire types of the accounts API: login, users, personal API tokens, project members (docs/auth.md). */

export type ProjectRoleName = 'viewer' | 'developer' | 'maintainer';
export type TokenScopeName = 'read' | 'write';

export interface LoginRequest {
  username: string;
  password: string;
}

/** `POST /auth/login` and `POST /auth/refresh`: a short-lived access token (JWT) and the next refresh token. */
export interface LoginView {
  accessToken: string;
  tokenType: 'Bearer';
  /** ISO 8601. */
  expiresAt: string;
  /** Use once with `POST /auth/refresh`; a second use revokes the whole login. */
  refreshToken: string;
  refreshExpiresAt: string;
}

export interface UserView {
  username: string;
  displayName: string | null;
  admin: boolean;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** `GET /me`: who the credential belongs to (a bootstrap admin token has no user: `user` false). */
export interface MeView {
  username: string;
  displayName: string | null;
  admin: boolean;
  user: boolean;
  credential: { kind: 'token' | 'jwt'; scope: TokenScopeName };
  projects: { project: string; role: ProjectRoleName }[];
}

export interface CreateUserRequest {
  username: string;
  password: string;
  displayName?: string | null;
  admin?: boolean;
}

export interface PatchUserRequest {
  password?: string;
  displayName?: string | null;
  admin?: boolean;
  active?: boolean;
}

export interface TokenView {
  id: number;
  name: string;
  /** Username of the owner; null for a bootstrap admin token. */
  owner: string | null;
  scope: TokenScopeName;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** A remote agent's token (admin; docs/agents.md). */
export interface AgentTokenView {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The one answer that shows the token itself; it is never shown again. */
export interface CreatedTokenView extends TokenView {
  token: string;
}

export interface CreateTokenRequest {
  name: string;
  /** e.g. `30d`, `12h`; none = never expires. */
  expiresIn?: string;
  /** Default `write`. */
  scope?: TokenScopeName;
}

export interface MemberView {
  username: string;
  role: ProjectRoleName;
  since: string;
}
