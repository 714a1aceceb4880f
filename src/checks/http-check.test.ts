import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import type { CheckContext } from './check-types.ts';
import httpCheck, { percentile, valueAtPath } from './http-check.ts';

let server: Server;
let base: string;
let closedPort: number;
const seen: { url?: string; auth?: string }[] = [];

function handle(req: IncomingMessage, res: ServerResponse) {
  seen.push({ url: req.url, auth: req.headers.authorization });
  switch (req.url) {
    case '/health':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'ok',
          checks: { db: 'up', queues: [{ name: 'mail', ok: true }] },
        }),
      );
      return;
    case '/down':
      res.writeHead(503);
      res.end('maintenance');
      return;
    case '/slow':
      setTimeout(() => res.end('slow but fine'), 150);
      return;
    case '/hang':
      return; // never answers
    case '/close':
      req.socket.destroy();
      return;
    case '/reset':
      req.socket.resetAndDestroy();
      return;
    default:
      res.writeHead(404);
      res.end('not found');
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free: nothing listens on it.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const ctx = (env: Record<string, string> = {}): CheckContext => ({
  root: '.',
  version: '1.0.0',
  policy: {},
  env,
  now: () => new Date(),
});
const check = (
  params: unknown,
  signal = new AbortController().signal,
  env?: Record<string, string>,
) => httpCheck.run(ctx(env), checkParams.http.parse(params), signal);

