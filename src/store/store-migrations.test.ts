/**
 * Migrations that change data, run on a database as an older gonogo left it: built with the
 * migrations before the one under test, filled, then opened by the store (which migrates).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { chainEvent, headOf, verifyChain } from '../core/event-chain.ts';
import { openStore } from './open-store.ts';
import { checkPgAvailable, createTestDatabase } from './store-pg.fixture.ts';
import { NodeSqliteDialect } from './sqlite-driver.ts';
import { migrationLockTable, migrationTable, storeMigrations } from './store-migrations.ts';

const pgAvailable = await checkPgAvailable('store-migrations.test.ts');

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** An empty database of the dialect: its URL for the store, and a Kysely to build it as it was. */
async function oldDatabase(
  dialect: 'sqlite' | 'postgres',
): Promise<{ url: string; db: Kysely<unknown> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gonogo-migrate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = path.join(dir, 'old.db');
    return {
      url,
      db: new Kysely({ dialect: new NodeSqliteDialect({ database: () => new DatabaseSync(url) }) }),
    };
  }
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const pool = new pg.Pool({ connectionString: database.url });
  return { url: database.url, db: new Kysely({ dialect: new PostgresDialect({ pool }) }) };
}

/** Runs the migrations named before `name`, as the gonogo before it did. */
async function migrateBefore(db: Kysely<unknown>, name: string) {
  const before = Object.fromEntries(Object.entries(storeMigrations).filter(([n]) => n < name));
  const result = await new Migrator({
    db,
    provider: { getMigrations: async () => before },
    migrationTableName: migrationTable,
    migrationLockTableName: migrationLockTable,
  }).migrateToLatest();
  if (result.error) throw result.error;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgAvailable)(`0004-chain-anchor on ${dialect}`, () => {
    it('anchors every existing log at the event it ends with, and leaves empty ones empty', async () => {
      const { url, db } = await oldDatabase(dialect);
      await migrateBefore(db, '0004-chain-anchor');
      const t = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      await t
        .insertInto('playbooks')
        .values({ hash: 'pb', name: 'P', body: '{}', created_at: 'x' })
        .execute();
      for (const id of ['with-log', 'empty']) {
        await t
          .insertInto('releases')
          .values({
            id,
            project: 'p',
            version: id,
            playbook_hash: 'pb',
            state: 'active',
            created_at: 'x',
            created_by: 'ann',
            updated_at: 'x',
            row_version: 4,
          })
          .execute();
      }
      for (const seq of [1, 2, 3]) {
        await t
          .insertInto('events')
          .values({
            release_id: 'with-log',
            seq,
            at: `2026-01-01T00:00:0${seq}.000Z`,
            actor: 'ann',
            type: 't',
            payload: '{}',
            prev_hash: `h${seq - 1}`,
            hash: `h${seq}`,
          })
          .execute();
      }
      await db.destroy();

      const store = await openStore(url);
      try {
        const withLog = await store.getRelease('with-log');
        expect(withLog?.head).toEqual({ count: 3, hash: 'h3' });
        expect(withLog?.rowVersion).toBe(4);
        expect((await store.getRelease('empty'))?.head).toBeUndefined();
        expect((await store.listEvents('with-log')).map((e) => 'realAt' in e)).toEqual([
          false,
          false,
          false,
        ]);
      } finally {
        await store.close();
      }
    });
  });
}

describe('0007-accounts on the database gonogo 0.1 wrote', () => {
  it('adds empty accounts tables beside the releases it keeps', async () => {
    const { copyFileSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gonogo-migrate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'old.db');
    copyFileSync(path.resolve(import.meta.dirname, '../../test/fixtures/gonogo-0.1.0.db'), file);
    const store = await openStore(file);
    try {
      expect(await store.countUsers()).toBe(0);
      expect(await store.listMemberships({})).toEqual([]);
      expect((await store.listProjects()).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});

describe('0008-event-origin on the database gonogo 0.1 wrote', () => {
  it('leaves every old event without an origin, verifying as before, and keeps new ones', async () => {
    const { copyFileSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gonogo-migrate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'old.db');
    copyFileSync(path.resolve(import.meta.dirname, '../../test/fixtures/gonogo-0.1.0.db'), file);
    const store = await openStore(file);
    try {
      const releases = (
        await Promise.all((await store.listProjects()).map((p) => store.listReleases(p.id)))
      ).flat();
      expect(releases.length).toBeGreaterThan(0);
      let checked = 0;
      for (const release of releases) {
        const events = await store.listEvents(release.id);
        expect(events.filter((e) => 'origin' in e)).toEqual([]);
        const result = verifyChain(events, release.head);
        expect(result.problems).toEqual([]);
        checked += result.checked;
      }
      expect(checked).toBeGreaterThan(0);

      // An event with an origin after them: stored, read back as written, and the chain holds.
      const release = releases[0]!;
      const origin = { address: '203.0.113.7', userAgent: 'gonogo/0.3', tokenId: 'tok-1' };
      const prev = await store.lastEvent(release.id);
      const next = chainEvent(prev, {
        releaseId: release.id,
        at: '2026-11-23T09:00:00.000Z',
        actor: 'ci@example.com',
        origin,
        type: 'test.origin',
        payload: {},
      });
      await store.transaction(async (tx) => {
        await tx.appendEvent(next);
        expect(await tx.updateReleaseHead(release.id, headOf([next]), headOf([prev!]))).toBe(true);
      });
      const after = await store.listEvents(release.id);
      expect(after.at(-1)).toEqual(next);
      const anchored = (await store.getRelease(release.id))!.head;
      expect(verifyChain(after, anchored)).toMatchObject({ ok: true });
    } finally {
      await store.close();
    }
  });
});
