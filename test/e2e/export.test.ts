/**
 * The exports of a finished release, through the built CLI: a checklist of our own
 * (`test/fixtures/export-checklist.md`, an issue template with front matter, inline code, a code
 * block, optional items, a gate, follow-ups and a rollback procedure with a sign-off) driven with
 * items done, n/a, waived, passed and failed by checks, failed by a person, a no-go then a go at
 * the gate, a NO-GO then a GO decision, staging and production deployed, production rolled back
 * with a reason. The Markdown and GitHub exports are compared with golden files
 * (`test/e2e/golden/`; `UPDATE_GOLDEN=1` rewrites them), and a CommonMark + GFM reader finds in
 * them the boxes the record says, and no stray escape. The goldens hold no seed text: the seeds
 * stay in `../shared/seeds`; seed 000 (an issue template) is checked for its front matter and
 * boxes without a golden. `gonogo log` is read in words, nothing cut.
 *
 * Times are fixed with GONOGO_NOW. What still differs from run to run is normalised before
 * comparing: the release commit (the test repository's first commit has the time it was made),
 * written as `<commit>` wherever it or a prefix of it (7 characters or more) appears, and the
 * log's head hash (each event keeps its real time, `realAt`, in what its hash covers), written
 * as `<head-hash>`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { strayEscapes, taskItems } from '../../src/core/release-export.fixture.ts';
import type { Repo } from './cli-helper.ts';
import { cliPath, hasSeeds, makeRepo, removeRepos, seedsDir } from './cli-helper.ts';

const execFileAsync = promisify(execFile);
/** util-linux `script` gives the CLI a pseudo-terminal, to see what a terminal shows. */
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const goldenDir = path.join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

interface Item {
  number: number;
  title: string;
  kind: string;
  optional: boolean;
  phase: string;
  rollback: boolean;
  state: string;
  spec: { check?: { name: string }; sign?: string[]; due?: string };
}
interface View {
  release: { commit: string; head: { hash: string; count: number } };
  items: Item[];
  playbook: { phases: { id: string; title: string; gate?: string[] }[] };
}

if (!hasSeeds) console.warn(`export.test.ts: skipped, no seed checklists at ${seedsDir}`);
const seedNamed = (prefix: string) => {
  const seed = readdirSync(seedsDir).find((s) => s.startsWith(prefix));
  if (!seed) throw new Error(`no seed ${prefix}_* in ${seedsDir}`);
  return path.join(seedsDir, seed);
};

/** The export with what differs between runs written as placeholders. */
function normalise(text: string, view: View): string {
  const sha = view.release.commit;
  return text
    .replace(new RegExp(`${sha.slice(0, 7)}[0-9a-f]{0,33}`, 'g'), '<commit>')
    .replaceAll(view.release.head.hash, '<head-hash>');
}

