/**
 * `gonogo check` through the built CLI: evidence is of the release commit, and secrets stay out
 * of the record (DESIGN.md §1). A changelog section committed after the release commit does not
 * count; a command cannot run when HEAD moved, a tracked file changed, or the release commit is
 * gone from the clone; a shell pipeline fails when its first command does; a missing program
 * could not run; and what a command prints (an env secret, an Authorization header, `-u
 * user:pass`, a URL password with `@` and `:` in it) is masked before it is stored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { makeRepo, removeRepos } from './cli-helper.ts';

afterAll(removeRepos);

const playbook = `name: Evidence e2e
phases:
  - id: pre-release
    items:
      - title: CHANGELOG has the version
        check: changelog
      - title: Unit tests pass
        check: { command: [node, -e, "process.exit(0)"] }
      - title: The pipeline fails when its first command fails
        check: { command: { run: "false | cat", shell: bash } }
      - title: A tool that is not installed
        check: { command: [gonogo-e2e-no-such-tool, --run] }
      - title: A tool the shell cannot find
        check: { command: { run: "gonogo-e2e-no-such-tool --run", shell: bash } }
      - title: The deploy script prints its credentials
        check: { command: [node, print-credentials.js] }
      - title: No secrets committed
        check: { secrets: { history: none } }
`;
const [changelog, tests, pipeline, missingTool, missingInShell, prints, secrets] = [
  1, 2, 3, 4, 5, 6, 7,
];

// Printed by print-credentials.js from the environment, so none is written in the playbook or
// the repository: only the output carries them. Only DEPLOY_TOKEN has a secret-looking name; the
// other three must be masked by their shape alone.
const credentials = {
  DEPLOY_TOKEN: 'dtok-fake-e2e-5f4e3d',
  PART_BEARER: 'bEaRer-e2e-77x1',
  PART_USER_PASS: 'hunter2-e2e-9',
  PART_URL_PW: 'p@ss:w0rd-e2e@x',
};
const printer = `const e = process.env;
console.log('deploying with ' + e.DEPLOY_TOKEN);
console.log('> Authorization: Bearer ' + e.PART_BEARER);
console.log('curl -u ci:' + e.PART_USER_PASS + ' https://deploy.example.org/hook');
console.log('fetching https://ci:' + e.PART_URL_PW + '@git.example.org/app.git');
`;

const changelogBefore = '# Changelog\n\n## [1.0.0] - 2026-01-10\n\n- First release.\n';
const changelogAfter =
  '# Changelog\n\n## [1.1.0] - 2026-03-01\n\n- Second release.\n\n## [1.0.0] - 2026-01-10\n\n- First release.\n';

interface Result {
  item: number;
  result: string;
  summary: string;
  fix?: string;
  evidence?: Record<string, unknown>;
}
interface ItemShow {
  item: {
    number: number;
    state: string;
    evidence?: Record<string, unknown> & { summary?: string };
  };
}

/** A repository whose HEAD holds the playbook, a 1.0.0 changelog and the printer; release 1.1.0 started there. */
async function makeReleaseRepo(): Promise<{ repo: Repo; release: string }> {
  const repo = await makeRepo({ env: { GONOGO_NOW: '2026-03-02T10:00:00.000Z' } });
  const files: Record<string, string> = {
    'gonogo.yaml': playbook,
    'CHANGELOG.md': changelogBefore,
    'print-credentials.js': printer,
    '.gitignore': 'gonogo.db*\n',
  };
  for (const [name, text] of Object.entries(files)) {
    await writeFile(path.join(repo.dir, name), text);
  }
  await repo.git(['add', '-A']);
  const release = await repo.commit('feat: ready for 1.1.0 (but no changelog section)');
  await repo.ok(['release', 'start', '1.1.0']);
  return { repo, release };
}

async function check(repo: Repo, items: number[], env: Record<string, string> = {}) {
  const r = await repo.run(['check', ...items.map(String), '--json'], { env });
  const parsed = JSON.parse(r.stdout) as { results: Result[] };
  return {
    code: r.code,
    stdout: r.stdout,
    results: new Map(parsed.results.map((x) => [x.item, x])),
  };
}

