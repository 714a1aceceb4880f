/**
 * A bad environment through the built CLI: every problem exits 2 with one message that names
 * the place (the Node.js binary, the database file or folder, the PostgreSQL URL with its
 * password masked, the output file) and the fix, and leaves the database as it was. Also: read
 * commands work on a database this user may not write, a bad output path is refused before any
 * check runs, and `gonogo check` records each result as it finishes and stops cleanly on
 * SIGTERM and SIGHUP.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPgAvailable, pgServerUrl } from '../../src/store/store-pg.fixture.ts';
import type { Repo, RunResult } from './cli-helper.ts';
import {
  childrenOf,
  cliPath,
  hashDb,
  isRunning,
  makeRepo,
  removeRepos,
  repoRoot,
  stopWith,
  unprivileged,
  waitFor,
} from './cli-helper.ts';

const playbook = `name: Environment
phases:
  - id: pre-release
    items:
      - title: Quick check
        check: { command: [node, -e, "process.exit(0)"] }
      - title: Soak test (runs until stopped)
        check: { command: [node, -e, "setTimeout(()=>{},30000)"] }
      - title: Release notes written
`;
const [quick, long, manual] = [1, 2, 3];
/** A fixed clock, so two runs of a read command print the same. */
const now = '2026-11-23T10:00:00.000Z';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A repository with the playbook and release 1.0.0 started, its database at `repo.db`. */
async function makeReleaseRepo(): Promise<Repo> {
  const repo = await makeRepo({ env: { GONOGO_NOW: now } });
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
  await repo.ok(['release', 'start', '1.0.0']);
  // A read closes the last connection, which folds the write-ahead log into the file.
  await repo.ok(['status']);
  return repo;
}

/**
 * Expects exit 2 and one line on stderr, `gonogo: ...`, matching every pattern, and at most a
 * `  try: COMMAND` line after it, whose command it returns. (pg may add a warning of its own
 * about sslmode before them: those lines are left out.)
 */
function expectRefused(r: RunResult, ...patterns: RegExp[]): string | undefined {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  const ours = r.stderr.includes('SECURITY WARNING: The SSL modes')
    ? lines.filter((l) => l.startsWith('gonogo: ') || l.startsWith('  try: '))
    : lines;
  const [message, hint, ...more] = ours;
  expect(more, r.stderr).toEqual([]);
  expect(message).toMatch(/^gonogo: /);
  if (hint !== undefined) expect(hint).toMatch(/^ {2}try: /);
  for (const p of patterns) expect(message).toMatch(p);
  return hint?.slice('  try: '.length);
}

/** Folders made read-only by a test, given back their mode so they can be removed. */
const locked: string[] = [];
function lock(dir: string): void {
  chmodSync(dir, 0o555);
  locked.push(dir);
}

afterAll(async () => {
  for (const dir of locked) if (existsSync(dir)) chmodSync(dir, 0o755);
  await removeRepos();
});

describe('Node.js older than gonogo needs', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    engines: { node: string };
  };
  const needed = Number(/\d+/.exec(pkg.engines.node)![0]);
  const old = findOldNode(needed);
  if (!old) {
    console.warn(
      `environment.test.ts: SKIPPING the old Node.js test: no node older than ${needed} on PATH or in /usr/bin, /usr/local/bin`,
    );
  }

  it.skipIf(!old)('says in one line which version it needs and which it found, exit 2', () => {
    const { bin, version } = old!;
    for (const args of [['status'], ['--version'], ['release', 'start', '1.0.0']]) {
      const r = spawnSync(bin, [cliPath, ...args], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `gonogo: needs Node.js ${needed} or newer, found ${version} (${bin}); install Node.js ${needed} LTS or put it first on PATH\n`,
      );
    }
  });
});

/** A `node` older than `major` on PATH or in the usual places, with its version. */
function findOldNode(major: number): { bin: string; version: string } | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const bin = path.join(dir, 'node');
    if (!dir || !existsSync(bin)) continue;
    try {
      const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().slice(1);
      // process.execPath is what the CLI reports; resolve links the same way.
      const real = execFileSync(bin, ['-p', 'process.execPath'], { encoding: 'utf8' }).trim();
      if (Number(version.split('.')[0]) < major) return { bin: real, version };
    } catch {
      // Not runnable here.
    }
  }
  return undefined;
}

