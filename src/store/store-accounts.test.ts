/**
 * The accounts tables (migration 0007-accounts) through the Store, on SQLite and PostgreSQL:
 * users with a unique e-mail, sessions and API tokens found by hash, revocation, throttled
 * "last seen" writes, and memberships under optimistic versions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTokenRecord, MemberRoles, Session, UserRecord } from '../core/account-model.ts';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { openStore } from './open-store.ts';
import { checkPgAvailable, createTestDatabase } from './store-pg.fixture.ts';
import type { Store } from './store.ts';

const pgAvailable = await checkPgAvailable('store-accounts.test.ts');

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: crypto.randomUUID(),
    email: `u${Math.random().toString(36).slice(2, 8)}@example.com`,
    name: 'Ana',
    admin: false,
    createdAt: '2026-01-01T10:00:00.000Z',
    passwordHash: 'scrypt$32768$8$1$c2FsdA$aGFzaA',
    ...overrides,
  };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgAvailable)(`accounts store on ${dialect}`, () => {
    let store: Store;
    const cleanups: (() => Promise<void> | void)[] = [];

    beforeAll(async () => {
      if (dialect === 'sqlite') {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'gonogo-accounts-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        store = await openStore(path.join(dir, 'gonogo.db'));
      } else {
        const db = await createTestDatabase();
        cleanups.push(() => db.drop());
        store = await openStore(db.url);
      }
    });
    afterAll(async () => {
      await store?.close();
      for (const c of cleanups.splice(0)) await c();
    });

    it('stores users, finds them by id and e-mail, and refuses a second user with the same e-mail', async () => {
      const before = await store.countUsers();
      const u = user({ admin: true });
      await store.transaction((tx) => tx.insertUser(u));
      expect(await store.getUser(u.id)).toStrictEqual(u);
      expect(await store.findUserByEmail(u.email)).toStrictEqual(u);
      expect(await store.findUserByEmail('nobody@example.com')).toBeUndefined();
      expect(await store.countUsers()).toBe(before + 1);
      await expect(
        store.transaction((tx) => tx.insertUser(user({ email: u.email }))),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.countUsers()).toBe(before + 1);
    });

    it('changes and clears a user field, and says when the user does not exist', async () => {
      const u = user();
      await store.transaction((tx) => tx.insertUser(u));
      await store.transaction((tx) =>
        tx.updateUser(u.id, { disabledAt: '2026-02-01T00:00:00.000Z', name: 'Ana B' }),
      );
      expect(await store.getUser(u.id)).toMatchObject({
        name: 'Ana B',
        disabledAt: '2026-02-01T00:00:00.000Z',
      });
      await store.transaction((tx) => tx.updateUser(u.id, { disabledAt: undefined }));
      expect(await store.getUser(u.id)).not.toHaveProperty('disabledAt');
      await expect(
        store.transaction((tx) => tx.updateUser('missing', { name: 'x' })),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('keeps sessions, touches last-seen only when it is older than asked, and revokes them all', async () => {
      const u = user();
      await store.transaction((tx) => tx.insertUser(u));
      const session = (id: string): Session => ({
        id,
        userId: u.id,
        createdAt: '2026-01-01T10:00:00.000Z',
        expiresAt: '2026-01-15T10:00:00.000Z',
        lastSeenAt: '2026-01-01T10:00:00.000Z',
        userAgent: 'test',
        address: '127.0.0.1',
      });
      const a = session(`a-${u.id}`);
      await store.transaction(async (tx) => {
        await tx.insertSession(a);
        await tx.insertSession(session(`b-${u.id}`));
      });
      expect(await store.getSession(a.id)).toStrictEqual(a);
      const touch = (at: string, before: string) =>
        store.transaction((tx) => tx.touchSession(a.id, at, before));
      expect(await touch('2026-01-01T10:00:30.000Z', '2026-01-01T09:59:30.000Z')).toBe(false);
      expect(await touch('2026-01-01T10:01:30.000Z', '2026-01-01T10:00:30.000Z')).toBe(true);
      expect((await store.getSession(a.id))?.lastSeenAt).toBe('2026-01-01T10:01:30.000Z');
      const at = '2026-01-02T00:00:00.000Z';
      expect(await store.transaction((tx) => tx.revokeSessions({ id: a.id }, at))).toBe(1);
      expect(await store.transaction((tx) => tx.revokeSessions({ userId: u.id }, at))).toBe(1);
      expect(await store.transaction((tx) => tx.revokeSessions({ userId: u.id }, at))).toBe(0);
      expect((await store.getSession(a.id))?.revokedAt).toBe(at);
    });

    it('finds a token by its hash, lists a user’s tokens without hashes, and revokes once', async () => {
      const u = user();
      await store.transaction((tx) => tx.insertUser(u));
      const token: ApiTokenRecord = {
        id: crypto.randomUUID(),
        userId: u.id,
        project: 'acme/app',
        name: 'CI',
        roles: { role: 'member', signoff: ['qa-lead'] },
        createdAt: '2026-01-01T10:00:00.000Z',
        expiresAt: '2026-04-01T10:00:00.000Z',
        tokenHash: `h-${u.id}`,
      };
      await store.transaction((tx) => tx.insertApiToken(token));
      expect(await store.findApiTokenByHash(token.tokenHash)).toStrictEqual(token);
      expect(await store.findApiTokenByHash('nope')).toBeUndefined();
      const { tokenHash, ...listed } = token;
      expect(await store.listApiTokens(u.id)).toStrictEqual([listed]);
      expect(JSON.stringify(await store.listApiTokens(u.id))).not.toContain(tokenHash);
      await expect(
        store.transaction((tx) =>
          tx.insertApiToken({ ...token, id: crypto.randomUUID(), name: 'copy' }),
        ),
      ).rejects.toBeInstanceOf(ConflictError);
      const used = (at: string, before: string) =>
        store.transaction((tx) => tx.touchApiToken(token.id, at, before));
      expect(await used('2026-01-02T00:00:00.000Z', '2026-01-01T23:59:00.000Z')).toBe(true);
      expect(await used('2026-01-02T00:00:10.000Z', '2026-01-01T23:59:10.000Z')).toBe(false);
      const at = '2026-01-03T00:00:00.000Z';
      expect(await store.transaction((tx) => tx.revokeApiToken(token.id, at))).toBe(true);
      expect(await store.transaction((tx) => tx.revokeApiToken(token.id, at))).toBe(false);
      expect(await store.getApiToken(token.id)).toMatchObject({
        revokedAt: at,
        lastUsedAt: '2026-01-02T00:00:00.000Z',
      });
    });

    it('writes memberships under optimistic versions: create-only, replace, stale refused', async () => {
      const u = user();
      await store.transaction((tx) => tx.insertUser(u));
      const m = {
        project: `p-${u.id}`,
        userId: u.id,
        roles: { role: 'member', signoff: [] } as MemberRoles,
        updatedAt: '2026-01-01T10:00:00.000Z',
      };
      const put = (roles: MemberRoles, expected?: number) =>
        store.transaction((tx) => tx.putMembership({ ...m, roles }, expected));
      expect(await put(m.roles, 0)).toMatchObject({ rowVersion: 1 });
      await expect(put(m.roles, 0)).rejects.toBeInstanceOf(ConflictError);
      const admin: MemberRoles = { role: 'admin', signoff: ['qa-lead'] };
      expect(await put(admin, 1)).toMatchObject({ rowVersion: 2, roles: admin });
      await expect(put(m.roles, 1)).rejects.toThrow(/version 2, expected 1/);
      expect(await put(m.roles)).toMatchObject({ rowVersion: 3 });
      expect(await store.getMembership(m.project, u.id)).toStrictEqual({
        ...m,
        rowVersion: 3,
      });
      expect(await store.listMemberships({ project: m.project })).toHaveLength(1);
      expect(await store.listMemberships({ userId: u.id })).toHaveLength(1);
      await expect(
        store.transaction((tx) => tx.putMembership({ ...m, project: 'other' }, 4)),
      ).rejects.toThrow(/does not exist/);
    });

    it('two transactions that check "no users yet" under the accounts lock cannot both insert', async () => {
      const fresh = await (dialect === 'sqlite'
        ? (async () => {
            const dir = mkdtempSync(path.join(os.tmpdir(), 'gonogo-accounts-'));
            cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
            return openStore(path.join(dir, 'race.db'));
          })()
        : (async () => {
            const db = await createTestDatabase();
            cleanups.push(() => db.drop());
            return openStore(db.url);
          })());
      try {
        const attempt = (n: number) =>
          fresh.transaction(async (tx) => {
            await tx.lockAccounts();
            if ((await tx.countUsers()) > 0) return false;
            await new Promise((r) => setTimeout(r, 30));
            await tx.insertUser(user({ email: `first${n}@example.com`, admin: true }));
            return true;
          });
        const results = await Promise.all([attempt(1), attempt(2), attempt(3)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await fresh.countUsers()).toBe(1);
      } finally {
        await fresh.close();
      }
    });
  });
}
