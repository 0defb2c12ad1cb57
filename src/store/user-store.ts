/** Instance accounts. A user is an instance admin or not; per-project rights come from memberships. */
export interface User {
  /** Assigned by the store (integer, never reused). */
  id: number;
  /** Unique, as typed at login. */
  username: string;
  displayName: string | null;
  /** Encoded scrypt hash with its salt and parameters (src/server/auth/passwords.ts); never leaves the server. */
  passwordHash: string;
  admin: boolean;
  /** A deactivated user cannot log in and none of their tokens work. */
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface NewUser {
  username: string;
  displayName?: string | null;
  passwordHash: string;
  admin?: boolean;
}

/** Fields left undefined keep their value. */
export interface UserPatch {
  displayName?: string | null;
  passwordHash?: string;
  admin?: boolean;
  active?: boolean;
}

/**
 * Users. Every method is one atomic statement; safe to call concurrently.
 * `create` with a taken username → `STORE_CONFLICT`; `update` of a missing id → `STORE_NOT_FOUND`.
 * `delete` also deletes the user's API tokens, refresh tokens and memberships (same statement, by
 * foreign keys), so a deleted user's credentials stop working at once.
 */
export interface UserStore {
  create(input: NewUser): Promise<User>;
  getById(id: number): Promise<User | undefined>;
  getByUsername(username: string): Promise<User | undefined>;
  /** Ordered by username. */
  list(): Promise<User[]>;
  count(): Promise<number>;
  update(id: number, patch: UserPatch): Promise<User>;
  delete(id: number): Promise<boolean>;
}

/** Per-project roles, each including the rights of the ones before it. */
export type ProjectRole = 'viewer' | 'developer' | 'maintainer';
export const PROJECT_ROLES: readonly ProjectRole[] = ['viewer', 'developer', 'maintainer'];

export interface Membership {
  projectId: number;
  userId: number;
  role: ProjectRole;
  createdAt: number;
}

/**
 * Who may do what in a project. Every method is one atomic statement. `set` inserts or replaces
 * the role (missing project or user → `STORE_NOT_FOUND`). Memberships go with their project or user.
 */
export interface MemberStore {
  set(projectId: number, userId: number, role: ProjectRole): Promise<Membership>;
  get(projectId: number, userId: number): Promise<Membership | undefined>;
  /** Returns false when there was no such membership. */
  remove(projectId: number, userId: number): Promise<boolean>;
  /** Members of a project, with their usernames, ordered by username. */
  listByProject(projectId: number): Promise<(Membership & { username: string })[]>;
  /** A user's memberships, ordered by project id. */
  listByUser(userId: number): Promise<Membership[]>;
}
