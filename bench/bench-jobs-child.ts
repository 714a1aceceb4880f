/**
 * The process the jobs bench measures (spawned by bench-jobs.ts): the scheduler of
 * `gonogo serve` on a fresh SQLite file with `projects` × `items` watch windows, each an `http`
 * check of the target URL (a loopback service in the parent process). Deploys every release
 * with the scheduler running, then measures its CPU and each run's lateness until every window
 * is decided, and prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServeJobs } from '../src/cli/cli-jobs.ts';
import { loadPlaybook } from '../src/core/playbook-yaml.ts';
import { createReleaseService } from '../src/service/create-service.ts';
import { createMemoryChangeBus } from '../src/store/change-bus.ts';
import { openStore } from '../src/store/open-store.ts';
import { httpWatch, renderWatchPlaybook } from '../src/core/watch-playbook.fixture.ts';

const [url = '', projects = 100, items = 10, interval = '10s', window = '60s'] = process.argv
  .slice(2)
  .map((a, i) => (i === 1 || i === 2 ? Number(a) : a)) as [string, number, number, string, string];

const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-jobs-'));
const file = join(dir, 'gonogo.db');
const store = await openStore(file);
const bus = createMemoryChangeBus();
const releases = (actor: string, project: string) =>
  createReleaseService({ store, actor, project, changes: bus });
const yaml = renderWatchPlaybook({
  name: 'Jobs bench',
  watches: Array.from({ length: items }, (_, i) => ({
    id: `w${i}`,
    title: `Watch ${i}`,
    watch: httpWatch(url, interval, window),
  })),
});
const { playbook } = loadPlaybook(yaml, 'gonogo.yaml');
const jobs = await startServeJobs({
  url: file,
  store,
  bus,
  releases,
  logger: pino({ level: 'silent' }),
  root: dir,
});
const setupStart = Date.now();
for (let p = 0; p < projects; p++) {
  const svc = releases('bench@example.com', `bench/p${p}`);
  await svc.startRelease({ playbook, version: '1.0.0' });
  await svc.deploy({ environment: 'production', version: '1.0.0' });
}
const setupEnd = Date.now();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
// Every window decided: no job waits or runs.
for (;;) {
  await new Promise((r) => setTimeout(r, 500));
  const rows = await store.listScheduledJobs();
  if (rows.every((j) => j.state === 'done' || j.state === 'failed')) break;
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await jobs.stop();
const rows = await store.listScheduledJobs();
await store.close();
rmSync(dir, { recursive: true, force: true });
const steady = rows.filter((j) => Date.parse(j.runAt) >= setupEnd);
console.log(
  JSON.stringify({
    windows: projects * items,
    setupMs: setupEnd - setupStart,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    runs: rows.length,
    failed: rows.filter((j) => j.state === 'failed').length,
    lateMs: steady.map((j) => j.lateMs ?? 0),
    lateAllMs: rows.map((j) => j.lateMs ?? 0),
  }),
);
