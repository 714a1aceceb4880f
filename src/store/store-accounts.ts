/**
 * The accounts tables (migration 0007-accounts) and their queries, on either dialect: users,
 * sessions, API tokens and project memberships. kysely-store.ts binds them to its reader and
 * writer; this file keeps them in one place, away from the release tables.
 */
import { sql } from 'kysely';
import type { ColumnType, Kysely, Selectable } from 'kysely';
import type {
  ApiToken,
  ApiTokenRecord,
  MemberRoles,
  Membership,
  Session,
  UserRecord,
} from '../core/account-model.ts';
import { ConflictError, NotFoundError } from '../core/errors.ts';

/** Booleans read back as 0/1 from SQLite and as true/false from PostgreSQL. */
type BooleanColumn = ColumnType<boolean | number, boolean, boolean>;

export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  admin: BooleanColumn;
  created_at: string;
  disabled_at: string | null;
}

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  revoked_at: string | null;
  user_agent: string | null;
  address: string | null;
}

export interface ApiTokenRow {
  id: string;
  user_id: string;
  project: string;
  name: string;
  token_hash: string;
  roles: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface MembershipRow {
  project: string;
  user_id: string;
  roles: string;
  row_version: number;
  updated_at: string;
}

export interface AccountTables {
  users: UserRow;
  sessions: SessionRow;
  api_tokens: ApiTokenRow;
  memberships: MembershipRow;
}

/** The user fields that change after creation. */
export type UserPatch = Partial<Pick<UserRecord, 'name' | 'passwordHash' | 'admin' | 'disabledAt'>>;

type Db = Kysely<AccountTables>;

// One fixed key for PostgreSQL's advisory lock that serialises account writes which read
// before they write (the first administrator: "no users yet" must still hold at the insert).
const accountsLockKey = 0x676e6761; // "gnga"

/** Reads of the accounts tables. */
export const accountReads = {
  async countUsers(db: Db, filter: { admin?: boolean } = {}): Promise<number> {
    let query = db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'));
    if (filter.admin !== undefined) query = query.where('admin', '=', filter.admin);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async getUser(db: Db, id: string): Promise<UserRecord | undefined> {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  },

  async findUserByEmail(db: Db, email: string): Promise<UserRecord | undefined> {
    const row = await db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
    return row && toUser(row);
  },

  async getSession(db: Db, id: string): Promise<Session | undefined> {
    const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  },

  async findApiTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRecord | undefined> {
    const row = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && { ...toApiToken(row), tokenHash: row.token_hash };
  },

  async getApiToken(db: Db, id: string): Promise<ApiToken | undefined> {
    const row = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toApiToken(row);
  },

  async listApiTokens(db: Db, userId: string): Promise<ApiToken[]> {
    const rows = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toApiToken);
  },

  async getMembership(db: Db, project: string, userId: string): Promise<Membership | undefined> {
    const row = await db
      .selectFrom('memberships')
      .selectAll()
      .where('project', '=', project)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toMembership(row);
  },

  async listMemberships(
    db: Db,
    filter: { project?: string; userId?: string },
  ): Promise<Membership[]> {
    let query = db.selectFrom('memberships').selectAll();
    if (filter.project !== undefined) query = query.where('project', '=', filter.project);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    const rows = await query.orderBy('project').orderBy('user_id').execute();
    return rows.map(toMembership);
  },
};

/** Writes of the accounts tables, inside a transaction. */
export const accountWrites = {
  async lockAccounts(db: Db, dialect: 'sqlite' | 'postgres'): Promise<void> {
    // SQLite: BEGIN IMMEDIATE already holds the database's write lock.
    if (dialect === 'sqlite') return;
    await sql`select pg_advisory_xact_lock(${accountsLockKey})`.execute(db);
  },

  async insertUser(db: Db, user: UserRecord): Promise<void> {
    await mapUnique(
      () =>
        db
          .insertInto('users')
          .values({
            id: user.id,
            email: user.email,
            name: user.name,
            password_hash: user.passwordHash,
            admin: user.admin,
            created_at: user.createdAt,
            disabled_at: user.disabledAt ?? null,
          })
          .execute(),
      // Says which address: the caller (an administrator) typed it.
      `a user with the e-mail ${user.email} already exists`,
    );
  },

  async updateUser(db: Db, id: string, patch: UserPatch): Promise<void> {
    const result = await db
      .updateTable('users')
      .set({
        id,
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
        ...(patch.admin !== undefined ? { admin: patch.admin } : {}),
        ...('disabledAt' in patch ? { disabled_at: patch.disabledAt ?? null } : {}),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError(`user ${id} does not exist`);
  },

  async insertSession(db: Db, session: Session): Promise<void> {
    await db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        last_seen_at: session.lastSeenAt,
        revoked_at: session.revokedAt ?? null,
        user_agent: session.userAgent ?? null,
        address: session.address ?? null,
      })
      .execute();
  },

  async touchSession(db: Db, id: string, at: string, ifSeenBefore: string): Promise<boolean> {
    const result = await db
      .updateTable('sessions')
      .set({ last_seen_at: at })
      .where('id', '=', id)
      .where('last_seen_at', '<', ifSeenBefore)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  async revokeSessions(
    db: Db,
    filter: { userId: string } | { id: string },
    at: string,
  ): Promise<number> {
    let query = db.updateTable('sessions').set({ revoked_at: at }).where('revoked_at', 'is', null);
    query =
      'id' in filter
        ? query.where('id', '=', filter.id)
        : query.where('user_id', '=', filter.userId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  },

  async insertApiToken(db: Db, token: ApiTokenRecord): Promise<void> {
    await mapUnique(
      () =>
        db
          .insertInto('api_tokens')
          .values({
            id: token.id,
            user_id: token.userId,
            project: token.project,
            name: token.name,
            token_hash: token.tokenHash,
            roles: JSON.stringify(token.roles),
            created_at: token.createdAt,
            expires_at: token.expiresAt ?? null,
            last_used_at: token.lastUsedAt ?? null,
            revoked_at: token.revokedAt ?? null,
          })
          .execute(),
      // Neutral: a colliding hash (never in practice) must not say whose token it was.
      'the token could not be stored; create it again',
    );
  },

  async touchApiToken(db: Db, id: string, at: string, ifUsedBefore: string): Promise<boolean> {
    const result = await db
      .updateTable('api_tokens')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', ifUsedBefore)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  async revokeApiToken(db: Db, id: string, at: string): Promise<boolean> {
    const result = await db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  /**
   * Writes a membership. `expectedVersion` undefined: create or replace; 0: create only (a
   * ConflictError when it exists); n: replace only version n (a ConflictError when stale).
   */
  async putMembership(
    db: Db,
    m: Omit<Membership, 'rowVersion'>,
    expectedVersion: number | undefined,
  ): Promise<Membership> {
    const current = await accountReads.getMembership(db, m.project, m.userId);
    const what = `the membership of user ${m.userId} in project ${m.project}`;
    if (expectedVersion !== undefined && (current?.rowVersion ?? 0) !== expectedVersion) {
      throw new ConflictError(
        current
          ? `${what} was changed by someone else (version ${current.rowVersion}, expected ${expectedVersion}); read it again`
          : `${what} does not exist (expected version ${expectedVersion}); read it again`,
      );
    }
    const roles = JSON.stringify(m.roles);
    if (!current) {
      await mapUnique(
        () =>
          db
            .insertInto('memberships')
            .values({
              project: m.project,
              user_id: m.userId,
              roles,
              row_version: 1,
              updated_at: m.updatedAt,
            })
            .execute(),
        `${what} was created by someone else at the same time; read it again`,
      );
      return { ...m, rowVersion: 1 };
    }
    const result = await db
      .updateTable('memberships')
      .set((eb) => ({ roles, updated_at: m.updatedAt, row_version: eb('row_version', '+', 1) }))
      .where('project', '=', m.project)
      .where('user_id', '=', m.userId)
      .where('row_version', '=', current.rowVersion)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) {
      throw new ConflictError(
        `${what} was changed by someone else at the same time; read it again`,
      );
    }
    return { ...m, rowVersion: current.rowVersion + 1 };
  },
};

async function mapUnique<T>(write: () => Promise<T>, message: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const e = error as { code?: unknown; errcode?: unknown; message?: unknown };
    const unique =
      e?.code === '23505' ||
      e?.errcode === 2067 ||
      e?.errcode === 1555 ||
      (typeof e?.message === 'string' && e.message.includes('UNIQUE constraint failed'));
    if (unique) throw new ConflictError(message, { cause: error });
    throw error;
  }
}

function toUser(row: Selectable<UserRow>): UserRecord {
  const user: UserRecord = {
    id: row.id,
    email: row.email,
    name: row.name,
    admin: Boolean(row.admin),
    createdAt: row.created_at,
    passwordHash: row.password_hash,
  };
  if (row.disabled_at !== null) user.disabledAt = row.disabled_at;
  return user;
}

function toSession(row: SessionRow): Session {
  const session: Session = {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
  };
  if (row.revoked_at !== null) session.revokedAt = row.revoked_at;
  if (row.user_agent !== null) session.userAgent = row.user_agent;
  if (row.address !== null) session.address = row.address;
  return session;
}

function toApiToken(row: ApiTokenRow): ApiToken {
  const token: ApiToken = {
    id: row.id,
    userId: row.user_id,
    project: row.project,
    name: row.name,
    roles: JSON.parse(row.roles) as MemberRoles,
    createdAt: row.created_at,
  };
  if (row.expires_at !== null) token.expiresAt = row.expires_at;
  if (row.last_used_at !== null) token.lastUsedAt = row.last_used_at;
  if (row.revoked_at !== null) token.revokedAt = row.revoked_at;
  return token;
}

function toMembership(row: MembershipRow): Membership {
  return {
    project: row.project,
    userId: row.user_id,
    roles: JSON.parse(row.roles) as MemberRoles,
    rowVersion: Number(row.row_version),
    updatedAt: row.updated_at,
  };
}
