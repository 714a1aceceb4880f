/**
 * The PostgreSQL scheduler (graphile-worker) with two instances on one database (each its own
 * pool and worker, as two servers would have): every job runs exactly once. Each run gets a
 * database of its own; without PostgreSQL on 127.0.0.1:5432 the suite skips and says so.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPgAvailable, createTestDatabase } from '../store/store-pg.fixture.ts';
import type { JobRun } from './jobs-scheduler.ts';
import { createGraphileScheduler } from './jobs-graphile.ts';

const pgAvailable = await checkPgAvailable('jobs-graphile.test.ts');
const db = pgAvailable ? await createTestDatabase() : undefined;
afterAll(async () => {
  await db?.drop();
});

const silent = pino({ level: 'silent' });

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (ok()) return;
    await sleep(50);
  }
  throw new Error(`never happened: ${what}`);
}

describe.skipIf(!pgAvailable)('the graphile-worker scheduler on PostgreSQL', () => {
  it('runs every job exactly once with two instances on one database', async () => {
    const ran = new Map<string, string[]>();
    const lates: number[] = [];
    const handlerOf = (instance: string) => ({
      tick: async (run: JobRun) => {
        ran.set(run.key, [...(ran.get(run.key) ?? []), instance]);
        lates.push(run.lateMs);
        await sleep(5);
        return `ran on ${instance}`;
      },
    });
    const make = (instance: string) =>
      createGraphileScheduler({
        connectionString: db!.url,
        handlers: handlerOf(instance),
        logger: silent,
        concurrency: 4,
        pollIntervalMs: 200,
      });
    const [a, b] = await Promise.all([make('a'), make('b')]);
    try {
      await a.start();
      await b.start();
      const n = 80;
      const now = Date.now();
      // Half scheduled by each instance; some due already (late), some a moment ahead; every
      // key scheduled twice, so a second schedule moves the job rather than adding one.
      for (let i = 0; i < n; i++) {
        const by = i % 2 ? a : b;
        const job = { key: `tick:${i}`, kind: 'tick', payload: { i } };
        await by.schedule(job, new Date(now + 60_000));
        await by.schedule(job, new Date(now + (i % 4 === 0 ? -5_000 : (i % 10) * 50)));
      }
      await until(() => ran.size === n, `all ${n} jobs ran`);
      await sleep(500); // time enough for a duplicate to show
      expect(ran.size).toBe(n);
      const twice = [...ran].filter(([, by]) => by.length !== 1);
      expect(twice).toEqual([]);
      // Both instances took work, and the jobs due before the workers saw them say so.
      const by = new Set([...ran.values()].flat());
      expect(by.size).toBe(2);
      expect(lates.some((l) => l >= 5_000)).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);
});
