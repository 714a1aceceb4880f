/**
 * The web UI's weight and speed, each against something measured in the same run:
 * - the JS the first page loads (the module script of dist/web/index.html and what it
 *   preloads), gzipped, against the aim of 150 kB (150,000 bytes);
 * - the time to a usable release page for the largest seed in Chromium (Debian's, through
 *   playwright-core): navigation start to the `gonogo:items-rendered` mark the release page sets
 *   when its items first render with data, over repeated loads of a real `gonogo serve` on
 *   SQLite; the floor is the same browser loading a static HTML page with the same items (and a
 *   mark at its end) from a bare node:http server, the loads of the two taken in turns so load
 *   from other work on the machine lands on both.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { writeResultsSection } from './bench-report.ts';
import { startProcess } from './bench-process.ts';
import type { Started } from './bench-process.ts';
import type { Seed } from './bench-setup.ts';

export const webHeading = '## Web UI: first page JS and time to a usable release page';
/** The aim for the first page's JS, gzipped. */
export const jsAimBytes = 150_000;
const chromiumPath = '/usr/bin/chromium';
const mark = 'gonogo:items-rendered';
const password = 'bench password 123';
const project = 'github.com/bench/web';

export interface LoadTimes {
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
}

export interface WebBenchResults {
  date: string;
  chromium: string;
  files: { file: string; bytes: number; gzipBytes: number }[];
  jsGzipBytes: number;
  cssGzipBytes: number;
  seed: string;
  items: number;
  loads: number;
  warmup: number;
  app: LoadTimes;
  /** Medians, from navigation start, of when each step of the release page's load ended. */
  steps: {
    html: number;
    js: number;
    domContentLoaded: number;
    session: number;
    status: number;
  };
  floor: LoadTimes;
  load: string;
}

/**
 * The first page's JS from `webDir` (dist/web): each file of the entry and its preloads, raw and
 * gzipped at zlib's best level, as `gonogo serve` sends them to a browser that accepts gzip.
 *
 * @example measureFirstPageJs('dist/web').jsGzipBytes // 95_000
 */
