/**
 * The release page after the gate, live, in a real browser (Debian's Chromium through
 * playwright-core) against a real `gonogo serve` on SQLite: check results posted by the CLI with
 * a token (`gonogo check` against the server, in a git repository at the release commit) arrive
 * on the open page without a reload; a deployment refused on NO-GO shows its blockers, then GO,
 * a production deployment recorded from the page, and the dashboard's environment grid follows;
 * a rollback whose page was drawn before another change answers 409, shows what changed
 * meanwhile and keeps the reason, then goes through and shows the rollback banner with what runs
 * again and its procedure; the server stopped and started again on the same port and database
 * shows the lost-connection banner, then recovers by itself with no event missed.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import type { Repo } from './cli-helper.ts';
import { makeRepo, removeRepos } from './cli-helper.ts';
import {
  adminPassword,
  apiClient,
  makeServerWorkspace,
  makeToken,
  projectPath,
  setUp,
  startServe,
} from './server-helper.ts';
import type { Api, Headerset, Served } from './server-helper.ts';
import { hasChromium, launchBrowser, screenshotBoth, seriousViolations } from './web-helper.ts';

if (!hasChromium) {
  console.warn('web live tests skipped: no /usr/bin/chromium (apt-get install chromium)');
}
const { dir, cleanups } = await makeServerWorkspace('web live', 'live.db');
afterAll(removeRepos);

const project = 'github.com/acme/live';
const p = projectPath(project);
const rel = `${p}/releases/1.0.0`;

const playbook = `name: Web live
project: ${project}
roles:
  qa-lead: QA Lead
  lead: Team Lead
environments: [staging, production]
policy:
  force: [lead]
phases:
  - id: checks
    title: Automated checks
    items:
      - id: readme
        title: README present
        check: { file: README.md }
      - id: license
        title: LICENSE present
        check: { file: LICENSE }
      - id: notes
        title: Release notes written
  - id: ship
    title: Ship
    gate: [qa-lead]
    items:
      - title: Deploy the application
        deploys: production
  - id: monitoring
    title: After the release
    sections:
      - title: First hour
        due: +1h
        items:
          - title: Error rate normal
rollback:
  - title: Previous version redeployed
  - title: Customers told
`;

/** What the tests share, set up by the first. */
let served: Served;
let api: Api;
let admin: Headerset;
let repo: Repo;
let page: Page;
let releaseUrl: string;

/** Starts `gonogo serve` on the test's database, on `port` (0: any). */
async function serve(port = 0): Promise<Served> {
  const s = await startServe(path.join(dir, 'live.db'), dir, port ? ['--port', String(port)] : []);
  cleanups.push(() => s.kill());
  return s;
}

