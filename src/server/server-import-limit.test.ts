/**
 * The Markdown import endpoint is bounded: a checklist beyond `maxImportTextLength` is refused
 * with 413 before any parsing, and the import runs in a worker thread with a time limit: the
 * server answers other requests while it runs, and an import past its limit is refused with the
 * envelope and its worker replaced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxImportTextLength } from '../api/api-limits.ts';
import { buildServerDeps } from '../cli/cli-server.ts';
import { hostileShapes, makeHostile } from '../core/playbook-import-hostile.fixture.ts';
import { createMemoryChangeBus } from '../store/change-bus.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createServerApp } from './server-app.ts';
import type { ServerApp } from './server-app.ts';
import { createServerLogger } from './server-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'gonogo-import-limit-'));
const stores: Store[] = [];

interface TestServer {
  server: ServerApp;
  session: Record<string, string>;
}

async function startServer(name: string, textJobTimeoutMs?: number): Promise<TestServer> {
  const store = await openStore(join(dir, `${name}.db`));
  stores.push(store);
  const deps = await buildServerDeps({
    store,
    bus: createMemoryChangeBus(),
    logger: createServerLogger(new Writable({ write: (_c, _e, done) => done() })),
    now: () => new Date('2026-11-24T10:00:00Z'),
    setupCode: 'import-limit-code',
  });
  const server = createServerApp({
    ...deps,
    ...(textJobTimeoutMs !== undefined ? { textJobTimeoutMs } : {}),
  });
  const res = await server.app.request('/api/v1/setup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      setupToken: 'import-limit-code',
      email: 'admin@example.com',
      password: 'a long admin password',
    }),
  });
  expect(res.status).toBe(201);
  return {
    server,
    session: {
      cookie: res.headers.get('set-cookie')!.split(';')[0]!,
      'x-csrf-token': ((await res.json()) as { csrfToken: string }).csrfToken,
    },
  };
}

afterAll(async () => {
  for (const store of stores) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const importText = async ({ server, session }: TestServer, text: string): Promise<Response> =>
  server.app.request('/api/v1/playbooks/import', {
    method: 'POST',
    headers: { ...session, 'content-type': 'application/json' },
    body: JSON.stringify({ text, file: 'big.md' }),
  });

/** Markdown of `bytes` bytes at most: sections of task items with links and commands. */
function checklistOf(bytes: number): string {
  const unit = '## Section\n- [ ] Item (if applicable) `npm test` https://x.example.com/health\n';
  return unit.repeat(Math.floor(bytes / unit.length));
}

/** A checklist that takes the importer many seconds (references to definitions elsewhere). */
const slowChecklist = makeHostile(
  hostileShapes.find((shape) => shape.name === 'references')!,
  maxImportTextLength / 2,
);

describe('the Markdown import endpoint', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('default');
  });

  it('refuses a checklist beyond its bound with 413, naming the bound', async () => {
    const res = await importText(server, checklistOf(maxImportTextLength + 4096));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'payload-too-large',
        field: 'text',
        message: expect.stringContaining(`${maxImportTextLength / 1024} KiB`),
      },
    });
  });

  it('imports an ordinary checklist in its worker', async () => {
    const res = await importText(server, checklistOf(64 * 1024));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { yaml: string }).yaml).toContain('title: Section');
  }, 30_000);

  it("answers the import's own refusal from the worker with its problems and places", async () => {
    const res = await importText(server, 'just words, no items\n');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'invalid-input',
        problems: [{ file: 'big.md', line: 1, col: 1, message: 'no checklist items found' }],
      },
    });
  });

  it('lints a playbook in the worker, with the problems and their places', async () => {
    const res = await server.server.app.request('/api/v1/playbooks/lint', {
      method: 'POST',
      headers: { ...server.session, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'name: [', file: 'g.yaml' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: false,
      problems: [{ file: 'g.yaml', line: 1, col: 8 }],
    });
  });

  it('answers other requests while a long import runs', async () => {
    const finished: string[] = [];
    const importing = importText(server, slowChecklist).then((res) => {
      finished.push('import');
      return res;
    });
    // Past authentication and into the parsing: on the server's own thread, nothing else would
    // run (not even this timer) until the import ended.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const health = await server.server.app.request('/api/v1/health');
    finished.push('health');
    expect(health.status).toBe(200);
    expect([200, 400]).toContain((await importing).status);
    expect(finished).toEqual(['health', 'import']);
  }, 30_000);
});

describe('an import past its time limit', () => {
  it('is refused with the envelope, and the next import gets a fresh worker', async () => {
    const server = await startServer('short', 200);
    const res = await importText(server, slowChecklist);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'invalid-input',
        field: 'text',
        message: expect.stringContaining('took longer than 0.2 s to import'),
      },
    });
    const next = await importText(server, '# Release\n\n- [ ] Tests pass\n');
    expect(next.status).toBe(200);
    expect(((await next.json()) as { yaml: string }).yaml).toContain('Tests pass');
  }, 30_000);
});
