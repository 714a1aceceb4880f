/**
 * Naming items with fewer keystrokes, through the built CLI on the real checklists of seeds 001
 * and 002: ranges, sections and phases as refs, every problem of an all-or-none action listed
 * at once, `--skip-unmatched` applying what it can, a parent following its sub-items; and
 * templates named in any case.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { hasSeeds, hashDb, makeRepo, removeRepos, seedsDir } from './cli-helper.ts';
import { readdirSync } from 'node:fs';

interface Item {
  number: number;
  id: string;
  title: string;
  kind: string;
  state: string;
  phase: string;
  section: string;
  parent?: number;
  note?: string;
}
interface ActionResult {
  items: Item[];
  skipped: { ref: string; item?: number; reason: string; code: string }[];
  followed: Item[];
}

afterAll(removeRepos);

if (!hasSeeds) console.warn(`refs.test.ts: the seed parts are skipped, no seeds at ${seedsDir}`);

const seedNamed = (prefix: string) => {
  const seed = readdirSync(seedsDir).find((s) => s.startsWith(prefix));
  if (!seed) throw new Error(`no seed ${prefix}_* in ${seedsDir}`);
  return path.join(seedsDir, seed);
};

/** A repository with a release of the seed's imported checklist, and its items. */
async function startSeed(prefix: string): Promise<{ repo: Repo; items: Item[] }> {
  const repo = await makeRepo();
  await repo.ok(['playbook', 'import', seedNamed(prefix), '-o', 'gonogo.yaml']);
  await repo.ok(['release', 'start', '1.0.0']);
  const { items } = await repo.json<{ items: Item[] }>(['release', 'show']);
  return { repo, items };
}

const states = async (repo: Repo) =>
  new Map(
    (await repo.json<{ items: Item[] }>(['release', 'show'])).items.map((i) => [i.number, i.state]),
  );

/** Runs a command that must be refused as bad input: exit 2, and the database unchanged. */
async function refuse(repo: Repo, args: string[]) {
  // A read folds the write-ahead log into the file: from here the bytes change only on a write.
  await repo.ok(['status']);
  const before = hashDb(repo.db);
  const r = await repo.run(args);
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(2);
  expect(hashDb(repo.db)).toBe(before);
  return r;
}