// A whole scenario in a real browser: minutes on a loaded machine, not the unit default.
describe.skipIf(!hasChromium)('the web UI after the gate, live', { timeout: 180_000 }, () => {
  it('shows check results the CLI posts with a token without a reload', async () => {
    served = await serve();
    api = apiClient(served.base);
    admin = await setUp(api, served.setupCode!, project);
    const roles = await api(`${p}/members/admin%40example.com`, {
      method: 'PUT',
      headers: admin,
      json: { roles: ['admin', 'qa-lead', 'lead'] },
    });
    expect(roles.status, roles.text).toBe(200);

    // The repository the checks read: README.md at the release commit, no LICENSE.
    repo = await makeRepo({ user: 'ci@example.com' });
    writeFileSync(path.join(repo.dir, 'README.md'), '# live\n');
    await repo.git(['add', 'README.md']);
    const commit = await repo.commit('readme');

    // 0.9.0 runs in production (forced past its gate through the API), then 1.0.0 starts.
    const old = await api(`${p}/releases`, {
      method: 'POST',
      headers: admin,
      json: { version: '0.9.0', commit: 'a'.repeat(40), playbookYaml: playbook },
    });
    expect(old.status, old.text).toBe(201);
    const forced = await api(`${p}/releases/0.9.0/deployments`, {
      method: 'POST',
      headers: admin,
      json: { environment: 'production', force: { reason: 'hotfix before gonogo' } },
    });
    expect(forced.status, forced.text).toBe(201);
    const started = await api(`${p}/releases`, {
      method: 'POST',
      headers: admin,
      json: { version: '1.0.0', commit, playbookYaml: playbook },
    });
    expect(started.status, started.text).toBe(201);

    const browser = await launchBrowser();
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    releaseUrl = `${served.base}/projects/${encodeURIComponent(project)}/releases/1.0.0`;
    await page.goto(releaseUrl);
    await page.getByLabel('E-mail').fill('admin@example.com');
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Release 1.0.0' }).waitFor();
    expect(await page.locator('.life').textContent()).toContain('in progress');
    expect(await page.locator('#item-1 .state').textContent()).toBe('open');

    // CI runs the checks against the server with a token; the open page shows the results.
    const { secret } = await makeToken(api, admin, project, ['member']);
    const checked = await repo.run(['check', '--project', project, '--release', '1.0.0'], {
      env: {
        GONOGO_DB: undefined,
        GONOGO_USER: undefined,
        GONOGO_SERVER: served.base,
        GONOGO_TOKEN: secret,
      },
    });
    expect(checked.code, checked.stdout + checked.stderr).toBe(1);
    await expect.poll(() => page.locator('#item-1 .state').textContent()).toBe('passed');
    await expect.poll(() => page.locator('#item-2 .state').textContent()).toBe('failed');
    await page.locator('.timeline li', { hasText: 'check passed on #1' }).waitFor();
  });

  it('refuses a deployment on NO-GO with its blockers, then deploys on GO; the dashboard follows', async () => {
    // The dashboard, open in a second tab: production runs 0.9.0.
    const dashboard = await page.context().newPage();
    await dashboard.goto(`${served.base}/`);
    const production = dashboard.locator('tr', {
      has: dashboard.getByRole('rowheader', { name: 'production' }),
    });
    await expect.poll(() => production.locator('td').first().textContent()).toBe('0.9.0');

    // NO-GO: the refusal lists the blockers, each linked to its item.
    const deployButton = page.getByRole('button', { name: 'Record deployment to production' });
    await deployButton.click();
    const refusal = page.locator('.deploy-controls .error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/The gate says NO-GO/);
    expect(await page.locator('.blockers.refused a[href="#item-2"]').count()).toBe(1);
    expect(await page.locator('.blockers.refused li', { hasText: /qa-lead|QA Lead/ }).count()).toBe(
      1,
    );
    // A role the policy names may force it; the control says so.
    await page.getByRole('button', { name: 'Force deployment to production' }).waitFor();

    // GO: the failed check waived, the notes ticked, the QA lead's go, all through the API.
    for (const json of [
      { refs: ['license'], action: 'waive', note: 'licence lives in the parent repo' },
      { refs: ['notes'], action: 'done' },
    ]) {
      const r = await api(`${rel}/items/actions`, { method: 'POST', headers: admin, json });
      expect(r.status, r.text).toBe(200);
    }
    const signed = await api(`${rel}/signoffs`, {
      method: 'POST',
      headers: admin,
      json: { role: 'qa-lead', verdict: 'go', gate: 'ship' },
    });
    expect(signed.status, signed.text).toBe(201);
    await expect.poll(() => page.locator('#gate-title .badge').textContent()).toBe('GO');

    await deployButton.click();
    const row = page.locator('table.deployments tbody tr').first();
    await expect.poll(() => row.locator('th').textContent()).toBe('production');
    expect(await row.textContent()).toContain('succeeded');
    expect(await row.textContent()).toContain('admin@example.com');
    await expect.poll(() => page.locator('.life').textContent()).toMatch(/Deployed to production/);
    // The deploy item ticked itself; the follow-up is due an hour after the deployment.
    const shipped = await api<{ items: { title: string; state: string }[] }>(rel, {
      headers: admin,
    });
    expect(shipped.body.items.find((i) => i.title === 'Deploy the application')?.state).toBe(
      'done',
    );
    const followUp = page.locator('.followups li', { hasText: 'Error rate normal' });
    expect(await followUp.textContent()).toMatch(/due .* \(\+1h\)/);

    // The dashboard's grid changes by itself: production runs 1.0.0 now.
    await expect
      .poll(() => production.locator('td').first().textContent(), { timeout: 15_000 })
      .toBe('1.0.0');
    await dashboard.close();
  });

  it('answers a stale rollback with what changed meanwhile, keeps the reason, then rolls back', async () => {
    const reason = page.getByLabel('Why roll back production? (required)');
    await page.getByRole('button', { name: 'Roll back production' }).click();
    await page.getByText('Give the reason for the rollback').waitFor();
    await reason.fill('error rate 7% after the deploy');

    // Someone records a decision while the page still shows the release as it was: its event
    // arrives, but the page's re-read of the status is held, as on a slow connection.
    const held: Route[] = [];
    await page.route('**/api/v1/**/status', (route) => void held.push(route));
    const decided = await api(`${rel}/decisions`, {
      method: 'POST',
      headers: admin,
      json: { gate: 'ship' },
    });
    expect(decided.status, decided.text).toBe(201);
    await page.locator('.timeline li', { hasText: 'decided GO for ship' }).waitFor();
    await page.getByRole('button', { name: 'Roll back production' }).click();
    const conflict = page.locator('.rollback-control .error');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('The release changed while you were deciding');
    expect(await conflict.locator('.changed li').allTextContents()).toEqual([
      'admin@example.com: decided GO for ship',
    ]);
    expect(await reason.inputValue()).toBe('error rate 7% after the deploy');

    // The page catches up; the same click now rolls back.
    const caughtUp = page.waitForResponse((r) => r.url().endsWith('/status') && r.ok());
    for (const route of held) await route.continue();
    await page.unroute('**/api/v1/**/status');
    await caughtUp;
    await page.getByRole('button', { name: 'Roll back production' }).click();
    const banner = page.locator('section.rollback');
    await banner.waitFor();
    expect(await banner.locator('h2').textContent()).toMatch(
      /^ROLLED BACK from production .* by admin@example\.com: error rate 7% after the deploy$/,
    );
    expect(await banner.textContent()).toContain('production runs 0.9.0 again (aaaaaaa)');
    expect(await banner.locator('.procedure a').allTextContents()).toEqual([
      expect.stringContaining('Previous version redeployed'),
      expect.stringContaining('Customers told'),
    ]);
    expect(await page.locator('.life .badge').textContent()).toBe('rolled back');
    expect(await page.locator('table.deployments tbody tr').first().textContent()).toContain(
      'rolled back',
    );
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotBoth(page, 'release-rolled-back');
  });

  it('shows a quiet banner while the server is away and recovers by itself, missing no event', async () => {
    const port = Number(new URL(served.base).port);
    expect(await served.stop()).toBe(0);
    const banner = page.getByText('Live updates paused');
    await banner.waitFor();

    served = await serve(port);
    // A change made right after the restart, maybe before the page is back: it must arrive.
    const procedure = (
      await api<{ items: { number: number; rollback: boolean }[] }>(rel, { headers: admin })
    ).body.items.filter((i) => i.rollback);
    const ticked = await api(`${rel}/items/actions`, {
      method: 'POST',
      headers: admin,
      json: { refs: [String(procedure[0]!.number)], action: 'done' },
    });
    expect(ticked.status, ticked.text).toBe(200);
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await expect
      .poll(() => page.locator(`#item-${procedure[0]!.number} .state`).textContent())
      .toBe('done');
    await expect.poll(() => page.locator('section.rollback .procedure li').count()).toBe(1);

    // Every event of the log once, in order: none missed, none twice.
    const log = await api<{ events: { seq: number }[] }>(`${rel}/events`, { headers: admin });
    await expect
      .poll(() => page.locator('.timeline li').count())
      .toBe(Math.min(30, log.body.events.length));
    expect(page.url()).toBe(releaseUrl);

    // 0.9.0 runs in production again: its page says so, with its forced deployment's reason.
    await page.goto(releaseUrl.replace('1.0.0', '0.9.0'));
    await expect.poll(() => page.locator('.life').textContent()).toMatch(/Deployed to production/);
    expect(await page.locator('table.deployments .forced').textContent()).toContain(
      'forced past NO-GO by admin@example.com: hotfix before gonogo',
    );
  });
});