describe('--db problems exit 2 with the path and the fix, and change nothing', () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeReleaseRepo();
  });

  it('a folder', async () => {
    const dir = path.join(repo.dir, 'a-folder');
    mkdirSync(dir);
    for (const args of [['status'], ['item', 'done', String(manual)]]) {
      expectRefused(
        await repo.run(['--db', dir, ...args]),
        /the database .*a-folder \(the --db option\) is a folder, not a file/,
        /name a file, e\.g\. .*a-folder\/gonogo\.db/,
      );
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a path under a regular file', async () => {
    writeFileSync(path.join(repo.dir, 'notes.txt'), 'notes\n');
    for (const args of [['status'], ['release', 'start', '2.0.0']]) {
      expectRefused(
        await repo.run(args, { env: { GONOGO_DB: 'notes.txt/sub/gonogo.db' } }),
        /the database notes\.txt\/sub\/gonogo\.db \(GONOGO_DB\) cannot be created: .*notes\.txt is a file, not a folder/,
      );
    }
    expect(readFileSync(path.join(repo.dir, 'notes.txt'), 'utf8')).toBe('notes\n');
  });

  it('a file of random bytes', async () => {
    const file = path.join(repo.dir, 'random.db');
    writeFileSync(file, randomBytes(16384));
    const before = sha256(file);
    for (const args of [['status'], ['release', 'list'], ['release', 'start', '2.0.0']]) {
      expectRefused(
        await repo.run(['--db', file, ...args]),
        /random\.db is not an SQLite database/,
        /move this file away to start a new one/,
      );
    }
    expect(sha256(file)).toBe(before);
  });

  it('an empty file: nothing to read in it, and a write starts a new database there', async () => {
    const file = path.join(repo.dir, 'empty.db');
    writeFileSync(file, '');
    expectRefused(
      await repo.run(['--db', file, 'status']),
      /no gonogo database at .*empty\.db \(the --db option; the file is empty\)/,
      /gonogo release start VERSION/,
    );
    expect(readFileSync(file)).toHaveLength(0);
    await repo.ok(['--db', file, 'release', 'start', '3.0.0']);
    const [release] = await repo.json<{ version: string }[]>(['--db', file, 'release', 'list']);
    expect(release?.version).toBe('3.0.0');
  });

  it("another program's SQLite database", async () => {
    const file = path.join(repo.dir, 'other.db');
    const other = new DatabaseSync(file);
    other.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)');
    other.close();
    const before = sha256(file);
    expectRefused(
      await repo.run(['--db', file, 'release', 'start', '2.0.0']),
      /other\.db is an SQLite database of another program \(tables: users\)/,
    );
    expect(sha256(file)).toBe(before);
  });

  it('a database made by a newer gonogo is refused untouched, by reads and writes', async () => {
    const newer = await makeReleaseRepo();
    const db = new DatabaseSync(newer.db);
    db.prepare('INSERT INTO gonogo_migration (name, timestamp) VALUES (?, ?)').run(
      '9999-from-the-future',
      now,
    );
    db.close();
    const before = hashDb(newer.db);
    for (const args of [
      ['status'],
      ['item', 'done', String(manual)],
      ['release', 'start', '2.0.0'],
    ]) {
      const hint = expectRefused(
        await newer.run(args),
        /was made by a newer gonogo \(with migration 9999-from-the-future, which this version does not know\)/,
        /upgrade gonogo/,
      );
      expect(hint).toMatch(/^npm install -g gonogo/);
    }
    expect(hashDb(newer.db)).toBe(before);
  });
});

