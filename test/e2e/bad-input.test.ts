/**
 * Bad input through the real CLI: every case exits 2, says on stderr where the problem is
 * (FILE:LINE:COL for files; the item, role, version, command or flag otherwise) and how to fix
 * it, and leaves the database byte for byte as it was.
 */
import { closeSync, openSync, statSync, writeFileSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repo, RunResult } from './cli-helper.ts';
import { hashDb, makeRepo, removeRepos } from './cli-helper.ts';

const playbook = `name: Bad input
roles:
  qa-lead: QA Lead
  release-manager: Release Manager
phases:
  - id: pre-release
    items:
      - id: changelog
        title: CHANGELOG updated
      - id: qa
        title: QA signed off
        sign: qa-lead
  - id: go-no-go
    gate: [release-manager]
`;

/** Files with one problem each, and where the problem is. */
const badFiles: Record<string, string> = {
  'malformed.yaml': 'name: x\nphases:\n  - id: a\n    items:\n      - title: [unclosed\n',
  'unknown-key.yaml':
    'name: x\nphases:\n  - id: a\n    items:\n      - title: A\n        titel: B\n',
  'duplicate.yaml':
    'name: x\nphases:\n  - id: a\n    items:\n      - id: one\n        title: A\n      - id: one\n        title: B\n',
  'unknown-role.yaml':
    'name: x\nroles:\n  qa-lead: QA Lead\nphases:\n  - id: a\n    items:\n      - title: A\n        sign: qa-led\n',
};

/** Creates a file of `size` bytes without writing them (a hole), or undefined when it cannot. */
function makeSparse(file: string, size: number): boolean {
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, size);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
  return true;
}

let repo: Repo;
let before: { hash: string; log: string; list: string };

/** The database as bytes and as the CLI reports it. */
async function snapshot() {
  // One after the other: the last connection to close folds the write-ahead log into the
  // file, and two readers closing at once can leave the log behind, changing the bytes later.
  const log = await repo.ok(['log', '--json']);
  const list = await repo.ok(['release', 'list', '--json']);
  return { hash: hashDb(repo.db), log: log.stdout, list: list.stdout };
}

/** Runs a command that must fail on its input: exit 2, nothing written. */
async function refuse(args: string[]): Promise<RunResult> {
  const r = await repo.run(args);
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(2);
  expect(r.stderr).toMatch(/^gonogo: |problem/);
  expect(hashDb(repo.db)).toBe(before.hash);
  return r;
}

beforeAll(async () => {
  repo = await makeRepo();
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
  for (const [name, text] of Object.entries(badFiles))
    writeFileSync(path.join(repo.dir, name), text);
  await repo.ok(['release', 'start', '1.0.0']);
  await repo.ok(['item', 'done', 'changelog']);
  // A read closes the last connection, which folds the write-ahead log into the file: from
  // here on the bytes only change if something writes.
  await repo.ok(['status']);
  before = await snapshot();
});

afterAll(removeRepos);

