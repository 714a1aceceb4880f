/**
 * The account service: who may use the team server, and as what. Below HTTP: the server turns
 * a cookie or an `Authorization` header into a {@link Principal} here, then checks every route
 * with `hasProjectRole(principalRoles(...), needed)`. Errors are GonogoErrors; every failed
 * authentication is one neutral `unauthenticated` error. A secret (session or API token) is in
 * exactly one answer, the one that creates it; hashes are in none.
 */
import type { ApiToken, MemberRoles, Membership, User } from '../core/account-model.ts';

export type { ApiToken, MemberRoles, Membership, User } from '../core/account-model.ts';

/** Who is acting: a signed-in user (browser session) or a program with an API token. */
export type Principal =
  // No session id: a session's id is the hash of its secret, which no answer carries.
  | { kind: 'session'; user: User }
  | {
      kind: 'token';
      user: User;
      tokenId: string;
      /** The one project the token is for. */
      project: string;
      /** The token's roles within the member's current ones (never more than either). */
      roles: MemberRoles;
    };

/** Where a sign-in came from, kept on the session (shown in a "your sessions" list later). */
export interface SignInMeta {
  userAgent?: string;
  address?: string;
}

export interface CreateUserInput {
  email: string;
  name?: string;
  password: string;
}

export interface SignInResult {
  user: User;
  /** The session secret for the cookie: shown once, stored only as its SHA-256. */
  secret: string;
  expiresAt: string;
}

export interface CreateTokenInput {
  project: string;
  /** What it is for ("CI on main"): 1 to 100 characters on one line. */
  name: string;
  roles: MemberRoles;
  /** ISO time in the future; absent: the token does not expire. */
  expiresAt?: string;
}

export interface CreateTokenResult {
  token: ApiToken;
  /** The token: shown once, stored only as its SHA-256. */
  secret: string;
}

export interface SetMembershipInput {
  project: string;
  userId: string;
  roles: MemberRoles;
  /** The version read (0: must not exist yet); absent: create or replace. */
  expectedVersion?: number;
}

/** A user with roles in a project, made by whoever runs the server (see addOperatorMember). */
export interface OperatorMemberInput extends CreateUserInput {
  project: string;
  roles: MemberRoles;
}

export interface AccountService {
  /** Whether any user exists. */
  hasUsers(): Promise<boolean>;
  /** Whether a server administrator exists (the server offers the first-administrator set-up until one does). */
  hasAdministrator(): Promise<boolean>;
  /**
   * The first server administrator. Refused (conflict) once one exists, also when two try at
   * once: exactly one wins.
   */
  createFirstAdmin(input: CreateUserInput): Promise<{ user: User }>;
  /**
   * A user (never an administrator) with roles in a project, made by whoever runs the server,
   * not through the API: `gonogo serve --demo`'s demo team. Leaves the set-up open.
   */
  addOperatorMember(input: OperatorMemberInput): Promise<Membership>;
  /** A new user, made by a server administrator. */
  createUser(
    actor: Principal,
    input: CreateUserInput & { admin?: boolean },
  ): Promise<{ user: User }>;
  /** Stops a user: sign-in, sessions and tokens are refused from now on (administrators only). */
  disableUser(actor: Principal, input: { userId: string }): Promise<{ user: User }>;
  signIn(input: { email: string; password: string; meta?: SignInMeta }): Promise<SignInResult>;
  /** The principal of a session secret: refused when unknown, expired, revoked or disabled. */
  authenticateSession(input: { secret: string }): Promise<Principal & { kind: 'session' }>;
  /** Ends the session of this secret (signing out in one browser); unknown ones are ignored. */
  signOut(input: { secret: string }): Promise<void>;
  /** Ends every session of the user (administrators may end another user's). */
  signOutEverywhere(actor: Principal, input: { userId: string }): Promise<{ revoked: number }>;
  /** A token for the actor in a project, with at most the actor's roles there. */
  createToken(actor: Principal, input: CreateTokenInput): Promise<CreateTokenResult>;
  /** The principal of an API token: refused when unknown, expired, revoked or disabled. */
  authenticateToken(input: { secret: string }): Promise<Principal & { kind: 'token' }>;
  /** Revokes one of the actor's tokens (an administrator: anyone's). */
  revokeToken(actor: Principal, input: { tokenId: string }): Promise<{ token: ApiToken }>;
  /** The user's tokens, without secrets or hashes (the actor's own, or anyone's for an administrator). */
  listTokens(actor: Principal, input: { userId: string }): Promise<ApiToken[]>;
  /** Grants roles in a project (server administrators, or the project's admins). */
  setMembership(actor: Principal, input: SetMembershipInput): Promise<Membership>;
  getMembership(input: { project: string; userId: string }): Promise<Membership | undefined>;
  listMembers(input: { project: string }): Promise<Membership[]>;
  /**
   * The principal's roles in `project`: a session's from the membership, a token's only in its
   * own project. Undefined: no roles there. Feed it to `hasProjectRole`.
   */
  principalRoles(principal: Principal, project: string): Promise<MemberRoles | undefined>;
}
