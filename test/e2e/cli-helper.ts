/**
 * Runs the built `gonogo` CLI as a real child process in throw-away git repositories, for the
 * end-to-end tests. Nothing is mocked: each call is `node dist/gonogo.js ARGS` with its own
 * environment, working directory and database file.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const repoRoot = path.resolve(import.meta.dirname, '../..');
/** The built CLI (`GONOGO_E2E_CLI` may name another build, e.g. an installed package's). */
export const cliPath = process.env.GONOGO_E2E_CLI ?? path.join(repoRoot, 'dist', 'gonogo.js');
/** The five real checklists, beside the repository (never copied into it). */
export const seedsDir = path.resolve(repoRoot, '../shared/seeds');
export const hasSeeds = existsSync(seedsDir);

/** A Saturday, 10:00 UTC (`GONOGO_NOW`): outside a window that denies weekends. */
export const saturdayNow = '2026-11-21T10:00:00.000Z';
/** The Monday after, 10:00 UTC: inside every release window the seeds declare. */
export const mondayNow = '2026-11-23T10:00:00.000Z';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Added to (and overriding) the base environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin, which is then closed. */
  input?: string;
  /** Run as this user and group (see {@link unprivileged}). */
  as?: { uid: number; gid: number };
}

/** The environment every CLI run starts from: no colour, no gonogo settings of the caller. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('GONOGO_') && k !== 'FORCE_COLOR') env[k] = v;
  }
  env.NO_COLOR = '1';
  return env;
}

/** A CLI process started by {@link spawnCli}: the child, and its result once it has ended. */
export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  done: Promise<RunResult>;
}

/**
 * Starts `gonogo ARGS` and returns the running child (to signal it, e.g. Ctrl-C) with a promise
 * of its exit code and output.
 *
 * @example
 * const { child, done } = spawnCli(['check', '10'], { cwd: repo.dir });
 * child.kill('SIGINT');
 * const { code } = await done;
 */
export function spawnCli(args: string[], opts: RunOptions): Spawned {
  if (!existsSync(cliPath)) {
    throw new Error(
      `${cliPath} is missing: build first with \`node scripts/build.ts\` (npm test does)`,
    );
  }
  const env = baseEnv();
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: opts.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.as ?? {}),
  });
  const done = new Promise<RunResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
  child.stdin.end(opts.input ?? '');
  return { child, done };
}

/**
 * Runs `gonogo ARGS` and resolves with its exit code and output (never rejects on a non-zero
 * exit: the code is what the tests assert).
 *
 * @example
 * const { code, stdout } = await run(['--version'], { cwd: repo.dir });
 */
export function run(args: string[], opts: RunOptions): Promise<RunResult> {
  return spawnCli(args, opts).done;
}

/** A temporary git repository with one commit, its own database and identity. */
export interface Repo {
  dir: string;
  /** The SQLite file (GONOGO_DB) the CLI uses in this repository. */
  db: string;
  env: Record<string, string>;
  /** Runs the CLI here; `env` adds to the repository's environment. */
  run(args: string[], opts?: Partial<RunOptions>): Promise<RunResult>;
  /** Runs the CLI here with `--json`, expects exit 0 and returns the parsed stdout. */
  json<T = unknown>(args: string[], opts?: Partial<RunOptions>): Promise<T>;
  /** Starts the CLI here and returns the running process (see {@link spawnCli}). */
  spawn(args: string[], opts?: Partial<RunOptions>): Spawned;
  /** Runs the CLI here and throws with its output when the exit code is not `code` (0). */
  ok(args: string[], opts?: Partial<RunOptions> & { code?: number }): Promise<RunResult>;
  /** Runs git here. */
  git(args: string[]): Promise<string>;
  /** Makes a new empty commit and returns its SHA. */
  commit(message: string): Promise<string>;
}

const made: string[] = [];

/**
 * Creates a temporary git repository (`git init`, one empty commit) with `GONOGO_USER`,
 * `NO_COLOR` and `GONOGO_DB` set for the CLI runs made through it.
 *
 * @example
 * const repo = await makeRepo();
 * await repo.ok(['release', 'start', '1.0.0']);
 */
