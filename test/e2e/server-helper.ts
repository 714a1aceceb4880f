/**
 * A real `gonogo serve` for the end-to-end server tests: start it on a database (a SQLite file
 * or a PostgreSQL URL), talk to its API with plain fetch, sign in, make users and tokens, and
 * follow a release's server-sent events. Nothing is mocked.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { checkPgAvailable, createTestDatabase } from '../../src/store/store-pg.fixture.ts';
import { hasSeeds, seedsDir, spawnCli } from './cli-helper.ts';
import type { Spawned } from './cli-helper.ts';

/** The seed `001_…` file name, or undefined (the tests skip visibly) when the seeds are absent. */
export const seed001 = hasSeeds
  ? readdirSync(seedsDir).find((f) => f.startsWith('001_'))
  : undefined;

/** The text of seed 001 (only call when {@link seed001} is set). */
export function readSeed001(): string {
  return readFileSync(path.join(seedsDir, seed001!), 'utf8');
}

/** A running server: its base URL, the set-up code when it printed one, its output so far. */
export interface Served {
  base: string;
  setupCode: string | undefined;
  spawned: Spawned;
  /** Everything written to stdout so far (the ready line, and what --demo made). */
  stdout(): string;
  /** Everything written to stderr so far (the JSON log lines). */
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number>;
  /** SIGKILL and wait until the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts `gonogo serve --port 0 --db DB` (and `extra` arguments) in `cwd` and resolves once it
 * listens.
 *
 * @example const s = await startServe(path.join(dir, 'team.db'), dir);
 */
export function startServe(db: string, cwd: string, extra: string[] = []): Promise<Served> {
  const spawned = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1', '--db', db, ...extra], {
    cwd,
  });
  let out = '';
  let err = '';
  spawned.child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    spawned.child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const line = /^gonogo listening on (http:\/\/\S+)\n/.exec(out);
      if (!line) return;
      resolve({
        base: line[1]!,
        setupCode: /"setupCode":"([^"]+)"/.exec(err)?.[1],
        spawned,
        stdout: () => out,
        stderr: () => err,
        stop: async () => {
          spawned.child.kill('SIGTERM');
          return (await spawned.done).code;
        },
        kill: async () => {
          if (spawned.child.exitCode === null && spawned.child.signalCode === null) {
            spawned.child.kill('SIGKILL');
          }
          await spawned.done;
        },
      });
    });
    spawned.child.on('exit', (code) => reject(new Error(`serve ended (${code}): ${out}${err}`)));
  });
}

/** An answer of the API: status, headers, the parsed JSON body (`{}` when empty), the raw text. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export type Headerset = Record<string, string>;

/**
 * A client of one server's API under `/api/v1`.
 *
 * @example const api = apiClient(served.base); const r = await api('/health');
 */
