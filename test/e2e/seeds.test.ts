/**
 * Each of the five real seed checklists, through the CLI alone: import, lint, start a release,
 * tick and sign what the gate needs, decide GO, deploy to production and see it there; and the
 * Markdown export of a fresh release imports back to the same items in the same order.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Repo } from './cli-helper.ts';
import {
  hasSeeds,
  makeRepo,
  mapLimit,
  removeRepos,
  saturdayNow,
  seedsDir,
  mondayNow,
} from './cli-helper.ts';

// A seed's whole release is a few hundred CLI runs: on a loaded 2-core machine that takes
// minutes, which says nothing about gonogo (timings are never asserted here).
vi.setConfig({ testTimeout: 300_000 });

if (!hasSeeds) console.warn(`seeds.test.ts: skipped, no seed checklists at ${seedsDir}`);
const seeds = hasSeeds
  ? readdirSync(seedsDir)
      .filter((f) => !f.startsWith('.'))
      .sort()
  : [];

interface Item {
  number: number;
  title: string;
  kind: 'manual' | 'check' | 'run' | 'sign' | 'watch' | 'notify';
  optional: boolean;
  parent?: number;
  phase: string;
  rollback: boolean;
  state: string;
  spec: { sign?: string[] };
}
interface Blocker {
  kind: string;
  item?: number;
  role?: string;
  message: string;
}
interface PlaybookItemView {
  title: string;
  when?: { type?: string[] };
  items?: PlaybookItemView[];
}
interface PlaybookView {
  name: string;
  roles: Record<string, string>;
  types: string[];
  environments: string[];
  policy: { window?: { deny?: string[] } };
  metadata?: { title?: string };
  phases: {
    id: string;
    gate?: string[];
    when?: { type?: string[] };
    sections: { when?: { type?: string[] }; items: PlaybookItemView[] }[];
  }[];
  rollback: { items: PlaybookItemView[] }[];
}

/**
 * Every item title of a playbook in document order: phases → sections → items → sub-items,
 * then rollback; with `untyped`, only what a release started without a type has (phases,
 * sections and items limited to release types left out).
 */
function playbookTitles(pb: PlaybookView, untyped = false): string[] {
  const out: string[] = [];
  const typed = (x: { when?: { type?: string[] } }) => untyped && x.when?.type !== undefined;
  const walk = (items: PlaybookItemView[]) => {
    for (const it of items) {
      if (typed(it)) continue;
      out.push(it.title);
      walk(it.items ?? []);
    }
  };
  for (const p of pb.phases) {
    if (typed(p)) continue;
    for (const s of p.sections) if (!typed(s)) walk(s.items);
  }
  for (const s of pb.rollback) walk(s.items);
  return out;
}

interface CheckRun {
  results: { item: number; result: string; summary: string }[];
}

/**
 * Runs the check items that block the gate with `gonogo check`, as a team would first: in a
 * throw-away repository most fail or cannot run (no manifest, no changelog, no tag, no network),
 * so the command says no, yet every one of them gets a recorded result. Those not passed are
 * then waived with a reason (`item done` is refused on a check).
 */
async function runAndWaiveChecks(repo: Repo, checks: number[]): Promise<void> {
  const r = await repo.run(['check', ...checks.map(String), '--json']);
  const run = JSON.parse(r.stdout) as CheckRun;
  expect(run.results.map((x) => x.item).sort((a, b) => a - b)).toEqual(
    [...checks].sort((a, b) => a - b),
  );
  for (const x of run.results) {
    expect(['passed', 'failed', 'error'], JSON.stringify(x)).toContain(x.result);
    expect(x.summary.trim(), JSON.stringify(x)).not.toBe('');
  }
  const notPassed = run.results.filter((x) => x.result !== 'passed');
  // Every check run here is required (it blocked the gate): one not passed means exit 1.
  expect(r.code, r.stderr).toBe(notPassed.length ? 1 : 0);
  await mapLimit(notPassed, 3, (x) =>
    repo.ok(['item', 'waive', String(x.item), '--note', `e2e: ${x.result} in a temp repo`]),
  );
  const { items } = await repo.json<{ items: Item[] }>(['release', 'show']);
  for (const x of run.results) {
    expect(items.find((i) => i.number === x.item)?.state).toBe(
      x.result === 'passed' ? 'passed' : 'waived',
    );
  }
}

/**
 * Moves the release towards GO the way a team would with the CLI: read the blockers from
 * `gonogo status --json`, run the checks (waiving those that cannot pass here), tick the open
 * manual/run/watch items, say go for every role a sign item or the gate waits for, until
 * nothing but the release window blocks. Returns the roles that signed.
 */