describe('bad input exits 2, names the place and the fix, and writes nothing', () => {
  it('malformed YAML: lint and release start name FILE:LINE:COL', async () => {
    const lint = await refuse(['playbook', 'lint', 'malformed.yaml']);
    expect(lint.stdout).toMatch(/^malformed\.yaml:\d+:\d+ .*\(fix the YAML syntax\)$/m);
    expect(lint.stderr).toMatch(/1 problem in malformed\.yaml/);
    const start = await refuse(['release', 'start', '2.0.0', '--playbook', 'malformed.yaml']);
    expect(start.stderr).toMatch(/malformed\.yaml:\d+:\d+ .*\(fix the YAML syntax\)/);
  });

  it('an unknown key says where and what was meant', async () => {
    const r = await refuse(['release', 'start', '2.0.0', '--playbook', 'unknown-key.yaml']);
    expect(r.stderr).toMatch(
      /unknown-key\.yaml:6:9 unknown key "titel" \(did you mean "title"\?\)/,
    );
    const lint = await refuse(['playbook', 'lint', 'unknown-key.yaml']);
    expect(lint.stdout).toMatch(/unknown-key\.yaml:6:9 unknown key "titel"/);
  });

  it('a duplicate id points at the second one', async () => {
    const r = await refuse(['release', 'start', '2.0.0', '--playbook', 'duplicate.yaml']);
    expect(r.stderr).toMatch(/duplicate\.yaml:7:\d+ duplicate id "one" \(.*rename/);
  });

  it('an unknown role in sign: points at it and says how to declare it', async () => {
    const r = await refuse(['playbook', 'lint', 'unknown-role.yaml']);
    expect(r.stdout).toMatch(/unknown-role\.yaml:8:\d+ unknown role "qa-led" \(.*\)/);
    expect(r.stdout).toMatch(/qa-lead/);
  });

  it('an unknown item number or id names it, with the range or a did-you-mean', async () => {
    const byNumber = await refuse(['item', 'done', '999']);
    expect(byNumber.stderr).toMatch(/no item #999 .*#1 to #2.*\n {2}try: gonogo status$/m);
    const byId = await refuse(['item', 'done', 'chnagelog']);
    expect(byId.stderr).toMatch(/no item "chnagelog".*did you mean "changelog"\?/);
  });

  it('a sign-off for a role the playbook lacks names the role and the roles it has', async () => {
    const typo = await refuse(['sign', 'qa-led', 'go']);
    expect(typo.stderr).toMatch(/no role "qa-led".*did you mean "qa-lead"\?/);
    const other = await refuse(['sign', 'security', 'go']);
    expect(other.stderr).toMatch(/no role "security".*qa-lead, release-manager/);
  });

  it('an invalid version is named, with the rule', async () => {
    const r = await refuse(['release', 'start', 'bad..version']);
    expect(r.stderr).toMatch(/invalid version "bad\.\.version" \(use semver such as/);
  });

  it('a 50 MB file is refused by its size before it is read', async () => {
    const big = path.join(repo.dir, 'big.md');
    expect(makeSparse(big, 50 * 1024 * 1024)).toBe(true);
    for (const args of [
      ['playbook', 'import', 'big.md'],
      ['release', 'start', '2.0.0', '--playbook', 'big.md'],
    ]) {
      const r = await refuse(args);
      expect(r.stderr).toMatch(/big\.md file is too large \(50 MiB; the limit is 2 MiB\) \(.+\)/);
    }
    // Proof that the size is checked first: a file too large for Node to read whole at all
    // (over 2 GiB) gets the same answer, not an internal error. Only where holes cost nothing.
    const huge = path.join(repo.dir, 'huge.md');
    if (makeSparse(huge, 3 * 1024 ** 3) && statSync(huge).blocks * 512 < 1024 ** 2) {
      const r = await refuse(['playbook', 'import', 'huge.md']);
      expect(r.stderr).toMatch(/huge\.md file is too large \(3072 MiB/);
    }
  });

  it('a binary file is refused with the place of its first NUL byte', async () => {
    // A PNG signature and the start of its header: the NUL comes on line 3, column 1.
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    writeFileSync(path.join(repo.dir, 'logo.png'), png);
    const imp = await refuse(['playbook', 'import', 'logo.png']);
    expect(imp.stderr).toMatch(
      /logo\.png:3:1 file is binary .*\(give a Markdown, text or YAML file\)/,
    );
    const start = await refuse(['release', 'start', '2.0.0', '--playbook', 'logo.png']);
    expect(start.stderr).toMatch(/logo\.png:3:1 file is binary/);
  });

  it('an unknown command suggests the nearest one', async () => {
    const r = await refuse(['stauts']);
    expect(r.stderr).toMatch(
      /unknown command "stauts"; did you mean "status"\? \(run `gonogo --help`\)/,
    );
    const none = await refuse(['frobnicate']);
    expect(none.stderr).toMatch(/unknown command "frobnicate".*gonogo --help/);
  });

  it('an unknown flag is named, with the usage', async () => {
    const r = await refuse(['item', 'done', 'changelog', '--frob']);
    expect(r.stderr).toMatch(/'--frob'/);
    expect(r.stderr).toMatch(/usage: gonogo item done/);
  });

  it('with --json, the error is a JSON object on stdout and nothing else is there', async () => {
    const cases: [string[], string, RegExp][] = [
      [['item', 'done', '999'], 'not-found', /#999/],
      [['release', 'start', 'bad..version'], 'invalid-input', /bad\.\.version/],
      [
        ['release', 'start', '2.0.0', '--playbook', 'unknown-key.yaml'],
        'invalid-playbook',
        /titel/,
      ],
      [['sign', 'security', 'go'], 'invalid-input', /security/],
      [['stauts'], 'usage', /stauts/],
      [['status', '--frob'], 'usage', /--frob/],
    ];
    for (const [args, code, message] of cases) {
      const r = await refuse([...args, '--json']);
      const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      expect(out.error.code, args.join(' ')).toBe(code);
      expect(out.error.message).toMatch(message);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
    }
  });

  it('after all of that the release and its log are as they were', async () => {
    const after = await snapshot();
    expect(after.log).toBe(before.log);
    expect(after.list).toBe(before.list);
    expect(after.hash).toBe(before.hash);
    expect(JSON.parse(after.log)).toHaveLength(2);
  });

  it('bad input in a repository without a database creates none', async () => {
    const fresh = await makeRepo();
    writeFileSync(path.join(fresh.dir, 'malformed.yaml'), badFiles['malformed.yaml']!);
    for (const args of [
      ['release', 'start', 'bad..version'],
      ['release', 'start', '1.0.0', '--playbook', 'malformed.yaml'],
      ['release', 'start', '1.0.0', '--playbook', 'missing.yaml'],
    ]) {
      const r = await fresh.run(args);
      expect(r.code, r.stderr).toBe(2);
    }
    expect(() => statSync(fresh.db)).toThrow();
    // A read of a database that is not there says so instead of making an empty one.
    const status = await fresh.run(['status']);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/no gonogo database at .*gonogo release start/);
    expect(() => statSync(fresh.db)).toThrow();
  });
});
