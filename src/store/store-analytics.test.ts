/**
 * The analytics read on SQLite and PostgreSQL: releases of one project in a period, the newest
 * `maxReleases` of them (with `truncated`), only the event types asked for, item evidence left
 * out, and a payload that is not an object read as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../core/playbook.ts';
import type { Release, ReleaseEvent } from '../core/release-model.ts';
import { openTestStore } from './store-dialect.fixture.ts';
import { checkPgAvailable } from './store-pg.fixture.ts';
import type { Store } from './store.ts';

const pgAvailable = await checkPgAvailable('store-analytics.test.ts');

const playbook: Playbook = {
  name: 'Analytics store',
  roles: {},
  environments: ['production'],
  types: [],
  policy: {},
  phases: [],
  rollback: [],
};

const day = (n: number) => `2026-03-${String(n).padStart(2, '0')}T09:00:00.000Z`;

function release(project: string, version: string, createdAt: string): Release {
  return {
    id: `${project}-${version}`,
    project,
    version,
    playbookHash: 'pb',
    state: 'active',
    createdAt,
    createdBy: 'ann@example.com',
    updatedAt: createdAt,
    rowVersion: 1,
  };
}

function event(releaseId: string, seq: number, type: string, payload: unknown): ReleaseEvent {
  return {
    releaseId,
    seq,
    at: day(1),
    actor: 'ann@example.com',
    type,
    payload,
    prevHash: `h${seq - 1}`,
    hash: `h${seq}`,
  };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgAvailable)(`analytics read on ${dialect}`, () => {
    let store: Store;
    let dispose: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ store, dispose } = await openTestStore(dialect, 'analytics'));
      await store.transaction(async (tx) => {
        await tx.putPlaybook('pb', playbook);
        for (const p of ['web', 'other']) await tx.ensureProject(p, day(1));
        // web: 1.0 on the 1st, 1.1 on the 5th, 1.2 on the 9th; other: 9.0 on the 5th.
        const releases = [
          release('web', '1.0', day(1)),
          release('web', '1.1', day(5)),
          release('web', '1.2', day(9)),
          release('other', '9.0', day(5)),
        ];
        for (const r of releases) {
          await tx.insertRelease(r);
          await tx.appendEvent(event(r.id, 1, 'release.started', { version: r.version }));
          await tx.appendEvent(
            event(r.id, 2, 'item.state', {
              item: 1,
              id: 'tests',
              from: 'pending',
              to: 'passed',
              evidence: { output: 'x'.repeat(10_000) },
            }),
          );
          await tx.appendEvent(event(r.id, 3, 'watch.measured', { item: 1 }));
        }
      });
      // A row edited outside gonogo: its payload is no object.
      await store.transaction((tx) =>
        tx.appendEvent(event('web-1.1', 4, 'item.state', 'not json {')),
      );
    });

    afterAll(() => dispose?.());

    it('reads the project’s releases of the period with the asked types, evidence left out', async () => {
      const read = await store.readReleaseHistories('web', {
        since: day(2),
        until: day(10),
        types: ['release.started', 'item.state'],
      });
      expect(read.truncated).toBe(false);
      expect(read.releases.map((r) => r.version)).toEqual(['1.1', '1.2']);
      expect(read.events.get('web-1.2')).toEqual([
        { seq: 1, at: day(1), type: 'release.started', payload: { version: '1.2' } },
        {
          seq: 2,
          at: day(1),
          type: 'item.state',
          payload: { item: 1, id: 'tests', from: 'pending', to: 'passed' },
        },
      ]);
      expect(read.events.get('web-1.1')?.map((e) => [e.seq, e.payload])).toEqual([
        [1, { version: '1.1' }],
        [2, { item: 1, id: 'tests', from: 'pending', to: 'passed' }],
        [4, 'not json {'],
      ]);
    });

    it('keeps the newest releases up to the bound and says it cut', async () => {
      const read = await store.readReleaseHistories('web', { types: [], maxReleases: 2 });
      expect(read.truncated).toBe(true);
      expect(read.releases.map((r) => r.version)).toEqual(['1.1', '1.2']);
      expect([...read.events.values()]).toEqual([[], []]);
      const all = await store.readReleaseHistories('web', { types: ['watch.measured'] });
      expect(all.truncated).toBe(false);
      expect(all.releases.map((r) => r.version)).toEqual(['1.0', '1.1', '1.2']);
    });
  });
}
