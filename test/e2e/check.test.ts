/**
 * `gonogo check` through the built CLI in a temp git repository that is ready to release
 * 1.2.0 (manifest, dated changelog section, tag on HEAD, clean tree): the checks pass and leave
 * their evidence, a failing check blocks the gate, JUnit and CI output, Ctrl-C cancels cleanly,
 * a bad check parameter is a lint error with its place, and the usage errors.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import {
  childrenOf,
  isRunning,
  makeRepo,
  mondayNow,
  removeRepos,
  saturdayNow,
  sleep,
  stopWith,
  waitFor,
} from './cli-helper.ts';

const playbook = `name: Check e2e
policy:
  window: { timezone: UTC, deny: [sat, sun] }
phases:
  - id: pre-release
    items:
      - title: Unit tests pass
        check: { command: [node, -e, "process.exit(0)"] }
      - title: CHANGELOG has the version
        check: changelog
      - title: Version bumped
        check: version
      - title: Release tagged
        check: git-tag
      - title: Nothing uncommitted
        check: git-clean
      - title: No secrets committed
        check: secrets
      - title: README present
        check: { file: README.md }
      - title: Inside the release window
        check: window
  - id: smoke
    items:
      - title: Smoke test passes
        check: { command: [node, -e, "process.exit(3)"] }
      - id: long-check
        title: Soak test (runs long; the Ctrl-C test stops it)
        check: { command: [node, -e, "setTimeout(()=>{},30000)"] }
      - title: Load test runs
        check: { command: [gonogo-e2e-no-such-tool, --run] }
      - title: Release notes written
`;
/** Item numbers in the release, in playbook order. */
const preRelease = [1, 2, 3, 4, 5, 6, 7, 8];
const [failing, long, missingTool, manual] = [9, 10, 11, 12];

