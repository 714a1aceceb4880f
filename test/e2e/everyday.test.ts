/**
 * Everyday paths through the built CLI: global options before the command, help for the
 * command groups, a near command suggested for a typo, `--version` from package.json (inlined,
 * no file read), and `v1.0.0` as the same release as `1.0.0`.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { cliPath, makeRepo, removeRepos, repoRoot } from './cli-helper.ts';

const playbook = `name: Everyday
phases:
  - id: pre-release
    items:
      - title: Changelog written
      - title: Tests pass
`;

let repo: Repo;

beforeAll(async () => {
  repo = await makeRepo();
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
  await repo.ok(['release', 'start', '1.0.0']);
});

afterAll(removeRepos);

describe('global options before the command', () => {
  it('--json before the command is the same as after it', async () => {
    const after = await repo.ok(['status', '--json']);
    const before = await repo.ok(['--json', 'status']);
    expect(before.stdout).toBe(after.stdout);
    expect(JSON.parse(before.stdout)).toBeTypeOf('object');
  });

  it('--db before the command picks the database (over GONOGO_DB)', async () => {
    const env = { GONOGO_DB: path.join(repo.dir, 'elsewhere.db') };
    const spaced = await repo.ok(['--db', repo.db, 'release', 'list', '--json'], { env });
    const joined = await repo.ok([`--db=${repo.db}`, '--json', 'release', 'list'], { env });
    expect(JSON.parse(spaced.stdout)).toMatchObject([{ version: '1.0.0' }]);
    expect(joined.stdout).toBe(spaced.stdout);
    // And without it, GONOGO_DB names a database that is not there.
    const missing = await repo.run(['release', 'list'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no gonogo database at .*elsewhere\.db \(GONOGO_DB\)/);
  });

  it('--release before the command, and --help before one', async () => {
    const status = await repo.ok(['--release', '1.0.0', '--json', 'status']);
    expect(status.stdout).toBe((await repo.ok(['status', '--release', '1.0.0', '--json'])).stdout);
    const help = await repo.ok(['--help', 'status']);
    expect(help.stdout).toMatch(/^usage: gonogo status/);
  });

  it("a command's own option before the command, or a missing value, is a usage error", async () => {
    const own = await repo.run(['--phase', 'pre-release', 'check']);
    expect(own.code).toBe(2);
    expect(own.stderr).toMatch(
      /unknown option --phase before the command: a command's own options go after it/,
    );
    const bare = await repo.run(['--db']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/option --db needs a value \(e\.g\. --db \.gonogo\/gonogo\.db\)/);
    // --json first still gives the error as JSON.
    const json = await repo.run(['--json', 'stauts']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'usage' } });
  });
});

describe('command groups', () => {
  const groups: Record<string, string[]> = {
    item: ['done', 'na', 'waive', 'fail', 'reset', 'show'],
    release: ['start', 'list', 'show', 'retarget'],
    playbook: ['import', 'lint', 'show'],
    audit: ['verify'],
    token: ['create', 'list', 'revoke'],
    admin: ['create'],
  };

  it.each(Object.entries(groups))(
    'gonogo %s --help lists its commands, exit 0',
    async (group, subs) => {
      for (const args of [
        [group, '--help'],
        [group, '-h'],
        ['--help', group],
      ]) {
        const r = await repo.run(args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^usage: gonogo ${group} <command>`));
        const listed = r.stdout
          .split('\n')
          .filter((l) => l.startsWith(`  ${group} `))
          .join('\n');
        for (const sub of subs)
          expect(listed, `${group} ${sub}`).toMatch(new RegExp(`\\b${sub}\\b`));
      }
      // The group alone is incomplete: the same list, exit 2.
      const alone = await repo.run([group]);
      expect(alone.code).toBe(2);
      expect(alone.stdout).toMatch(new RegExp(`^usage: gonogo ${group} <command>`));
    },
  );

  it('gonogo --help lists the team server commands with their flags, and each has its own help', async () => {
    const help = (await repo.ok(['--help'])).stdout;
    const section = help.slice(help.indexOf('\nteam server\n'), help.indexOf('\nglobal options'));
    for (const line of [
      'serve [--port N] [--host H] [--demo]',
      'admin create --email E [--name N]',
      'login --server URL [--email E]',
      'logout [--everywhere]',
      'token create --project P --name N [--role R]... [--expires 30d]',
      'token list | revoke ID',
    ]) {
      expect(section.split('\n').some((l) => l.startsWith(`  ${line}`))).toBe(true);
    }
    for (const [args, usage] of [
      [['serve'], 'gonogo serve [--port N] [--host H] [--db PATH|URL] [--demo]'],
      [['admin', 'create'], 'gonogo admin create --email E [--name N]'],
      [['login'], 'gonogo login --server URL [--email EMAIL]'],
      [['logout'], 'gonogo logout [--everywhere]'],
      [['token', 'create'], 'gonogo token create --project PROJECT --name NAME'],
      [['token', 'list'], 'gonogo token list'],
      [['token', 'revoke'], 'gonogo token revoke ID'],
    ] as const) {
      const own = await repo.ok([...args, '--help']);
      expect(own.stdout.split('\n')[0]).toContain(`usage: ${usage}`);
    }
  });

  it('an unknown command suggests the near one; with none near, lists the group', async () => {
    const near: [string[], string][] = [
      [['item', 'dnoe', '1'], 'item done'],
      [['release', 'lsit'], 'release list'],
      [['playbook', 'lnit'], 'playbook lint'],
      [['stauts'], 'status'],
    ];
    for (const [args, meant] of near) {
      const r = await repo.run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`; did you mean "${meant}"?`);
    }
    const far = await repo.run(['item', 'frobnicate']);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(
      /unknown command "item frobnicate"; the item commands are done, na, waive, fail, reset, show \(run `gonogo item --help`\)/,
    );
  });
});

describe('--version', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
  };

  it("is package.json's, inlined: a copy of the bundle with no package.json near says it too", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gonogo-bundle-'));
    try {
      cpSync(path.dirname(cliPath), dir, { recursive: true });
      for (const flag of ['--version', '-V', 'version']) {
        const r = spawnSync(process.execPath, [path.join(dir, path.basename(cliPath)), flag], {
          cwd: dir,
          encoding: 'utf8',
        });
        expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
          code: 0,
          stdout: `${pkg.version}\n`,
          stderr: '',
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a leading v in a version', () => {
  it('v2.0.0 starts release 2.0.0, stored without the v; 2.0.0 is then the same release', async () => {
    const started = await repo.json<{ release: { version: string } }>([
      'release',
      'start',
      'v2.0.0',
    ]);
    expect(started.release.version).toBe('2.0.0');
    const again = await repo.run(['release', 'start', '2.0.0']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/release 2\.0\.0 already exists/);
    const list = await repo.json<{ version: string }[]>(['release', 'list']);
    expect(list.map((r) => r.version).sort()).toEqual(['1.0.0', '2.0.0']);
  });
});