describe.skipIf(!hasSeeds)('seed 001: ranges', () => {
  let repo: Repo;
  let items: Item[];
  beforeAll(async () => ({ repo, items } = await startSeed('001')));

  it('ticks a range, both ends included, and refuses it again listing every item', async () => {
    const first = items.slice(0, 5);
    // The range is made of items a person ticks (else this test would say nothing).
    expect(first.map((i) => i.kind)).toEqual(Array(5).fill('manual'));
    const r = await repo.json<ActionResult>(['item', 'done', '1-5']);
    expect(r.items.map((i) => [i.number, i.state])).toEqual(first.map((i) => [i.number, 'done']));
    expect(r.skipped).toEqual([]);
    const human = await repo.ok(['item', 'done', '6-6']);
    expect(human.stdout).toMatch(/^done: +6 \[x\] /);

    const again = await refuse(repo, ['item', 'done', '1-3', '2', '#3']);
    expect(again.stderr.split('\n').slice(0, 4)).toEqual([
      'gonogo: nothing was marked done: 3 problems',
      expect.stringMatching(/^#1 ".*" is already done$/),
      expect.stringMatching(/^#2 ".*" is already done$/),
      expect.stringMatching(/^#3 ".*" is already done$/),
    ]);
    expect(again.stderr).toMatch(/try: gonogo item done 1-3 2 #3 --skip-unmatched\n$/);
  });

  it('refuses a range that runs backwards or spans too far, saying how to write it', async () => {
    const back = await refuse(repo, ['item', 'done', '14-9']);
    expect(back.stderr).toMatch(/^gonogo: the range "14-9" runs backwards \(write 9-14\)$/m);
    const far = await refuse(repo, ['item', 'done', '1-999999999', '--json']);
    const error = JSON.parse(far.stdout) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('invalid-input');
    expect(error.error.message).toMatch(
      new RegExp(`spans more than 1000 numbers \\(this release has #1 to #${items.length}`),
    );
  });

  it('ticks the manual items of a range with --skip-unmatched and reports the sign-offs left', async () => {
    const signs = items.filter((i) => i.kind === 'sign').map((i) => i.number);
    expect(signs.length).toBeGreaterThan(1);
    const [from, to] = [signs[0]! - 2, signs.at(-1)! + 1];
    const r = await repo.json<ActionResult>(['item', 'done', `${from}-${to}`, '--skip-unmatched']);
    const manual = items.filter((i) => i.number >= from && i.number <= to && i.kind === 'manual');
    expect(r.items.map((i) => i.number)).toEqual(manual.map((i) => i.number));
    expect(r.skipped.map((s) => s.item)).toEqual(signs);
    for (const s of r.skipped) expect(s.reason).toMatch(/is a sign-off/);
    const now = await states(repo);
    for (const n of signs) expect(now.get(n)).toBe('pending');
  });
});

describe.skipIf(!hasSeeds)('seed 002: sections, phases and parents', () => {
  let repo: Repo;
  let items: Item[];
  beforeAll(async () => ({ repo, items } = await startSeed('002')));
  const inSection = (id: string) => items.filter((i) => i.section === id);

  it('takes a section by id: its manual items ticked, its checks left with why', async () => {
    const section = inSection('code-quality');
    const manual = section.filter((i) => i.kind === 'manual').map((i) => i.number);
    const checks = section.filter((i) => i.kind === 'check').map((i) => i.number);
    expect(manual.length).toBeGreaterThan(0);
    expect(checks.length).toBeGreaterThan(0);
    const r = await repo.json<ActionResult>(['item', 'done', 'code-quality']);
    expect(r.items.map((i) => i.number)).toEqual(manual);
    expect(r.skipped.map((s) => [s.ref, s.item, s.code])).toEqual(
      checks.map((n) => ['code-quality', n, 'invalid-transition']),
    );
    // Nothing left to tick: refused, with every reason.
    const again = await refuse(repo, ['item', 'done', `${section[0]!.phase}/code-quality`]);
    expect(again.stderr).toMatch(/^gonogo: nothing to be marked done in .*code-quality$/m);
    expect(again.stderr).toMatch(/is already done/);
    expect(again.stderr).toMatch(/is a check/);
  });

  it('runs the checks of a section named by id', async () => {
    const checks = inSection('code-quality').filter((i) => i.kind === 'check');
    const r = await repo.run(['check', 'code-quality', '--json']);
    // In a throw-away repository the checks cannot pass: exit 1, every one recorded.
    expect(r.code, r.stderr).toBe(1);
    const run = JSON.parse(r.stdout) as { results: { item: number }[] };
    expect(run.results.map((x) => x.item).sort((a, b) => a - b)).toEqual(
      checks.map((i) => i.number),
    );
    const wrong = await refuse(repo, ['check', 'database']);
    expect(wrong.stderr).toMatch(/section database \(#\d+-#\d+\) has no checks/);
  });

  it('--skip-unmatched applies the good refs and reports a bad one with its did-you-mean', async () => {
    const database = inSection('database').map((i) => i.number);
    const range = `${database[0]}-${database.at(-1)}`;
    // All or none by default: the typo refuses the range too, and says how to go on.
    const none = await refuse(repo, ['item', 'done', range, 'databse', '999']);
    expect(none.stderr).toMatch(/^gonogo: nothing was marked done: 2 problems$/m);
    expect(none.stderr).toMatch(/no item "databse" .*did you mean "database"\?/);
    expect(none.stderr).toMatch(/^no item #999 in this release/m);
    expect(none.stderr).toMatch(/try: gonogo item done \S+ databse 999 --skip-unmatched/);

    const some = await repo.run(['item', 'done', range, 'databse', '--skip-unmatched']);
    expect(some.code, some.stderr).toBe(0);
    expect(some.stdout.match(/^done: /gm)).toHaveLength(database.length);
    expect(some.stdout).toMatch(/^skipped 1:\n {2}no item "databse" .*did you mean "database"\?$/m);
    const now = await states(repo);
    for (const n of database) expect(now.get(n)).toBe('done');
  });

  it('makes a parent done when its sub-items are, and pending again when one is reset', async () => {
    const parent = items.find((p) => items.some((i) => i.parent === p.number))!;
    const subs = items.filter((i) => i.parent === parent.number).map((i) => i.number);
    expect(parent.kind).toBe('manual');
    const r = await repo.json<ActionResult>(['item', 'done', `${subs[0]}-${subs.at(-1)}`]);
    expect(r.items.map((i) => i.number)).toEqual(subs);
    expect(r.followed).toMatchObject([
      {
        number: parent.number,
        state: 'done',
        note: `follows its sub-items: all ${subs.length} accepted`,
      },
    ]);
    const reset = await repo.ok(['item', 'reset', String(subs[1])]);
    expect(reset.stdout).toMatch(
      new RegExp(`^reopened \\(follows its sub-items\\): +${parent.number} \\[ \\] `, 'm'),
    );
    const shown = await repo.ok(['item', 'show', String(parent.number)]);
    expect(shown.stdout).toMatch(/pending → done by e2e@example\.com — follows its sub-items/);
    expect(shown.stdout).toMatch(/done → pending by e2e@example\.com — follows its sub-items: #/);
  });

  it('takes a whole phase, and shows one item only when a ref names one', async () => {
    const last = items.at(-1)!.phase;
    const phase = items.filter((i) => i.phase === last);
    const r = await repo.json<ActionResult>(['item', 'done', last]);
    expect(r.items.map((i) => i.number)).toEqual(
      phase.filter((i) => i.kind === 'manual').map((i) => i.number),
    );
    const show = await refuse(repo, ['item', 'show', 'database']);
    expect(show.stderr).toMatch(/"database" names \d+ items: section database .*e\.g\. \d+/);
    const one = await repo.json<{ item: Item }>(['item', 'show', `${last}/${phase[0]!.id}`]);
    expect(one.item.number).toBe(phase[0]!.number);
    const audit = await repo.ok(['audit', 'verify']);
    expect(audit.stdout).toMatch(/chain intact/);
  });
});

describe('templates by name', () => {
  it('lists the ids with the title beside, and init takes an id in any case', async () => {
    const repo = await makeRepo();
    const list = await repo.ok(['templates']);
    expect(list.stdout).toMatch(/^ID +TITLE +ITEMS +SUMMARY$/m);
    expect(list.stdout).toMatch(/^container-service +Container service release +\d+ +/m);
    const rows = await repo.json<{ id: string; title: string }[]>(['templates']);
    expect(rows.find((t) => t.id === 'container-service')?.title).toBe('Container service release');
    for (const name of ['Container-Service', 'container_service']) {
      const r = await repo.ok(['init', '--template', name, '--force']);
      expect(r.stdout).toMatch(/^wrote gonogo\.yaml from template container-service: /);
    }
    const typo = await repo.run(['init', '--template', 'Container-Servise', '--force']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean "container-service"\?/);
  });
});
