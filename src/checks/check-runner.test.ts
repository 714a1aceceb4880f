import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../core/playbook.ts';
import { checkNames, loadCheck } from './check-registry.ts';
import { runChecks } from './check-runner.ts';
import type { CheckEvent } from './check-runner.ts';
import type { CheckContext } from './check-types.ts';

let server: Server;
let base: string;
let inFlight = 0;
let maxInFlight = 0;
const hanging = new Set<ServerResponse>();
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'gonogo-'));
  writeFileSync(join(root, 'CHANGELOG.md'), '## [1.0.0] - 2026-01-01\n- first\n');
  server = createServer((req, res) => {
    if (req.url === '/hang') {
      hanging.add(res);
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.end('ok');
    }, 100);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

const ctx = (policy: Playbook['policy'] = {}): CheckContext => ({
  root,
  version: '1.0.0',
  policy,
  env: {},
  now: () => new Date('2026-05-05T10:00:00Z'),
});

describe('runChecks', () => {
  it('runs jobs in parallel up to the limit and returns results by key in job order', async () => {
    maxInFlight = 0;
    const events: CheckEvent[] = [];
    const jobs = [1, 2, 3, 4, 5].map((key) => ({ key, name: 'http', params: `${base}/slow` }));
    const results = await runChecks(
      [...jobs, { key: 'cl', name: 'changelog', params: null }],
      ctx(),
      {
        concurrency: 2,
        onEvent: (e) => events.push(e),
      },
    );
    expect([...results.keys()]).toEqual([1, 2, 3, 4, 5, 'cl']);
    expect([...results.values()].map((r) => r.status)).toEqual(Array(6).fill('passed'));
    expect(maxInFlight).toBe(2);
    for (const r of results.values()) expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(events.filter((e) => e.type === 'start')).toHaveLength(6);
    expect(events.filter((e) => e.type === 'finish').map((e) => e.result?.status)).toEqual(
      Array(6).fill('passed'),
    );
    // Every job starts before it finishes.
    for (const key of [1, 2, 3, 4, 5, 'cl']) {
      const order = events.filter((e) => e.job.key === key).map((e) => e.type);
      expect(order).toEqual(['start', 'finish']);
    }
  });

  it('ends a job at its timeout as an error saying so', async () => {
    const results = await runChecks(
      [{ key: 1, name: 'http', params: `${base}/hang`, timeoutMs: 200 }],
      ctx(),
      {},
    );
    expect(results.get(1)).toMatchObject({ status: 'error', summary: 'timed out after 0.2s' });
    expect(results.get(1)?.fix).toContain('timeout');
  });

  it('cancels every unfinished job when the run is aborted', async () => {
    const controller = new AbortController();
    const jobs = [1, 2, 3, 4].map((key) => ({ key, name: 'http', params: `${base}/hang` }));
    const finished: (string | number)[] = [];
    const results = await runChecks(jobs, ctx(), {
      concurrency: 2,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'start' && e.job.key === 2) setTimeout(() => controller.abort(), 50);
        if (e.type === 'finish') finished.push(e.job.key);
      },
    });
    expect([...results.values()].map((r) => r.summary)).toEqual(Array(4).fill('cancelled'));
    expect([...results.values()].map((r) => r.status)).toEqual(Array(4).fill('error'));
    expect(finished.sort()).toEqual([1, 2, 3, 4]);
  });

  it('reports bad parameters and unknown checks as errors naming them', async () => {
    const results = await runChecks(
      [
        { key: 'a', name: 'http', params: { url: `${base}/`, sample: 3 } },
        { key: 'b', name: 'file', params: { contains: 'x' } },
        { key: 'c', name: 'changelogg', params: {} },
        { key: 'd', name: 'http', params: { url: `${base}/`, samples: 1000 } },
      ],
      ctx(),
      {},
    );
    expect(results.get('a')).toMatchObject({
      status: 'error',
      summary: 'check "http": unknown parameter "sample"',
    });
    expect(results.get('b')?.summary).toMatch(/^check "file": parameter "path": /);
    expect(results.get('c')).toMatchObject({
      status: 'error',
      summary: 'unknown check "changelogg"',
    });
    expect(results.get('d')?.summary).toMatch(/^check "http": parameter "samples": /);
    for (const r of results.values()) expect(r.fix).toContain('gonogo playbook lint');
  });

  it('turns an exception thrown inside a check into an error result, and keeps going', async () => {
    // A malformed policy that got past validation makes the window check throw a TypeError.
    const broken = {
      window: { timezone: 'UTC', freezes: [null] },
    } as unknown as Playbook['policy'];
    const results = await runChecks(
      [
        { key: 1, name: 'window', params: {} },
        { key: 2, name: 'changelog', params: {} },
      ],
      ctx(broken),
      {},
    );
    expect(results.get(1)?.status).toBe('error');
    expect(results.get(1)?.summary).toMatch(/^check "window" crashed: /);
    expect(results.get(2)?.status).toBe('passed');
  });

  it('survives an onEvent callback that throws', async () => {
    const results = await runChecks([{ key: 1, name: 'window', params: null }], ctx(), {
      onEvent: () => {
        throw new Error('display broke');
      },
    });
    expect(results.get(1)?.status).toBe('passed');
  });

  it('returns an empty map for no jobs', async () => {
    expect((await runChecks([], ctx(), {})).size).toBe(0);
  });
});

describe('check registry', () => {
  it('knows all fifteen checks, and each loaded check carries its own name', async () => {
    expect(checkNames).toHaveLength(15);
    for (const name of ['changelog', 'version', 'file', 'window', 'http'] as const) {
      const def = await loadCheck(name);
      expect(def.name).toBe(name);
      expect(def.timeoutMs).toBeGreaterThan(0);
    }
  });
});

describe('runChecks masks every result', () => {
  it("masks the env's secret values in a check that does not mask them itself", async () => {
    const token = 'tok-fake-9f8e7d6c5b';
    const results = await runChecks(
      [
        { key: 'file', name: 'file', params: { path: `notes/${token}.txt` } },
        {
          key: 'url',
          name: 'file',
          params: { path: 'CHANGELOG.md', contains: 'https://ci:p@ss:w0rd@example.org/x' },
        },
      ],
      { ...ctx(), env: { DEPLOY_TOKEN: token } },
    );
    const file = results.get('file')!;
    expect(file.status).toBe('failed');
    expect(file.summary).toBe('notes/…[REDACTED:env-secret].txt does not exist');
    expect(file.evidence.findings).toEqual([
      { where: 'notes/…[REDACTED:env-secret].txt', message: 'missing' },
    ]);
    const url = results.get('url')!;
    expect(url.summary).toBe(
      'CHANGELOG.md does not contain /https://ci:…[REDACTED:url-password]@example.org/x/',
    );
    expect(JSON.stringify(url)).not.toContain('p@ss:w0rd');
  });
});
