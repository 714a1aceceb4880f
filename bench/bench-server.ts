/**
 * The team server under load, against a floor measured in the same run:
 * - the floor: a bare Hono route on @hono/node-server (bench/bench-server-floor.ts, its own
 *   process) that parses a JSON body and answers JSON;
 * - `gonogo serve` (the built CLI as a child process, as in production) on SQLite and, when
 *   127.0.0.1:5432 answers, on a fresh PostgreSQL database: 50 keep-alive connections post item
 *   actions on one release, each connection its own item, alternating `done` and `reset`;
 * - fan-out: 1,000 server-sent-event watchers on one release, then writes one at a time: for
 *   each, the time from the write's response until all watchers have its event.
 * The load comes from this process over node:http (one keep-alive socket per connection), the
 * same client for the floor and for gonogo.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess } from './bench-process.ts';

export interface LoadResult {
  label: string;
  /** Requests completed in the measured window. */
  requests: number;
  /** Answers that were not 2xx (or failed) in the measured window. */
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface FanOutResult {
  watchers: number;
  writes: number;
  /** From each write's response until the last watcher had its event. */
  afterResponse: { p50Ms: number; p99Ms: number; maxMs: number };
  /** From each write's request until the last watcher had its event (the write's own time included). */
  afterRequest: { p50Ms: number; p99Ms: number; maxMs: number };
  /** Time to open all the watchers. */
  connectMs: number;
}

export interface ServerDatabaseResult {
  database: 'SQLite' | 'PostgreSQL';
  load?: LoadResult;
  fanOut?: FanOutResult;
  error?: string;
}

export interface ServerBenchResults {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  floor: LoadResult;
  databases: ServerDatabaseResult[];
  /** Why PostgreSQL was not measured. */
  postgresMissing?: string;
  /** 1-minute load average before each measured phase. */
  loads: { phase: string; load: number }[];
}

export interface ServerBenchOptions {
  connections: number;
  warmupMs: number;
  durationMs: number;
  watchers: number;
  writes: number;
}

const project = 'github.com/bench/server';
const version = '1.0.0';
const password = 'bench admin password 123';

/**
 * Runs the server bench: floor, gonogo on SQLite, gonogo on PostgreSQL when reachable.
 *
 * @example
 * const r = await runServerBench('/work/main', console.log, { connections: 50, warmupMs: 2000, durationMs: 10000, watchers: 1000, writes: 50 });
 */