export async function makeRepo(
  opts: { user?: string; env?: Record<string, string> } = {},
): Promise<Repo> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gonogo-e2e-'));
  made.push(dir);
  const db = path.join(dir, 'gonogo.db');
  const env = { GONOGO_USER: opts.user ?? 'e2e@example.com', GONOGO_DB: db, ...opts.env };
  const git = async (args: string[]) =>
    (
      await execFileAsync('git', args, {
        cwd: dir,
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
      })
    ).stdout.trim();
  const commit = async (message: string) => {
    await git([
      '-c',
      'user.email=e2e@example.com',
      '-c',
      'user.name=E2E',
      '-c',
      'commit.gpgsign=false',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      message,
    ]);
    return git(['rev-parse', 'HEAD']);
  };
  await git(['init', '-q']);
  await commit('release candidate');
  const repo: Repo = {
    dir,
    db,
    env,
    run: (args, o = {}) =>
      run(args, {
        cwd: o.cwd ?? dir,
        env: { ...env, ...o.env },
        ...(o.input !== undefined ? { input: o.input } : {}),
        ...(o.as ? { as: o.as } : {}),
      }),
    spawn: (args, o = {}) =>
      spawnCli(args, {
        cwd: o.cwd ?? dir,
        env: { ...env, ...o.env },
        ...(o.input !== undefined ? { input: o.input } : {}),
        ...(o.as ? { as: o.as } : {}),
      }),
    async ok(args, o = {}) {
      const r = await repo.run(args, o);
      const want = o.code ?? 0;
      if (r.code !== want) {
        throw new Error(
          `gonogo ${args.join(' ')} exited ${r.code}, expected ${want}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
        );
      }
      return r;
    },
    async json(args, o = {}) {
      const r = await repo.ok([...args, '--json'], o);
      return JSON.parse(r.stdout);
    },
    git,
    commit,
  };
  return repo;
}

/** Runs `gonogo ARGS --json` in `cwd`, expects exit 0 and returns the parsed stdout. */
export async function json<T = unknown>(args: string[], opts: RunOptions): Promise<T> {
  const r = await run([...args, '--json'], opts);
  if (r.code !== 0)
    throw new Error(`gonogo ${args.join(' ')} --json exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Removes every repository `makeRepo` made (call from `afterAll`). */
export async function removeRepos(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/**
 * A hash of the database's bytes: the file and its write-ahead log (`-wal`), either of which
 * may be absent. Equal hashes before and after a command mean it wrote nothing.
 *
 * @example expect(hashDb(repo.db)).toBe(before);
 */
export function hashDb(db: string): string {
  const h = createHash('sha256');
  for (const file of [db, `${db}-wal`]) {
    h.update(`${path.basename(file)}:`);
    h.update(existsSync(file) ? readFileSync(file) : Buffer.from('(absent)'));
  }
  return h.digest('hex');
}

/** Runs async tasks with at most `limit` at a time, keeping their order in the results. */
export async function mapLimit<T, R>(
  list: T[],
  limit: number,
  task: (x: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      results[i] = await task(list[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return results;
}

/**
 * Whom to run the CLI as so that file permissions apply: nobody (65534) when the tests run as
 * root, who may write any file; undefined (run as the caller) otherwise.
 *
 * @example await repo.run(['item', 'done', '1'], { ...(unprivileged() ? { as: unprivileged() } : {}) });
 */
export function unprivileged(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}

/** The processes whose parent is `pid`, or undefined where there is no /proc. */
export function childrenOf(pid: number): { pid: number; cmdline: string }[] | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const out: { pid: number; cmdline: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      out.push({ pid: Number(name), cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** True while `pid` runs (a zombie waiting for its parent to reap it counts as ended). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return !existsSync('/proc/self/stat');
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 50 ms until it gives a value; throws after `ms` naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Sends `signal` to a CLI started by {@link spawnCli} and waits for it to end; after `ms` it is
 * killed (SIGKILL) and `killed` says so, for the test to fail on.
 *
 * @example const r = await stopWith(spawned, 'SIGINT'); expect(r.killed).toBe(false);
 */
export async function stopWith(
  { child, done }: Spawned,
  signal: NodeJS.Signals,
  ms = 10_000,
): Promise<RunResult & { killed: boolean }> {
  child.kill(signal);
  let killed = false;
  const timer = setTimeout(() => {
    killed = child.kill('SIGKILL');
  }, ms);
  const r = await done;
  clearTimeout(timer);
  return { ...r, killed };
}
