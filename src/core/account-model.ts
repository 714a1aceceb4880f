/**
 * The accounts of the team server (DESIGN.md §1 Trust model, server mode): users, their project
 * roles, sessions and API tokens, as the store hands them out. Secrets are never part of these
 * types: a session or token secret exists only in the one answer that creates it, and the store
 * keeps its SHA-256 (and a password only as its scrypt hash, on {@link UserRecord}).
 */

/**
 * What a member may do in a project, from least to most: read; act on items; start, decide and
 * deploy releases; manage the project and its members. Ordered by {@link projectRoleOrder}.
 */
export type ProjectRole = 'viewer' | 'member' | 'release-manager' | 'admin';

/** A member's roles in one project: the project role, and the playbook sign-off roles granted. */
export interface MemberRoles {
  role: ProjectRole;
  /** Playbook roles this member may sign for (`qa-lead`, `security`), sorted, no duplicates. */
  signoff: string[];
}

/** A user as everyone but the password check sees it. */
export interface User {
  id: string;
  /** Normalised: trimmed, lower-case. */
  email: string;
  name: string;
  /** A server administrator: creates users and projects, manages every project's members. */
  admin: boolean;
  createdAt: string;
  /** Set when the user may no longer sign in; sessions and tokens stop working at once. */
  disabledAt?: string;
}

/** A user with the stored password hash: only the store and the password check read it. */
export interface UserRecord extends User {
  passwordHash: string;
}

export interface Session {
  /** The SHA-256 (hex) of the session secret. */
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
  revokedAt?: string;
  userAgent?: string;
  address?: string;
}

/** An API token as listed: never its secret, never its hash. */
export interface ApiToken {
  id: string;
  userId: string;
  project: string;
  name: string;
  roles: MemberRoles;
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** An API token with its stored hash: only the store and the token check read it. */
export interface ApiTokenRecord extends ApiToken {
  /** The SHA-256 (hex) of the token secret. */
  tokenHash: string;
}

export interface Membership {
  project: string;
  userId: string;
  roles: MemberRoles;
  /** Optimistic-concurrency version: a write naming an older one is refused. */
  rowVersion: number;
  updatedAt: string;
}
