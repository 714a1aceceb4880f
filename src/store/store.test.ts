import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { Kysely, Migrator } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import type { Playbook } from '../core/playbook.ts';
import type {
  Decision,
  Deployment,
  GateOverride,
  Incident,
  Release,
  ReleaseEvent,
  ReleaseItem,
  Signoff,
} from '../core/release-model.ts';
import { openStore } from './open-store.ts';
import { NodeSqliteDialect } from './sqlite-driver.ts';
import { migrationLockTable, migrationTable, storeMigrations } from './store-migrations.ts';
import { checkPgAvailable, pgServerUrl } from './store-pg.fixture.ts';
import type { Store } from './store.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const nodeBin = path.join(repoRoot, 'node_modules/.bin/node');
const fixture = path.join(here, 'store-concurrency.fixture.ts');

const pgUrl = pgServerUrl;
// With GONOGO_TEST_PG set, PostgreSQL must be there (fail, do not skip).
const pgAvailable = await checkPgAvailable('store.test.ts');

async function withPgClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const playbook: Playbook = {
  name: 'Test release',
  roles: { 'qa-lead': 'QA Lead' },
  environments: ['staging', 'production'],
  types: ['minor'],
  policy: {},
  phases: [
    {
      id: 'pre-release',
      title: 'Pre-release',
      sections: [
        {
          id: 'main',
          items: [{ id: 'tests', title: 'Tests pass', kind: 'manual', optional: false }],
        },
      ],
    },
  ],
  rollback: [],
};

function release(overrides: Partial<Release> = {}): Release {
  return {
    id: crypto.randomUUID(),
    project: 'web',
    version: '1.0.0',
    playbookHash: 'pb1',
    state: 'active',
    createdAt: '2026-01-01T10:00:00.000Z',
    createdBy: 'ann@example.com',
    updatedAt: '2026-01-01T10:00:00.000Z',
    rowVersion: 1,
    ...overrides,
  };
}

function item(
  releaseId: string,
  number: number,
  overrides: Partial<ReleaseItem> = {},
): ReleaseItem {
  return {
    releaseId,
    number,
    id: `pre-release/item-${number}`,
    phase: 'pre-release',
    section: 'main',
    title: `Item ${number}`,
    kind: 'manual',
    optional: false,
    rollback: false,
    spec: { id: `item-${number}`, title: `Item ${number}`, kind: 'manual', optional: false },
    state: 'pending',
    updatedAt: '2026-01-01T10:00:00.000Z',
    rowVersion: 1,
    ...overrides,
  };
}

function event(
  releaseId: string,
  seq: number,
  overrides: Partial<ReleaseEvent> = {},
): ReleaseEvent {
  return {
    releaseId,
    seq,
    at: `2026-01-01T10:00:0${seq % 10}.000Z`,
    actor: 'ann@example.com',
    type: 'item.done',
    payload: { item: seq, nested: { ok: true, list: [1, 'two', null] } },
    prevHash: seq === 1 ? '0'.repeat(64) : `hash-${seq - 1}`,
    hash: `hash-${seq}`,
    ...overrides,
  };
}