describe('evidence is of the release commit', () => {
  it('a changelog section committed after the release commit does not count until the release is retargeted', async () => {
    const { repo, release } = await makeReleaseRepo();
    await writeFile(path.join(repo.dir, 'CHANGELOG.md'), changelogAfter);
    await repo.git(['add', 'CHANGELOG.md']);
    const later = await repo.commit('docs: changelog for 1.1.0');

    const before = await check(repo, [changelog]);
    expect(before.code).toBe(1);
    expect(before.results.get(changelog)).toMatchObject({
      result: 'failed',
      summary: 'CHANGELOG.md has no section for 1.1.0 (latest is 1.0.0)',
    });
    const shown = await repo.json<ItemShow>(['item', 'show', String(changelog)]);
    expect(shown.item.evidence).toMatchObject({ result: 'failed', commit: release });

    // The command check will not run in a working tree that is not the release commit.
    const moved = await check(repo, [tests]);
    expect(moved.results.get(tests)).toMatchObject({
      result: 'error',
      summary: `HEAD is ${later.slice(0, 7)}, the release is pinned to ${release.slice(0, 7)}: check out the release commit or retarget the release`,
    });

    await repo.ok(['release', 'retarget', later]);
    const after = await check(repo, [changelog, tests]);
    expect(after.code, after.stdout).toBe(0);
    expect(after.results.get(changelog)?.summary).toMatch(
      /^CHANGELOG\.md:3 has "\[1\.1\.0\] - 2026-03-01"/,
    );
  });

  it('a command cannot run while a tracked file differs from the release commit', async () => {
    const { repo, release } = await makeReleaseRepo();
    await writeFile(path.join(repo.dir, 'CHANGELOG.md'), changelogAfter);
    await writeFile(path.join(repo.dir, 'scratch.txt'), 'untracked files do not count\n');
    const dirty = await check(repo, [tests]);
    expect(dirty.code).toBe(1);
    expect(dirty.results.get(tests)).toMatchObject({
      result: 'error',
      summary: `tracked files differ from the release commit ${release.slice(0, 7)}: commit or stash them (CHANGELOG.md)`,
    });
    await repo.git(['checkout', '--', 'CHANGELOG.md']);
    expect((await check(repo, [tests])).results.get(tests)?.result).toBe('passed');
  });

  it('a release commit gone from the clone makes the checks unable to run, never pass', async () => {
    const { repo } = await makeReleaseRepo();
    await writeFile(path.join(repo.dir, 'CHANGELOG.md'), changelogAfter);
    await repo.git(['add', 'CHANGELOG.md']);
    const gone = await repo.commit('docs: changelog (to be force-pushed away)');
    await repo.ok(['release', 'retarget', gone]);
    // As after a force-push: the commit is dropped and pruned from the object store.
    await repo.git(['reset', '-q', '--hard', 'HEAD~1']);
    await repo.git(['reflog', 'expire', '--expire=now', '--all']);
    await repo.git(['gc', '-q', '--prune=now']);
    expect(await repo.git(['cat-file', '-t', gone]).catch(() => 'missing')).toBe('missing');

    const r = await check(repo, [changelog, tests, secrets]);
    expect(r.code).toBe(1);
    for (const item of [changelog, tests, secrets]) {
      expect(r.results.get(item), `#${item}`).toMatchObject({
        result: 'error',
        summary: `release commit ${gone.slice(0, 7)} is not in this clone (force-pushed away, or a shallow clone)`,
      });
    }
  });
});

describe('commands', () => {
  it('a shell pipeline fails when its first command fails; a missing program could not run', async () => {
    const { repo } = await makeReleaseRepo();
    const r = await check(repo, [pipeline, missingTool, missingInShell]);
    expect(r.code).toBe(1);
    expect(r.results.get(pipeline)).toMatchObject({ result: 'failed' });
    expect(r.results.get(pipeline)?.summary).toMatch(
      /^bash -o pipefail -c "false \| cat" failed with exit code 1/,
    );
    expect(r.results.get(missingTool)).toMatchObject({
      result: 'error',
      summary: 'gonogo-e2e-no-such-tool: command not found; install it or fix the command',
    });
    expect(r.results.get(missingInShell)?.result).toBe('error');
    expect(r.results.get(missingInShell)?.summary).toMatch(
      /could not run a program \(exit code 127: command not found\)/,
    );
  });
});

describe('secrets stay out of the record', () => {
  it('masks what a command prints: an env secret, Authorization, -u user:pass, a URL password with @ and :', async () => {
    const { repo } = await makeReleaseRepo();
    const r = await check(repo, [prints], credentials);
    expect(r.results.get(prints)?.result, r.stdout).toBe('passed');
    const shown = await repo.run(['item', 'show', String(prints), '--json']);
    expect(shown.code).toBe(0);
    const item = (JSON.parse(shown.stdout) as ItemShow).item;
    expect((item.evidence?.output as { head: string[] }).head).toEqual([
      'deploying with …[REDACTED:env-secret]',
      '> Authorization: Bearer …[REDACTED:authorization]',
      'curl -u ci:…[REDACTED:user-password] https://deploy.example.org/hook',
      'fetching https://ci:…[REDACTED:url-password]@git.example.org/app.git',
    ]);
    const human = await repo.run(['item', 'show', String(prints)]);
    // Nowhere: not on stdout of check, not in item show, not in the database's bytes.
    const db = [repo.db, `${repo.db}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    for (const [name, value] of Object.entries(credentials)) {
      for (const [where, text] of [
        ['check --json', r.stdout],
        ['item show --json', shown.stdout],
        ['item show', human.stdout],
        ['the database', db],
      ] as const) {
        expect(text.includes(value), `${name} in ${where}`).toBe(false);
      }
    }
  });
});
