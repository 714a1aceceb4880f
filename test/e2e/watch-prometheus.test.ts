/**
 * `gonogo watch` against a real Prometheus (Debian's /usr/bin/prometheus, started here on
 * loopback with a temporary config and store) scraping a tiny service on loopback every second:
 * a healthy release's error-rate window passes and ticks its item; in a second release the
 * test raises the error rate after the deployment and the window fails with the value as
 * evidence, status recommends the rollback, and `audit verify` is clean. Skips, saying so, when
 * prometheus is not installed.
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos } from './cli-helper.ts';
import type { Prometheus } from './prometheus-helper.ts';
import { hasPrometheus, startPrometheus, warnWithoutPrometheus } from './prometheus-helper.ts';
import { errorRateWatch, renderWatchPlaybook } from '../../src/core/watch-playbook.fixture.ts';

warnWithoutPrometheus('the watch tests');

const query = 'sum(rate(errors_total[5s])) / sum(rate(requests_total[5s]))';

let app: Server;
let prometheus: Prometheus | undefined;
let promUrl = '';
const counters = { requests: 0, errors: 0, failing: false };
let ticker: NodeJS.Timeout | undefined;

const until = (ok: (v: number | undefined) => boolean, what: string) =>
  prometheus!.until(query, ok, what);

beforeAll(async () => {
  if (!hasPrometheus) return;
  // The service: 10 requests a tick, and half of them errors once the test says it is failing.
  ticker = setInterval(() => {
    counters.requests += 10;
    if (counters.failing) counters.errors += 5;
  }, 100);
  app = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      `# TYPE requests_total counter\nrequests_total ${counters.requests}\n# TYPE errors_total counter\nerrors_total ${counters.errors}\n`,
    );
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  prometheus = await startPrometheus((app.address() as AddressInfo).port);
  promUrl = prometheus.url;
  await until((v) => v !== undefined, 'a first error rate');
}, 90_000);

afterAll(async () => {
  if (ticker) clearInterval(ticker);
  await prometheus?.stop();
  if (app) await new Promise((r) => app.close(r));
  await removeRepos();
});

const playbook = () =>
  renderWatchPlaybook({
    name: 'Watch e2e',
    head: `prometheus: { url: "${promUrl}" }
metrics:
  error_rate: { title: Error rate, query: "${query}" }
policy:
  rollback: { when: ["error_rate > 5%", "Users unhappy"] }`,
    watches: [errorRateWatch],
  });

interface Status {
  life: {
    watches?: { item: number; outcome: string; latest?: { value?: number } }[];
    rollbackRecommended?: { item: number; evidence: string }[];
  };
}

describe.skipIf(!hasPrometheus)('gonogo watch with a real Prometheus', () => {
  it('passes a healthy release, fails one whose error rate rises, and recommends the rollback', async () => {
    const repo = await makeRepo();
    await writeFile(path.join(repo.dir, 'gonogo.yaml'), playbook());
    await repo.ok(['playbook', 'lint']);
    counters.failing = false;
    await until((v) => v === 0, 'a healthy error rate');

    await repo.ok(['release', 'start', '1.0.0']);
    const notYet = await repo.run(['watch', '--once']);
    expect(notYet.code).toBe(1);
    expect(notYet.stderr).toMatch(/not deployed to production/);
    const deployed = await repo.ok(['deploy', 'production']);
    expect(deployed.stderr).toMatch(/baseline error_rate = 0/);
    const healthy = await repo.run(['watch']);
    expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
    expect(healthy.stdout).toMatch(/metric error_rate = 0 \(successful\)/);
    expect(healthy.stdout).toMatch(/watch passed: \d+ measurements? taken within the limits/);
    const item = await repo.json<{ item: { state: string; evidence?: { watch?: unknown } } }>([
      'item',
      'show',
      'errors-low',
    ]);
    expect(item.item.state).toBe('done');
    expect(item.item.evidence?.watch).toMatchObject({
      outcome: 'passed',
      criteria: [expect.stringContaining('error_rate > 5%')],
    });

    // The second release: the error rate rises after the deployment.
    await repo.ok(['release', 'start', '1.1.0']);
    await repo.ok(['deploy', 'production']);
    counters.failing = true;
    await until((v) => v !== undefined && v > 0.05, 'the raised error rate');
    const failing = await repo.run(['watch', '--once']);
    expect(failing.code, failing.stdout + failing.stderr).toBe(1);
    expect(failing.stdout).toMatch(/metric error_rate = 0\.\d+ \(failed\)/);
    expect(failing.stdout).toMatch(
      /watch failed: 1 failed measurement, more than failureLimit 0 — rollback recommended/,
    );
    const status = await repo.json<Status>(['status']);
    const watch = status.life.watches?.[0];
    expect(watch?.outcome).toBe('failed');
    expect(watch?.latest?.value).toBeGreaterThan(0.05);
    expect(status.life.rollbackRecommended?.[0]?.evidence).toMatch(
      /metric error_rate = 0\.\d+ \(failed\)/,
    );
    const human = await repo.ok(['status']);
    expect(human.stdout).toMatch(/ROLLBACK RECOMMENDED: #\d+ Error rate stays low failed/);
    expect(human.stdout).toMatch(/gonogo rollback production/);
    expect(human.stdout).toMatch(/failure: result > 5% \(policy: error_rate > 5%\)/);
    const shown = await repo.json<{ item: { state: string } }>(['item', 'show', 'errors-low']);
    expect(shown.item.state).toBe('failed');

    const audit = await repo.run(['audit', 'verify', '--json']);
    expect(audit.code, audit.stdout).toBe(0);
    const verified = JSON.parse(audit.stdout) as { ok: boolean; releases: { checked: number }[] };
    expect(verified.ok).toBe(true);
    expect(verified.releases).toHaveLength(2);
  }, 120_000);
});
