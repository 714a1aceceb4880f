/**
 * The metrics page in Debian's Chromium against a real `gonogo serve` on SQLite: a history made
 * through the release service over HTTP (two releases deployed to production, the second rolled
 * back, a third in progress, an optional item marked n/a), reached from the dashboard's link;
 * the four key tiles show the numbers `GET .../metrics` answers, the three charts draw their
 * canvases with a table beside each, the process tables show what `GET .../analytics` says, the
 * period picker asks again for staging, and axe-core finds no serious or critical violation.
 * Screenshots at 375 and 1440 px, light and dark.
 */
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/core/playbook-yaml.ts';
import { createHttpReleaseService } from '../../src/client/http-release-service.ts';
import {
  addUser,
  adminPassword,
  apiClient,
  makeServerWorkspace,
  makeToken,
  projectPath,
  setUp,
  startServe,
} from './server-helper.ts';
import {
  hasChromium,
  launchBrowser,
  screenshotBoth,
  seriousViolations,
  watchProblems,
} from './web-helper.ts';

if (!hasChromium) {
  console.warn('web metrics tests skipped: no /usr/bin/chromium (apt-get install chromium)');
}
const { dir, cleanups } = await makeServerWorkspace('web metrics', 'web.db');

const project = 'github.com/acme/metrics';
const yaml = `name: Metrics
roles:
  release-manager: { name: Release Manager, members: [dev@example.com] }
environments: [staging, production]
phases:
  - id: build
    title: Build
    items:
      - { id: tests, title: Tests pass }
      - { id: docs, title: Docs updated, optional: true }
  - id: go-no-go
    title: Go / no-go
    gate: [release-manager]
  - id: verify
    title: Verify
    items:
      - { id: smoke, title: Smoke test }
`;

interface KeyAnswer {
  value: number | null;
  unit: 'per-day' | 'seconds' | 'ratio';
}

describe.skipIf(!hasChromium)('the metrics page', () => {
  it('shows the four keys as the API counts them, charts with tables, and the process', async () => {
    const served = await startServe(`${dir}/web.db`, dir);
    cleanups.push(() => served.kill());
    const api = apiClient(served.base);
    const admin = await setUp(api, served.setupCode!, project);
    const dev = await addUser(api, admin, project, 'dev@example.com', ['release-manager']);
    const { secret } = await makeToken(api, dev, project, ['release-manager']);
    const svc = createHttpReleaseService({ baseUrl: served.base, token: secret, project });
    const { playbook } = loadPlaybook(yaml, 'gonogo.yaml');

    // The history, through the service: 1.0.0 and 1.1.0 reach production, 1.1.0 is rolled back.
    for (const version of ['1.0.0', '1.1.0']) {
      await svc.startRelease({ playbook, version, commit: 'a'.repeat(40) });
      await svc.actOnItems({ refs: ['tests'], action: 'done' });
      if (version === '1.0.0') {
        await svc.actOnItems({ refs: ['docs'], action: 'na', note: 'no user-facing change' });
      }
      await svc.sign({ role: 'release-manager', verdict: 'go', gate: 'go-no-go' });
      await svc.deploy({ environment: 'staging' });
      await svc.deploy({ environment: 'production' });
    }
    await svc.rollback({ environment: 'production', reason: 'error rate 7%' });
    await svc.startRelease({ playbook, version: '1.2.0', commit: 'b'.repeat(40) });

    const browser = await launchBrowser();
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${served.base}/sign-in`);
    await page.getByLabel('E-mail').fill('admin@example.com');
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // From the dashboard's link to the page, and it is in the project's navigation.
    await page.getByRole('link', { name: `Metrics of ${project}` }).click();
    await page.getByRole('heading', { name: 'Metrics', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/projects/${encodeURIComponent(project)}/metrics`);
    expect(await page.title()).toBe(`Metrics · ${project} · gonogo`);
    const nav = page.getByRole('navigation', { name: 'Project' });
    expect(await nav.getByRole('link', { name: 'Metrics' }).getAttribute('aria-current')).toBe(
      'page',
    );

    // The tiles say what the API says.
    const metrics = (
      await api<{ keys: Record<string, KeyAnswer> }>(`${projectPath(project)}/metrics`, {
        headers: admin,
      })
    ).body;
    const tiles = page.locator('.mx-tile');
    await tiles.first().waitFor();
    expect(await tiles.count()).toBe(4);
    for (const [name, key] of Object.entries(metrics.keys)) {
      const tile = page.locator(`.mx-tile[data-key="${name}"]`);
      expect(await tile.getAttribute('data-value')).toBe(
        key.value === null ? '' : String(key.value),
      );
    }
    // Two production deployments, one rolled back: 50 %.
    expect(metrics.keys.changeFailureRate?.value).toBe(0.5);
    expect(
      await page.locator('.mx-tile[data-key="changeFailureRate"] .mx-value').textContent(),
    ).toBe('50%');

    // The charts draw on canvases, each with its table.
    await page.locator('.mx-plot canvas').nth(2).waitFor();
    expect(await page.locator('.mx-plot canvas').count()).toBe(3);
    expect(await page.locator('figure.mx-chart details table').count()).toBe(3);
    await page.getByText('Production deployments per week: as a table').click();
    const weekRows = page.locator('figure.mx-chart').first().locator('details tbody tr');
    let deployments = 0;
    for (const cell of await weekRows.locator('td').allTextContents()) deployments += Number(cell);
    expect(deployments).toBe(2);

    // The process tables: what the analytics answer says.
    const analytics = (
      await api<{
        releases: { total: number; deployed: number; rolledBack: number };
        skippedItems: { title: string; reasons: string[] }[];
      }>(`${projectPath(project)}/analytics`, { headers: admin })
    ).body;
    expect(analytics.releases).toMatchObject({ total: 3, deployed: 2, rolledBack: 1 });
    const cycles = page.getByRole('table', { name: 'Cycle time per release' });
    expect(await cycles.locator('tbody tr').count()).toBe(3);
    expect(await cycles.locator('tbody tr', { hasText: '1.1.0' }).textContent()).toContain(
      'rolled back',
    );
    const skipped = page.getByRole('table', { name: 'Most often waived or n/a' });
    expect(await skipped.locator('tbody tr').first().textContent()).toContain(
      'no user-facing change',
    );
    expect(analytics.skippedItems[0]).toMatchObject({
      title: 'Docs updated',
      reasons: ['no user-facing change'],
    });

    expect(await seriousViolations(page)).toEqual([]);
    await screenshotBoth(page, 'metrics');

    // The period picker: staging, in the page's address too.
    await page.getByLabel('Environment').fill('staging');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/env=staging/);
    const staging = (
      await api<{ keys: Record<string, KeyAnswer> }>(
        `${projectPath(project)}/metrics?env=staging`,
        { headers: admin },
      )
    ).body;
    const frequency = page.locator('.mx-tile[data-key="deploymentFrequency"]');
    await expect
      .poll(() => frequency.getAttribute('data-value'))
      .toBe(String(staging.keys.deploymentFrequency?.value ?? ''));
    expect(problems).toEqual([]);
  });
});
