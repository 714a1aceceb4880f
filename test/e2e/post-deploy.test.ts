/**
 * The whole post-deploy scenario against a real Prometheus (started here on loopback, scraping a
 * real HTTP service on loopback that the test sends requests to): release 1.0.0 is deployed to
 * production and passes every due point of its watch window; 1.1.0 is deployed, the test raises
 * the service's error rate, and `gonogo watch` sees the watch fail; the playbook's rollback
 * policy (`auto: true`, `lock_on_failure: true`) then rolls production back from 1.1.0 to 1.0.0
 * by itself, runs the rollback procedure's run items (real scripts in the repository, which
 * tell the service to go back and write a log the test reads), resolves the incident, and locks
 * production until a person unlocks it. `audit verify` is clean. Skips, saying so, when
 * prometheus is not installed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos } from './cli-helper.ts';
import type { Prometheus } from './prometheus-helper.ts';
import { hasPrometheus, startPrometheus, warnWithoutPrometheus } from './prometheus-helper.ts';
import { errorRateWatch, renderWatchPlaybook } from '../../src/core/watch-playbook.fixture.ts';

warnWithoutPrometheus('the post-deploy scenario');

const query = 'sum(rate(http_errors_total[5s])) / sum(rate(http_requests_total[5s]))';

/** The service: `/` answers, with a 500 for every other request while its version is bad. */
const service = {
  version: '0.0.0',
  bad: new Set<string>(),
  requests: 0,
  errors: 0,
  calls: [] as string[],
};
let app: Server;
let appUrl = '';
let prometheus: Prometheus | undefined;
let load: NodeJS.Timeout | undefined;

beforeAll(async () => {
  if (!hasPrometheus) return;
  app = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return void res.end(
        `# TYPE http_requests_total counter\nhttp_requests_total ${service.requests}\n# TYPE http_errors_total counter\nhttp_errors_total ${service.errors}\n`,
      );
    }
    if (url.pathname === '/deploy' && req.method === 'POST') {
      // What the rollback script calls: the service runs that version from now on.
      const version = url.searchParams.get('version') ?? '?';
      service.calls.push(`deploy ${version}`);
      service.version = version;
      return void res.writeHead(204).end();
    }
    service.requests++;
    if (service.bad.has(service.version) && service.requests % 2 === 0) {
      service.errors++;
      return void res.writeHead(500).end('boom');
    }
    res.writeHead(200).end(`ok ${service.version}`);
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  // Traffic: a few requests every 50 ms, as users would send them.
  load = setInterval(() => {
    for (let i = 0; i < 4; i++)
      void fetch(appUrl).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
  }, 50);
  prometheus = await startPrometheus((app.address() as AddressInfo).port);
  await prometheus.until(query, (v) => v !== undefined, 'a first error rate');
}, 90_000);

afterAll(async () => {
  if (load) clearInterval(load);
  await prometheus?.stop();
  if (app) await new Promise((r) => app.close(r));
  await removeRepos();
});

const playbook = (promUrl: string) =>
  renderWatchPlaybook({
    name: 'Post-deploy e2e',
    head: `prometheus: { url: "${promUrl}" }
metrics:
  error_rate: { title: Error rate, query: "${query}" }
policy:
  rollback: { when: ["error_rate > 5%"], auto: true, lock_on_failure: true }`,
    watches: [errorRateWatch],
    tail: `rollback:
  - id: redeploy
    title: Previous version deployed
    run: [node, scripts/rollback.js, redeploy]
  - id: verify
    title: Service answers again
    run: [node, scripts/rollback.js, verify]`,
  });

/** The rollback procedure's script: tells the service to run the previous version, checks it. */
const script = `const fs = require('node:fs');
const step = process.argv[2];
const app = process.env.APP_URL;
const log = (line) => fs.appendFileSync(process.env.ROLLBACK_LOG, line + '\\n');
(async () => {
  if (step === 'redeploy') {
    const r = await fetch(app + '/deploy?version=' + process.env.PREVIOUS_VERSION, { method: 'POST' });
    console.log('redeployed ' + process.env.PREVIOUS_VERSION + ': ' + r.status);
    log('redeploy ' + r.status);
  } else {
    const r = await fetch(app + '/');
    const text = await r.text();
    console.log('service says: ' + text);
    log('verify ' + text);
    if (!r.ok) process.exit(1);
  }
})();
`;

