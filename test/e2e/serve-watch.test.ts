/**
 * `gonogo serve` runs the watch windows of a release the CLI deployed (on the same SQLite
 * file), against a real HTTP service on loopback as the `http` check target. Stopped (SIGTERM)
 * after the first measurement and started again once more slots have passed, the server takes
 * the measurement that came due while it was down once, logs how late it was, and finishes the
 * window; `audit verify` is clean.
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos } from './cli-helper.ts';
import { startServe } from './server-helper.ts';
import { httpWatch, renderWatchPlaybook } from '../../src/core/watch-playbook.fixture.ts';

let target: Server;
let url = '';

beforeAll(async () => {
  target = createServer((req, res) => void res.writeHead(req.url === '/health' ? 200 : 404).end());
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
});

afterAll(async () => {
  await new Promise((r) => target.close(r));
  await removeRepos();
});

async function until(ok: () => boolean, what: string, log: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (ok()) return;
    await sleep(50);
  }
  throw new Error(`never happened: ${what}\n${log()}`);
}

const measuredLines = (log: string) =>
  log.split('\n').filter((l) => /"msg":"watch #\d+ of 1\.0\.0 measured/.test(l));

describe('gonogo serve runs watch windows', () => {
  it('measures a deployed release, and after a restart takes the missed measurement once, late', async () => {
    const repo = await makeRepo();
    await writeFile(
      path.join(repo.dir, 'gonogo.yaml'),
      renderWatchPlaybook({
        name: 'Serve watch',
        watches: [{ id: 'health', title: 'Health stays green', watch: httpWatch(url, '1s', '5s') }],
      }),
    );
    await repo.ok(['release', 'start', '1.0.0']);
    await repo.ok(['deploy', 'production']);

    const first = await startServe(repo.db, repo.dir);
    await until(
      () => measuredLines(first.stderr()).length >= 1,
      'a first measurement',
      first.stderr,
    );
    expect(await first.stop()).toBe(0);
    expect(first.stderr()).toMatch(/"msg":"scheduler started"/);
    expect(first.stderr()).toMatch(/"msg":"scheduler stopped"/);
    const before = measuredLines(first.stderr()).length;

    await sleep(2500); // slots pass while no server runs
    const second = await startServe(repo.db, repo.dir);
    try {
      await until(
        () => /"outcome":"passed"/.test(second.stderr()),
        'the window passed',
        second.stderr,
      );
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(second.stderr()).toMatch(/"msg":"job watch:[^"]+ runs late by \d+s"/);
    if (process.env.GONOGO_E2E_SHOW_LOG) console.log(second.stderr());
    const status = await repo.json<{
      life: { watches?: { outcome: string; taken: number; count: number }[] };
    }>(['status']);
    expect(status.life.watches?.[0]).toMatchObject({ outcome: 'passed', taken: 5, count: 5 });
    // Fewer measurements than slots: the late one stood for those missed, none was taken twice.
    const after = measuredLines(second.stderr()).length;
    expect(before + after).toBeLessThan(5);
    const audit = await repo.run(['audit', 'verify', '--json']);
    expect(audit.code, audit.stdout).toBe(0);
  }, 60_000);
});