const files: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'demo',
      version: '1.2.0',
      private: true,
      scripts: { test: 'node -e "process.exit(0)"' },
    },
    null,
    2,
  )}\n`,
  'CHANGELOG.md':
    '# Changelog\n\n## [1.2.0] - 2026-11-20\n\n### Added\n\n- Release checks.\n\n## [1.1.0] - 2026-10-01\n\n### Fixed\n\n- A typo.\n',
  'README.md': '# demo\n\nA project that is ready to release.\n',
  // The database and reports live in the repository but are not part of it.
  '.gitignore': 'gonogo.db*\n*.xml\n',
  'gonogo.yaml': playbook,
};

interface Evidence {
  result: string;
  summary: string;
  durationMs: number;
  checkedAt: string;
  releaseCommit?: string;
  exitCode?: number | null;
  files?: { path: string; sha256: string }[];
}
interface Item {
  number: number;
  kind: string;
  state: string;
  evidence?: Evidence;
}
interface CheckRun {
  release: string;
  results: { item: number; result: string; summary: string; durationMs: number }[];
}
interface Blocker {
  kind: string;
  item?: number;
  message: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Writes `files`, commits them, tags v1.2.0 on HEAD and starts release 1.2.0 at that commit. */
async function makeReadyRepo(): Promise<{ repo: Repo; head: string }> {
  const repo = await makeRepo({ env: { GONOGO_NOW: mondayNow } });
  for (const [name, text] of Object.entries(files))
    await writeFile(path.join(repo.dir, name), text);
  await repo.git(['add', '-A']);
  const head = await repo.commit('release 1.2.0');
  await repo.git(['tag', 'v1.2.0']);
  await repo.ok(['release', 'start', '1.2.0']);
  return { repo, head };
}

async function itemsOf(repo: Repo): Promise<Map<number, Item>> {
  const { items } = await repo.json<{ items: Item[] }>(['release', 'show']);
  return new Map(items.map((i) => [i.number, i]));
}

afterAll(removeRepos);

describe('gonogo check', () => {
  let repo: Repo;
  let head: string;

  beforeAll(async () => {
    ({ repo, head } = await makeReadyRepo());
    // The tests address items by number: the playbook's order gives them.
    const kinds = [...(await itemsOf(repo)).values()].map((i) => [i.number, i.kind]);
    expect(kinds).toEqual([
      ...[...preRelease, failing, long, missingTool].map((n) => [n, 'check']),
      [manual, 'manual'],
    ]);
  });

  it('runs the pre-release checks of a repository ready to release: all pass, with evidence', async () => {
    const r = await repo.run(['check', '--phase', 'pre-release', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as CheckRun;
    expect(run.release).toBe('1.2.0');
    expect(run.results.map((x) => x.item)).toEqual(preRelease);
    for (const x of run.results) expect(x.result, `#${x.item}: ${x.summary}`).toBe('passed');

    const items = await itemsOf(repo);
    for (const n of preRelease) {
      const item = items.get(n)!;
      expect(item.state).toBe('passed');
      expect(item.evidence).toMatchObject({
        result: 'passed',
        summary: run.results.find((x) => x.item === n)!.summary,
        durationMs: expect.any(Number),
        // The store's clock: GONOGO_NOW.
        checkedAt: mondayNow,
        releaseCommit: head,
      });
    }
    // What the file checks read is pinned by its hash.
    expect(items.get(7)!.evidence!.files).toEqual([
      { path: 'README.md', sha256: sha256(files['README.md']!) },
    ]);
    expect(items.get(2)!.evidence!.files).toEqual([
      { path: 'CHANGELOG.md', sha256: sha256(files['CHANGELOG.md']!) },
    ]);
    // Nothing is left open before the smoke phase.
    const status = await repo.json<{
      phases: { phase: string; total: number; accepted: number }[];
    }>(['status']);
    expect(status.phases.find((p) => p.phase === 'pre-release')).toMatchObject({
      total: 8,
      accepted: 8,
    });
  });

  it('judges the window at the time GONOGO_NOW gives, as decide does', async () => {
    const saturday = await repo.run(['check', '8', '--json'], { env: { GONOGO_NOW: saturdayNow } });
    expect(saturday.code).toBe(1);
    const no = JSON.parse(saturday.stdout) as CheckRun;
    expect(no.results[0]).toMatchObject({ item: 8, result: 'failed' });
    expect(no.results[0]!.summary).toMatch(/Saturday/);
    const monday = await repo.json<CheckRun>(['check', '8']);
    expect(monday.results[0]).toMatchObject({ item: 8, result: 'passed' });
    expect(monday.results[0]!.summary).toMatch(/Monday/);
  });

  it('records a failing check as failed with its exit code, and the gate names it', async () => {
    const r = await repo.run(['check', String(failing), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ results: [{ item: failing, result: 'failed' }] });
    const item = (await itemsOf(repo)).get(failing)!;
    expect(item.state).toBe('failed');
    expect(item.evidence).toMatchObject({ result: 'failed', exitCode: 3 });

    const decide = await repo.run(['decide', '--json']);
    expect(decide.code).toBe(1);
    const d = JSON.parse(decide.stdout) as { outcome: string; blockers: Blocker[] };
    expect(d.outcome).toBe('no-go');
    const blocker = d.blockers.find((b) => b.item === failing);
    expect(blocker?.kind).toBe('item-failed');
    expect(blocker?.message).toMatch(/check failed.*exit code 3/);
    // `item done` does not tick a check: it is run or waived.
    const done = await repo.run(['item', 'done', String(failing)]);
    expect(done.code).toBe(2);
    expect((await itemsOf(repo)).get(failing)!.state).toBe('failed');
  });

  it('writes a JUnit report: one testcase per check, failures and errors counted', async () => {
    const refs = [...preRelease, failing, missingTool].map(String);
    const r = await repo.run(['check', ...refs, '--junit', 'out.xml', '--json']);
    expect(r.code).toBe(1);
    const xml = readFileSync(path.join(repo.dir, 'out.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    const root = /<testsuites [^>]*tests="(\d+)" failures="(\d+)" errors="(\d+)"/.exec(xml);
    expect(root?.slice(1).map(Number)).toEqual([10, 1, 1]);
    const cases = [
      ...xml.matchAll(/<testcase name="#(\d+) [^"]*"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g),
    ];
    expect(cases.map((c) => Number(c[1])).sort((a, b) => a - b)).toEqual(refs.map(Number));
    const failedCases = cases.filter((c) => c[2]?.includes('<failure'));
    const errorCases = cases.filter((c) => c[2]?.includes('<error'));
    expect(failedCases.map((c) => Number(c[1]))).toEqual([failing]);
    expect(errorCases.map((c) => Number(c[1]))).toEqual([missingTool]);
    expect(errorCases[0]![2]).toMatch(/gonogo-e2e-no-such-tool: command not found/);
  });

  it('prints one line per finished check and a summary line in CI', async () => {
    const refs = [...preRelease, failing, missingTool].map(String);
    const r = await repo.run(['check', ...refs], { env: { CI: '1' } });
    expect(r.code).toBe(1);
    // No live redrawing (cursor moves) when not on a terminal.
    expect(r.stdout.includes('\u001b[')).toBe(false);
    const lines = r.stdout.split('\n');
    const finished = lines.filter((l) => /^[✓✗!] #\d+ /.test(l));
    expect(finished.map((l) => Number(/#(\d+)/.exec(l)![1])).sort((a, b) => a - b)).toEqual(
      refs.map(Number),
    );
    expect(finished.filter((l) => l.startsWith('✓'))).toHaveLength(8);
    expect(finished.find((l) => l.includes(`#${failing} `))).toMatch(/^✗ /);
    expect(finished.find((l) => l.includes(`#${missingTool} `))).toMatch(/^! /);
    expect(r.stdout).toMatch(/^8 passed, 1 failed, 1 could not run in /m);
    expect(r.stdout).toMatch(/^FAILED #9 Smoke test passes$/m);
  });

  it('stops on Ctrl-C: the running check is recorded as cancelled, nothing half-written', async () => {
    const { child, done } = repo.spawn(['check', String(long)], { env: { CI: '1' } });
    // Wait until the check's own process runs (or, without /proc, a moment).
    const grandchild = existsSync('/proc/self/stat')
      ? await waitFor('the long check to start', () =>
          childrenOf(child.pid!)?.find((c) => c.cmdline.includes('setTimeout')),
        )
      : (await sleep(1500), undefined);
    try {
      const r = await stopWith({ child, done }, 'SIGINT');
      expect(r.killed, 'gonogo check did not end within 10 s of SIGINT').toBe(false);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
      expect(r.stdout).toMatch(/0 passed, 0 failed, 1 could not run/);

      const item = (await itemsOf(repo)).get(long)!;
      expect(item.state).toBe('failed');
      expect(item.evidence?.result).toBe('error');
      expect(item.evidence?.summary).toMatch(/cancelled/);
      // The check's process (its process group) is stopped, not left running for 30 s.
      if (grandchild) {
        await waitFor('the check process to end', () =>
          isRunning(grandchild.pid) ? undefined : true,
        );
      }
    } finally {
      // Whatever failed above, leave no process behind (the check runs in its own group).
      if (grandchild && isRunning(grandchild.pid)) process.kill(-grandchild.pid, 'SIGKILL');
    }
    const audit = await repo.ok(['audit', 'verify']);
    expect(audit.stdout).toMatch(/chain intact/);
  });

  it('refuses what it cannot run: an unknown phase, a manual item', async () => {
    const nope = await repo.run(['check', '--phase', 'nope']);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toMatch(/no phase "nope".*pre-release, smoke/);
    const typo = await repo.run(['check', '--phase', 'pre-relase']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean "pre-release"/);
    const manualItem = await repo.run(['check', String(manual)]);
    expect(manualItem.code).toBe(2);
    expect(manualItem.stderr).toMatch(/manual item, not a check/);
  });

  it('says so when the release has no checks to run', async () => {
    const plain = await makeRepo();
    await writeFile(
      path.join(plain.dir, 'gonogo.yaml'),
      'name: Manual only\nphases:\n  - id: pre-release\n    items:\n      - title: Tell the team\n',
    );
    await plain.ok(['release', 'start', '1.0.0']);
    const r = await plain.ok(['check']);
    expect(r.stdout).toMatch(/no checks to run/);
    // No gate waits for a GO: the scope is the whole release.
    expect(await plain.json(['check'])).toEqual({
      release: '1.0.0',
      scope: { kind: 'gate', gate: 'release', title: 'the whole release', later: 0 },
      environment: 'development',
      results: [],
    });
    // A check with nothing to run is still a usage error on a manual item.
    const one = await plain.run(['check', '1']);
    expect(one.code).toBe(2);
  });

  it('lints a bad check parameter with its place and the allowed parameters', async () => {
    const bad = await makeRepo();
    const yaml =
      'name: Bad parameter\nphases:\n  - id: pre-release\n    items:\n      - title: Coverage\n        check: { coverage: { minimum: 80 } }\n';
    await writeFile(path.join(bad.dir, 'gonogo.yaml'), yaml);
    const lines = yaml.split('\n');
    const line = lines.findIndex((l) => l.includes('minimum')) + 1;
    const col = lines[line - 1]!.indexOf('minimum') + 1;
    const r = await bad.run(['playbook', 'lint']);
    expect(r.code).toBe(2);
    const problem = r.stdout.split('\n').find((l) => l.includes('unknown parameter "minimum"'));
    expect(problem, r.stdout + r.stderr).toBeDefined();
    expect(problem).toContain(`gonogo.yaml:${line}:${col} `);
    expect(problem).toMatch(/min, file, format, metric/);
    // Nothing is started from a playbook that does not lint.
    const start = await bad.run(['release', 'start', '1.0.0']);
    expect(start.code).toBe(2);
  });
});
