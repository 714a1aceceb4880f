/**
 * The team server end to end: the built CLI's `gonogo serve` on a fresh SQLite file, set up
 * through the API, a project with seed 001 imported as its playbook, a QA lead and a release
 * manager with a token; a release started with the token; an SSE client (plain fetch) sees the
 * item tick and the QA sign-off made through the API; SIGTERM ends the server with exit 0.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasSeeds, seedsDir, spawnCli } from './cli-helper.ts';
import type { Spawned } from './cli-helper.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gonogo-serve-'));
const seed = hasSeeds ? readdirSync(seedsDir).find((f) => f.startsWith('001_')) : undefined;
if (!seed) console.warn(`server e2e skipped: no seed 001_* in ${seedsDir}`);

/** The fields of the answers this test reads. */
interface Body {
  csrfToken: string;
  yaml: string;
  secret: string;
}

let served: Spawned | undefined;
afterAll(() => {
  if (served && served.child.exitCode === null) served.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the first stdout line and the set-up code from the log. */
function started(s: Spawned): Promise<{ base: string; setupCode: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const check = () => {
      const line = /^gonogo listening on (http:\/\/\S+)\n/.exec(out);
      const code = /"setupCode":"([^"]+)"/.exec(err);
      if (line && code) resolve({ base: line[1]!, setupCode: code[1]! });
    };
    s.child.stdout.on('data', (b: Buffer) => ((out += b.toString()), check()));
    s.child.stderr.on('data', (b: Buffer) => ((err += b.toString()), check()));
    s.child.on('exit', (code) => reject(new Error(`serve ended (${code}): ${out}${err}`)));
  });
}

describe.skipIf(!seed)('gonogo serve', () => {
  it('runs a team release through the API while an SSE client watches', async () => {
    served = spawnCli(['serve', '--port', '0', '--db', path.join(dir, 'team.db')], { cwd: dir });
    const { base, setupCode } = await started(served);
    const api = async (
      p: string,
      init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
    ) => {
      const res = await fetch(`${base}/api/v1${p}`, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      });
      const text = await res.text();
      return {
        status: res.status,
        headers: res.headers,
        body: (text ? JSON.parse(text) : {}) as Body,
      };
    };
    const session = (r: { headers: Headers; body: { csrfToken: string } }) => ({
      cookie: r.headers.get('set-cookie')!.split(';')[0]!,
      'x-csrf-token': r.body.csrfToken,
    });

    const setup = await api('/setup', {
      method: 'POST',
      json: { setupToken: setupCode, email: 'admin@example.com', password: 'admin password 123' },
    });
    expect(setup.status).toBe(201);
    const admin = session(setup);

    const imported = await api('/playbooks/import', {
      method: 'POST',
      headers: admin,
      json: { text: readFileSync(path.join(seedsDir, seed!), 'utf8'), file: seed },
    });
    expect(imported.status).toBe(200);
    const playbookYaml = imported.body.yaml;

    const project = 'github.com/acme/app';
    expect(
      (await api('/projects', { method: 'POST', headers: admin, json: { id: project } })).status,
    ).toBe(201);
    const p = `/projects/${encodeURIComponent(project)}`;
    for (const [email, roles] of [
      ['qa@example.com', ['member', 'qa-lead']],
      ['rm@example.com', ['release-manager']],
    ] as const) {
      const made = await api('/users', {
        method: 'POST',
        headers: admin,
        json: { email, password: `${email} password` },
      });
      expect(made.status).toBe(201);
      const put = await api(`${p}/members/${encodeURIComponent(email)}`, {
        method: 'PUT',
        headers: admin,
        json: { roles },
      });
      expect(put.status).toBe(200);
    }
    const rmSession = session(
      await api('/session', {
        method: 'POST',
        json: { email: 'rm@example.com', password: 'rm@example.com password' },
      }),
    );
    const token = await api('/tokens', {
      method: 'POST',
      headers: rmSession,
      json: { name: 'release CLI', project, roles: ['release-manager'] },
    });
    expect(token.status).toBe(201);
    const bearer = { authorization: `Bearer ${token.body.secret}` };

    const start = await api(`${p}/releases`, {
      method: 'POST',
      headers: bearer,
      json: { version: '1.0.0', playbookYaml },
    });
    expect(start.status).toBe(201);
    const rel = `${p}/releases/1.0.0`;

    // The watcher: a plain fetch reading the event stream from after the start.
    const watcher = new AbortController();
    const stream = await fetch(`${base}/api/v1${rel}/events`, {
      headers: { ...bearer, accept: 'text/event-stream', 'last-event-id': '1' },
      signal: watcher.signal,
    });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const received: { seq: number; actor: string; type: string }[] = [];
    const until = async (ok: () => boolean) => {
      while (!ok()) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended: ${seen}`);
        seen += decoder.decode(value, { stream: true });
        for (let end = seen.indexOf('\n\n'); end >= 0; end = seen.indexOf('\n\n')) {
          const frame = seen.slice(0, end);
          seen = seen.slice(end + 2);
          const data = /^data: (.*)$/m.exec(frame);
          if (data) received.push(JSON.parse(data[1]!) as (typeof received)[number]);
        }
      }
    };

    const tick = await api(`${rel}/items/actions`, {
      method: 'POST',
      headers: bearer,
      json: { refs: ['1'], action: 'done' },
    });
    expect(tick.status).toBe(200);
    await until(() => received.some((e) => e.actor === 'rm@example.com'));

    const qa = session(
      await api('/session', {
        method: 'POST',
        json: { email: 'qa@example.com', password: 'qa@example.com password' },
      }),
    );
    const sign = await api(`${rel}/signoffs`, {
      method: 'POST',
      headers: qa,
      json: { role: 'qa-lead', verdict: 'go' },
    });
    expect(sign.status).toBe(201);
    await until(() => received.some((e) => e.actor === 'qa@example.com'));
    expect(received[0]!.seq).toBe(2);
    expect(received.map((e) => e.seq)).toEqual(received.map((_, i) => i + 2));

    // The release manager's token cannot sign as QA, and the token is never echoed.
    const forged = await api(`${rel}/signoffs`, {
      method: 'POST',
      headers: bearer,
      json: { role: 'qa-lead', verdict: 'go' },
    });
    expect(forged.status).toBe(403);

    served.child.kill('SIGTERM');
    const { code, stderr } = await served.done;
    watcher.abort();
    expect(code).toBe(0);
    expect(stderr).not.toContain(token.body.secret);
    expect(stderr).not.toContain('qa@example.com password');
  }, 60_000);
});
