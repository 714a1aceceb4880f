/**
 * `gonogo playbook import` tells what it did, through the CLI alone: for each seed checklist
 * every heading of the source is named with what became of it (in words and in `--json`);
 * seed 002 keeps its follow-ups with due points, its emergency procedures as a note, its
 * metrics, rollback criteria and release types; a hotfix release has the hotfix steps and a
 * release without a type does not; `playbook lint` warns about roles without members.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { hasSeeds, makeRepo, removeRepos, seedsDir } from './cli-helper.ts';

if (!hasSeeds) console.warn(`import-summary.test.ts: skipped, no seed checklists at ${seedsDir}`);
const seeds = hasSeeds
  ? readdirSync(seedsDir)
      .filter((f) => !f.startsWith('.'))
      .sort()
  : [];

interface HeadingFate {
  line: number;
  depth: number;
  heading: string;
  became: string;
  summary: string;
  reason?: string;
  due?: string;
  note?: string;
  count?: number;
  type?: string;
}
interface ImportJson {
  stats: { items: number };
  headings: HeadingFate[];
  blanks: { line: number; col: number; text: string }[];
  roles: { role: string; message: string }[];
}

/** The ATX headings of a Markdown text (front matter and code fences left out), markup stripped. */
function sourceHeadings(text: string): { line: number; depth: number; text: string }[] {
  const lines = text.split(/\r\n|\r|\n/);
  let start = 0;
  if (lines[0]?.trim() === '---')
    start = lines.findIndex((l, i) => i > 0 && l.trim() === '---') + 1;
  const out: { line: number; depth: number; text: string }[] = [];
  let fence = false;
  for (let i = start; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^\s{0,3}(```|~~~)/.test(l)) fence = !fence;
    const m = fence ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l);
    if (m)
      out.push({
        line: i + 1,
        depth: m[1]!.length,
        text: m[2]!.replace(/\*\*|__/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'),
      });
  }
  return out;
}

afterAll(removeRepos);

describe.skipIf(!hasSeeds)('the import summary of each seed', () => {
  describe.concurrent.each(seeds)('%s', (seed) => {
    const seedPath = path.join(seedsDir, seed);
    const text = hasSeeds ? readFileSync(seedPath, 'utf8') : '';
    let repo: Repo;
    beforeAll(async () => {
      repo = await makeRepo();
    });

    it('names every heading of the source with what became of it, in words and in --json', async () => {
      const human = await repo.ok(['playbook', 'import', seedPath]);
      // The playbook goes to stdout, the summary to stderr.
      expect(human.stdout).toMatch(/^# gonogo playbook imported from /);
      expect(human.stderr).toMatch(/what became of each heading/);
      const data = await repo.json<ImportJson>(['playbook', 'import', seedPath]);
      const headings = sourceHeadings(text);
      for (const h of headings) {
        const fate = data.headings.find((f) => f.line === h.line);
        expect(fate, `line ${h.line}: ${h.text}`).toBeDefined();
        expect(fate).toMatchObject({ depth: h.depth, heading: h.text });
        expect(fate!.summary.length).toBeGreaterThan(0);
        if (fate!.became === 'dropped') expect(fate!.reason).toBeTruthy();
        expect(human.stderr).toContain(
          `  ${h.line}: ${'#'.repeat(h.depth)} ${h.text} → ${fate!.summary}`,
        );
      }
      // Nothing else is reported as a heading but the blocks of a text without headings.
      expect(data.headings.filter((f) => f.depth > 0).length).toBe(headings.length);
      if (!headings.length) {
        // Seed 004: each blank-line separated block of bullets is named instead.
        const blocks = text.split(/\n\s*\n/).filter((b) => /^\s*•/m.test(b)).length;
        expect(data.headings.filter((f) => f.depth === 0 && f.became === 'section').length).toBe(
          blocks,
        );
      }
      // Nearly nothing is dropped.
      expect(data.headings.filter((f) => f.became === 'dropped').length).toBeLessThanOrEqual(1);
      // Each role is flagged: anyone may act as it until members are named.
      for (const r of data.roles)
        expect(r.message).toMatch(
          new RegExp(
            `^anyone may act as ${r.role}\\b.* until members are named: roles\\.${r.role}\\.members$`,
          ),
        );
    });
  });
});

describe.skipIf(!hasSeeds)('seed 002 imported', () => {
  const seed = seeds.find((s) => s.startsWith('002_')) ?? '002';
  const seedPath = path.join(seedsDir, seed);
  let repo: Repo;
  let data: ImportJson;
  interface Item {
    title: string;
    deploys?: string[];
    due?: string;
    items?: Item[];
  }
  interface Section {
    title?: string;
    when?: { type?: string[] };
    items: Item[];
  }
  let playbook: {
    types: string[];
    notes?: { title: string; text: string }[];
    metrics?: Record<string, { title: string }>;
    policy: { rollback?: { when: string[] } };
    phases: { title: string; sections: Section[] }[];
  };

  beforeAll(async () => {
    repo = await makeRepo();
    data = await repo.json<ImportJson>(['playbook', 'import', seedPath, '-o', 'gonogo.yaml']);
    playbook = (await repo.json<{ playbook: typeof playbook }>(['playbook', 'show'])).playbook;
  });

  const sections = () => playbook.phases.flatMap((p) => p.sections);
  const fate = (heading: string) => data.headings.find((h) => h.heading === heading);

  it('gives the follow-ups after the production deployment their due points', () => {
    const due = (title: string) =>
      sections()
        .find((s) => s.title === title)
        ?.items.map((i) => i.due);
    // "Watch error logs" is a watch for the first hour: its window starts at the deployment.
    expect(due('First Hour')).toEqual(['+1h', '+0m', '+1h', '+1h', '+1h']);
    expect(due('First 24 Hours')).toEqual(Array(5).fill('+24h'));
    expect(due('First Week')).toEqual(Array(5).fill('+1w'));
    expect(fate('First 24 Hours')).toMatchObject({ became: 'section', due: '+24h' });
    // "(1 hour before)" is before the deployment: no due point.
    const before = sections().filter((s) => s.title?.startsWith('Pre-Deployment'));
    expect(before.length).toBe(4);
    expect(before.flatMap((s) => s.items).every((i) => i.due === undefined)).toBe(true);
  });

  it('keeps emergency procedures as a note, metrics as metrics, rollback criteria as the policy', () => {
    const emergency = playbook.notes?.find((n) => n.title === 'Emergency Procedures');
    expect(emergency?.text).toMatch(/### Database Emergency[\s\S]*### Complete Outage/);
    expect(fate('Emergency Procedures')).toMatchObject({ became: 'note' });
    expect(fate('Complete Outage')).toMatchObject({ became: 'note', note: 'Emergency Procedures' });
    expect(Object.keys(playbook.metrics ?? {})).toEqual(
      expect.arrayContaining([
        'deployment-frequency',
        'lead-time',
        'change-failure-rate',
        'uptime',
      ]),
    );
    expect(fate('Metrics to Track')).toMatchObject({ became: 'metrics', count: 8 });
    expect(playbook.policy.rollback?.when).toEqual(
      expect.arrayContaining(['error_rate > 5%', 'response_time > 2x baseline']),
    );
    expect(fate('When to Rollback')).toMatchObject({ became: 'rollback-criteria', count: 5 });
  });

  it('makes each release type a section limited to it, with its steps', () => {
    expect(playbook.types).toEqual(['hotfix', 'minor', 'major']);
    const typed = sections().filter((s) => s.when?.type);
    expect(typed.map((s) => [s.title, s.when!.type])).toEqual([
      ['Hotfix Release', ['hotfix']],
      ['Minor Release', ['minor']],
      ['Major Release', ['major']],
    ]);
    expect(typed[0]!.items.map((i) => i.title)).toContain('Create hotfix branch from main');
    expect(fate('Hotfix Release')).toMatchObject({
      became: 'release-type',
      type: 'hotfix',
      count: 5,
    });
  });

  it('marks the deploy step as the production deployment', () => {
    const deploying = sections()
      .flatMap((s) => s.items)
      .filter((i) => i.deploys);
    expect(deploying.map((i) => [i.title, i.deploys])).toEqual([
      ['Deploy Application', ['production']],
    ]);
  });

  it('gives a hotfix release the hotfix steps, and a release without a type none of them', async () => {
    const own = (name: string) => ({ env: { GONOGO_DB: path.join(repo.dir, `${name}.db`) } });
    await repo.ok(['release', 'start', '1.0.0', '--type', 'hotfix'], own('hotfix'));
    await repo.ok(['release', 'start', '1.0.0'], own('plain'));
    const titles = async (name: string) =>
      (await repo.json<{ items: { title: string }[] }>(['release', 'show'], own(name))).items.map(
        (i) => i.title,
      );
    const hotfix = await titles('hotfix');
    const plain = await titles('plain');
    const steps = sections()
      .find((s) => s.title === 'Hotfix Release')!
      .items.map((i) => i.title);
    for (const step of steps) {
      expect(hotfix).toContain(step);
      expect(plain).not.toContain(step);
    }
    expect(hotfix.length).toBe(plain.length + steps.length);
    // The major release's steps and the major-only e-mail are in neither.
    for (const list of [hotfix, plain]) {
      expect(list).not.toContain('Complete regression testing');
      expect(list).not.toContain('Send email notification to users (if major changes)');
    }
  });

  it('warns in playbook lint about the roles without members, and still exits 0', async () => {
    const lint = await repo.run(['playbook', 'lint']);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toMatch(
      /^gonogo\.yaml:\d+:\d+ warning: role "release-manager" has no members: anyone may act as it/m,
    );
    // The roles, and the metrics the watches and rollback lines name, whose queries are blank.
    expect(lint.stdout).toMatch(/gonogo\.yaml: ok, .*, 8 warnings$/m);
    expect(lint.stdout).toMatch(/warning: metric "error_rate" has no query yet/);
    const json = await repo.json<{
      ok: boolean;
      problems: { severity: string; message: string; line: number }[];
    }>(['playbook', 'lint']);
    expect(json.ok).toBe(true);
    expect(json.problems.map((p) => p.severity)).toEqual(Array(8).fill('warning'));
    const roles = json.problems.flatMap((p) => /role "([^"]+)"/.exec(p.message)?.[1] ?? []);
    expect(roles.sort()).toEqual(['release-manager', 'team-lead']);
    const metrics = json.problems.flatMap((p) => /metric "([^"]+)"/.exec(p.message)?.[1] ?? []);
    expect([...new Set(metrics)].sort()).toEqual(['error_rate', 'response_time']);
  });
});

describe.skipIf(!hasSeeds)('blanks to fill', () => {
  it('lists the placeholders of seed 001 and 000 with their lines', async () => {
    const repo = await makeRepo();
    const seed = (prefix: string) =>
      path.join(
        seedsDir,
        seeds.find((s) => s.startsWith(prefix))!,
      );
    const text = readFileSync(seed('001_'), 'utf8').split('\n');
    const one = await repo.json<ImportJson>(['playbook', 'import', seed('001_')]);
    const line = text.findIndex((l) => l.includes('[Role/Name]')) + 1;
    expect(one.blanks).toEqual([
      expect.objectContaining({
        line,
        col: text[line - 1]!.indexOf('[Role/Name]') + 1,
        text: '[Role/Name]',
      }),
    ]);
    const human = await repo.ok(['playbook', 'import', seed('001_')]);
    expect(human.stderr).toContain(`  ${line}:`);
    expect(human.stderr).toMatch(/blanks to fill/);
    const zero = await repo.json<ImportJson>(['playbook', 'import', seed('000_')]);
    expect(zero.blanks.map((b) => b.text)).toEqual(['<Version or Release Name>']);
  });
});

describe.skipIf(!hasSeeds)('gonogo init --from', () => {
  it('tells what became of each heading, as playbook import does', async () => {
    const repo = await makeRepo();
    const seed = seeds.find((s) => s.startsWith('001_'))!;
    const init = await repo.ok(['init', '--from', path.join(seedsDir, seed)]);
    expect(init.stdout).toMatch(/^wrote gonogo\.yaml: /);
    expect(init.stdout).toMatch(/^what became of each heading/m);
    expect(init.stdout).toMatch(/## Pre-Release Preparation → phase \(\d+ items/);
    const json = await repo.json<ImportJson>([
      'init',
      '--from',
      path.join(seedsDir, seed),
      '-o',
      'again.yaml',
    ]);
    expect(json.headings.length).toBeGreaterThan(10);
  });
});