describe('http check', () => {
  it('passes on 200 with body and JSON path, recording status and timings', async () => {
    const r = await check({
      url: `${base}/health`,
      samples: 3,
      body_contains: '"ok"',
      json: { path: 'checks.queues[0].ok', equals: true },
      p99: '5s',
    });
    expect(r.status, r.summary).toBe('passed');
    expect(r.evidence.http).toMatchObject({ url: `${base}/health`, status: 200, samples: 3 });
    expect(r.evidence.http?.p50).toBeGreaterThanOrEqual(0);
    expect(r.summary).toContain('3 × status 200');
  });

  it('accepts the short form and HEAD', async () => {
    expect((await check(`${base}/health`)).status).toBe('passed');
    expect((await check({ url: `${base}/health`, method: 'HEAD' })).status).toBe('passed');
  });

  it('fails on an unexpected status, and passes when that status is expected', async () => {
    const r = await check(`${base}/down`);
    expect(r.status).toBe('failed');
    expect(r.summary).toBe(`${base}/down: request 1: status 503, expected 200`);
    expect(r.evidence.http?.status).toBe(503);
    expect((await check({ url: `${base}/down`, status: [200, 503] })).status).toBe('passed');
  });

  it('fails when the body or the JSON value is not what it must be', async () => {
    const body = await check({ url: `${base}/health`, body_contains: 'healthy' });
    expect(body.status).toBe('failed');
    expect(body.summary).toContain('body does not contain "healthy"');
    const json = await check({
      url: `${base}/health`,
      json: { path: 'checks.db', equals: 'down' },
    });
    expect(json.status).toBe('failed');
    expect(json.summary).toContain('checks.db is "up", expected "down"');
    const notJson = await check({ url: `${base}/slow`, json: { path: 'status', equals: 'ok' } });
    expect(notJson.evidence.findings?.[0]?.message).toBe('body is not JSON');
  });

  it('fails a slow endpoint on its latency budget', async () => {
    const r = await check({ url: `${base}/slow`, samples: 2, p50: 50, p95: '100ms' });
    expect(r.status).toBe('failed');
    expect(r.evidence.findings?.map((f) => f.where)).toEqual(['p50', 'p95']);
    expect(r.summary).toMatch(/p50 latency \d+(\.\d)?ms is over the budget of 50ms/);
    expect((await check({ url: `${base}/slow`, p95: '10s' })).status).toBe('passed');
  });

  it('is an error naming ECONNREFUSED when nothing listens', async () => {
    const r = await check(`http://127.0.0.1:${closedPort}/health`);
    expect(r.status).toBe('error');
    expect(r.summary).toContain('(ECONNREFUSED)');
    expect(r.evidence.error).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('is an error naming ECONNRESET when the server resets the connection', async () => {
    const r = await check(`${base}/reset`);
    expect(r.status).toBe('error');
    expect(r.summary).toContain('connection reset by the server (ECONNRESET)');
  });

  it('is an error when the server closes the connection without answering', async () => {
    const r = await check({ url: `${base}/close`, samples: 2 });
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(
      /closed the connection without answering \(UND_ERR_SOCKET\) on request 1 of 2/,
    );
  });

  it('is an error naming a port that fetch refuses', async () => {
    const r = await check('http://127.0.0.1:9/health');
    expect(r.status).toBe('error');
    expect(r.summary).toContain('fetch refuses this port');
    expect(r.evidence.error).toMatchObject({ code: 'BAD_PORT', message: 'bad port' });
  });

  it('is an error for a host that does not resolve', async () => {
    const r = await check('http://gonogo-test.invalid/');
    expect(r.status).toBe('error');
    expect(String((r.evidence.error as { code: string }).code)).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });

  it('stops when its signal aborts (the runner turns that into a timeout)', async () => {
    const r = await check(`${base}/hang`, AbortSignal.timeout(100));
    expect(r).toMatchObject({ status: 'error', summary: 'cancelled' });
  });

  it('sends headers with ${VAR} taken from the environment, never recording them', async () => {
    seen.length = 0;
    const r = await check(
      { url: `${base}/health`, headers: { Authorization: 'Bearer ${HEALTH_TOKEN}' } },
      undefined,
      { HEALTH_TOKEN: 's3cret' },
    );
    expect(r.status).toBe('passed');
    expect(seen[0]?.auth).toBe('Bearer s3cret');
    expect(JSON.stringify(r)).not.toContain('s3cret');
    const missing = await check({
      url: `${base}/health`,
      headers: { Authorization: 'Bearer ${NOPE}' },
    });
    expect(missing.status).toBe('error');
    expect(missing.summary).toContain('NOPE');
  });

  it('sends URL credentials as Basic auth and masks the password in evidence', async () => {
    seen.length = 0;
    const ok = await check(`http://user:p%40ss@127.0.0.1:${new URL(base).port}/health`);
    expect(ok.status, ok.summary).toBe('passed');
    expect(seen[0]?.auth).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    expect(ok.evidence.http?.url).toContain('user:***@');
    const refused = await check(`http://user:pw@127.0.0.1:${closedPort}/`);
    expect(refused.summary).toContain('user:***@');
    expect(JSON.stringify(refused)).not.toContain(':pw@');
  });
});

describe('http helpers', () => {
  it('takes the URL of the environment from a URL per environment', async () => {
    const urls = { staging: `${base}/health`, production: `${base}/down` };
    const forEnv = (environment?: string) =>
      httpCheck.run(
        { ...ctx(), ...(environment ? { environment } : {}) },
        checkParams.http.parse({ url: urls }),
        new AbortController().signal,
      );
    const staging = await forEnv('staging');
    expect(staging.status).toBe('passed');
    expect(staging.evidence).toMatchObject({
      environment: 'staging',
      http: { url: `${base}/health`, status: 200 },
    });
    expect((await forEnv('production')).status).toBe('failed');
    const none = await forEnv('development');
    expect(none).toMatchObject({
      status: 'error',
      summary: 'could not run: no URL for development (the check has one for staging, production)',
    });
    expect((await forEnv()).summary).toMatch(/no environment was given/);
    // A plain URL is the same for every environment.
    expect(
      (
        await httpCheck.run(
          { ...ctx(), environment: 'development' },
          checkParams.http.parse(`${base}/health`),
          new AbortController().signal,
        )
      ).status,
    ).toBe('passed');
    expect(checkParams.http.safeParse({ url: {} }).success).toBe(false);
    expect(checkParams.http.safeParse({ url: { staging: 'ftp://x' } }).success).toBe(false);
    expect(checkParams.http.safeParse({ url: 5 }).error?.issues[0]?.message).toMatch(
      /URL, or a map of environment to URL/,
    );
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([40, 10, 30, 20], 50)).toBe(20);
    expect(percentile([40, 10, 30, 20], 95)).toBe(40);
    expect(percentile([5], 99)).toBe(5);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
  });

  it('reads dotted and indexed paths', () => {
    const v = { a: { b: [{ c: 1 }] }, 'x.y': 2 };
    expect(valueAtPath(v, 'a.b[0].c')).toBe(1);
    expect(valueAtPath(v, 'a.b.0.c')).toBe(1);
    expect(valueAtPath(v, 'a.missing.c')).toBeUndefined();
    expect(valueAtPath(v, 'constructor')).toBeUndefined();
  });
});