/** Compares with the golden file, or writes it when `UPDATE_GOLDEN=1`. */
function expectGolden(name: string, text: string) {
  const file = path.join(goldenDir, name);
  if (update || !existsSync(file)) {
    if (!update) throw new Error(`${file} is missing: run with UPDATE_GOLDEN=1 to write it`);
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  expect(text, `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(file, 'utf8'),
  );
}

const ana = 'ana@example.com';
const rm = 'rm@example.com';
/** Runs as `user` at 2026-11-23 `hhmm` UTC (a Monday). */
const as = (user: string, hhmm: string) => ({
  env: { GONOGO_USER: user, GONOGO_NOW: `2026-11-23T${hhmm}:00.000Z` },
});
const nums = (list: Item[]) => list.map((i) => String(i.number));

const checklist = path.join(import.meta.dirname, '../fixtures/export-checklist.md');

describe('the exports of a finished release', () => {
  let repo: Repo;
  let view: View;
  let md: string;
  let gh: string;
  let gateTitle: string;

  beforeAll(async () => {
    repo = await makeRepo();
    // A changelog with the version, so the changelog check passes; no tag, so git-tag fails.
    writeFileSync(
      path.join(repo.dir, 'CHANGELOG.md'),
      '# Changelog\n\n## [1.0.0] - 2026-11-23\n- First release\n',
    );
    await repo.git(['add', 'CHANGELOG.md']);
    await repo.commit('changelog');
    await repo.ok(['playbook', 'import', checklist, '-o', 'gonogo.yaml'], as(ana, '08:55'));
    await repo.ok(['release', 'start', '1.0.0', '--type', 'minor'], as(ana, '09:00'));
    const start = await repo.json<View>(['release', 'show']);
    // The gated phase: what the first gate covers.
    const gated = start.playbook.phases.findIndex((p) => p.gate?.length);
    gateTitle = start.playbook.phases[gated]!.title;
    const covered = new Set(start.playbook.phases.slice(0, gated).map((p) => p.id));
    const before = start.items.filter((i) => covered.has(i.phase));
    const checkNamed = (name: string) => start.items.filter((i) => i.spec.check?.name === name);
    const passing = ['changelog', 'secrets', 'env-documented'].flatMap(checkNamed);
    const failing = checkNamed('git-tag');
    expect(passing.length).toBeGreaterThanOrEqual(3);
    expect(failing.length).toBe(1);

    // Checks: three pass, the tag check fails.
    const check = await repo.run(['check', ...nums([...passing, ...failing])], as(ana, '09:05'));
    expect(check.code, check.stderr).toBe(1);
    // The person's work before the gate: the load test later, with a note; optional items n/a.
    const loadTest = before.find((i) => /load test/i.test(i.title))!;
    const manual = before.filter((i) => i.kind === 'manual' && !i.optional && i !== loadTest);
    await repo.ok(['item', 'done', ...nums(manual)], as(ana, '09:10'));
    const optional = before.filter((i) => i.optional);
    await repo.ok(
      [
        'item',
        'na',
        ...nums(optional.slice(0, 2)),
        '--note',
        'no API or UI change in this release',
      ],
      as(ana, '09:12'),
    );
    await repo.ok(
      ['item', 'na', ...nums(optional.slice(2)), '--note', 'not applicable to this release'],
      as(ana, '09:12'),
    );
    // The checks that cannot run here are waived by the release manager, with the reason.
    const others = before.filter((i) => i.kind === 'check' && !passing.includes(i));
    await repo.ok(
      [
        'item',
        'waive',
        ...nums(others),
        '--note',
        'CI ran these on the release commit: pipeline #4711',
      ],
      as(rm, '09:15'),
    );
    // A no-go at the gate, a NO-GO decision; then the load test, a go and a GO.
    await repo.ok(
      ['sign', 'release-manager', 'no-go', '--comment', 'the load test is not reviewed yet'],
      as(rm, '09:20'),
    );
    await repo.ok(['decide'], { ...as(rm, '09:21'), code: 1 });
    await repo.ok(
      [
        'item',
        'done',
        String(loadTest.number),
        '--note',
        'ran `performance_profiler.py --load-test`: p99 180 ms, error_rate 0.1%',
      ],
      as(ana, '09:25'),
    );
    await repo.ok(
      ['sign', 'release-manager', 'go', '--comment', 'load test reviewed'],
      as(rm, '09:30'),
    );
    await repo.ok(['decide'], as(rm, '09:31'));
    await repo.ok(['deploy', 'staging'], as(ana, '10:00'));
    await repo.ok(['deploy', 'production'], as(ana, '10:30'));
    // After the deployment a person sees errors, marks a watch item failed, and rolls back.
    // (The importer makes "Monitor the error dashboard" a watch; its metric has no query yet, so
    // a person judges it.)
    const watch = start.items.find((i) => i.title === 'Monitor the error dashboard')!;
    await repo.ok(
      ['item', 'fail', String(watch.number), '--note', 'error rate 7% in the first 20 minutes'],
      as(ana, '10:50'),
    );
    await repo.ok(
      [
        'rollback',
        'production',
        '--reason',
        'error rate above 5% after the deploy (error_rate > 5%)',
      ],
      as(ana, '11:00'),
    );
    const rolled = await repo.json<View>(['release', 'show']);
    const procedure = rolled.items.filter((i) => i.rollback);
    const sign = procedure.find((i) => i.kind === 'sign');
    // A person ticks the steps, the notify one too (told the customers by hand).
    const steps = procedure.filter((i) => i.kind === 'manual' || i.kind === 'notify');
    await repo.ok(
      ['item', 'done', String(steps[0]!.number), '--note', 'P1: checkout errors'],
      as(ana, '11:05'),
    );
    if (sign) {
      await repo.ok(
        [
          'sign',
          sign.spec.sign![0]!,
          'go',
          '--gate',
          String(sign.number),
          '--comment',
          'roll back now',
        ],
        as(ana, '11:06'),
      );
    }
    await repo.ok(['item', 'done', ...nums(steps.slice(1, 3))], as(ana, '11:10'));

    view = await repo.json<View>(['release', 'show']);
    md = (await repo.ok(['export', '--format', 'md'], as(ana, '11:15'))).stdout;
    gh = (await repo.ok(['export', '--format', 'github'], as(ana, '11:15'))).stdout;
  });

  afterAll(removeRepos);

  it('writes the Markdown export as its golden file says', () => {
    expectGolden('release.md', normalise(md, view));
  });

  it('writes the GitHub export as its golden file says', () => {
    expectGolden('release.github.md', normalise(gh, view));
  });

  it('has, read by a CommonMark + GFM reader, a ticked box for each item done or passed and no other', () => {
    const ticked = view.items.filter((i) => i.state === 'done' || i.state === 'passed').length;
    for (const [name, text] of [
      ['md', md],
      ['github', gh],
    ] as const) {
      const boxes = taskItems(text);
      expect(boxes.filter((b) => b.checked).length, name).toBe(ticked);
      expect(boxes.filter((b) => !b.checked).length, name).toBe(view.items.length - ticked);
      expect(strayEscapes(text), name).toEqual([]);
    }
    // Every state the release went through is there in words.
    for (const word of ['**done**', '**n/a**', '**waived**', '**passed by check**', '**failed**'])
      expect(md).toContain(word);
    expect(md).not.toContain('\\_');
    expect(md).toContain('`performance_profiler.py --load-test`');
  });

  it('differs from the plain Markdown where GitHub offers more', () => {
    expect(gh).not.toBe(md);
    expect(gh).toContain('> [!CAUTION]');
    expect(gh).toContain('<details><summary>');
    expect(gh).toMatch(/^\| Phase \| Items \|/m);
  });

  it('shows the no-go that was later turned into a go, in order', () => {
    const history = md.slice(md.indexOf('## Sign-offs'), md.indexOf('## Decisions'));
    const noGo = history.indexOf('**no-go** by rm@example.com as Release Manager');
    const go = history.indexOf('**go** by rm@example.com as Release Manager');
    expect(noGo).toBeGreaterThan(0);
    expect(go).toBeGreaterThan(noGo);
    expect(history).toContain('the load test is not reviewed yet');
  });

  it('reads the log in words, one line per event, nothing cut when not a terminal', async () => {
    const { stdout } = await repo.ok(['log']);
    const lines = stdout.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2} /.test(l));
    expect(lines).toHaveLength(view.release.head.count);
    expect(lines[0]).toMatch(
      /^2026-11-23 09:00:00 {2}ana@example\.com {2}started release 1\.0\.0 \(minor\) from "/,
    );
    expect(stdout).toContain(
      `rm@example.com   signed no-go for gate "${gateTitle}" as Release Manager`,
    );
    expect(stdout).toContain(`decided NO-GO for gate "${gateTitle}" (2 blockers)`);
    expect(stdout).toMatch(/marked #\d+ "[^"]+" failed — error rate 7% in the first 20 minutes$/m);
    const procedure = view.items.filter((i) => i.rollback).length;
    expect(stdout).toContain(
      `rolled back production from 1.0.0 (no earlier version recorded there); ${procedure} rollback items added — error rate above 5% after the deploy (error_rate > 5%)`,
    );
    expect(stdout).toMatch(/ {2}release deployed \(was in progress\)$/m);
    expect(stdout).toContain('release rolled back (was deployed) — error rate above 5%');
    // The whole note, however long the line: a pipe or a file gets every word.
    expect(stdout).toContain('— CI ran these on the release commit: pipeline #4711');
    // Every event was written under GONOGO_NOW, and says so.
    expect(stdout.split('\n').filter((l) => l.includes('clock overridden'))).toHaveLength(
      view.release.head.count,
    );
    // On a terminal (a pseudo-terminal 70 columns wide), lines are cut to its width.
    if (hasScript) {
      const tty = await execFileAsync(
        'script',
        ['-qec', `stty cols 70; "${process.execPath}" "${cliPath}" log`, '/dev/null'],
        { cwd: repo.dir, env: { ...process.env, ...repo.env, NO_COLOR: '1' } },
      );
      const shown = tty.stdout.split(/\r?\n/).filter((l) => /^\d{4}-/.test(l));
      expect(shown).toHaveLength(lines.length);
      expect(Math.max(...shown.map((l) => l.length))).toBeLessThanOrEqual(69);
      expect(shown.some((l) => l.endsWith('…'))).toBe(true);
    } else console.warn('export.test.ts: no `script` command, the terminal width is not tested');
    // --json is the events as recorded.
    const events = await repo.json<{ seq: number; type: string }[]>(['log']);
    expect(events.map((e) => e.seq)).toEqual(lines.map((_, i) => i + 1));
  });
});

describe.skipIf(!hasSeeds)('the GitHub export of seed 000, an issue template', () => {
  afterAll(removeRepos);

  it('carries the front matter, and the boxes the record says', async () => {
    const repo = await makeRepo();
    await repo.ok(['playbook', 'import', seedNamed('000'), '-o', 'gonogo.yaml'], as(ana, '08:55'));
    await repo.ok(['release', 'start', '1.0.0', '--type', 'minor'], as(ana, '09:00'));
    const start = await repo.json<View>(['release', 'show']);
    const manual = start.items.filter((i) => i.kind === 'manual' && !i.optional);
    await repo.ok(['item', 'done', ...nums(manual.slice(0, 3))], as(ana, '09:10'));
    const optional = start.items.find((i) => i.optional);
    if (optional)
      await repo.ok(
        ['item', 'na', String(optional.number), '--note', 'no Docker image'],
        as(ana, '09:11'),
      );
    const v = await repo.json<View>(['release', 'show']);
    const gh = (await repo.ok(['export', '--format', 'github'], as(ana, '09:15'))).stdout;
    expect(gh).toMatch(/^---\nname: .*\nabout: .*\ntitle: "\[Release\] - 1\.0\.0"\nlabels:/);
    const boxes = taskItems(gh);
    const ticked = v.items.filter((i) => i.state === 'done' || i.state === 'passed').length;
    expect(ticked).toBe(3);
    expect(boxes.filter((b) => b.checked)).toHaveLength(ticked);
    expect(strayEscapes(gh)).toEqual([]);
  });
});