function runFixture(url: string, releaseId: string, count: number, actor: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, [fixture, url, releaseId, String(count), actor], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`fixture ${actor} exited ${code}: ${stderr}`));
    });
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgAvailable)(`store on ${dialect}`, () => {
    let url: string;
    let store: Store;
    let tmpDir: string | undefined;
    let schema: string | undefined;

    beforeAll(async () => {
      if (dialect === 'sqlite') {
        tmpDir = mkdtempSync(path.join(os.tmpdir(), 'gonogo-store-'));
        // A folder that does not exist yet: openStore creates it.
        url = path.join(tmpDir, 'nested', 'dir', 'gonogo.db');
      } else {
        schema = `gonogo_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
        const u = new URL(pgUrl);
        u.searchParams.set('schema', schema);
        url = u.toString();
      }
      store = await openStore(url);
      await store.transaction((tx) => tx.putPlaybook('pb1', playbook));
    });

    afterAll(async () => {
      await store?.close();
      if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
      if (schema) {
        await withPgClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
      }
    });

    async function insertRelease(overrides: Partial<Release> = {}): Promise<Release> {
      const r = release(overrides);
      await store.transaction((tx) => tx.insertRelease(r));
      return r;
    }

    it('reports its dialect', () => {
      expect(store.dialect).toBe(dialect);
    });

    it('migrates once: opening the same database again changes nothing', async () => {
      const r = await insertRelease({ project: 'migrate' });
      const again = await openStore(url);
      try {
        expect(await again.getRelease(r.id)).toStrictEqual(r);
      } finally {
        await again.close();
      }
      const migrations =
        dialect === 'sqlite'
          ? (() => {
              const db = new DatabaseSync(url, { readOnly: true });
              try {
                return db
                  .prepare('select name from gonogo_migration')
                  .all()
                  .map((row) => row.name);
              } finally {
                db.close();
              }
            })()
          : await withPgClient(async (c) =>
              (await c.query(`select name from "${schema}".gonogo_migration`)).rows.map(
                (row: { name: string }) => row.name,
              ),
            );
      expect(migrations).toEqual(Object.keys(storeMigrations));
    });

    if (dialect === 'sqlite') {
      it('keeps the file in WAL mode', () => {
        const db = new DatabaseSync(url, { readOnly: true });
        try {
          expect(db.prepare('pragma journal_mode').get()).toEqual({ journal_mode: 'wal' });
        } finally {
          db.close();
        }
      });

      it('upgrades a database of the first schema: its sign-offs have no target, nothing is lost', async () => {
        const file = path.join(tmpDir!, 'first-schema.db');
        const old = new Kysely<unknown>({
          dialect: new NodeSqliteDialect({ database: () => new DatabaseSync(file) }),
        });
        const first = { '0001-initial': storeMigrations['0001-initial']! };
        const migrated = await new Migrator({
          db: old,
          provider: { getMigrations: async () => first },
          migrationTableName: migrationTable,
          migrationLockTableName: migrationLockTable,
        }).migrateToLatest();
        expect(migrated.error).toBeUndefined();
        const r = release({ project: 'upgrade' });
        const raw = new DatabaseSync(file);
        try {
          raw
            .prepare('insert into playbooks values (?, ?, ?, ?)')
            .run('pb1', 'Test', JSON.stringify(playbook), r.createdAt);
          raw
            .prepare('insert into releases values (?, ?, ?, null, null, null, ?, ?, ?, ?, ?, ?)')
            .run(r.id, r.project, r.version, 'pb1', 'active', r.createdAt, 'ann', r.createdAt, 1);
          raw
            .prepare('insert into signoffs values (?, ?, ?, ?, ?, ?, ?, null)')
            .run('s1', r.id, 'qa-lead', 'no-go', 'abc', 'q@example.com', r.createdAt);
        } finally {
          raw.close();
          await old.destroy();
        }
        const upgraded = await openStore(file);
        try {
          expect(await upgraded.listSignoffs(r.id)).toStrictEqual([
            {
              id: 's1',
              releaseId: r.id,
              role: 'qa-lead',
              verdict: 'no-go',
              commit: 'abc',
              actor: 'q@example.com',
              at: r.createdAt,
            },
          ]);
          expect(await upgraded.listOverrides(r.id)).toEqual([]);
        } finally {
          await upgraded.close();
        }
      });
    }

    it('stores a playbook once per hash and returns it as it was', async () => {
      const other: Playbook = { ...playbook, name: 'Other', description: 'ünïcode ✓' };
      await store.transaction(async (tx) => {
        await tx.putPlaybook('pb2', other);
        await tx.putPlaybook('pb2', { ...other, name: 'ignored: same hash' });
      });
      expect(await store.getPlaybook('pb2')).toStrictEqual(other);
      expect(await store.getPlaybook('pb1')).toStrictEqual(playbook);
      expect(await store.getPlaybook('missing')).toBeUndefined();
    });

    it('inserts, finds and lists releases newest first, with optional fields absent', async () => {
      const project = 'list';
      const a = await insertRelease({
        project,
        version: '1.0.0',
        createdAt: '2026-01-01T10:00:00.000Z',
      });
      const b = await insertRelease({
        project,
        version: '1.1.0',
        type: 'minor',
        commit: 'abc123',
        commitAt: '2025-12-31T09:00:00.000Z',
        createdAt: '2026-01-02T10:00:00.000Z',
        state: 'finished',
      });
      const c = await insertRelease({
        project,
        version: '1.2.0',
        createdAt: '2026-01-03T10:00:00.000Z',
      });
      await insertRelease({ project: 'elsewhere', version: '1.0.0' });

      const got = await store.getRelease(a.id);
      expect(got).toStrictEqual(a);
      expect(got && 'commit' in got).toBe(false);
      expect(await store.findRelease(project, '1.1.0')).toStrictEqual(b);
      expect(await store.findRelease(project, '9.9.9')).toBeUndefined();
      expect(await store.getRelease('nope')).toBeUndefined();

      expect((await store.listReleases(project)).map((r) => r.version)).toEqual([
        '1.2.0',
        '1.1.0',
        '1.0.0',
      ]);
      expect(await store.listReleases(project, { states: ['active'] })).toStrictEqual([c, a]);
      expect(await store.listReleases(project, { limit: 1 })).toStrictEqual([c]);
      expect(await store.listReleases('no-such-project')).toEqual([]);
    });

    it('refuses a second release with the same project and version', async () => {
      await insertRelease({ project: 'dup', version: '2.0.0' });
      const error = await store
        .transaction((tx) => tx.insertRelease(release({ project: 'dup', version: '2.0.0' })))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).message).toMatch(/release 2\.0\.0 of dup already exists/);
      expect(await store.listReleases('dup')).toHaveLength(1);
    });

    it('updates a release only at the expected version', async () => {
      const r = await insertRelease({ project: 'update', commit: 'aaa' });
      await store.transaction((tx) =>
        tx.updateRelease(r.id, { commit: 'bbb', updatedAt: '2026-01-05T00:00:00.000Z' }, 1),
      );
      expect(await store.getRelease(r.id)).toStrictEqual({
        ...r,
        commit: 'bbb',
        updatedAt: '2026-01-05T00:00:00.000Z',
        rowVersion: 2,
      });

      const stale = await store
        .transaction((tx) => tx.updateRelease(r.id, { state: 'abandoned' }, 1))
        .catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(ConflictError);
      expect((stale as Error).message).toMatch(/changed by someone else.*run the command again/);
      expect((await store.getRelease(r.id))?.state).toBe('active');

      // A present-but-undefined key clears the optional field.
      await store.transaction((tx) =>
        tx.updateRelease(r.id, { commit: undefined, state: 'finished' }, 2),
      );
      const after = await store.getRelease(r.id);
      expect(after && 'commit' in after).toBe(false);
      expect(after?.state).toBe('finished');
      expect(after?.rowVersion).toBe(3);

      await expect(
        store.transaction((tx) => tx.updateRelease('missing', { state: 'finished' }, 1)),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('inserts, lists and updates items with optimistic versions', async () => {
      const r = await insertRelease({ project: 'items' });
      const items = [
        item(r.id, 2, { optional: true, parent: 1, rollback: true }),
        item(r.id, 1, { note: 'from the start', evidence: { url: 'https://ci/1', exitCode: 0 } }),
        item(r.id, 3, {
          kind: 'check',
          spec: {
            id: 'c',
            title: 'C',
            kind: 'check',
            optional: false,
            check: { name: 'changelog', params: {} },
          },
        }),
      ];
      await store.transaction((tx) => tx.insertItems(items));
      const listed = await store.listItems(r.id);
      expect(listed.map((i) => i.number)).toEqual([1, 2, 3]);
      expect(listed).toStrictEqual([items[1], items[0], items[2]]);
      expect(listed[0] && 'parent' in listed[0]).toBe(false);
      expect(listed[1]?.optional).toBe(true);
      expect(listed[1]?.rollback).toBe(true);

      await store.transaction((tx) =>
        tx.updateItem(
          r.id,
          2,
          {
            state: 'done',
            note: 'checked by hand',
            evidence: { url: 'https://example.com/run/2' },
            updatedAt: '2026-01-02T00:00:00.000Z',
            updatedBy: 'bob@example.com',
          },
          1,
        ),
      );
      const updated = (await store.listItems(r.id))[1];
      expect(updated).toStrictEqual({
        ...items[0],
        state: 'done',
        note: 'checked by hand',
        evidence: { url: 'https://example.com/run/2' },
        updatedAt: '2026-01-02T00:00:00.000Z',
        updatedBy: 'bob@example.com',
        rowVersion: 2,
      });

      const stale = await store
        .transaction((tx) => tx.updateItem(r.id, 2, { state: 'failed' }, 1))
        .catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(ConflictError);
      expect((stale as Error).message).toMatch(/item 2 was changed by someone else/);
      expect((await store.listItems(r.id))[1]?.state).toBe('done');

      // Reset clears note and evidence.
      await store.transaction((tx) =>
        tx.updateItem(r.id, 1, { state: 'pending', note: undefined, evidence: undefined }, 1),
      );
      const reset = (await store.listItems(r.id))[0];
      expect(reset && ('note' in reset || 'evidence' in reset)).toBe(false);

      await expect(
        store.transaction((tx) => tx.updateItem(r.id, 99, { state: 'done' }, 1)),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        store.transaction((tx) => tx.insertItems([item(r.id, 4, { id: items[0]!.id })])),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.listItems(r.id)).toHaveLength(3);
    });

    it('round-trips sign-offs and decisions, oldest first, per release', async () => {
      const r = await insertRelease({ project: 'sign' });
      const other = await insertRelease({ project: 'sign', version: '2.0.0' });
      const signoffs: Signoff[] = [
        {
          releaseId: r.id,
          role: 'qa-lead',
          verdict: 'no-go',
          target: { kind: 'item', id: 'qa-sign-off' },
          actor: 'q@example.com',
          at: '2026-01-01T12:00:00.000Z',
          commit: 'abc',
          comment: 'flaky',
        },
        {
          releaseId: r.id,
          role: 'release-manager',
          verdict: 'go',
          actor: 'm@example.com',
          at: '2026-01-01T12:00:00.000Z',
        },
        {
          releaseId: r.id,
          role: 'qa-lead',
          verdict: 'go',
          target: { kind: 'gate', id: 'go-no-go' },
          actor: 'q@example.com',
          at: '2026-01-01T11:00:00.000Z',
          commit: 'abc',
        },
      ];
      const decisions: Decision[] = [
        {
          releaseId: r.id,
          gate: 'release',
          outcome: 'no-go',
          blockers: [{ kind: 'item-open', message: 'item 3 is open', item: 3 }],
          inputs: { items: [1, 2, 3], window: { day: 'fri' } },
          actor: 'm@example.com',
          at: '2026-01-01T13:00:00.000Z',
        },
        {
          releaseId: r.id,
          gate: 'deploy',
          outcome: 'go',
          blockers: [],
          inputs: null,
          commit: 'abc',
          actor: 'm@example.com',
          at: '2026-01-01T14:00:00.000Z',
          override: { reason: 'hotfix', by: 'boss@example.com' },
        },
      ];
      await store.transaction(async (tx) => {
        for (const s of signoffs) await tx.insertSignoff(s);
        for (const d of [...decisions].reverse()) await tx.insertDecision(d);
        await tx.insertSignoff({ ...signoffs[0]!, releaseId: other.id });
      });
      // Same `at`: the order they were written in.
      // Rows get their own id when the caller gives none, so a client can address them.
      const withoutIds = <T extends { id?: string }>(rows: T[]) =>
        rows.map(({ id, ...row }) => {
          expect(id).toMatch(/^[0-9a-f-]{36}$/);
          return row;
        });
      expect(withoutIds(await store.listSignoffs(r.id))).toStrictEqual([
        signoffs[2],
        signoffs[0],
        signoffs[1],
      ]);
      expect(withoutIds(await store.listDecisions(r.id))).toStrictEqual(decisions);
      expect(await store.listSignoffs(other.id)).toHaveLength(1);
      expect(await store.listDecisions(other.id)).toEqual([]);
    });

    it('round-trips window overrides and forced deployments, oldest first, per release', async () => {
      const r = await insertRelease({ project: 'override' });
      const other = await insertRelease({ project: 'override', version: '2.0.0' });
      const overrides: GateOverride[] = [
        {
          releaseId: r.id,
          kind: 'force',
          environment: 'production',
          commit: 'abc',
          role: 'release-manager',
          actor: 'm@example.com',
          at: '2026-01-01T15:00:00.000Z',
          reason: 'outage fix',
          blockers: [{ kind: 'signoff-missing', role: 'qa-lead', message: 'no go', gate: 'go' }],
        },
        {
          releaseId: r.id,
          kind: 'window',
          gate: 'go-no-go',
          role: 'release-manager',
          actor: 'm@example.com',
          at: '2026-01-01T14:00:00.000Z',
          reason: 'on call all weekend',
          blockers: [],
        },
      ];
      await store.transaction(async (tx) => {
        for (const o of overrides) await tx.insertOverride(o);
        await tx.insertOverride({ ...overrides[0]!, releaseId: other.id });
      });
      expect(await store.listOverrides(r.id)).toStrictEqual([overrides[1], overrides[0]]);
      expect(await store.listOverrides(other.id)).toHaveLength(1);
    });

    it('round-trips deployments and incidents with combined filters', async () => {
      const r1 = await insertRelease({ project: 'deploy', version: '1.0.0' });
      const r2 = await insertRelease({ project: 'deploy', version: '1.1.0' });
      const r3 = await insertRelease({ project: 'deploy-other', version: '1.0.0' });
      const dep = (id: string, r: Release, environment: string, startedAt: string): Deployment => ({
        id,
        project: r.project,
        releaseId: r.id,
        version: r.version,
        environment,
        status: 'succeeded',
        startedAt,
        actor: 'ci',
      });
      const d1 = {
        ...dep(`d1-${dialect}`, r1, 'staging', '2026-01-01T10:00:00.000Z'),
        commit: 'c1',
        finishedAt: '2026-01-01T10:05:00.000Z',
      };
      const d2 = dep(`d2-${dialect}`, r1, 'production', '2026-01-02T10:00:00.000Z');
      const d3 = dep(`d3-${dialect}`, r2, 'production', '2026-01-03T10:00:00.000Z');
      const d4 = dep(`d4-${dialect}`, r3, 'production', '2026-01-01T09:00:00.000Z');
      await store.transaction(async (tx) => {
        for (const d of [d3, d1, d4, d2]) await tx.insertDeployment(d);
      });
      expect(await store.listDeployments({ project: 'deploy' })).toStrictEqual([d1, d2, d3]);
      expect(
        await store.listDeployments({ project: 'deploy', environment: 'production' }),
      ).toStrictEqual([d2, d3]);
      expect(
        await store.listDeployments({ releaseId: r1.id, environment: 'production' }),
      ).toStrictEqual([d2]);
      expect(
        await store.listDeployments({ environment: 'production', project: 'deploy-other' }),
      ).toStrictEqual([d4]);
      await expect(store.transaction((tx) => tx.insertDeployment(d1))).rejects.toBeInstanceOf(
        ConflictError,
      );

      await store.transaction((tx) =>
        tx.updateDeployment(d3.id, {
          status: 'rolled-back',
          finishedAt: '2026-01-03T11:00:00.000Z',
        }),
      );
      expect(await store.listDeployments({ releaseId: r2.id })).toStrictEqual([
        { ...d3, status: 'rolled-back', finishedAt: '2026-01-03T11:00:00.000Z' },
      ]);
      await expect(
        store.transaction((tx) => tx.updateDeployment('missing', { status: 'failed' })),
      ).rejects.toBeInstanceOf(NotFoundError);

      const i1: Incident = {
        id: `i1-${dialect}`,
        deploymentId: d3.id,
        kind: 'rollback',
        reason: 'errors',
        openedAt: '2026-01-03T10:30:00.000Z',
        actor: 'ops',
      };
      const i2: Incident = {
        id: `i2-${dialect}`,
        deploymentId: d4.id,
        kind: 'incident',
        reason: 'slow',
        openedAt: '2026-01-01T09:30:00.000Z',
        actor: 'ops',
      };
      const i3: Incident = {
        id: `i3-${dialect}`,
        deploymentId: d2.id,
        kind: 'incident',
        reason: 'pager',
        openedAt: '2026-01-02T12:00:00.000Z',
        resolvedAt: '2026-01-02T13:00:00.000Z',
        actor: 'ops',
      };
      await store.transaction(async (tx) => {
        for (const i of [i1, i2, i3]) await tx.insertIncident(i);
      });
      expect(await store.listIncidents({ project: 'deploy' })).toStrictEqual([i3, i1]);
      expect(await store.listIncidents({ deploymentId: d4.id })).toStrictEqual([i2]);
      expect(await store.listIncidents({ deploymentId: d4.id, project: 'deploy' })).toEqual([]);
      await store.transaction((tx) =>
        tx.updateIncident(i1.id, { resolvedAt: '2026-01-03T12:00:00.000Z' }),
      );
      expect(await store.listIncidents({ deploymentId: d3.id })).toStrictEqual([
        { ...i1, resolvedAt: '2026-01-03T12:00:00.000Z' },
      ]);
      await expect(
        store.transaction((tx) => tx.updateIncident('missing', { resolvedAt: 'x' })),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('appends events in order and refuses a duplicate seq', async () => {
      const r = await insertRelease({ project: 'events' });
      expect(await store.lastEvent(r.id)).toBeUndefined();
      const events = [1, 2, 3].map((seq) => event(r.id, seq));
      await store.transaction(async (tx) => {
        for (const e of events) await tx.appendEvent(e);
      });
      expect(await store.listEvents(r.id)).toStrictEqual(events);
      expect(await store.lastEvent(r.id)).toStrictEqual(events[2]);

      const error = await store
        .transaction((tx) => tx.appendEvent(event(r.id, 3, { hash: 'forged' })))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/event 3 .* already exists.*run the command again/);
      expect(await store.lastEvent(r.id)).toStrictEqual(events[2]);
    });

    it('lists the events after a seq, a bounded page at a time, for a watcher resuming', async () => {
      const r = await insertRelease({ project: 'since' });
      const other = await insertRelease({ project: 'since', version: '2.0.0' });
      const events = Array.from({ length: 7 }, (_, i) => event(r.id, i + 1));
      await store.transaction(async (tx) => {
        for (const e of events) await tx.appendEvent(e);
        await tx.appendEvent(event(other.id, 1));
      });
      expect(await store.listEventsSince(r.id, 0)).toStrictEqual(events);
      expect(await store.listEventsSince(r.id, 4)).toStrictEqual(events.slice(4));
      expect(await store.listEventsSince(r.id, 2, 3)).toStrictEqual(events.slice(2, 5));
      expect(await store.listEventsSince(r.id, 7)).toEqual([]);
      expect(await store.listEventsSince('no-such-release', 0)).toEqual([]);
      // Paging from the last seq seen reads every event once, in order.
      const paged: ReleaseEvent[] = [];
      for (let page = await store.listEventsSince(r.id, 0, 2); page.length;) {
        paged.push(...page);
        page = await store.listEventsSince(r.id, page.at(-1)!.seq, 2);
      }
      expect(paged).toStrictEqual(events);
      // Bad bounds are clamped: a negative or NaN seq reads from the start, a zero limit one event.
      expect(await store.listEventsSince(r.id, -5, 2)).toStrictEqual(events.slice(0, 2));
      expect(await store.listEventsSince(r.id, Number.NaN, 1)).toStrictEqual(events.slice(0, 1));
      expect(await store.listEventsSince(r.id, 0, 0)).toStrictEqual(events.slice(0, 1));
      // Inside a transaction it sees the transaction's own appends.
      await store.transaction(async (tx) => {
        await tx.appendEvent(event(r.id, 8));
        expect((await tx.listEventsSince(r.id, 6)).map((e) => e.seq)).toEqual([7, 8]);
      });
    });

    it("finds an item's newest state event in the database, not in a read of the whole log", async () => {
      const r = await insertRelease({ project: 'item-state' });
      const state = (seq: number, item: number) =>
        event(r.id, seq, { type: 'item.state', payload: { item, to: `s${seq}` } });
      const log = [
        state(1, 3),
        state(2, 12),
        event(r.id, 3, { payload: { item: 3 } }),
        state(4, 3),
        state(5, 31),
      ];
      await store.transaction(async (tx) => {
        for (const e of log) await tx.appendEvent(e);
        expect(await tx.lastItemStateEvent(r.id, 31)).toStrictEqual(log[4]);
      });
      // The newest of its own type, whatever came after; 3 is not 31 nor 12.
      expect(await store.lastItemStateEvent(r.id, 3)).toStrictEqual(log[3]);
      expect(await store.lastItemStateEvent(r.id, 12)).toStrictEqual(log[1]);
      expect(await store.lastItemStateEvent(r.id, 1)).toBeUndefined();
      expect(await store.lastItemStateEvent('no-such-release', 3)).toBeUndefined();
    });

    it("keeps a transaction's reads of items true to its own writes", async () => {
      const r = await insertRelease({ project: 'items-in-tx' });
      await store.transaction((tx) => tx.insertItems([item(r.id, 1), item(r.id, 2)]));
      await store.transaction(async (tx) => {
        const before = await tx.listItems(r.id);
        // What a caller does to what it got is not what the next caller gets.
        before[0]!.state = 'failed';
        expect((await tx.listItems(r.id))[0]!.state).toBe('pending');
        await tx.updateItem(r.id, 1, { state: 'done', note: 'n' }, before[0]!.rowVersion);
        const after = await tx.listItems(r.id);
        expect(after[0]).toMatchObject({ state: 'done', note: 'n' });
        expect(after[0]!.rowVersion).toBe(before[0]!.rowVersion + 1);
        await tx.deleteItems(r.id, [2]);
        expect((await tx.listItems(r.id)).map((i) => i.number)).toEqual([1]);
        await tx.insertItems([item(r.id, 3)]);
        expect((await tx.listItems(r.id)).map((i) => i.number)).toEqual([1, 3]);
      });
      // What the transaction saw is what it committed.
      const stored = await store.listItems(r.id);
      expect(stored.map((i) => [i.number, i.state, i.note])).toEqual([
        [1, 'done', 'n'],
        [3, 'pending', undefined],
      ]);
    });

    it('commits transactions that run at once independently: one that throws fails alone', async () => {
      const r = await insertRelease({ project: 'group' });
      const boom = new Error('boom');
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.appendEvent(event(r.id, 100 + i));
            if (i % 4 === 1) throw boom;
            return i;
          }),
        ),
      );
      expect(results.map((x) => x.status)).toEqual(
        Array.from({ length: 12 }, (_, i) => (i % 4 === 1 ? 'rejected' : 'fulfilled')),
      );
      expect((await store.listEvents(r.id)).map((e) => e.seq)).toEqual(
        [0, 2, 3, 4, 6, 7, 8, 10, 11].map((i) => 100 + i),
      );
      // One that breaks a rule of the database fails alone as well.
      const [dup, ok] = await Promise.allSettled([
        store.transaction((tx) => tx.appendEvent(event(r.id, 100))),
        store.transaction((tx) => tx.appendEvent(event(r.id, 200))),
      ]);
      expect(dup.status).toBe('rejected');
      expect(ok.status).toBe('fulfilled');
      expect((await store.lastEvent(r.id))?.seq).toBe(200);
    });

    it("keeps an event's real time only when it has one", async () => {
      const r = await insertRelease({ project: 'real-at' });
      const plain = event(r.id, 1);
      const overridden = event(r.id, 2, { realAt: '2026-12-01T09:00:00.000Z' });
      await store.transaction(async (tx) => {
        await tx.appendEvent(plain);
        await tx.appendEvent(overridden);
      });
      expect(await store.listEvents(r.id)).toStrictEqual([plain, overridden]);
    });

    it('moves the anchored head only from the expected one, without bumping rowVersion', async () => {
      const r = await insertRelease({ project: 'head' });
      expect((await store.getRelease(r.id))?.head).toBeUndefined();
      const empty = { count: 0, hash: '0'.repeat(64) };
      const one = { count: 1, hash: 'h1' };
      const two = { count: 2, hash: 'h2' };
      expect(await store.transaction((tx) => tx.updateReleaseHead(r.id, one, empty))).toBe(true);
      expect(await store.transaction((tx) => tx.updateReleaseHead(r.id, two, one))).toBe(true);
      const after = await store.getRelease(r.id);
      expect(after?.head).toEqual(two);
      expect(after?.rowVersion).toBe(r.rowVersion);
      // A writer that read an older head (or a log cut short behind its back) moves nothing.
      expect(await store.transaction((tx) => tx.updateReleaseHead(r.id, two, one))).toBe(false);
      expect(
        await store.transaction((tx) =>
          tx.updateReleaseHead(r.id, { count: 3, hash: 'h3' }, { count: 2, hash: 'other' }),
        ),
      ).toBe(false);
      expect((await store.getRelease(r.id))?.head).toEqual(two);
      // The optimistic version still guards the fields people change.
      await store.transaction((tx) => tx.updateRelease(r.id, { state: 'finished' }, r.rowVersion));
      expect((await store.getRelease(r.id))?.head).toEqual(two);
    });

    it('rolls back everything when the transaction throws', async () => {
      const r = release({ project: 'rollback' });
      const boom = new Error('boom');
      await expect(
        store.transaction(async (tx) => {
          await tx.insertRelease(r);
          await tx.insertItems([item(r.id, 1)]);
          await tx.appendEvent(event(r.id, 1));
          expect(await tx.getRelease(r.id)).toStrictEqual(r);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.getRelease(r.id)).toBeUndefined();
      expect(await store.listItems(r.id)).toEqual([]);
      expect(await store.listEvents(r.id)).toEqual([]);

      // A conflict part way through undoes the writes before it, too.
      const kept = await insertRelease({ project: 'rollback', version: '2.0.0' });
      await expect(
        store.transaction(async (tx) => {
          await tx.appendEvent(event(kept.id, 1));
          await tx.appendEvent(event(kept.id, 1));
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.listEvents(kept.id)).toEqual([]);

      expect(await store.transaction(async (tx) => (await tx.getRelease(kept.id))?.version)).toBe(
        '2.0.0',
      );
    });

    it('serialises two processes appending to one release: nothing lost', async () => {
      const r = await insertRelease({ project: 'concurrent' });
      await Promise.all([runFixture(url, r.id, 50, 'proc-a'), runFixture(url, r.id, 50, 'proc-b')]);
      const events = await store.listEvents(r.id);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      // Each append read the one before: the chain links without a gap or a fork.
      for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
      const byActor = Object.groupBy(events, (e) => e.actor);
      expect(byActor['proc-a']).toHaveLength(50);
      expect(byActor['proc-b']).toHaveLength(50);
    });
  });
}
