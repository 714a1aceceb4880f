/**
 * The Markdown import endpoint is bounded: a checklist beyond `maxImportTextLength` is refused
 * with 413 before any parsing (the import's work grows with the text, and it runs on the
 * request's thread), and one at the bound is imported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxImportTextLength } from '../api/api-limits.ts';
import { buildServerDeps } from '../cli/cli-server.ts';
import { createMemoryChangeBus } from '../store/change-bus.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createServerApp } from './server-app.ts';
import type { ServerApp } from './server-app.ts';
import { createServerLogger } from './server-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'gonogo-import-limit-'));
let store: Store;
let server: ServerApp;
let session: Record<string, string>;

beforeAll(async () => {
  store = await openStore(join(dir, 'import.db'));
  server = createServerApp(
    await buildServerDeps({
      store,
      bus: createMemoryChangeBus(),
      logger: createServerLogger(new Writable({ write: (_c, _e, done) => done() })),
      now: () => new Date('2026-11-24T10:00:00Z'),
      setupCode: 'import-limit-code',
    }),
  );
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
  session = {
    cookie: res.headers.get('set-cookie')!.split(';')[0]!,
    'x-csrf-token': ((await res.json()) as { csrfToken: string }).csrfToken,
  };
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const importText = (text: string) =>
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

describe('the Markdown import endpoint', () => {
  it('refuses a checklist beyond its bound with 413, naming the bound', async () => {
    const res = await importText(checklistOf(maxImportTextLength + 4096));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'payload-too-large',
        field: 'text',
        message: expect.stringContaining(`${maxImportTextLength / 1024} KiB`),
      },
    });
  });

  it('imports a checklist at its bound', async () => {
    const res = await importText(checklistOf(maxImportTextLength));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { yaml: string }).yaml).toContain('title: Section');
  }, 30_000);
});