interface Status {
  release: { version: string; state: string };
  life: {
    watches?: { item: number; outcome: string; latest?: { value?: number } }[];
    rollbackRecommended?: { item: number; evidence: string }[];
    rollback?: {
      incident: { openedAt: string; resolvedAt?: string; reason: string };
      deployment: { version: string; status: string };
      runsNow?: { version: string };
    };
    rollbackOpen: unknown[];
  };
}

interface EnvView {
  environment: string;
  current?: { version: string };
  lock?: { actor: string; reason: string };
}

describe.skipIf(!hasPrometheus)('the post-deploy scenario with a real Prometheus', () => {
  it('passes a healthy release, then rolls a failing one back by itself, runs the procedure and locks production', async () => {
    const rollbackLog = path.join((await makeRepo()).dir, 'rollback.log');
    const repo = await makeRepo({
      env: { APP_URL: appUrl, ROLLBACK_LOG: rollbackLog, PREVIOUS_VERSION: '1.0.0' },
    });
    await writeFile(path.join(repo.dir, 'gonogo.yaml'), playbook(prometheus!.url));
    await writeFile(path.join(repo.dir, '.gitignore'), 'gonogo.db*\n');
    await mkdir(path.join(repo.dir, 'scripts'));
    await writeFile(path.join(repo.dir, 'scripts', 'rollback.js'), script);
    await repo.git(['add', '-A']);
    await repo.commit('1.0.0 with its rollback script');
    const lint = await repo.ok(['playbook', 'lint']);
    expect(lint.stdout + lint.stderr).not.toMatch(/warning/i);

    // 1.0.0: deployed, healthy, every due point of its window passes.
    service.version = '1.0.0';
    await prometheus!.until(query, (v) => v === 0, 'a healthy error rate');
    await repo.ok(['release', 'start', '1.0.0']);
    await repo.ok(['deploy', 'production']);
    const healthy = await repo.run(['watch']);
    expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
    // On a loaded machine a measurement can start late and stand for the one it missed, so
    // the window ends with 4/4 due points taken by up to 4 measurements, every one healthy.
    const measured = healthy.stdout.match(/metric error_rate = [\d.]+ \(\w+\)/g) ?? [];
    expect(measured.length, healthy.stdout).toBeGreaterThan(0);
    expect(measured.length, healthy.stdout).toBeLessThanOrEqual(4);
    expect(
      measured.every((m) => m === 'metric error_rate = 0 (successful)'),
      healthy.stdout,
    ).toBe(true);
    expect(healthy.stdout).toMatch(/watch passed: [1-4] measurements? taken within the limits/);
    expect(healthy.stdout).toMatch(/passed +#\d+ Error rate stays low \(4\/4\)/);
    expect(healthy.stdout).not.toMatch(/ROLLED BACK|LOCKED/);
    const first = await repo.json<Status>(['status', '--release', '1.0.0']);
    expect(first.release.state).toBe('finished');

    // 1.1.0: deployed, then its error rate rises.
    await repo.commit('1.1.0');
    await repo.ok(['release', 'start', '1.1.0']);
    await repo.ok(['deploy', 'production']);
    service.calls.length = 0;
    service.bad.add('1.1.0');
    service.version = '1.1.0';
    await prometheus!.until(query, (v) => v !== undefined && v > 0.05, 'the raised error rate');
    const failing = await repo.run(['watch']);
    const said = failing.stdout + failing.stderr;
    expect(failing.code, said).toBe(1);
    expect(failing.stdout).toMatch(/metric error_rate = 0\.\d+ \(failed\)/);
    expect(failing.stdout).toMatch(
      /ROLLED BACK production from 1\.1\.0 to 1\.0\.0: recorded by the watch \(policy\.rollback\.auto\)/,
    );
    expect(failing.stdout).toMatch(
      /LOCKED production by watch errors-low: metric error_rate = 0\.\d+/,
    );
    expect(failing.stdout).toMatch(
      /done rollback step #\d+ "Previous version deployed": node scripts\/rollback\.js redeploy exited 0/,
    );
    expect(failing.stdout).toMatch(/redeployed 1\.0\.0: 204/);
    expect(failing.stdout).toMatch(
      /done rollback step #\d+ "Service answers again": node scripts\/rollback\.js verify exited 0/,
    );

    // The scripts ran, in order, against the service.
    expect(service.calls).toEqual(['deploy 1.0.0']);
    expect(await readFile(rollbackLog, 'utf8')).toBe('redeploy 204\nverify ok 1.0.0\n');

    // The record: rolled back with the target, evidence on the steps, incident with its times.
    const status = await repo.json<Status>(['status']);
    expect(status.release).toMatchObject({ version: '1.1.0', state: 'rolled-back' });
    expect(status.life.watches?.[0]?.outcome).toBe('failed');
    expect(status.life.rollbackRecommended?.[0]?.evidence).toMatch(/error_rate = 0\.\d+/);
    const rb = status.life.rollback!;
    expect(rb.deployment).toMatchObject({ version: '1.1.0', status: 'rolled-back' });
    expect(rb.runsNow?.version).toBe('1.0.0');
    expect(rb.incident.reason).toMatch(
      /^watch #\d+ "Error rate stays low" failed: metric error_rate = 0\.\d+/,
    );
    expect(Date.parse(rb.incident.openedAt)).not.toBeNaN();
    expect(Date.parse(rb.incident.resolvedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(rb.incident.openedAt),
    );
    expect(status.life.rollbackOpen).toEqual([]);
    const step = await repo.json<{
      item: { state: string; rollback?: boolean; evidence?: Record<string, unknown> };
    }>([
      'item',
      'show',
      /rollback step #(\d+) "Previous version deployed"/.exec(failing.stdout)![1]!,
    ]);
    expect(step.item.state).toBe('done');
    expect(step.item.evidence).toMatchObject({
      exitCode: 0,
      command: ['node', 'scripts/rollback.js', 'redeploy'],
    });
    expect(JSON.stringify(step.item.evidence)).toContain('redeployed 1.0.0');
    const human = await repo.ok(['status']);
    expect(human.stdout).toMatch(/rolled production back from 1\.1\.0 to 1\.0\.0/);
    expect(human.stdout).toMatch(/production runs 1\.0\.0 again/);
    expect(human.stdout).toMatch(/rollback procedure complete/);
    const log = await repo.ok(['log']);
    expect(log.stdout).toMatch(
      /rolled back production from 1\.1\.0 to 1\.0\.0 by itself: watch #\d+ failed; 2 rollback items added/,
    );
    expect(log.stdout).toMatch(/locked production by itself: watch #\d+ failed/);
    expect(log.stdout).toMatch(/rollback procedure complete; 1 incident resolved/);

    // What runs where: 1.0.0 again, production locked by the watch.
    const envs = await repo.json<EnvView[]>(['env']);
    const production = envs.find((e) => e.environment === 'production');
    expect(production?.current?.version).toBe('1.0.0');
    expect(production?.lock?.actor).toBe('watch errors-low');
    expect(production?.lock?.reason).toMatch(/^metric error_rate = 0\.\d+ \(/);
    const env = await repo.ok(['env']);
    expect(env.stdout).toMatch(/production +1\.0\.0 .*LOCKED by watch errors-low/);

    // Deployments wait for a person to unlock production.
    const refused = await repo.run(['deploy', 'production', '--release', '1.1.0']);
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/production is locked: locked by watch errors-low/);
    await repo.ok(['unlock', 'production', '--reason', 'rolled back; 1.1.1 fixes it']);
    const unlocked = await repo.json<EnvView[]>(['env']);
    expect(unlocked.find((e) => e.environment === 'production')?.lock).toBeUndefined();

    // Another look finds nothing to do: the window ended with the rollback.
    const again = await repo.run(['watch', '--once']);
    expect(again.stderr).toMatch(/release 1\.1\.0 was rolled back/);
    expect(again.stdout).not.toMatch(/rollback step/);

    const audit = await repo.run(['audit', 'verify', '--json']);
    expect(audit.code, audit.stdout).toBe(0);
    const verified = JSON.parse(audit.stdout) as { ok: boolean; releases: unknown[] };
    expect(verified.ok).toBe(true);
    expect(verified.releases).toHaveLength(2);
  }, 180_000);
});