describe('a database this user may not write', () => {
  const as = unprivileged();
  const runAs = as ? { as } : {};
  /** The read commands, each with what it prints on a writable copy of the same database. */
  const reads = [
    ['status'],
    ['log'],
    ['export'],
    ['env'],
    ['release', 'list'],
    ['release', 'show'],
    ['item', 'show', String(quick)],
    ['audit', 'verify'],
  ];
  let repo: Repo;
  const expected = new Map<string, string>();

  beforeAll(async () => {
    repo = await makeReleaseRepo();
    // The runner may be nobody: let it into the repository.
    chmodSync(repo.dir, 0o755);
    await repo.ok(['item', 'done', String(manual), '--note', 'read-only test']);
    for (const args of reads)
      expected.set(args.join(' '), (await repo.ok([...args, '--json'])).stdout);
  });

  /** A copy of the release database in a new folder `name`, set up by `prepare`. */
  function copyTo(name: string, prepare: (dir: string, file: string) => void): string {
    const dir = path.join(repo.dir, name);
    mkdirSync(dir);
    const file = path.join(dir, 'gonogo.db');
    copyFileSync(repo.db, file);
    prepare(dir, file);
    return file;
  }

  /** Makes `p` belong to the unprivileged runner (when the tests run as root). */
  const giveAway = (p: string) => (as ? chownSync(p, as.uid, as.gid) : undefined);

  const cases: [string, (dir: string, file: string) => void, RegExp][] = [
    [
      'a read-only file',
      (dir, file) => {
        giveAway(dir);
        chmodSync(file, 0o444);
      },
      /the database .*ro-file\/gonogo\.db \(GONOGO_DB\) is read-only \(make it writable for this user; the commands that only read work on it as it is: status, log/,
    ],
    [
      'a read-only folder',
      (dir, file) => {
        giveAway(file);
        lock(dir);
      },
      /the database .*ro-folder\/gonogo\.db \(GONOGO_DB\) cannot be written: its folder .*ro-folder is read-only \(SQLite writes its journal beside the database\)/,
    ],
    [
      'a read-only file in a read-only folder',
      (dir, file) => {
        chmodSync(file, 0o444);
        lock(dir);
      },
      /the database .*ro-both\/gonogo\.db \(GONOGO_DB\) is read-only/,
    ],
  ];

  it.each(cases.map(([name, prepare, refusal], i) => ({ name, prepare, refusal, i })))(
    '$name: every read command shows it as a writable copy does; a write is refused',
    async ({ name, prepare, refusal, i }) => {
      const file = copyTo(['ro-file', 'ro-folder', 'ro-both'][i]!, prepare);
      const before = sha256(file);
      const env = { GONOGO_DB: file };
      for (const args of reads) {
        const r = await repo.run([...args, '--json'], { env, ...runAs });
        expect(r.code, `${name}: ${args.join(' ')}\n${r.stderr}`).toBe(0);
        expect(r.stdout).toBe(expected.get(args.join(' ')));
      }
      for (const args of [
        ['item', 'done', String(quick)],
        ['release', 'start', '2.0.0'],
      ]) {
        expectRefused(await repo.run(args, { env, ...runAs }), refusal);
      }
      expect(sha256(file)).toBe(before);
    },
  );

  it('a new database in a read-only folder', async () => {
    const dir = path.join(repo.dir, 'ro-new');
    mkdirSync(dir);
    lock(dir);
    const r = await repo.run(['release', 'start', '2.0.0'], {
      env: { GONOGO_DB: path.join(dir, 'gonogo.db') },
      ...runAs,
    });
    expectRefused(
      r,
      /cannot be created: the folder .*ro-new is read-only \(make the folder writable/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an older database that needs a migration and may not be written says so', async () => {
    const file = copyTo('ro-old', (dir, f) => {
      const db = new DatabaseSync(f);
      // What a gonogo from before the newest migration would have left.
      const names = db.prepare('SELECT name FROM gonogo_migration ORDER BY name').all() as {
        name: string;
      }[];
      db.prepare('DELETE FROM gonogo_migration WHERE name = ?').run(names.at(-1)!.name);
      db.close();
      chmodSync(f, 0o444);
      lock(dir);
    });
    expectRefused(
      await repo.run(['status'], { env: { GONOGO_DB: file }, ...runAs }),
      /needs migration .* to be read by this gonogo, and it is read-only \(make it writable for one command, which upgrades it\)/,
    );
  });
});

const pgUrl = pgServerUrl;
const pgAvailable = await checkPgAvailable('environment.test.ts');

/** A TCP port on 127.0.0.1 that nothing listens on (one that was just free). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!pgAvailable)('PostgreSQL problems name the URL, password masked', () => {
  const base = new URL(pgUrl);
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const suffix = randomBytes(4).toString('hex');
  /** The base URL with `change` applied and a password that must never be shown. */
  const urlWith = (change: (u: URL) => void) => {
    const u = new URL(base);
    u.password = password;
    change(u);
    return u.toString();
  };
  const masked = (url: string) => url.replace(`:${password}@`, ':***@');
  let repo: Repo;
  const schema = `gonogo_e2e_env_${suffix}`;

  beforeAll(async () => {
    repo = await makeRepo();
    writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
  });

  afterAll(async () => {
    if (!pgAvailable) return;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  /** Runs a read and a write against `url`; both exit 2 naming the masked URL and `patterns`. */
  async function refuseBoth(url: string, ...patterns: RegExp[]) {
    for (const args of [['status'], ['release', 'start', '1.0.0']]) {
      const r = await repo.run(['--db', url, ...args]);
      expectRefused(r, ...patterns);
      expect(r.stderr).toContain(`cannot use PostgreSQL at ${masked(url)}: `);
      expect(r.stderr).not.toContain(password);
    }
  }

  it('connection refused (a port nothing listens on)', async () => {
    const port = await freePort();
    await refuseBoth(
      urlWith((u) => {
        u.hostname = '127.0.0.1';
        u.port = String(port);
      }),
      /connection refused \(start the server, or correct the host and port in the URL\)/,
    );
  });

  it('a role that does not exist', async () => {
    const role = `gonogo_no_role_${suffix}`;
    await refuseBoth(
      urlWith((u) => {
        u.username = role;
      }),
      new RegExp(
        `role "${role}" does not exist \\(create the role with CREATE ROLE "${role}" LOGIN`,
      ),
    );
  });

  it('a database that does not exist', async () => {
    const name = `gonogo_no_db_${suffix}`;
    await refuseBoth(
      urlWith((u) => {
        u.pathname = `/${name}`;
      }),
      new RegExp(`database "${name}" does not exist \\(create it with createdb ${name}`),
    );
  });

  it('TLS required by the URL from a server without TLS', async () => {
    await refuseBoth(
      urlWith((u) => {
        u.searchParams.set('sslmode', 'require');
      }),
      /the server does not offer TLS, which the URL asks for with sslmode=require \(enable TLS on the server/,
    );
  });

  it('--json gives the code, the masked place and the fix', async () => {
    const url = urlWith((u) => {
      u.pathname = `/gonogo_no_db_${suffix}`;
    });
    const r = await repo.run(['--db', url, 'status', '--json']);
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout) as {
      error: { code: string; place: string; fix: string };
    };
    expect(error.code).toBe('environment');
    expect(error.place).toBe(masked(url));
    expect(error.fix).toMatch(/createdb/);
    expect(r.stdout).not.toContain(password);
  });

  it('a database made by a newer gonogo is refused untouched', async () => {
    const url = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;
    await repo.ok(['--db', url, 'release', 'start', '1.0.0']);
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO "${schema}".gonogo_migration (name, timestamp) VALUES ($1, $2)`,
        ['9999-from-the-future', now],
      );
      const count = async () =>
        (await client.query(`SELECT count(*) AS n FROM "${schema}".events`)).rows[0].n as string;
      const before = await count();
      for (const args of [['status'], ['item', 'done', String(manual)]]) {
        expectRefused(
          await repo.run(['--db', url, ...args]),
          /made by a newer gonogo \(with migration 9999-from-the-future/,
          /upgrade gonogo/,
        );
      }
      expect(await count()).toBe(before);
    } finally {
      await client.end();
    }
  });
});

describe('output paths are checked before any work', () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeReleaseRepo();
    mkdirSync(path.join(repo.dir, 'reports'));
    writeFileSync(path.join(repo.dir, 'a-file'), 'x\n');
  });

  it('a bad --junit path runs no check and records nothing', async () => {
    const before = hashDb(repo.db);
    const bad: [string, RegExp][] = [
      ['reports', /reports is a folder, not a file \(name a file/],
      ['no-such-folder/checks.xml', /the folder no-such-folder does not exist \(create it/],
      ['a-file/checks.xml', /a-file is a file, not a folder/],
    ];
    for (const [junit, message] of bad) {
      const r = await repo.run(['check', String(quick), '--junit', junit]);
      expectRefused(r, new RegExp(`${junit.replaceAll('.', '\\.')} `), message);
      expect(r.stdout).toBe('');
    }
    expect(hashDb(repo.db)).toBe(before);
    const { items } = await repo.json<{ items: { number: number; state: string }[] }>([
      'release',
      'show',
    ]);
    expect(items.find((i) => i.number === quick)?.state).toBe('pending');
  });

  it('-o into a folder this user may not write is refused; a good -o is written whole', async () => {
    const as = unprivileged();
    const dir = path.join(repo.dir, 'locked');
    mkdirSync(dir);
    chmodSync(repo.dir, 0o755);
    lock(dir);
    const r = await repo.run(['export', '-o', 'locked/release.md'], as ? { as } : {});
    expectRefused(r, /cannot write locked\/release\.md: the folder locked is read-only/);
    expect(readdirSync(dir)).toEqual([]);

    const shown = await repo.ok(['export']);
    writeFileSync(path.join(repo.dir, 'reports', 'release.md'), 'an older export\n');
    await repo.ok(['export', '-o', 'reports/release.md']);
    expect(readFileSync(path.join(repo.dir, 'reports', 'release.md'), 'utf8')).toBe(shown.stdout);
    expect(readdirSync(path.join(repo.dir, 'reports'))).toEqual(['release.md']);
  });
});

describe('gonogo check and signals', () => {
  let repo: Repo;

  async function stateOf(n: number): Promise<{ state: string; evidence?: { summary: string } }> {
    const { items } = await repo.json<{
      items: { number: number; state: string; evidence?: { summary: string } }[];
    }>(['release', 'show']);
    return items.find((i) => i.number === n)!;
  }

  /** Starts `gonogo check` on both check items and waits for the long one's process. */
  async function startCheck() {
    const spawned = repo.spawn(['check', String(quick), String(long), '--concurrency', '2'], {
      env: { CI: '1' },
    });
    const grandchild = existsSync('/proc/self/stat')
      ? await waitFor('the long check to start', () =>
          childrenOf(spawned.child.pid!)?.find((c) => c.cmdline.includes('setTimeout')),
        )
      : undefined;
    return { ...spawned, grandchild };
  }

  /** Leaves no check process behind, whatever the test did (it runs in its own group). */
  function cleanUp(grandchild: { pid: number } | undefined) {
    if (grandchild && isRunning(grandchild.pid)) process.kill(-grandchild.pid, 'SIGKILL');
  }

  it('records each result as it finishes: kill -9 keeps the finished ones', async () => {
    repo = await makeReleaseRepo();
    const { child, done, grandchild } = await startCheck();
    try {
      // The quick check is recorded while the long one still runs.
      await waitFor('the quick check to be recorded', async () =>
        (await stateOf(quick)).state === 'passed' ? true : undefined,
      );
      expect((await stateOf(long)).state).toBe('pending');
      child.kill('SIGKILL');
      await done;
    } finally {
      cleanUp(grandchild);
    }
    expect((await stateOf(quick)).state).toBe('passed');
    expect((await stateOf(long)).state).toBe('pending');
    expect((await repo.ok(['audit', 'verify'])).stdout).toMatch(/chain intact/);
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    '%s stops the checks like Ctrl-C: the check process ends, unfinished checks are recorded as cancelled',
    async (signal) => {
      repo = await makeReleaseRepo();
      const { grandchild, ...spawned } = await startCheck();
      try {
        await waitFor('the quick check to be recorded', async () =>
          (await stateOf(quick)).state === 'passed' ? true : undefined,
        );
        const r = await stopWith(spawned, signal);
        expect(r.killed, `gonogo check did not end within 10 s of ${signal}`).toBe(false);
        expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
        expect(r.stdout).toMatch(/1 passed, 0 failed, 1 could not run/);
        const item = await stateOf(long);
        expect(item.state).toBe('failed');
        expect(item.evidence?.summary).toMatch(/cancelled/);
        if (grandchild) {
          await waitFor('the check process to end', () =>
            isRunning(grandchild.pid) ? undefined : true,
          );
        }
      } finally {
        cleanUp(grandchild);
      }
      expect((await repo.ok(['audit', 'verify'])).stdout).toMatch(/chain intact/);
    },
  );
});
