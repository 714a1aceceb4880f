/**
 * The server in-process (`app.request()`) on a real SQLite file: credentials and roles on
 * every route of the API table, CSRF, token scope and expiry, body limits, the error envelope,
 * a release run through the API, server-sent events, and no secret in any log line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../api/api-errors.ts';
import { maxRequestBytes } from '../api/api-limits.ts';
import { apiRoutes, fillApiPath } from '../api/api-routes.ts';
import { buildServerDeps } from '../cli/cli-server.ts';
import { contractYaml } from '../service/service-contract.suite.ts';
import { createMemoryChangeBus } from '../store/change-bus.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createServerApp } from './server-app.ts';
import type { ServerApp } from './server-app.ts';
import { createServerLogger } from './server-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'gonogo-server-'));
const logLines: string[] = [];
const project = 'github.com/acme/app';
const other = 'github.com/acme/other';
const setupCode = 'set-up-code-for-tests';
const adminPassword = 'correct horse battery staple';
let now = new Date('2026-11-24T09:00:00Z'); // a Tuesday, inside the release window
let store: Store;
let server: ServerApp;
const secrets: string[] = [adminPassword];

const req = (path: string, init: RequestInit & { json?: unknown } = {}) => {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  return server.app.request(path, { ...init, headers, body: body ?? null });
};

async function expectError(res: Response, status: number, code: string) {
  const body = (await res.json()) as unknown;
  expect({ status: res.status, body }).toMatchObject({ status, body: { error: { code } } });
  expect(apiErrorSchema.safeParse(body).success).toBe(true);
}

interface Browser {
  cookie: string;
  csrf: string;
}

let admin: Browser;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const asBrowser = (b: Browser, csrf = true) => ({
  cookie: b.cookie,
  ...(csrf ? { 'x-csrf-token': b.csrf } : {}),
});

async function signIn(email: string, password: string): Promise<Browser> {
  const res = await req('/api/v1/session', { method: 'POST', json: { email, password } });
  expect(res.status).toBe(201);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  secrets.push(cookie.split('=')[1]!);
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function makeUser(email: string, roles: string[], inProject = project) {
  const made = await req('/api/v1/users', {
    method: 'POST',
    headers: asBrowser(admin),
    json: { email, password: `${email} password!` },
  });
  expect(made.status).toBe(201);
  const user = (await made.json()) as { id: string; email: string };
  secrets.push(`${email} password!`);
  const put = await req(
    `${fillApiPath('/projects/{project}/members/{user}', { project: inProject, user: email })}`,
    {
      method: 'PUT',
      headers: asBrowser(admin),
      json: { roles },
    },
  );
  expect(put.status).toBe(200);
  return user;
}

async function makeToken(b: Browser, inProject: string, roles: string[], expiresAt?: string) {
  const res = await req('/api/v1/tokens', {
    method: 'POST',
    headers: asBrowser(b),
    json: { name: 'ci', project: inProject, roles, ...(expiresAt ? { expiresAt } : {}) },
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { id: string; secret: string };
  secrets.push(body.secret);
  return body;
}

beforeAll(async () => {
  store = await openStore(join(dir, 'server.db'));
  const bus = createMemoryChangeBus();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const deps = await buildServerDeps({
    store,
    bus,
    logger: createServerLogger(sink),
    now: () => now,
    setupCode,
    heartbeatMs: 50,
  });
  server = createServerApp(deps);
});

afterAll(async () => {
  server.streams.closeAll();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the team server', () => {
  it('answers health, readiness and the OpenAPI document without credentials', async () => {
    expect(await (await req('/api/v1/health')).json()).toEqual({ status: 'ok' });
    const ready = await req('/api/v1/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'sqlite' });
    const doc = (await (await req('/api/v1/openapi.json')).json()) as { openapi: string };
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(await (await req('/')).text()).toContain('/api/v1/openapi.json');
  });

  it('refuses every non-public route of the table without credentials (401, the envelope)', async () => {
    const guarded = apiRoutes.filter((r) => r.auth !== 'none');
    expect(guarded.length).toBeGreaterThan(20);
    for (const route of guarded) {
      const path = fillApiPath(route.path, {
        project,
        version: '1.0.0',
        ref: '1',
        hash: 'a'.repeat(64),
        id: 'x',
        user: 'ana@example.com',
        channel: 'team',
        environment: 'production',
      });
      const res = await req(path, {
        method: route.method.toUpperCase(),
        ...(route.method === 'get' ? {} : { json: {} }),
      });
      if (res.status === 404) {
        // Not mounted yet: answered as an unknown route, never with data.
        await expectError(res, 404, 'not-found');
        continue;
      }
      await expectError(res, 401, 'unauthenticated');
    }
  });

  it('sets up the first administrator once, with the code from the log', async () => {
    const wrong = await req('/api/v1/setup', {
      method: 'POST',
      json: { setupToken: 'guess', email: 'root@example.com', password: adminPassword },
    });
    await expectError(wrong, 403, 'forbidden');
    const res = await req('/api/v1/setup', {
      method: 'POST',
      json: { setupToken: setupCode, email: 'root@example.com', password: adminPassword },
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // plain http
    admin = {
      cookie: cookie.split(';')[0]!,
      csrf: ((await res.json()) as { csrfToken: string }).csrfToken,
    };
    secrets.push(admin.cookie.split('=')[1]!);
    const again = await req('/api/v1/setup', {
      method: 'POST',
      json: { setupToken: setupCode, email: 'two@example.com', password: adminPassword },
    });
    await expectError(again, 409, 'conflict');
  });

  it('refuses a cookie-session change without the CSRF token, accepts it with', async () => {
    const without = await req('/api/v1/projects', {
      method: 'POST',
      headers: asBrowser(admin, false),
      json: { id: project },
    });
    await expectError(without, 403, 'forbidden');
    for (const id of [project, other]) {
      const res = await req('/api/v1/projects', {
        method: 'POST',
        headers: asBrowser(admin),
        json: { id },
      });
      expect(res.status).toBe(201);
    }
    const dup = await req('/api/v1/projects', {
      method: 'POST',
      headers: asBrowser(admin),
      json: { id: project },
    });
    await expectError(dup, 409, 'conflict');
  });

  it('limits failed sign-ins per e-mail and address with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await req('/api/v1/session', {
        method: 'POST',
        json: { email: 'root@example.com', password: 'wrong password here' },
      });
      await expectError(res, 401, 'unauthenticated');
    }
    const limited = await req('/api/v1/session', {
      method: 'POST',
      json: { email: 'root@example.com', password: adminPassword },
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectError(limited, 429, 'rate-limited');
    now = new Date(now.getTime() + 16 * 60_000);
  });

  it('runs a release through the API with roles checked on every call', async () => {
    await makeUser('rm@example.com', ['release-manager']);
    await makeUser('qa@example.com', ['member', 'qa-lead']);
    await makeUser('viewer@example.com', ['viewer']);
    await makeUser('dev@example.com', ['member']);
    const rm = await signIn('rm@example.com', 'rm@example.com password!');
    const qa = await signIn('qa@example.com', 'qa@example.com password!');
    const viewer = await signIn('viewer@example.com', 'viewer@example.com password!');
    const dev = await signIn('dev@example.com', 'dev@example.com password!');
    const rmToken = await makeToken(rm, project, ['release-manager']);
    const releases = fillApiPath('/projects/{project}/releases', { project });
    const rel = fillApiPath('/projects/{project}/releases/{version}', {
      project,
      version: '1.2.0',
    });

    const start = await req(releases, {
      method: 'POST',
      headers: bearer(rmToken.secret),
      json: { version: '1.2.0', type: 'minor', commit: 'a'.repeat(40), playbookYaml: contractYaml },
    });
    expect(start.status).toBe(201);
    const etag = start.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    const startedBy = (
      (await start.json()) as { release: { startedBy?: string; createdBy?: string } }
    ).release;
    expect(JSON.stringify(startedBy)).toContain('rm@example.com');

    // A viewer reads but cannot write.
    expect((await req(rel, { headers: asBrowser(viewer) })).status).toBe(200);
    const viewerTick = await req(`${rel}/items/actions`, {
      method: 'POST',
      headers: asBrowser(viewer),
      json: { refs: ['2'], action: 'done' },
    });
    await expectError(viewerTick, 403, 'forbidden');

    // A stale If-Match is a conflict with the release as it is now.
    const tick = await req(`${rel}/items/actions`, {
      method: 'POST',
      headers: { ...asBrowser(dev), 'if-match': etag },
      json: { refs: ['2'], action: 'done' },
    });
    if (tick.status !== 200) throw new Error(await tick.text());
    const stale = await req(`${rel}/items/actions`, {
      method: 'POST',
      headers: { ...asBrowser(dev), 'if-match': etag },
      json: { refs: ['1'], action: 'done' },
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({
      error: { code: 'conflict' },
      current: { version: '1.2.0' },
    });

    // Two writes racing on one ETag: the service compares it inside the write's transaction,
    // so exactly one applies and the other is told what the release is now.
    const fresh = (await req(rel, { headers: asBrowser(dev) })).headers.get('etag')!;
    const race = await Promise.all(
      ['3', '4'].map((ref) =>
        req(`${rel}/items/actions`, {
          method: 'POST',
          headers: { ...asBrowser(dev), 'if-match': fresh },
          json: { refs: [ref], action: 'done' },
        }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
    const lost = race.find((r) => r.status === 409)!;
    expect(await lost.json()).toMatchObject({
      error: { code: 'conflict' },
      current: { head: { count: Number(fresh.slice(1, -1)) + 1 } },
    });
    const applied = ['3', '4'][race.findIndex((r) => r.status === 200)]!;
    const malformed = await req(`${rel}/items/actions`, {
      method: 'POST',
      headers: { ...asBrowser(dev), 'if-match': 'yesterday' },
      json: { refs: [applied], action: 'reset' },
    });
    await expectError(malformed, 400, 'invalid-input');
    // Put the release back as the next steps expect it.
    const undo = await req(`${rel}/items/actions`, {
      method: 'POST',
      headers: asBrowser(dev),
      json: { refs: [applied], action: 'reset' },
    });
    expect(undo.status).toBe(200);

    // Signing needs the sign-off role in the membership.
    const devSigns = await req(`${rel}/signoffs`, {
      method: 'POST',
      headers: asBrowser(dev),
      json: { role: 'qa-lead', verdict: 'go' },
    });
    await expectError(devSigns, 403, 'forbidden');
    const qaSigns = await req(`${rel}/signoffs`, {
      method: 'POST',
      headers: asBrowser(qa),
      json: { role: 'qa-lead', verdict: 'go' },
    });
    expect(qaSigns.status).toBe(201);

    // Events record the authenticated actor.
    const events = (await (
      await req(`${rel}/events`, { headers: bearer(rmToken.secret) })
    ).json()) as {
      events: {
        actor: string;
        type: string;
        origin?: { address?: string; userAgent?: string; tokenId?: string };
      }[];
    };
    expect(events.events.map((e) => e.actor)).toEqual(
      expect.arrayContaining(['rm@example.com', 'dev@example.com', 'qa@example.com']),
    );
    // ... and which token made a change (its id, never its secret); from where (the client's
    // address) only a project admin sees.
    const started = events.events.find((e) => e.type === 'release.started')!;
    expect(started.origin).toEqual({ tokenId: rmToken.id });
    const ticked = events.events.find((e) => e.actor === 'dev@example.com')!;
    expect(ticked.origin).toBeUndefined();
    expect(JSON.stringify(events)).not.toContain(rmToken.secret);
    const asAdmin = (await (await req(`${rel}/events`, { headers: asBrowser(admin) })).json()) as {
      events: { type: string; actor: string; origin?: object }[];
    };
    expect(asAdmin.events.find((e) => e.type === 'release.started')!.origin).toEqual({
      address: 'local',
      tokenId: rmToken.id,
    });
    expect(asAdmin.events.find((e) => e.actor === 'dev@example.com')!.origin).toEqual({
      address: 'local',
    });
    const audit = await req(fillApiPath('/projects/{project}/audit/verify', { project }), {
      method: 'POST',
      headers: bearer(rmToken.secret),
      json: {},
    });
    expect(await audit.json()).toMatchObject({ results: [{ ok: true }] });
  });

  it('limits a token to its project, and refuses it revoked or expired', async () => {
    const rm = await signIn('rm@example.com', 'rm@example.com password!');
    const token = await makeToken(rm, project, ['release-manager']);
    // Only a server administrator makes users and projects.
    const user = { email: 'x@example.com', password: 'a long enough password' };
    await expectError(
      await req('/api/v1/users', { method: 'POST', headers: asBrowser(rm), json: user }),
      403,
      'forbidden',
    );
    await expectError(
      await req('/api/v1/projects', {
        method: 'POST',
        headers: asBrowser(rm),
        json: { id: 'mine' },
      }),
      403,
      'forbidden',
    );
    const otherReleases = fillApiPath('/projects/{project}/releases', { project: other });
    await expectError(
      await req(otherReleases, { headers: bearer(token.secret) }),
      403,
      'forbidden',
    );
    // A token never makes tokens.
    const mint = await req('/api/v1/tokens', {
      method: 'POST',
      headers: bearer(token.secret),
      json: { name: 'more', project, roles: ['member'] },
    });
    await expectError(mint, 403, 'forbidden');
    const revoke = await req(`/api/v1/tokens/${token.id}`, {
      method: 'DELETE',
      headers: asBrowser(rm),
    });
    expect(revoke.status).toBe(204);
    const releases = fillApiPath('/projects/{project}/releases', { project });
    await expectError(
      await req(releases, { headers: bearer(token.secret) }),
      401,
      'unauthenticated',
    );

    const soon = await makeToken(
      rm,
      project,
      ['viewer'],
      new Date(now.getTime() + 60_000).toISOString(),
    );
    expect((await req(releases, { headers: bearer(soon.secret) })).status).toBe(200);
    now = new Date(now.getTime() + 120_000);
    await expectError(
      await req(releases, { headers: bearer(soon.secret) }),
      401,
      'unauthenticated',
    );

    const list = await req('/api/v1/tokens', { headers: asBrowser(rm) });
    const text = await list.text();
    expect(text).toContain(token.id);
    expect(text).not.toContain(token.secret);
    expect(text).not.toContain(soon.secret);
  });

  it("stores a playbook for the project and starts from its hash, never another project's", async () => {
    const rm = await signIn('rm@example.com', 'rm@example.com password!');
    const token = await makeToken(rm, project, ['release-manager']);
    const playbooks = fillApiPath('/projects/{project}/playbooks', { project });
    const upload = await req(playbooks, {
      method: 'POST',
      headers: bearer(token.secret),
      json: { text: contractYaml, file: 'gonogo.yaml' },
    });
    expect(upload.status).toBe(201);
    const stored = (await upload.json()) as { hash: string; project: string };
    expect(stored).toMatchObject({ project, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const one = (p: string) =>
      fillApiPath('/projects/{project}/playbooks/{hash}', { project: p, hash: stored.hash });
    expect((await req(one(project), { headers: bearer(token.secret) })).status).toBe(200);
    // The project names the playbook it stored last: what a release starts from by default.
    const shown = await req(fillApiPath('/projects/{project}', { project }), {
      headers: bearer(token.secret),
    });
    expect(((await shown.json()) as { playbookHash?: string }).playbookHash).toBe(stored.hash);
    // The hash alone opens nothing in another project, even for a server administrator.
    await expectError(await req(one(other), { headers: asBrowser(admin) }), 404, 'not-found');
    const start = await req(fillApiPath('/projects/{project}/releases', { project }), {
      method: 'POST',
      headers: bearer(token.secret),
      json: { version: '3.0.0', commit: 'b'.repeat(40), playbookHash: stored.hash },
    });
    expect(start.status).toBe(201);
    expect(
      ((await start.json()) as { release: { playbookHash: string } }).release.playbookHash,
    ).toBe(stored.hash);
    await expectError(
      await req(fillApiPath('/projects/{project}/releases', { project: other }), {
        method: 'POST',
        headers: asBrowser(admin),
        json: { version: '3.0.0', commit: 'b'.repeat(40), playbookHash: stored.hash },
      }),
      404,
      'not-found',
    );
    // A playbook with problems is refused with them, and nothing is stored.
    const bad = await req(playbooks, {
      method: 'POST',
      headers: bearer(token.secret),
      json: { text: 'name: Broken\nphases: []\n' },
    });
    await expectError(bad, 422, 'invalid-playbook');
  });

  it('refuses an oversized body with 413 in the envelope, and bad JSON with 400', async () => {
    const big = await req('/api/v1/playbooks/lint', {
      method: 'POST',
      headers: { ...asBrowser(admin), 'content-type': 'application/json' },
      body: 'x'.repeat(maxRequestBytes + 1),
    });
    await expectError(big, 413, 'payload-too-large');
    const rel = fillApiPath('/projects/{project}/releases/{version}', {
      project,
      version: '1.2.0',
    });
    const bad = await req(`${rel}/items/actions`, {
      method: 'POST',
      headers: { ...asBrowser(admin), 'content-type': 'application/json' },
      body: '{not json',
    });
    await expectError(bad, 400, 'invalid-input');
  });

  it('streams events as server-sent events, resuming after Last-Event-ID', async () => {
    const rm = await signIn('rm@example.com', 'rm@example.com password!');
    const rel = fillApiPath('/projects/{project}/releases/{version}', {
      project,
      version: '1.2.0',
    });
    const all = (await (await req(`${rel}/events`, { headers: asBrowser(rm) })).json()) as {
      events: { seq: number }[];
    };
    const last = all.events.at(-1)!.seq;
    const res = await req(`${rel}/events`, {
      headers: { ...asBrowser(rm), accept: 'text/event-stream', 'last-event-id': String(last - 1) },
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await until(new RegExp(`id: ${last}\\n`));
    expect(text).not.toContain(`id: ${last - 1}\n`);
    const dev = await signIn('dev@example.com', 'dev@example.com password!');
    const tick = await req(`${rel}/items/actions`, {
      method: 'POST',
      headers: asBrowser(dev),
      json: { refs: ['3'], action: 'done' },
    });
    if (tick.status !== 200) throw new Error(await tick.text());
    await until(new RegExp(`id: ${last + 1}\\n`));
    await until(/: heartbeat/);
    server.streams.closeAll();
    while (!(await reader.read()).done) {
      // drain until the server ends the stream
    }
  });

  it('never writes a password, token or session secret to the log', () => {
    expect(logLines.length).toBeGreaterThan(20);
    const log = logLines.join('\n');
    for (const secret of secrets) expect(log).not.toContain(secret);
    const line = JSON.parse(logLines.find((l) => l.includes('"status":201'))!) as Record<
      string,
      unknown
    >;
    expect(line).toMatchObject({ method: 'POST', requestId: expect.any(String) });
  });
});
