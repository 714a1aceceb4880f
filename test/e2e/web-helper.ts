/**
 * The browser for the web tests: Debian's Chromium (`/usr/bin/chromium`) driven by
 * playwright-core, never a downloaded browser; axe-core run inside a page; screenshots for a
 * person to look at in `test/e2e/screenshots/` (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
/** Whether the browser is installed; the web tests skip with a visible message otherwise. */
export const hasChromium = existsSync(chromiumPath);
export const screenshotsDir = path.resolve(import.meta.dirname, 'screenshots');

/**
 * Starts headless Chromium.
 *
 * @example const browser = await launchBrowser(); await browser.close();
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * The serious and critical accessibility violations axe-core finds in the page as it is now.
 * Evaluated through the DevTools protocol, so the page's CSP (no inline script) stays on.
 *
 * @example expect(await seriousViolations(page)).toEqual([]);
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } })
      .axe;
    return (await axe.run()).violations as AxeViolation[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ ...v, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
}

/**
 * Screenshots of the page at 375 and 1440 px wide, light and dark, as `NAME-WIDTH-SCHEME.png`.
 *
 * @example await screenshotBoth(page, 'dashboard');
 */
export async function screenshotBoth(page: Page, name: string): Promise<string[]> {
  mkdirSync(screenshotsDir, { recursive: true });
  const written: string[] = [];
  for (const width of [375, 1440]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const file = path.join(screenshotsDir, `${name}-${width}-${colorScheme}.png`);
      await page.screenshot({ path: file, fullPage: width === 1440 });
      written.push(file);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  await page.setViewportSize({ width: 1440, height: 900 });
  return written;
}

/**
 * Collects what the page itself reports as wrong: script errors and CSP refusals.
 *
 * @example const problems = watchProblems(page); ...; expect(problems).toEqual([]);
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused/i.test(m.text())) {
      problems.push(m.text());
    }
  });
  return problems;
}
