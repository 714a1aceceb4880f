/**
 * Two `gonogo serve` processes on one PostgreSQL database: a write through one reaches an SSE
 * watcher connected to the other (the change bus is LISTEN/NOTIFY); a token revoked through one
 * stops working on the other at once; and no password, token secret or session cookie appears
 * in either server's log, in any answer but the one that created it, or in the events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPgAvailable, createTestDatabase } from '../../src/store/store-pg.fixture.ts';
import {
  adminPassword,
  apiClient,
  passwordOf,
  projectPath,
  startServe,
  watch,
} from './server-helper.ts';
import type { Answer, Headerset } from './server-helper.ts';

const pgOk = await checkPgAvailable('two server instances (PostgreSQL)');
const dir = mkdtempSync(path.join(tmpdir(), 'gonogo-instances-'));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const playbookYaml = `name: Shared\nphases:\n  - id: work\n    items:\n      - title: One\n      - title: Two\n      - title: Three\n`;

describe.skipIf(!pgOk)('two instances on one PostgreSQL database', () => {
  it('share events and revocations, and never show a secret', async () => {
    const made = await createTestDatabase();
    cleanups.push(made.drop);
    const a = await startServe(made.url, dir);
    cleanups.push(() => a.kill());
    const b = await startServe(made.url, dir);
    cleanups.push(() => b.kill());

    // Every answer is kept, with whether it is the one allowed to carry a secret.
    const answers: { text: string; cookie: string; creates: boolean }[] = [];
    const keep =
      (client: ReturnType<typeof apiClient>) =>
      async <T = Record<string, unknown>>(
        p: string,
        init: Parameters<ReturnType<typeof apiClient>>[1] = {},
      ): Promise<Answer<T>> => {
        const res = await client<T>(p, init);
        answers.push({
          text: res.text,
          cookie: res.headers.get('set-cookie') ?? '',
          creates: p === '/tokens' && init.method === 'POST',
        });
        return res;
      };
    const viaA = keep(apiClient(a.base));
    const viaB = keep(apiClient(b.base));
    const secrets: string[] = [adminPassword];
    const session = (r: Answer): Headerset => {
      expect(r.status, r.text).toBe(201);
      const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
      secrets.push(cookie.split('=')[1]!);
      return { cookie, 'x-csrf-token': (r.body as { csrfToken: string }).csrfToken };
    };

    const setupCode = a.setupCode ?? b.setupCode;
    const admin = session(
      await viaA('/setup', {
        method: 'POST',
        json: { setupToken: setupCode, email: 'admin@example.com', password: adminPassword },
      }),
    );
    const project = 'github.com/acme/shared';
    const p = projectPath(project);
    expect(
      (await viaA('/projects', { method: 'POST', headers: admin, json: { id: project } })).status,
    ).toBe(201);
    const email = 'rm@example.com';
    secrets.push(passwordOf(email));
    expect(
      (
        await viaA('/users', {
          method: 'POST',
          headers: admin,
          json: { email, password: passwordOf(email) },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await viaA(`${p}/members/${encodeURIComponent(email)}`, {
          method: 'PUT',
          headers: admin,
          json: { roles: ['release-manager'] },
        })
      ).status,
    ).toBe(200);
    // Signed in on B, the session made there works on A too.
    const rm = session(
      await viaB('/session', { method: 'POST', json: { email, password: passwordOf(email) } }),
    );
    const token = await viaA<{ id: string; secret: string }>('/tokens', {
      method: 'POST',
      headers: rm,
      json: { name: 'ci', project, roles: ['release-manager'] },
    });
    expect(token.status).toBe(201);
    secrets.push(token.body.secret);
    const bearer = { authorization: `Bearer ${token.body.secret}` };

    const start = await viaA(`${p}/releases`, {
      method: 'POST',
      headers: bearer,
      json: { version: '1.0.0', playbookYaml },
    });
    expect(start.status, start.text).toBe(201);
    const rel = `${p}/releases/1.0.0`;

    // A watcher on B sees the writes made through A, in order.
    const watcher = await watch(b.base, rel, rm, 1);
    cleanups.push(async () => watcher.close());
    for (const ref of ['1', '2']) {
      const tick = await viaA(`${rel}/items/actions`, {
        method: 'POST',
        headers: bearer,
        json: { refs: [ref], action: 'done' },
      });
      expect(tick.status, tick.text).toBe(200);
    }
    const tickedOnB = await viaB(`${rel}/items/actions`, {
      method: 'POST',
      headers: rm,
      json: { refs: ['3'], action: 'done' },
    });
    expect(tickedOnB.status, tickedOnB.text).toBe(200);
    await watcher.until(() => watcher.received.length >= 3);
    expect(watcher.received.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(watcher.received.every((e) => e.actor === email)).toBe(true);

    // Revoked through A, the token is refused by B at once.
    expect((await viaB(`${p}/releases`, { headers: bearer })).status).toBe(200);
    expect((await viaA(`/tokens/${token.body.id}`, { method: 'DELETE', headers: rm })).status).toBe(
      204,
    );
    const refused = await viaB(`${p}/releases`, { headers: bearer });
    expect(refused.status).toBe(401);
    expect((await viaA(`${p}/releases`, { headers: bearer })).status).toBe(401);
    // Signed out everywhere through A, the session is refused by B.
    expect((await viaA('/session?everywhere=true', { method: 'DELETE', headers: rm })).status).toBe(
      204,
    );
    expect((await viaB(`${p}/releases`, { headers: rm })).status).toBe(401);

    // No secret anywhere it should not be.
    const events = await viaB(`${rel}/events`, { headers: admin });
    watcher.close();
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
    const places = {
      'log of A': a.stderr(),
      'log of B': b.stderr(),
      answers: answers
        .filter((x) => !x.creates)
        .map((x) => x.text)
        .join('\n'),
      events: `${events.text}\n${watcher.raw()}`,
    };
    expect(places['log of A']).toMatch(/"path":/);
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets) {
        expect(text.includes(secret), `${where} holds a secret`).toBe(false);
      }
    }
    // The token's secret was in its create answer only; cookies only in Set-Cookie headers.
    expect(answers.filter((x) => x.text.includes(token.body.secret))).toHaveLength(1);
  }, 90_000);
});