async function clearBlockers(repo: Repo): Promise<string[]> {
  const signed: string[] = [];
  for (let round = 0; round < 4; round++) {
    const status = await repo.json<{ gate: { outcome: string; blockers: Blocker[] } }>(['status']);
    // The release window is the calendar's business, not the team's: leave it to the caller.
    if (status.gate.blockers.every((b) => b.kind.startsWith('window'))) return signed;
    const { items } = await repo.json<{ items: Item[] }>(['release', 'show']);
    const byNumber = new Map(items.map((i) => [i.number, i]));
    const roles = new Set<string>();
    const ticks: number[] = [];
    const checks: number[] = [];
    for (const b of status.gate.blockers) {
      const item = b.item !== undefined ? byNumber.get(b.item) : undefined;
      if (b.kind.startsWith('window')) continue;
      if (b.role) roles.add(b.role);
      else if (item?.kind === 'sign') roles.add(item.spec.sign![0]!);
      else if (item?.kind === 'check') checks.push(item.number);
      // A notify item's channel points nowhere here: a person says they told people by hand.
      else if (item && ['manual', 'run', 'watch', 'notify'].includes(item.kind))
        ticks.push(item.number);
      else throw new Error(`cannot clear blocker ${JSON.stringify(b)}`);
    }
    if (checks.length) await runAndWaiveChecks(repo, checks);
    // A parent follows its sub-items: ticked beside them it would race them, so it is left to
    // them (or to the next round, when a sub-item of it is not among the blockers).
    const parents = new Set(ticks.map((n) => byNumber.get(n)!.parent));
    // A few at a time, as a team would: the store serialises the writes.
    await mapLimit(
      ticks.filter((n) => !parents.has(n)),
      3,
      (n) => repo.ok(['item', 'done', String(n)]),
    );
    for (const role of roles) {
      await repo.ok(['sign', role, 'go', '--comment', 'e2e']);
      signed.push(role);
    }
  }
  throw new Error('items or sign-offs still block the gate after four rounds');
}

afterAll(removeRepos);

