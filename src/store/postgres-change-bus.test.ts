import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EnvironmentError, InternalError } from '../core/errors.ts';
import type { ChangeBus, ReleaseChange } from './change-bus.ts';
import { openChangeBus } from './open-change-bus.ts';
import { changeChannel, createPgChangeBus } from './postgres-change-bus.ts';
import type { PostgresChangeBusOptions } from './postgres-change-bus.ts';
import { checkPgAvailable, createTestDatabase } from './store-pg.fixture.ts';

const pgAvailable = await checkPgAvailable('postgres-change-bus.test.ts');
const db = pgAvailable ? await createTestDatabase() : undefined;
afterAll(() => db?.drop());

const change = (releaseId: string, seq: number, version = '1.4.0'): ReleaseChange => ({
  project: 'acme/app',
  releaseId,
  version,
  seq,
});

/** What a subscriber heard, in order: changes as `release@seq`, resyncs as `resync`. */
function listen(bus: ChangeBus): string[] {
  const heard: string[] = [];
  bus.subscribe(
    (c) => heard.push(`${c.releaseId}@${c.seq}`),
    () => heard.push('resync'),
  );
  return heard;
}

/** Waits until `heard` holds `want` (a generous bound, only so a failure does not hang). */
async function until(heard: string[], want: string) {
  await vi.waitFor(() => expect(heard).toContain(want), { timeout: 15_000, interval: 20 });
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db!.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const backendsOf = (name: string) =>
  withAdmin(async (c) => {
    const { rows } = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [name],
    );
    return rows.map((r) => r.pid);
  });

describe.skipIf(!db)('the PostgreSQL change bus', () => {
  let n = 0;
  const open = (opts: Partial<PostgresChangeBusOptions> = {}) =>
    createPgChangeBus({
      connectionString: db!.url,
      applicationName: `gonogo-test-bus-${++n}`,
      minRetryMs: 20,
      maxRetryMs: 200,
      onError: () => undefined,
      ...opts,
    });

  it('carries a publish through one instance to the subscribers of another, and its own', async () => {
    const a = await open({ schema: 'two_instances' });
    const b = await open({ schema: 'two_instances' });
    try {
      const onA = listen(a);
      const onB = listen(b);
      await a.publish([change('r1', 1), change('r2', 7)]);
      await until(onB, 'r2@7');
      await until(onA, 'r2@7');
      expect(onB).toEqual(['r1@1', 'r2@7']);
      expect(onA).toEqual(['r1@1', 'r2@7']);
      // The payload survives the trip whole.
      const full: ReleaseChange[] = [];
      b.subscribe((c) => full.push(c));
      await a.publish([change('r3', 2, 'v2.0.0-rc.1+build')]);
      await vi.waitFor(() => expect(full).toEqual([change('r3', 2, 'v2.0.0-rc.1+build')]), {
        timeout: 15_000,
      });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps each release in seq order, and other schemas apart', async () => {
    const a = await open({ schema: 'order_a' });
    const b = await open({ schema: 'order_a' });
    const other = await open({ connectionString: `${db!.url}?schema=order_b` });
    try {
      const onB = listen(b);
      const onOther = listen(other);
      for (let seq = 1; seq <= 20; seq++) await a.publish([change('r1', seq)]);
      // A late, older signal from another instance is dropped, not delivered out of order.
      await b.publish([change('r1', 5)]);
      await other.publish([change('r9', 1)]);
      await a.publish([change('r1', 21)]);
      await until(onB, 'r1@21');
      await until(onOther, 'r9@1');
      expect(onB).toEqual(Array.from({ length: 21 }, (_, i) => `r1@${i + 1}`));
      expect(onOther).toEqual(['r9@1']);
      expect(changeChannel('order_a')).toBe('gonogo_changes_order_a');
      expect(changeChannel('x'.repeat(63))).toHaveLength(55);
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it('reconnects after its backend is terminated, signals a resync, and delivers what follows', async () => {
    const errors: unknown[] = [];
    const watcher = await open({ schema: 'reconnect', onError: (e) => errors.push(e) });
    const writer = await open({ schema: 'reconnect' });
    try {
      const heard = listen(watcher);
      const [pid] = await backendsOf(`gonogo-test-bus-${n - 1}`);
      expect(pid).toBeTypeOf('number');
      await withAdmin((c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
      await until(heard, 'resync');
      await writer.publish([change('r1', 1)]);
      await until(heard, 'r1@1');
      expect(heard).toEqual(['resync', 'r1@1']);
      expect(errors.some((e) => e instanceof EnvironmentError)).toBe(true);
      // A new backend listens in place of the terminated one.
      expect(await backendsOf(`gonogo-test-bus-${n - 1}`)).not.toContain(pid);
    } finally {
      await watcher.close();
      await writer.close();
    }
  });

  it('keeps a publish made while its connection is down and sends it once it is back', async () => {
    const writer = await open({ schema: 'down' });
    const watcher = await open({ schema: 'down' });
    try {
      const heard = listen(watcher);
      const [pid] = await backendsOf(`gonogo-test-bus-${n - 1}`);
      await withAdmin((c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
      // Whether the writer has noticed yet or not, the change is not lost.
      await writer.publish([change('r1', 3)]);
      await writer.publish([change('r1', 4)]);
      await until(heard, 'r1@4');
      expect(heard.filter((h) => h !== 'r1@3')).toEqual(['r1@4']);
    } finally {
      await writer.close();
      await watcher.close();
    }
  });

  it('ignores and reports a notification that is not a release change', async () => {
    const errors: unknown[] = [];
    const bus = await open({ schema: 'junk', onError: (e) => errors.push(e) });
    try {
      const heard = listen(bus);
      await withAdmin(async (c) => {
        await c.query('SELECT pg_notify($1, $2)', [changeChannel('junk'), 'DROP TABLE events']);
        await c.query('SELECT pg_notify($1, $2)', [changeChannel('junk'), '{"seq":"1"}']);
        await c.query('SELECT pg_notify($1, $2)', [changeChannel('junk'), '{"resync":true}']);
      });
      await until(heard, 'resync');
      expect(heard).toEqual(['resync']);
      expect(errors).toHaveLength(2);
      expect(errors.every((e) => e instanceof InternalError)).toBe(true);
    } finally {
      await bus.close();
    }
  });

  it('ends its connection on close and calls no listener afterwards', async () => {
    const closing = await open({ schema: 'close' });
    const name = `gonogo-test-bus-${n}`;
    const other = await open({ schema: 'close' });
    try {
      const heard = listen(closing);
      const still = listen(other);
      expect(await backendsOf(name)).toHaveLength(1);
      await closing.close();
      expect(await backendsOf(name)).toEqual([]);
      await other.publish([change('r1', 1)]);
      await until(still, 'r1@1');
      expect(heard).toEqual([]);
      await expect(closing.publish([change('r1', 2)])).rejects.toBeInstanceOf(InternalError);
    } finally {
      await closing.close();
      await other.close();
    }
  });

  it('is the bus openChangeBus gives for a postgres:// URL, on the schema the URL names', async () => {
    const a = await openChangeBus(`${db!.url}?schema=opened`, { onError: () => undefined });
    const b = await open({ schema: 'opened' });
    try {
      const heard = listen(b);
      // Not delivered in-process: it goes through the database to the other connection.
      await a.publish([change('r1', 1)]);
      await until(heard, 'r1@1');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('names the fix when the database cannot be reached', async () => {
    const u = new URL(db!.url);
    u.pathname = '/gonogo_no_such_database';
    const error = await open({ connectionString: u.toString() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(/gonogo_no_such_database/);
  });
});
