/**
 * The scheduler of `gonogo serve` on SQLite, end to end below HTTP: a real store file, the
 * in-process change bus, the release service, and a real HTTP service on loopback as the
 * watch's `http` check target (no Prometheus needed). A production deployment plans the window;
 * the scheduler takes every measurement and decides it; stopped mid-window and started again
 * later, the measurement that came due meanwhile is taken once, late.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import { createReleaseService } from '../service/create-service.ts';
import type { ReleaseService } from '../service/service-contract.ts';
import { createMemoryChangeBus } from '../store/change-bus.ts';
import type { ChangeBus } from '../store/change-bus.ts';
import { openChangeBus } from '../store/open-change-bus.ts';
import { openStore } from '../store/open-store.ts';
import { checkPgAvailable, createTestDatabase } from '../store/store-pg.fixture.ts';
import type { Store } from '../store/store.ts';
import { schedulerActor, startServeJobs } from './cli-jobs.ts';
import { httpWatch, renderWatchPlaybook } from '../core/watch-playbook.fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'gonogo-serve-jobs-'));
const project = 'github.com/acme/app';
let target: Server;
let url = '';
let requests = 0;

beforeAll(async () => {
  target = createServer((req, res) => {
    requests++;
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
});

afterAll(async () => {
  await new Promise((r) => target.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const playbookYaml = (interval: string, window: string) =>
  renderWatchPlaybook({
    name: 'Scheduler test',
    watches: [
      { id: 'health', title: 'Health stays green', watch: httpWatch(url, interval, window) },
    ],
  });

const silent = pino({ level: 'silent' });

async function until(ok: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await ok()) return;
    await sleep(50);
  }
  throw new Error(`never happened: ${what}`);
}

function setUp(store: Store, bus: ChangeBus = createMemoryChangeBus()) {
  const releases = (actor: string, p: string): ReleaseService =>
    createReleaseService({ store, actor, project: p, changes: bus });
  return { bus, releases, svc: releases('ana@example.com', project) };
}

async function watchOf(svc: ReleaseService, version: string) {
  return (await svc.planWatches({ version })).watches[0]!;
}

async function measuredEvents(store: Store, svc: ReleaseService, version: string) {
  const plan = await svc.planWatches({ version });
  const events = await store.listEvents(plan.release.id);
  return events.filter((e) => e.type === 'watch.measured');
}

describe('gonogo serve runs watch windows on its scheduler (SQLite)', () => {
  it('plans a window when production is deployed and takes each measurement until it passes', async () => {
    const file = join(dir, 'deploy.db');
    const store = await openStore(file);
    const { bus, releases, svc } = setUp(store);
    const jobs = await startServeJobs({
      url: file,
      store,
      bus,
      releases,
      logger: silent,
      root: dir,
    });
    try {
      const { playbook } = loadPlaybook(playbookYaml('1s', '3s'), 'gonogo.yaml');
      await svc.startRelease({ playbook, version: '1.0.0' });
      await svc.deploy({ environment: 'production', version: '1.0.0' });
      await until(async () => (await watchOf(svc, '1.0.0')).outcome !== 'running', 'a decision');
      const w = await watchOf(svc, '1.0.0');
      expect(w.outcome).toBe('passed');
      expect(w.state).toBe('done');
      expect(requests).toBeGreaterThanOrEqual(3);
      const measured = await measuredEvents(store, svc, '1.0.0');
      expect(measured.map((e) => (e.payload as { slot: number }).slot)).toEqual([0, 1, 2]);
      expect(measured.every((e) => e.actor === schedulerActor)).toBe(true);
      const rows = (await store.listScheduledJobs()).filter((j) => j.kind === 'watch.measure');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((j) => j.state === 'done')).toBe(true);
    } finally {
      await jobs.stop();
      await store.close();
    }
  });

  it('takes a measurement that came due while the server was stopped once, late, on start', async () => {
    const file = join(dir, 'restart.db');
    let store = await openStore(file);
    let s = setUp(store);
    const { playbook } = loadPlaybook(playbookYaml('1s', '4s'), 'gonogo.yaml');
    await s.svc.startRelease({ playbook, version: '2.0.0' });
    let jobs = await startServeJobs({ url: file, ...s, store, logger: silent, root: dir });
    await s.svc.deploy({ environment: 'production', version: '2.0.0' });
    await until(async () => (await watchOf(s.svc, '2.0.0')).taken >= 1, 'a first measurement');
    await jobs.stop();
    await store.close();
    // Down for more than two intervals: slots pass with nothing running.
    await sleep(2500);
    store = await openStore(file);
    s = setUp(store);
    const before = (await measuredEvents(store, s.svc, '2.0.0')).length;
    expect(before).toBe(1);
    jobs = await startServeJobs({ url: file, ...s, store, logger: silent, root: dir });
    try {
      await until(
        async () => (await measuredEvents(store, s.svc, '2.0.0')).length > before,
        'the late one',
      );
      const late = (await measuredEvents(store, s.svc, '2.0.0'))[before]!.payload as {
        skipped: number;
        slot: number;
      };
      expect(late.skipped).toBeGreaterThanOrEqual(1);
      await until(async () => (await watchOf(s.svc, '2.0.0')).outcome !== 'running', 'a decision');
      const measured = await measuredEvents(store, s.svc, '2.0.0');
      // Each slot once: no slot measured twice, the late one standing for those it missed.
      const slots = measured.map((e) => (e.payload as { slot: number }).slot);
      expect(new Set(slots).size).toBe(slots.length);
      const runs = (await store.listScheduledJobs()).filter((j) => j.kind === 'watch.measure');
      expect(runs.some((j) => (j.lateMs ?? 0) >= 1000)).toBe(true);
      expect(runs.filter((j) => j.state === 'failed')).toEqual([]);
    } finally {
      await jobs.stop();
      await store.close();
    }
  });
});

const pgAvailable = await checkPgAvailable('cli-jobs.test.ts');

describe.skipIf(!pgAvailable)('two gonogo serve instances on one PostgreSQL database', () => {
  it('take each measurement of a window once between them', async () => {
    const db = await createTestDatabase();
    const said: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n'))
          if (l) said.push((JSON.parse(l) as { msg: string }).msg);
        done();
      },
    });
    const logger = pino(stream);
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const store = await openStore(db.url);
        const bus = await openChangeBus(db.url);
        const s = setUp(store, bus);
        const jobs = await startServeJobs({ url: db.url, ...s, store, logger, root: dir });
        return { store, jobs, ...s };
      }),
    );
    try {
      const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
      const { playbook } = loadPlaybook(playbookYaml('1s', '3s'), 'gonogo.yaml');
      await a.svc.startRelease({ playbook, version: '3.0.0' });
      await a.svc.deploy({ environment: 'production', version: '3.0.0' });
      await until(async () => (await watchOf(b.svc, '3.0.0')).outcome !== 'running', 'a decision');
      expect((await watchOf(b.svc, '3.0.0')).outcome).toBe('passed');
      const measured = await measuredEvents(a.store, a.svc, '3.0.0');
      // Each slot at most once (a late one stands for those it missed, so there may be fewer).
      const slots = measured.map((e) => (e.payload as { slot: number }).slot);
      expect(slots).toEqual([...new Set(slots)].sort((x, y) => x - y));
      expect(slots.at(-1)).toBe(2);
      // Each job ran once: one measurement per run, none refused as taken already.
      expect(said.filter((m) => /^watch #\d+ of 3\.0\.0 measured/.test(m))).toHaveLength(
        measured.length,
      );
      expect(said.filter((m) => /not measured/.test(m))).toEqual([]);
    } finally {
      for (const i of instances) {
        await i.jobs.stop();
        await i.bus.close();
        await i.store.close();
      }
      await db.drop();
    }
  }, 60_000);
});
