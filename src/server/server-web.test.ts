/**
 * The web app as static files, in-process on a real SQLite file: a built app (a folder made
 * here, shaped as Vite builds it) at `/` with its cache rules, content types and security
 * headers; the app's page for any other path outside `/api`; no file outside the folder; and,
 * without a build, a page that says so. The dashboard's one read (`GET /overview`) too.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overviewSchema } from '../api/api-views.ts';
import { buildServerDeps } from '../cli/cli-server.ts';
import { createMemoryChangeBus } from '../store/change-bus.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createServerApp } from './server-app.ts';
import type { ServerApp } from './server-app.ts';
import { createServerLogger } from './server-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'gonogo-web-'));
const web = join(dir, 'web');
const indexHtml =
  '<!doctype html><title>gonogo</title><script type="module" src="/assets/app-1a2b.js"></script>';
const bigJs = `export const items = [${Array.from({ length: 400 }, (_, i) => `"item ${i}"`).join(',')}];`;
let store: Store;
let built: ServerApp;
let unbuilt: ServerApp;

beforeAll(async () => {
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), indexHtml);
  writeFileSync(join(web, 'assets', 'app-1a2b.js'), 'console.log(1)');
  writeFileSync(join(web, 'assets', 'app-1a2b.css'), 'body{}');
  writeFileSync(join(web, 'assets', 'big-3c4d.js'), bigJs);
  writeFileSync(join(dir, 'secret.txt'), 'not for the web');
  store = await openStore(join(dir, 'web.db'));
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  const deps = (webDir: string) =>
    buildServerDeps({
      store,
      bus: createMemoryChangeBus(),
      logger: createServerLogger(quiet),
      setupCode: 'web-test-code',
      webDir,
    });
  built = createServerApp(await deps(web));
  unbuilt = createServerApp(await deps(join(dir, 'missing')));
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the web app at /', () => {
  it('serves index.html uncached with the security headers, and hashed assets for a year', async () => {
    const page = await built.app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(indexHtml);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const js = await built.app.request('/assets/app-1a2b.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await built.app.request('/assets/app-1a2b.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('sends text assets gzipped to a browser that accepts it, as they are to one that does not', async () => {
    const gz = await built.app.request('/assets/big-3c4d.js', {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toBe('accept-encoding');
    const zipped = new Uint8Array(await gz.arrayBuffer());
    expect(zipped.byteLength).toBeLessThan(bigJs.length / 3);
    expect(gunzipSync(zipped).toString()).toBe(bigJs);
    for (const accept of [undefined, 'identity', 'gzip;q=0, identity']) {
      const plain = await built.app.request('/assets/big-3c4d.js', {
        headers: accept ? { 'accept-encoding': accept } : {},
      });
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(await plain.text()).toBe(bigJs);
    }
    // Too small to be worth it: as it is.
    const small = await built.app.request('/assets/app-1a2b.js', {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(small.headers.get('content-encoding')).toBeNull();
  });

  it("answers the app's page for its routes, 404 for a missing asset and for paths out of the folder", async () => {
    for (const path of ['/sign-in', '/projects/acme%2Fapp/releases/1.0.0']) {
      const res = await built.app.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(indexHtml);
    }
    expect((await built.app.request('/assets/gone-9z.js')).status).toBe(404);
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
    ]) {
      const res = await built.app.request(path);
      expect(await res.text(), path).not.toContain('not for the web');
    }
  });

  it('leaves /api to the API: an unknown route there is the API error, no page', async () => {
    const res = await built.app.request('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not-found' } });
  });

  it('says the web UI is not built, and links the API description, when there is no build', async () => {
    const res = await unbuilt.app.request('/');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('not built');
    expect(text).toContain('href="/api/v1/openapi.json"');
    expect((await unbuilt.app.request('/sign-in')).status).toBe(404);
  });
});

describe('GET /overview', () => {
  it('shows set-up open until the first administrator, then the projects of the caller', async () => {
    const ready = await built.app.request('/api/v1/ready');
    expect(await ready.json()).toMatchObject({ setupOpen: true });
    const set = await built.app.request('/api/v1/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        setupToken: 'web-test-code',
        email: 'admin@example.com',
        password: 'a long admin password',
      }),
    });
    expect(set.status).toBe(201);
    const cookie = set.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = ((await set.json()) as { csrfToken: string }).csrfToken;
    expect(await (await built.app.request('/api/v1/ready')).json()).toMatchObject({
      setupOpen: false,
    });
    const headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
    await built.app.request('/api/v1/projects', {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: 'acme/app' }),
    });
    const started = await built.app.request('/api/v1/projects/acme%2Fapp/releases', {
      method: 'POST',
      headers,
      body: JSON.stringify({
        version: '1.0.0',
        playbookYaml:
          'name: Web\nroles:\n  qa-lead: QA Lead\nenvironments: [production]\nphases:\n  - id: prepare\n    items:\n      - title: Tests pass\n  - id: ship\n    gate: [qa-lead]\n    items:\n      - title: Deploy\n        deploys: [production]\n',
      }),
    });
    expect(started.status, await started.clone().text()).toBe(201);
    const res = await built.app.request('/api/v1/overview', { headers: { cookie } });
    expect(res.status).toBe(200);
    const overview = overviewSchema.parse(await res.json());
    expect(overview.projects.map((p) => p.project.id)).toEqual(['acme/app']);
    const flight = overview.projects[0]!.inFlight[0]!;
    expect(flight.release.version).toBe('1.0.0');
    expect(flight.outcome).toBe('no-go');
    expect(flight.blockers.length).toBeGreaterThan(0);
    expect(overview.projects[0]!.environments.map((e) => e.environment)).toEqual(['production']);
  });
});
