import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.ts';
import type { JobRun } from './jobs-scheduler.ts';
import { describeLate } from './jobs-scheduler.ts';
import { createStoreScheduler } from './jobs-store-scheduler.ts';

const dir = mkdtempSync(join(tmpdir(), 'gonogo-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pino logger whose lines the test reads. */
function memoryLogger() {
  const lines: { msg: string; lateMs?: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: pino(stream), lines };
}

async function until(ok: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await ok()) return;
    await sleep(50);
  }
  throw new Error(`never happened: ${what}`);
}

describe('the in-process scheduler on SQLite', () => {
  it('runs a job that came due while it was stopped once on start, and says how late', async () => {
    const file = join(dir, 'restart.db');
    const runs: JobRun[] = [];
    const handlers = {
      note: async (run: JobRun) => {
        runs.push(run);
        return `noted ${String((run.payload as { n: number }).n)}`;
      },
    };
    let store = await openStore(file);
    const first = createStoreScheduler({ store, handlers, logger: memoryLogger().logger });
    await first.start();
    await first.schedule(
      { key: 'note:1', kind: 'note', payload: { n: 1 } },
      new Date(Date.now() + 60_000),
    );
    await first.stop();
    await store.close();
    expect(runs).toHaveLength(0);

    // Later: an hour on, the process starts again (the clock says so).
    store = await openStore(file);
    const { logger, lines } = memoryLogger();
    const hourOn = () => new Date(Date.now() + 3_600_000);
    const second = createStoreScheduler({ store, handlers, logger, now: hourOn });
    await second.start();
    await until(() => runs.length === 1, 'the late job ran');
    await second.stop();
    expect(runs[0]!.lateMs).toBeGreaterThanOrEqual(59 * 60_000);
    expect(lines.some((l) => /^job note:1 runs late by 59m/.test(l.msg))).toBe(true);
    const rows = await store.listScheduledJobs('note:1');
    expect(rows).toMatchObject([{ state: 'done', outcome: 'noted 1' }]);
    expect(rows[0]!.lateMs).toBeGreaterThanOrEqual(59 * 60_000);

    // Started once more: nothing is due, nothing runs again.
    const third = createStoreScheduler({ store, handlers, logger, now: hourOn });
    await third.start();
    await sleep(200);
    await third.stop();
    expect(runs).toHaveLength(1);
    await store.close();
  });

  it('claims each due job once when two schedulers share the queue', async () => {
    const store = await openStore(join(dir, 'two.db'));
    const count = new Map<string, number>();
    const handlers = {
      tick: async (run: JobRun) => {
        count.set(run.key, (count.get(run.key) ?? 0) + 1);
        await sleep(1);
        return undefined;
      },
    };
    const { logger } = memoryLogger();
    const a = createStoreScheduler({ store, handlers, logger, concurrency: 4 });
    const b = createStoreScheduler({ store, handlers, logger, concurrency: 4 });
    const n = 60;
    for (let i = 0; i < n; i++)
      await a.schedule({ key: `tick:${i}`, kind: 'tick', payload: {} }, new Date(Date.now() - i));
    await Promise.all([a.start(), b.start()]);
    await until(
      async () => (await store.listScheduledJobs()).every((j) => j.state === 'done'),
      'every job ran',
    );
    await Promise.all([a.stop(), b.stop()]);
    expect(count.size).toBe(n);
    expect([...count.values()].every((c) => c === 1)).toBe(true);
    await store.close();
  });

  it('records a failing run with its reason and moves a waiting job when scheduled again', async () => {
    const store = await openStore(join(dir, 'fail.db'));
    const { logger } = memoryLogger();
    const s = createStoreScheduler({
      store,
      logger,
      handlers: {
        boom: async () => {
          throw new Error('the target refused');
        },
      },
    });
    await s.schedule({ key: 'b', kind: 'boom', payload: {} }, new Date(Date.now() + 3_600_000));
    await s.schedule({ key: 'b', kind: 'boom', payload: {} }, new Date(Date.now() - 10));
    expect(await store.listScheduledJobs('b')).toHaveLength(1);
    await s.start();
    await until(
      async () => (await store.listScheduledJobs('b'))[0]?.state === 'failed',
      'the run failed',
    );
    await s.stop();
    expect((await store.listScheduledJobs('b'))[0]?.outcome).toBe('the target refused');
    await store.close();
  });
});

describe('one run of a key at a time', () => {
  it('lets a key scheduled again while it runs wait for that run', async () => {
    const store = await openStore(join(dir, 'key.db'));
    const { logger } = memoryLogger();
    let going = 0;
    let most = 0;
    let runs = 0;
    const s = createStoreScheduler({
      store,
      logger,
      handlers: {
        again: async () => {
          going++;
          most = Math.max(most, going);
          runs++;
          if (runs === 1) await s.schedule({ key: 'k', kind: 'again', payload: {} }, new Date());
          await sleep(100);
          going--;
          return undefined;
        },
      },
    });
    await s.schedule({ key: 'k', kind: 'again', payload: {} }, new Date());
    await s.start();
    await until(() => runs === 2 && going === 0, 'both runs');
    await s.stop();
    expect(most).toBe(1);
    await store.close();
  });
});

describe('describeLate', () => {
  it('says on time under a second and the delay above', () => {
    expect(describeLate(300)).toBe('on time');
    expect(describeLate(90_500)).toBe('late by 1m31s');
    expect(describeLate(3_600_000)).toBe('late by 1h');
  });
});