describe.skipIf(!hasSeeds)('the seed checklists through the CLI', () => {
  describe.concurrent.each(seeds)('%s', (seed) => {
    const seedPath = path.join(seedsDir, seed);
    // The clock is set, so a playbook's release window does not depend on the day the tests
    // run: the team works on a Saturday and decides on the Monday after.
    const env = { GONOGO_NOW: saturdayNow };
    const monday = { env: { GONOGO_NOW: mondayNow } };
    let repo: Repo;
    let original: PlaybookView;

    beforeAll(async () => {
      repo = await makeRepo({ env });
      await repo.ok(['playbook', 'import', seedPath, '-o', 'gonogo.yaml']);
      original = (await repo.json<{ playbook: PlaybookView }>(['playbook', 'show'])).playbook;
    });

    it('imports, lints, runs a release to GO and records the production deployment', async () => {
      const lint = await repo.ok(['playbook', 'lint']);
      expect(lint.stdout).toMatch(/gonogo\.yaml: ok/);
      const typed =
        original.types.length > 0
          ? ['--type', original.types.includes('minor') ? 'minor' : original.types[0]!]
          : [];
      await repo.ok(['release', 'start', '1.0.0', ...typed]);

      const before = await repo.json<{ gate: { outcome: string; blockers: Blocker[] } }>([
        'status',
      ]);
      expect(before.gate.outcome).toBe('no-go');
      expect(before.gate.blockers.length).toBeGreaterThan(0);
      // Deploying to production before GO is refused.
      const early = await repo.run(['deploy', 'production']);
      expect(early.code).toBe(1);
      expect(early.stderr).toMatch(/may not go to production: .* NO-GO/);

      const signed = await clearBlockers(repo);
      // Every role the gate names was asked for and said go.
      for (const role of original.phases.flatMap((p) => p.gate ?? []))
        expect(signed).toContain(role);

      if (original.policy.window?.deny?.includes('sat')) {
        // On the Saturday: NO-GO, and the window is the only reason.
        const saturday = await repo.run(['decide', '--json']);
        expect(saturday.code).toBe(1);
        const d = JSON.parse(saturday.stdout) as { outcome: string; blockers: Blocker[] };
        expect(d.outcome).toBe('no-go');
        expect(d.blockers.map((b) => b.kind)).toEqual([expect.stringMatching(/^window/)]);
        expect(d.blockers[0]!.message).toMatch(/Saturday|sat/i);
      }

      const decide = await repo.ok(['decide'], monday);
      expect(decide.stdout).toMatch(/^GO for /);
      await repo.ok(['deploy', 'production'], monday);
      const envs = await repo.json<{ environment: string; current?: { version: string } }[]>([
        'env',
      ]);
      expect(envs.find((e) => e.environment === 'production')?.current?.version).toBe('1.0.0');
      const audit = await repo.ok(['audit', 'verify']);
      expect(audit.stdout).toMatch(/chain intact/);
    });

    it('exports a fresh release as Markdown that imports back to the same items in the same order', async () => {
      // A database of its own, so this release is fresh whatever the other test did.
      const own = { env: { GONOGO_DB: path.join(repo.dir, 'roundtrip.db') } };
      // Without a type every item that holds for all releases is in, and none limited to a type.
      await repo.ok(['release', 'start', '1.0.0'], own);
      await repo.ok(['export', '--format', 'md', '-o', 'exported.md'], own);
      await repo.ok(['playbook', 'import', 'exported.md', '-o', 'roundtrip.yaml']);
      const { playbook: back } = await repo.json<{ playbook: PlaybookView }>([
        'playbook',
        'show',
        'roundtrip.yaml',
      ]);
      const { items } = await repo.json<{ items: Item[] }>(['release', 'show'], own);

      expect(playbookTitles(back)).toEqual(playbookTitles(original, true));
      // The release has exactly the playbook's items (the rollback procedure joins only on rollback).
      expect(items.map((i) => i.title)).toEqual(
        playbookTitles({ ...original, rollback: [] }, true),
      );
      // And a release of the re-imported playbook has the same items, sub-items under the same parents.
      await repo.ok(['release', 'start', '1.0.1', '--playbook', 'roundtrip.yaml'], own);
      const { items: again } = await repo.json<{ items: Item[] }>(
        ['release', 'show', '1.0.1'],
        own,
      );
      const shape = (list: Item[]) => list.map((i) => [i.number, i.title, i.parent ?? null]);
      expect(shape(again)).toEqual(shape(items));
    });
  });

  const seedNamed = (prefix: string) => {
    const seed = seeds.find((s) => s.startsWith(prefix));
    if (!seed) throw new Error(`no seed ${prefix}_* in ${seedsDir}`);
    return path.join(seedsDir, seed);
  };

  it('fills the issue template title of seed 000 with the version in the GitHub export', async () => {
    const repo = await makeRepo();
    await repo.ok(['playbook', 'import', seedNamed('000'), '-o', 'gonogo.yaml']);
    const { playbook } = await repo.json<{ playbook: PlaybookView }>(['playbook', 'show']);
    expect(playbook.metadata?.title).toMatch(/<[^>]+>/);
    await repo.ok(['release', 'start', '1.0.0', '--type', 'minor']);
    const { stdout } = await repo.ok(['export', '--format', 'github']);
    const front = /^---\n([\s\S]*?)\n---\n/.exec(stdout);
    expect(front, stdout.slice(0, 200)).not.toBeNull();
    const title = /^title:\s*(.*)$/m.exec(front![1]!)?.[1];
    const unquoted = title?.replace(/^(['"])(.*)\1$/, '$2');
    expect(unquoted).toBe(playbook.metadata!.title!.replace(/<[^>]*>/, '1.0.0'));
    expect(unquoted).toBe('[Release] - 1.0.0');
    expect(stdout.slice(front![0].length)).toMatch(/^- \[ \] /m);
  });

  it('lets a release manager override the window of seed 004 on a Saturday', async () => {
    const repo = await makeRepo({ env: { GONOGO_NOW: saturdayNow } });
    await repo.ok(['playbook', 'import', seedNamed('004'), '-o', 'gonogo.yaml']);
    const { playbook } = await repo.json<{ playbook: PlaybookView }>(['playbook', 'show']);
    // The importer declares the role that may override the window it writes.
    expect(playbook.policy.window?.deny).toContain('sat');
    expect(Object.keys(playbook.roles)).toContain('release-manager');
    await repo.ok(['release', 'start', '1.0.0']);
    await clearBlockers(repo);

    // On the Saturday: NO-GO, and the window is the only reason.
    const saturday = await repo.run(['decide', '--json']);
    expect(saturday.code, saturday.stderr).toBe(1);
    const no = JSON.parse(saturday.stdout) as { outcome: string; blockers: Blocker[] };
    expect(no.outcome).toBe('no-go');
    expect(no.blockers.map((b) => b.kind)).toEqual([expect.stringMatching(/^window/)]);

    const reason = 'customer outage fix, on call all weekend';
    const r = await repo.run(['decide', '--override-window', '--reason', reason, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as {
      outcome: string;
      override?: { reason: string; by: string };
      blockers: Blocker[];
    };
    expect(d.outcome).toBe('go');
    expect(d.blockers).toEqual([]);
    expect(d.override).toEqual({ reason, by: 'e2e@example.com' });
    // The recorded decision keeps the override and the window blocker it let through.
    const { decisions } = await repo.json<{
      decisions: {
        outcome: string;
        override?: { reason: string };
        inputs: { window: { overridden: Blocker[] } };
      }[];
    }>(['release', 'show']);
    const go = decisions.find((x) => x.outcome === 'go');
    expect(go?.override?.reason).toBe(reason);
    expect(go?.inputs.window.overridden.map((b) => b.kind)).toEqual([
      expect.stringMatching(/^window/),
    ]);
    // The overridden GO is enough to deploy on the Saturday.
    await repo.ok(['deploy', 'production']);
  });
});