export async function runServerBench(
  repoRoot: string,
  log: (text: string) => void,
  opts: ServerBenchOptions,
): Promise<ServerBenchResults> {
  const loads: { phase: string; load: number }[] = [];
  const noteLoad = (phase: string) => loads.push({ phase, load: loadavg()[0]! });
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-server-'));
  try {
    log(
      `server floor: bare Hono route, ${opts.connections} connections, ${opts.warmupMs / 1000} s warm-up + ${opts.durationMs / 1000} s`,
    );
    const floorServer = await startProcess(
      [join(repoRoot, 'bench', 'bench-server-floor.ts')],
      /^floor listening on (http:\/\/\S+)\n/,
      dir,
    );
    noteLoad('floor');
    const floor = await driveLoad('bare Hono route (JSON in, JSON out)', floorServer.base, {
      ...opts,
      path: '/echo',
      headers: {},
      bodyFor: (conn, n) => ({ refs: [String(conn + 1)], action: n % 2 ? 'reset' : 'done' }),
    }).finally(() => floorServer.stop());

    const cli = join(repoRoot, 'dist', 'gonogo.js');
    const databases: ServerDatabaseResult[] = [];
    databases.push(
      await measureGonogo('SQLite', join(dir, 'bench.db'), cli, dir, log, opts, noteLoad),
    );
    const pg = await createPostgresDatabase();
    if ('url' in pg) {
      try {
        databases.push(await measureGonogo('PostgreSQL', pg.url, cli, dir, log, opts, noteLoad));
      } finally {
        await pg.drop().catch(() => undefined);
      }
    }
    return {
      connections: opts.connections,
      warmupSeconds: opts.warmupMs / 1000,
      durationSeconds: opts.durationMs / 1000,
      floor,
      databases,
      ...('missing' in pg ? { postgresMissing: pg.missing } : {}),
      loads,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureGonogo(
  database: ServerDatabaseResult['database'],
  db: string,
  cli: string,
  dir: string,
  log: (text: string) => void,
  opts: ServerBenchOptions,
  noteLoad: (phase: string) => void,
): Promise<ServerDatabaseResult> {
  // GONOGO_BENCH_SERVE_NODE_ARGS: node flags for the server only (e.g. --cpu-prof), to see
  // where its time goes.
  const nodeArgs = process.env.GONOGO_BENCH_SERVE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const served = await startProcess(
    [...nodeArgs, cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db],
    /^gonogo listening on (http:\/\/\S+)\n/,
    dir,
  );
  try {
    const bearer = await setUpProject(served.base, served.setupCode(), opts.connections);
    const rel = `/api/v1/projects/${encodeURIComponent(project)}/releases/${version}`;
    log(`gonogo serve on ${database}: item actions, ${opts.connections} connections`);
    noteLoad(`gonogo on ${database}: writes`);
    const load = await driveLoad(`gonogo serve on ${database}: item actions`, served.base, {
      ...opts,
      path: `${rel}/items/actions`,
      headers: bearer,
      bodyFor: (conn, n) => ({ refs: [String(conn + 1)], action: n % 2 ? 'reset' : 'done' }),
    });
    log(`gonogo serve on ${database}: ${opts.watchers} SSE watchers, ${opts.writes} writes`);
    noteLoad(`gonogo on ${database}: fan-out`);
    const fanOut = await measureFanOut(served.base, rel, bearer, opts);
    return { database, load, fanOut };
  } catch (e) {
    const error = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
    console.warn(`\n!!! ${database}: ${error}\n`);
    return { database, error };
  } finally {
    await served.stop();
  }
}

/** JSON request with plain fetch (set-up only; the load uses node:http). */
async function callJson(
  base: string,
  path: string,
  method: string,
  headers: Record<string, string>,
  json?: unknown,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown>; text: string }> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    text,
  };
}

/**
 * The administrator, the project, a release with one item per connection (and a few spare),
 * and an API token: returns the bearer header the load uses.
 */
async function setUpProject(
  base: string,
  setupCode: string,
  items: number,
): Promise<Record<string, string>> {
  const expect = <R extends { status: number; text: string }>(
    r: R,
    status: number,
    what: string,
  ) => {
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
    return r;
  };
  const setup = expect(
    await callJson(
      base,
      '/setup',
      'POST',
      {},
      {
        setupToken: setupCode,
        email: 'admin@example.com',
        password,
      },
    ),
    201,
    'set-up',
  );
  const admin = {
    cookie: setup.headers.get('set-cookie')!.split(';')[0]!,
    'x-csrf-token': String(setup.body.csrfToken),
  };
  expect(await callJson(base, '/projects', 'POST', admin, { id: project }), 201, 'project');
  expect(
    await callJson(
      base,
      `/projects/${encodeURIComponent(project)}/members/${encodeURIComponent('admin@example.com')}`,
      'PUT',
      admin,
      { roles: ['release-manager'] },
    ),
    200,
    'member',
  );
  const token = expect(
    await callJson(base, '/tokens', 'POST', admin, {
      name: 'bench',
      project,
      roles: ['release-manager'],
    }),
    201,
    'token',
  );
  const bearer = { authorization: `Bearer ${String(token.body.secret)}` };
  const playbookYaml = `name: Server bench\nphases:\n  - id: work\n    items:\n${Array.from(
    { length: items + 5 },
    (_, i) => `      - title: Task ${i + 1}\n`,
  ).join('')}`;
  expect(
    await callJson(base, `/projects/${encodeURIComponent(project)}/releases`, 'POST', bearer, {
      version,
      playbookYaml,
    }),
    201,
    'release',
  );
  return bearer;
}

/** One POST on `agent`'s socket; resolves with the status once the answer is read. */
function post(
  agent: http.Agent,
  url: URL,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/**
 * `connections` loops, each on its own keep-alive socket, posting one request after another
 * for the warm-up and then the measured window; only requests started in the window count.
 */
async function driveLoad(
  label: string,
  base: string,
  spec: ServerBenchOptions & {
    path: string;
    headers: Record<string, string>;
    bodyFor: (connection: number, n: number) => unknown;
  },
): Promise<LoadResult> {
  const url = new URL(base);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const measureFrom = started + spec.warmupMs;
  const stopAt = measureFrom + spec.durationMs;
  let lastEnd = measureFrom;
  const loop = async (conn: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let n = 0; performance.now() < stopAt; n++) {
        const body = JSON.stringify(spec.bodyFor(conn, n));
        const t0 = performance.now();
        let status = 0;
        try {
          status = await post(agent, url, spec.path, spec.headers, body);
        } catch {
          status = 0;
        }
        const t1 = performance.now();
        if (t0 < measureFrom) continue;
        latencies.push(t1 - t0);
        if (status < 200 || status > 299) errors++;
        if (t1 > lastEnd) lastEnd = t1;
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, (_, i) => loop(i)));
  const seconds = (lastEnd - measureFrom) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    label,
    requests: sorted.length,
    errors,
    seconds,
    perSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function summarize(values: number[]): { p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
  };
}

/**
 * Opens `watchers` event streams on the release from its current last event, then makes
 * `writes` item actions one at a time: each waits until every watcher has that write's
 * `item.state` event before the next is made.
 */
async function measureFanOut(
  base: string,
  rel: string,
  bearer: Record<string, string>,
  opts: ServerBenchOptions,
): Promise<FanOutResult> {
  const url = new URL(base);
  const listed = await callJson(base, `${rel.slice('/api/v1'.length)}/events`, 'GET', bearer);
  const events = (listed.body.events ?? []) as { seq: number }[];
  const lastSeq = events.length ? events[events.length - 1]!.seq : 0;
  // arrivals[k]: how many watchers have their k-th item.state event, and when the last did.
  const arrivals: { count: number; last: number }[] = [];
  let waiter: { k: number; resolve: () => void } | undefined;
  const requests: http.ClientRequest[] = [];
  const openedAt = performance.now();
  const open = (): Promise<void> =>
    new Promise((resolve, reject) => {
      let seen = 0;
      let pending = '';
      const req = http.get(
        {
          agent: false,
          host: url.hostname,
          port: url.port,
          path: `${rel}/events`,
          headers: { ...bearer, accept: 'text/event-stream', 'last-event-id': String(lastSeq) },
        },
        (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`event stream: ${res.statusCode}`));
            res.resume();
            return;
          }
          res.setEncoding('utf8');
          resolve();
          res.on('data', (text: string) => {
            pending += text;
            for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
              const frame = pending.slice(0, end);
              pending = pending.slice(end + 2);
              if (!/^data: .*"type":"item\.state"/m.test(frame)) continue;
              const slot = (arrivals[seen] ??= { count: 0, last: 0 });
              seen++;
              slot.count++;
              slot.last = performance.now();
              if (waiter && seen - 1 === waiter.k && slot.count === opts.watchers) waiter.resolve();
            }
          });
        },
      );
      req.once('error', (e) => reject(e));
      requests.push(req);
    });
  try {
    // In batches, so the server is not asked to accept a thousand connections in one tick.
    for (let i = 0; i < opts.watchers; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, opts.watchers - i) }, open));
    }
    const connectMs = performance.now() - openedAt;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const afterResponse: number[] = [];
    const afterRequest: number[] = [];
    try {
      for (let k = 0; k < opts.writes; k++) {
        const all = new Promise<void>((resolve, reject) => {
          if ((arrivals[k]?.count ?? 0) === opts.watchers) return resolve();
          waiter = { k, resolve };
          setTimeout(
            () => reject(new Error(`write ${k + 1}: not all watchers had it after 30 s`)),
            30_000,
          ).unref();
        });
        // A spare item the load above left alone, so the first `done` is a change.
        const body = JSON.stringify({
          refs: [String(opts.connections + 1)],
          action: k % 2 ? 'reset' : 'done',
        });
        const t0 = performance.now();
        const status = await post(agent, url, `${rel}/items/actions`, bearer, body);
        const t1 = performance.now();
        if (status !== 200) throw new Error(`write ${k + 1}: ${status}`);
        await all;
        const last = arrivals[k]!.last;
        // A watcher can have the event before the writer has read its own answer: 0, not less.
        afterResponse.push(Math.max(0, last - t1));
        afterRequest.push(last - t0);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      agent.destroy();
    }
    return {
      watchers: opts.watchers,
      writes: opts.writes,
      afterResponse: summarize(afterResponse),
      afterRequest: summarize(afterRequest),
      connectMs,
    };
  } finally {
    for (const req of requests) req.destroy();
  }
}

/** A fresh database on 127.0.0.1:5432 (trust), or why there is none. */
async function createPostgresDatabase(): Promise<
  { url: string; drop(): Promise<void> } | { missing: string }
> {
  const { checkPgAvailable, createTestDatabase, pgServerUrl } =
    await import('../src/store/store-pg.fixture.ts');
  if (!(await checkPgAvailable('server bench'))) {
    return { missing: `cannot connect to ${pgServerUrl} (set GONOGO_TEST_PG to a PostgreSQL URL)` };
  }
  try {
    return await createTestDatabase();
  } catch (e) {
    return { missing: e instanceof Error ? e.message : String(e) };
  }
}