export function measureFirstPageJs(webDir: string): {
  files: WebBenchResults['files'];
  jsGzipBytes: number;
  cssGzipBytes: number;
} {
  const html = readFileSync(join(webDir, 'index.html'), 'utf8');
  const refs = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1]!);
  const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  const sizeOf = (ref: string) => {
    const bytes = readFileSync(join(webDir, ref.replace(/^\//, '')));
    return {
      file: ref,
      bytes: bytes.length,
      gzipBytes: gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length,
    };
  };
  const files = [...new Set(refs)].map(sizeOf);
  return {
    files,
    jsGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    cssGzipBytes: css.map(sizeOf).reduce((sum, f) => sum + f.gzipBytes, 0),
  };
}

/**
 * Runs the web part with the built CLI `cli` (its dist/web beside it) and the largest seed.
 *
 * @example const r = await runWebBench(cli, seed, console.log, { loads: 15 });
 */
export async function runWebBench(
  cli: string,
  seed: Seed,
  log: (text: string) => void,
  opts: { loads: number; warmup: number },
): Promise<WebBenchResults> {
  if (!existsSync(chromiumPath)) throw new Error(`no ${chromiumPath} (apt-get install chromium)`);
  const webDir = join(dirname(cli), 'web');
  const weight = measureFirstPageJs(webDir);
  log(`web: first page JS ${weight.jsGzipBytes} bytes gzipped`);
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-web-'));
  const served = await startServe(cli, join(dir, 'web.db'), dir);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  let floorServer: http.Server | undefined;
  try {
    const { cookie, titles } = await setUpRelease(served.base, served.setupCode(), seed);
    const floorPage = renderFloorPage(titles);
    floorServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(floorPage);
    });
    await new Promise<void>((resolve) => floorServer!.listen(0, '127.0.0.1', resolve));
    const floorUrl = `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/`;
    const appUrl = `${served.base}/projects/${encodeURIComponent(project)}/releases/1.0.0`;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: served.base }]);
    const page = await context.newPage();
    const timeLoad = async (url: string) => {
      await page.goto(url, { waitUntil: 'commit' });
      await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, {
        timeout: 30_000,
      });
      return page.evaluate((m) => performance.getEntriesByName(m)[0]!.startTime, mark);
    };
    /** When each step of the release page's load ended, from the browser's own timing entries. */
    const readSteps = () =>
      page.evaluate(() => {
        const end = (pattern: RegExp) =>
          performance
            .getEntriesByType('resource')
            .filter((e) => pattern.test(e.name))
            .reduce(
              (latest, e) => Math.max(latest, (e as PerformanceResourceTiming).responseEnd),
              0,
            );
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return {
          html: nav.responseEnd,
          js: end(/\/assets\/.*\.js$/),
          domContentLoaded: nav.domContentLoadedEventEnd,
          session: end(/\/api\/v1\/session$/),
          status: end(/\/status$/),
        };
      });
    log(
      `web: ${titles.length} items, ${opts.warmup} + ${opts.loads} loads each of the release page and the floor, in turns`,
    );
    const app: number[] = [];
    const floor: number[] = [];
    const steps: Record<keyof WebBenchResults['steps'], number[]> = {
      html: [],
      js: [],
      domContentLoaded: [],
      session: [],
      status: [],
    };
    for (let i = 0; i < opts.warmup + opts.loads; i++) {
      const a = await timeLoad(appUrl);
      const at = await readSteps();
      const f = await timeLoad(floorUrl);
      if (i >= opts.warmup) {
        app.push(a);
        floor.push(f);
        for (const [k, v] of Object.entries(at)) steps[k as keyof typeof steps].push(v);
      }
    }
    return {
      date: new Date().toISOString(),
      chromium: browser.version(),
      ...weight,
      seed: seed.name,
      items: titles.length,
      loads: opts.loads,
      warmup: opts.warmup,
      app: summarize(app),
      steps: Object.fromEntries(
        Object.entries(steps).map(([k, v]) => [k, summarize(v).medianMs]),
      ) as WebBenchResults['steps'],
      floor: summarize(floor),
      load: loadavg()[0]!.toFixed(2),
    };
  } finally {
    await browser.close();
    floorServer?.close();
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(values: number[]): LoadTimes {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { medianMs: at(0.5), p90Ms: at(0.9), minMs: sorted[0]!, maxMs: sorted.at(-1)! };
}

/** The floor: the release's items as static HTML, the mark set once the parser reaches the end. */
function renderFloorPage(titles: string[]): string {
  const escape = (t: string) =>
    t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const rows = titles
    .map((t, i) => `<li><input type="checkbox"> #${i + 1} ${escape(t)} <span>open</span></li>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title></head><body><main><h1>Release 1.0.0</h1><ul>\n${rows}\n</ul></main><script>performance.mark(${JSON.stringify(mark)})</script></body></html>`;
}

/** `gonogo serve` on `db`, resolved once it listens. */
function startServe(cli: string, db: string, cwd: string): Promise<Started> {
  return startProcess(
    [cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db],
    /^gonogo listening on (http:\/\/\S+)\n/,
    cwd,
  );
}

/**
 * The administrator, the project, the seed imported as its playbook and release 1.0.0 started:
 * returns the session cookie and the release's item titles.
 */
async function setUpRelease(
  base: string,
  setupCode: string,
  seed: Seed,
): Promise<{ cookie: string; titles: string[] }> {
  const call = async (
    path: string,
    method: string,
    headers: Record<string, string>,
    json?: unknown,
  ) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return { headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
  };
  const setup = await call(
    '/setup',
    'POST',
    {},
    {
      setupToken: setupCode,
      email: 'admin@example.com',
      password,
    },
  );
  const cookie = setup.headers.get('set-cookie')!.split(';')[0]!;
  const admin = { cookie, 'x-csrf-token': String(setup.body.csrfToken) };
  await call('/projects', 'POST', admin, { id: project });
  const imported = await call('/playbooks/import', 'POST', admin, {
    text: readFileSync(seed.path, 'utf8'),
    file: seed.name,
  });
  const yaml = String(imported.body.yaml);
  const type = /^types: \[[^\]]*\bminor\b/m.test(yaml) ? { type: 'minor' } : {};
  const p = `/projects/${encodeURIComponent(project)}`;
  await call(`${p}/releases`, 'POST', admin, {
    version: '1.0.0',
    commit: 'b'.repeat(40),
    playbookYaml: yaml,
    ...type,
  });
  const view = await call(`${p}/releases/1.0.0`, 'GET', admin);
  const items = view.body.items as { title: string }[];
  return { cookie, titles: items.map((i) => i.title) };
}

/** The section of RESULTS.md for one run of the web part. */
export function renderWebSection(r: WebBenchResults): string[] {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const met = r.jsGzipBytes <= jsAimBytes;
  const ratio = r.app.medianMs / r.floor.medianMs;
  return [
    webHeading,
    '',
    `From the run of ${r.date} (Chromium ${r.chromium}; load average ${r.load} at the end). The JS is that of \`dist/web/index.html\` as built when the bench ran: its module script and every file it preloads, gzipped at zlib's best level, as \`gonogo serve\` sends them (it gzips its text assets once at start). kB are 1,000 bytes.`,
    '',
    '| file | bytes | gzipped |',
    '|---|---:|---:|',
    ...r.files.map((f) => `| \`${f.file}\` | ${f.bytes} | ${f.gzipBytes} |`),
    `| **first page's JS** | ${r.files.reduce((s, f) => s + f.bytes, 0)} | **${r.jsGzipBytes}** (${kb(r.jsGzipBytes)}) |`,
    '',
    `- aim: under ${kb(jsAimBytes)} gzipped: ${met ? 'met' : '**MISSED**'}; the stylesheet adds ${kb(r.cssGzipBytes)} gzipped.`,
    '',
    `Time to a usable release page: seed \`${r.seed}\` imported through the API, release 1.0.0 of its ${r.items} items started on a real \`gonogo serve\` (SQLite, the built CLI), the browser signed in by its session cookie; each load is a navigation to the release page, timed from navigation start to the \`${mark}\` mark the page sets when the items list first renders with data (after the HTML, the JS, \`GET /session\`, the release's status and the render). The floor is the same browser and page loading a static HTML page with the same ${r.items} items as list rows and the mark in a script at its end, from a bare node:http server. ${r.warmup} warm-up loads of each (the JS then comes from the browser's cache, as for a returning user), then ${r.loads} of each, taken in turns.`,
    '',
    '| page | median | p90 | min | max |',
    '|---|---:|---:|---:|---:|',
    `| release page (gonogo serve) | ${ms(r.app.medianMs)} | ${ms(r.app.p90Ms)} | ${ms(r.app.minMs)} | ${ms(r.app.maxMs)} |`,
    `| floor (static HTML, same items) | ${ms(r.floor.medianMs)} | ${ms(r.floor.p90Ms)} | ${ms(r.floor.minMs)} | ${ms(r.floor.maxMs)} |`,
    '',
    `- the release page's median is ${ratio.toFixed(1)}× the floor's (${ms(r.app.medianMs - r.floor.medianMs)} more).`,
    `- where the release page's time goes (medians from navigation start, from the browser's resource timing): HTML ${ms(r.steps.html)}, JS ${ms(r.steps.js)}, DOMContentLoaded ${ms(r.steps.domContentLoaded)}, \`GET /session\` ${ms(r.steps.session)}, the release's status ${ms(r.steps.status)}, items rendered ${ms(r.app.medianMs)}.`,
    '',
  ];
}

/** The section when the part could not run. */
export function renderWebSkipped(error: string): string[] {
  return [webHeading, '', `**Skipped: ${error}**`, ''];
}

/**
 * Writes the web section into RESULTS.md in place (or before the analysis when it is new),
 * leaving every other section as it is.
 *
 * @example writeWebSection('bench/RESULTS.md', renderWebSection(results));
 */
export function writeWebSection(path: string, lines: string[]): void {
  writeResultsSection(path, webHeading, lines);
}

/** The console lines of the web part. */
export function summarizeWeb(r: WebBenchResults): string[] {
  return [
    '',
    `web: first page JS ${r.jsGzipBytes} bytes gzipped (aim < ${jsAimBytes}: ${r.jsGzipBytes <= jsAimBytes ? 'met' : 'MISSED'})`,
    `  release page of ${r.items} items: median ${r.app.medianMs.toFixed(0)} ms, p90 ${r.app.p90Ms.toFixed(0)} ms; floor median ${r.floor.medianMs.toFixed(0)} ms, p90 ${r.floor.p90Ms.toFixed(0)} ms`,
  ];
}
