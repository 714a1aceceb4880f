/**
 * The project pages of the web UI in Debian's Chromium against a real `gonogo serve` on SQLite:
 * a project created from the UI; seed 002 pasted into the import box, previewed with its
 * automated items marked and the importer's report, saved; a release started from the playbook
 * page; a broken gonogo.yaml linted with line:col, a click putting the caret there, then a valid
 * one with a release window saved from that box and the window read in words on the settings
 * page; there a QA lead added (the account created on the spot), given the playbook's role, a
 * stale role change refused with the current roles shown and the input kept; an API token
 * created (shown once), used by the CLI, revoked and then refused. axe-core finds no serious or
 * critical violation; screenshots of the playbook view at 375 and 1440 px, light and dark.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSeeds, run, seedsDir } from './cli-helper.ts';
import {
  adminPassword,
  apiClient,
  makeServerWorkspace,
  projectPath,
  sessionHeaders,
  startServe,
} from './server-helper.ts';
import {
  hasChromium,
  launchBrowser,
  screenshotBoth,
  seriousViolations,
  watchProblems,
} from './web-helper.ts';

const seed002 = hasSeeds ? readdirSync(seedsDir).find((f) => f.startsWith('002_')) : undefined;
if (!hasChromium) {
  console.warn('web playbook tests skipped: no /usr/bin/chromium (apt-get install chromium)');
}
if (!seed002) console.warn(`web playbook tests skipped: no seed 002_* in ${seedsDir}`);
const { dir, cleanups } = await makeServerWorkspace('web playbook', 'web.db');

const project = 'github.com/acme/app';
const windowed = `name: Windowed
roles:
  team-lead: Team Lead
  release-manager: Release Manager
environments: [production]
policy:
  window:
    timezone: Europe/Berlin
    deny: [fri, sat, sun]
    freezes:
      - { from: 2026-12-20, to: 2027-01-02, reason: Holiday freeze }
phases:
  - id: pre-release
    title: Pre-release
    gate: [team-lead]
    items:
      - id: changelog
        title: CHANGELOG updated
        check: changelog
`;

// A whole scenario in a real browser: minutes on a loaded machine, not the unit default.
describe.skipIf(!hasChromium || !seed002)(
  'the playbook and settings pages',
  { timeout: 180_000 },
  () => {
    it('imports seed 002, starts a release, lints YAML, manages members and tokens', async () => {
      const served = await startServe(`${dir}/web.db`, dir);
      cleanups.push(() => served.kill());
      const api = apiClient(served.base);
      const browser = await launchBrowser();
      cleanups.push(() => browser.close());
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const problems = watchProblems(page);

      await page.goto(`${served.base}/`);
      await page.waitForURL(/\/setup$/);
      await page.getByLabel('One-time code from the log').fill(served.setupCode!);
      await page.getByLabel('Your e-mail').fill('admin@example.com');
      await page.getByLabel(/^Password/).fill(adminPassword);
      await page.getByRole('button', { name: 'Create the administrator' }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

      // A project from the UI: "New project" → its playbook page, which has none yet.
      await page.getByRole('link', { name: 'New project' }).click();
      await page.getByLabel('Project id').fill(project);
      await page.getByRole('button', { name: 'Create the project' }).click();
      await page.getByRole('heading', { name: 'Playbook', level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe(
        `/projects/${encodeURIComponent(project)}/playbook`,
      );
      expect(await page.title()).toBe(`Playbook · ${project} · gonogo`);
      await page.locator('.pb-empty').waitFor();

      // Seed 002 into the import box: a preview with the automated items marked, and the report.
      const markdown = readFileSync(path.join(seedsDir, seed002!), 'utf8');
      await page.getByLabel('Markdown checklist', { exact: true }).fill(markdown);
      await page.getByRole('button', { name: 'Preview the playbook' }).click();
      const preview = page.getByRole('region', { name: 'Imported playbook preview' });
      await preview.waitFor();
      const automated = await preview.locator('.pb-item.automated').count();
      expect(automated).toBeGreaterThan(5);
      expect(await preview.locator('.pb-item.automated .pb-check').first().textContent()).toMatch(
        /^ ?automated: check \S+/,
      );
      expect(await page.locator('.pb-stats').textContent()).toMatch(/\d+ automated by a check/);
      await page.getByText(/What became of each of the \d+ headings/).click();
      await page.locator('.pb-report td', { hasText: 'playbook name' }).first().waitFor();
      expect(await page.locator('.pb-roles li').count()).toBeGreaterThan(0);

      // Saved, it is the project's playbook (after a reload too).
      await page.getByRole('button', { name: 'Save as the project’s playbook' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved as playbook' }).waitFor();
      const current = page.getByRole('region', { name: 'The project’s playbook' });
      await current.waitFor();
      await page.reload();
      await current.waitFor();
      expect(await current.locator('.pb-item.automated').count()).toBe(automated);
      expect(await current.locator('.pb-gate').count()).toBeGreaterThan(0);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshotBoth(page, 'playbook');

      // A release from the playbook page opens its release page.
      await page.getByLabel('Version').fill('1.0.0');
      await page.getByLabel('Commit (optional)').fill('c'.repeat(40));
      await page.getByRole('button', { name: 'Start the release' }).click();
      await page.getByRole('heading', { name: 'Release 1.0.0' }).waitFor();
      await page
        .getByRole('navigation', { name: 'Project' })
        .getByRole('link', { name: 'Releases' })
        .click();
      await page.getByRole('link', { name: '1.0.0' }).waitFor();

      // A broken gonogo.yaml: its problems with line:col; a click puts the caret there.
      await page
        .getByRole('navigation', { name: 'Project' })
        .getByRole('link', { name: 'Playbook' })
        .click();
      const yaml = page.getByLabel('gonogo.yaml', { exact: true });
      await yaml.fill(
        'name: Broken\nenvironments: [production]\nphases:\n  - id: one\n    title: One\n    itemz: []\n',
      );
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      const problem = page.locator('.pb-problem').first();
      await problem.waitFor();
      const place = (await problem.textContent())!;
      expect(place).toMatch(/^\d+:\d+$/);
      await problem.click();
      const [line, col] = place.split(':').map(Number) as [number, number];
      const caret = await yaml.evaluate((el: HTMLTextAreaElement) => {
        const before = el.value.slice(0, el.selectionStart).split('\n');
        return {
          line: before.length,
          col: before.at(-1)!.length + 1,
          focused: document.activeElement === el,
        };
      });
      expect(caret).toEqual({ line, col, focused: true });

      // A valid one with a release window, saved from the same box: the project's playbook now.
      await yaml.fill(windowed);
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'No problems' }).waitFor();
      await page.getByRole('button', { name: 'Save this YAML as the project’s playbook' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await page
        .getByRole('region', { name: 'The project’s playbook' })
        .getByText('Windowed')
        .first()
        .waitFor();

      // Settings: the release window, a QA lead added (the account made here), given a role.
      await page
        .getByRole('navigation', { name: 'Project' })
        .getByRole('link', { name: 'Settings' })
        .click();
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      await expect
        .poll(() => page.locator('.pb-window').textContent())
        .toBe('no releases Fri–Sun, Europe/Berlin; freeze 20 Dec – 2 Jan: Holiday freeze');
      const add = page.locator('form.add-member');
      await add.getByLabel('Member e-mail').fill('qa@example.com');
      await add.getByRole('checkbox', { name: 'Team Lead' }).check();
      await add.getByRole('button', { name: 'Add the member' }).click();
      await add.getByLabel(/^First password/).fill('qa@example.com secret pass');
      await add.getByRole('button', { name: 'Create the user and add them' }).click();
      const qaRow = page.locator('li.member', { hasText: 'qa@example.com' });
      await qaRow.waitFor();
      expect(await qaRow.getByRole('checkbox', { name: 'Team Lead' }).isChecked()).toBe(true);

      // A change made meanwhile elsewhere: refused with the roles as they are, the input kept.
      await qaRow.getByRole('combobox', { name: /Project role/ }).selectOption('release-manager');
      const admin = sessionHeaders(
        await api('/session', {
          method: 'POST',
          json: { email: 'admin@example.com', password: adminPassword },
        }),
      );
      const meanwhile = await api(`${projectPath(project)}/members/qa%40example.com`, {
        method: 'PUT',
        headers: admin,
        json: { roles: ['viewer', 'team-lead'] },
      });
      expect(meanwhile.status).toBe(200);
      await qaRow.getByRole('button', { name: /Save roles/ }).click();
      await qaRow.getByRole('alert').filter({ hasText: 'Changed meanwhile' }).waitFor();
      expect(await qaRow.getByRole('alert').textContent()).toContain('Viewer, Team Lead');
      expect(await qaRow.getByRole('combobox', { name: /Project role/ }).inputValue()).toBe(
        'release-manager',
      );
      await qaRow.getByRole('button', { name: /Save roles/ }).click();
      await qaRow.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      const qa = await api<{ roles: string[] }>(
        `${projectPath(project)}/members/qa%40example.com`,
        {
          headers: admin,
        },
      );
      expect(qa.body.roles.sort()).toEqual(['release-manager', 'team-lead']);
      expect(await seriousViolations(page)).toEqual([]);

      // A token: shown once, works for the CLI, revoked, then refused.
      await page.getByLabel('Token name').fill('laptop');
      await page.getByRole('button', { name: 'Create the token' }).click();
      const secret = (await page.locator('.token-secret').textContent())!;
      expect(secret.length).toBeGreaterThan(20);
      const cli = (token: string) =>
        run(['status', '--json', '--project', project], {
          cwd: dir,
          env: { GONOGO_SERVER: served.base, GONOGO_TOKEN: token, HOME: dir },
        });
      const ok = await cli(secret);
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ release: { version: '1.0.0' } });
      await page.getByRole('button', { name: 'Done, hide it' }).click();
      expect(await page.locator('.token-secret').count()).toBe(0);
      await page.reload();
      const row = page.locator('table.tokens tr', { hasText: 'laptop' });
      await row.waitFor();
      expect(await page.content()).not.toContain(secret);
      await expect
        .poll(async () => (await row.locator('td').nth(2).textContent()) !== 'never')
        .toBe(true);
      await row.getByRole('button', { name: 'Revoke the token laptop' }).click();
      await row.getByText(/^revoked/).waitFor();
      const refused = await cli(secret);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/token|sign|unauthenticated|revoked/i);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshotBoth(page, 'settings');
      expect(problems).toEqual([]);
    });
  },
);