export function apiClient(base: string) {
  return async <T = Record<string, unknown>>(
    p: string,
    init: { method?: string; json?: unknown; headers?: Headerset } = {},
  ): Promise<Answer<T>> => {
    const res = await fetch(`${base}/api/v1${p}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { raw: text };
    }
    return { status: res.status, headers: res.headers, body: body as T, text };
  };
}

export type Api = ReturnType<typeof apiClient>;

/** The cookie and CSRF header of a session answer (set-up or sign-in). */
export function sessionHeaders(r: Answer): Headerset {
  if (r.status !== 201) throw new Error(`no session (${r.status}): ${r.text}`);
  return {
    cookie: r.headers.get('set-cookie')!.split(';')[0]!,
    'x-csrf-token': (r.body as { csrfToken: string }).csrfToken,
  };
}

/** The API path of a project (its id percent-encoded as one segment). */
export const projectPath = (project: string) => `/projects/${encodeURIComponent(project)}`;

/**
 * Sets the server up: the administrator, and the project. Returns the admin's session headers.
 *
 * @example const admin = await setUp(api, served.setupCode!, 'github.com/acme/app');
 */
export async function setUp(api: Api, setupCode: string, project: string): Promise<Headerset> {
  const admin = sessionHeaders(
    await api('/setup', {
      method: 'POST',
      json: { setupToken: setupCode, email: 'admin@example.com', password: adminPassword },
    }),
  );
  const made = await api('/projects', { method: 'POST', headers: admin, json: { id: project } });
  if (made.status !== 201) throw new Error(`project: ${made.status} ${made.text}`);
  return admin;
}

export const adminPassword = 'admin password 123';
/** The password {@link addUser} gives `email`. */
export const passwordOf = (email: string) => `${email} secret pass`;

/**
 * Creates a user with {@link passwordOf} and gives them `roles` in `project`; returns their
 * session headers.
 */
export async function addUser(
  api: Api,
  admin: Headerset,
  project: string,
  email: string,
  roles: string[],
): Promise<Headerset> {
  const made = await api('/users', {
    method: 'POST',
    headers: admin,
    json: { email, password: passwordOf(email) },
  });
  if (made.status !== 201) throw new Error(`user ${email}: ${made.status} ${made.text}`);
  const put = await api(`${projectPath(project)}/members/${encodeURIComponent(email)}`, {
    method: 'PUT',
    headers: admin,
    json: { roles },
  });
  if (put.status !== 200) throw new Error(`member ${email}: ${put.status} ${put.text}`);
  return signIn(api, email);
}

/** Signs `email` in with {@link passwordOf}. */
export async function signIn(api: Api, email: string): Promise<Headerset> {
  return sessionHeaders(
    await api('/session', { method: 'POST', json: { email, password: passwordOf(email) } }),
  );
}

/** Makes an API token as the signed-in `who`; returns its id and secret. */
export async function makeToken(
  api: Api,
  who: Headerset,
  project: string,
  roles: string[],
): Promise<{ id: string; secret: string; bearer: Headerset }> {
  const res = await api<{ id: string; secret: string }>('/tokens', {
    method: 'POST',
    headers: who,
    json: { name: 'e2e', project, roles },
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${res.text}`);
  return { ...res.body, bearer: { authorization: `Bearer ${res.body.secret}` } };
}

/** An event as a stream delivers it. */
export interface StreamedEvent {
  seq: number;
  type: string;
  actor: string;
  payload?: unknown;
}

/** A reader of a release's server-sent events. */
export interface Watcher {
  received: StreamedEvent[];
  /** Everything the stream carried, as text. */
  raw(): string;
  /** Reads until `ok()` holds; throws when the stream ends first. */
  until(ok: () => boolean): Promise<void>;
  close(): void;
}

/**
 * Follows `GET …/releases/{version}/events` as server-sent events from after `lastEventId`.
 *
 * @example const w = await watch(base, rel, bearer, 1); await w.until(() => w.received.length > 1);
 */
export async function watch(
  base: string,
  releasePath: string,
  headers: Headerset,
  lastEventId: number,
): Promise<Watcher> {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/v1${releasePath}/events`, {
    headers: { ...headers, accept: 'text/event-stream', 'last-event-id': String(lastEventId) },
    signal: abort.signal,
  });
  if (!/text\/event-stream/.test(res.headers.get('content-type') ?? '')) {
    throw new Error(`not an event stream (${res.status}): ${await res.text()}`);
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  let all = '';
  const received: StreamedEvent[] = [];
  return {
    received,
    raw: () => all,
    async until(ok) {
      while (!ok()) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended: ${all}`);
        const text = decoder.decode(value, { stream: true });
        all += text;
        pending += text;
        for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
          const frame = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const data = /^data: (.*)$/m.exec(frame);
          if (data) received.push(JSON.parse(data[1]!) as StreamedEvent);
        }
      }
    },
    close: () => abort.abort(),
  };
}

/** Where a server test keeps its files and what it undoes after all its tests. */
export interface ServerWorkspace {
  dir: string;
  /** Run in reverse order after all tests of the file (servers killed, databases dropped). */
  cleanups: (() => Promise<unknown>)[];
  /** The databases to run the same test on: a SQLite file, and PostgreSQL when reachable. */
  databases: { name: string; ok: boolean; db: () => Promise<string> }[];
}

/**
 * A temporary folder and the two databases a server test runs on, cleaned up after the file's
 * tests; PostgreSQL is skipped with a visible message when it is not reachable.
 *
 * @example const { dir, cleanups, databases } = await makeServerWorkspace('server durability', 'load.db');
 */
export async function makeServerWorkspace(label: string, file: string): Promise<ServerWorkspace> {
  const pgOk = await checkPgAvailable(`${label} (PostgreSQL)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'gonogo-server-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const databases = [
    { name: 'SQLite', ok: true, db: async () => path.join(dir, file) },
    {
      name: 'PostgreSQL',
      ok: pgOk,
      db: async () => {
        const made = await createTestDatabase();
        cleanups.push(made.drop);
        return made.url;
      },
    },
  ];
  return { dir, cleanups, databases };
}

/**
 * On a fresh server: the first administrator, `project` with a developer who holds the
 * release-manager role, that developer's token, and release 1.0.0 of `playbookYaml` started with
 * it. Returns the token's headers and the release's path.
 *
 * @example const { bearer, rel } = await startTeamRelease(api, served.setupCode!, 'acme/app', yaml);
 */
export async function startTeamRelease(
  api: ReturnType<typeof apiClient>,
  setupCode: string,
  project: string,
  playbookYaml: string,
): Promise<{ bearer: Record<string, string>; rel: string }> {
  const admin = await setUp(api, setupCode, project);
  const dev = await addUser(api, admin, project, 'dev@example.com', ['release-manager']);
  const { bearer } = await makeToken(api, dev, project, ['release-manager']);
  const start = await api(`${projectPath(project)}/releases`, {
    method: 'POST',
    headers: bearer,
    json: { version: '1.0.0', playbookYaml },
  });
  if (start.status !== 201)
    throw new Error(`release start answered ${start.status}: ${start.text}`);
  return { bearer, rel: `${projectPath(project)}/releases/1.0.0` };
}
