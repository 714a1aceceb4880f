import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { walkItems } from './playbook.ts';
import type { Playbook, PlaybookItem } from './playbook.ts';
import { lintPlaybook, loadPlaybook } from './playbook-yaml.ts';
import { importChecklist } from './playbook-import.ts';
import type { ImportResult } from './playbook-import.ts';
import type { RawItem } from './playbook-schema.ts';
import {
  findDeniedDays,
  findRoles,
  findSigners,
  isOptionalText,
  normalizeRollbackCriterion,
} from './playbook-import-rules.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const seedDir = path.resolve(repoRoot, '../shared/seeds');
const haveSeeds = existsSync(seedDir);
if (!haveSeeds)
  console.warn(`playbook-import.test: ${seedDir} is absent; the seed tests are skipped`);

function seed(prefix: string): { text: string; file: string } {
  const file = readdirSync(seedDir).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no seed ${prefix}* in ${seedDir}`);
  return { text: readFileSync(path.join(seedDir, file), 'utf8'), file };
}

/** Imports, then loads the YAML as `gonogo playbook lint` would: it must be clean. */
function importAndLoad(
  text: string,
  file = 'checklist.md',
): { result: ImportResult; playbook: Playbook } {
  const result = importChecklist(text, file);
  const { problems, loaded } = lintPlaybook(result.yaml, 'gonogo.yaml');
  expect(problems).toEqual([]);
  return { result, playbook: loaded!.playbook };
}

const titles = (items: PlaybookItem[]) => items.map((i) => i.title);
const phaseItems = (p: Playbook) =>
  p.phases.flatMap((ph) => ph.sections).flatMap((s) => [...walkItems(s.items)]);
const rollbackItems = (p: Playbook) => p.rollback.flatMap((s) => [...walkItems(s.items)]);
const allItems = (p: Playbook) => [...phaseItems(p), ...rollbackItems(p)];
const find = (p: Playbook, title: string) => {
  const it = allItems(p).find((i) => i.title === title);
  if (!it) throw new Error(`no item "${title}" in ${JSON.stringify(titles(allItems(p)))}`);
  return it;
};
const sectionTitles = (p: Playbook) =>
  p.phases.flatMap((ph) => ph.sections.filter((s) => s.title).map((s) => s.title!));

/** What a reader sees of a Markdown line: markup stripped, words (and inline code) kept. */
function stripMarkup(s: string, keepCode = true): string {
  return s
    .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, '$1')
    .replace(keepCode ? /\*\*|__/g : /\*\*|__|`/g, '')
    .replace(/\\([()[\]*_`#\\.-])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of every `- [ ]` / `- [x]` line, in order. */
function taskLines(text: string): string[] {
  return [...text.matchAll(/^\s*[-*+] \[[ xX]\] (.*)$/gm)].map((m) => stripMarkup(m[1]!));
}

/** The text of every plain bullet line (`-`, `*`, `+`, `•`), in order. */
function bulletLines(text: string): string[] {
  return [...text.matchAll(/^\s*[-*+•] (?!\[[ xX]\])(.*\S.*)$/gm)].map((m) => stripMarkup(m[1]!));
}

/** The text under the level-2 heading about rollback, and the rest of the document. */
function splitRollback(text: string): { main: string; rollback: string } {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^## .*rollback/i.test(l));
  if (start < 0) return { main: text, rollback: '' };
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  return {
    main: [...lines.slice(0, start), ...lines.slice(end)].join('\n'),
    rollback: lines.slice(start, end).join('\n'),
  };
}

/** Heading texts of one level, markup stripped. */
function headings(text: string, level: number): string[] {
  const re = new RegExp(`^#{${level}} (.*)$`, 'gm');
  return [...text.matchAll(re)].map((m) => stripMarkup(m[1]!));
}

/**
 * Section titles as the importer should build them: for each heading below the phase level,
 * the path of headings under the phase joined with " / ", kept when its body holds items.
 */
function expectedSections(
  text: string,
  phaseLevel: number,
  holdsItems: (body: string) => boolean,
): string[] {
  const out: string[] = [];
  const stack: { level: number; text: string }[] = [];
  const lines = text.split('\n');
  let fence = false;
  for (const [i, l] of lines.entries()) {
    if (l.startsWith('```')) fence = !fence;
    const m = fence ? null : /^(#{1,6}) (.*)$/.exec(l);
    if (!m || m[1]!.length <= phaseLevel) {
      if (m) stack.length = 0;
      continue;
    }
    const level = m[1]!.length;
    while (stack.length && stack.at(-1)!.level >= level) stack.pop();
    stack.push({ level, text: stripMarkup(m[2]!) });
    let end = lines.findIndex((x, j) => j > i && /^#{1,6} /.test(x));
    if (end < 0) end = lines.length;
    if (holdsItems(lines.slice(i + 1, end).join('\n')))
      out.push(stack.map((s) => s.text).join(' / '));
  }
  return out;
}

describe.skipIf(!haveSeeds)('importChecklist on the seed checklists', () => {
  it('000 (GitHub issue template): front matter, details, optional, any-of sign-off, gate', () => {
    const { text, file } = seed('000_');
    const { result, playbook } = importAndLoad(text, file);
    const fm = /^---\n([\s\S]*?)\n---/.exec(text)![1]!;
    const fmValue = (key: string) => JSON.parse(new RegExp(`^${key}: (.*)$`, 'm').exec(fm)![1]!);

    expect(playbook.name).toBe(fmValue('name'));
    expect(playbook.metadata).toEqual({
      title: fmValue('title'),
      about: fmValue('about'),
      labels: fmValue('labels'),
      assignees: fmValue('assignees'),
      source: file,
    });
    expect(playbook.description).toMatch(/^Use this checklist/);
    expect(playbook.phases.map((p) => p.title)).toEqual(headings(text, 2));
    expect(playbook.phases.map((p) => p.id)).toEqual([
      '1-pre-release',
      '2-infrastructure-checks-aws',
      '3-wagtail-django-specific-checks',
      '4-final-confirmation',
      '5-production-deployment',
    ]);
    expect(sectionTitles(playbook)).toEqual([]);
    expect(titles(allItems(playbook))).toEqual(taskLines(text));

    // The nested bullets under the first task are its details, markup stripped.
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('**Version Bump**'));
    const nested = [];
    for (let i = at + 1; /^\s+- /.test(lines[i] ?? ''); i++)
      nested.push(stripMarkup(lines[i]!.replace(/^\s+- /, ''), false));
    const bump = find(playbook, 'Version Bump');
    expect(nested.length).toBe(2);
    expect(bump.details).toEqual(nested);
    expect(bump.details!.join(' ')).not.toContain('`');

    expect(find(playbook, 'Scaling/Load Testing (if relevant)').optional).toBe(true);
    expect(find(playbook, 'Version Bump').optional).toBe(false);
    expect(find(playbook, 'Smoke Test in Staging').details).toContain('User login');

    const signOff = find(playbook, 'Sign Off');
    expect(signOff.kind).toBe('sign');
    expect(signOff.sign).toEqual(['team-lead', 'qa', 'product-manager']);
    expect(playbook.roles).toEqual({
      'team-lead': 'Team Lead',
      qa: 'QA',
      'product-manager': 'Product Manager',
    });

    const gated = playbook.phases.filter((p) => p.gate);
    expect(gated.map((p) => p.title)).toEqual(['5. Production Deployment']);
    expect(gated[0]!.gate).toEqual([]); // the sign-off before it already holds the release
    expect(playbook.environments).toEqual(['staging', 'production']);
    expect(result.yaml).toMatch(
      /^# gonogo playbook imported from 000_\S+ by `gonogo playbook import`\n/,
    );
    expect(result.yaml).toContain('sign: [team-lead, qa, product-manager]');
    expect(result.yaml).not.toMatch(/^\s*id:/m);
    expect(result.stats).toEqual({
      phases: 5,
      sections: 0,
      items: 20,
      sign: 1,
      optional: 1,
      suggestedRuns: 0,
      automated: 3,
    });
  });

  it('001: five sign-off roles, rollback procedure, gate on "Deployment Execution"', () => {
    const { text, file } = seed('001_');
    const { result, playbook } = importAndLoad(text, file);
    const { main, rollback } = splitRollback(text);

    expect(playbook.name).toBe(headings(text, 1)[0]);
    expect(playbook.phases.map((p) => p.title)).toEqual(
      headings(main, 2).filter((h) => !/notes/i.test(h)),
    );
    expect(playbook.phases.map((p) => p.id)).toEqual([
      'pre-release-preparation',
      'deployment-execution',
      'post-release-activities',
    ]);
    expect(sectionTitles(playbook)).toEqual(headings(main, 3));
    expect(sectionTitles(playbook)).toEqual(expectedSections(main, 2, (b) => /- \[ \]/.test(b)));
    expect(titles(phaseItems(playbook))).toEqual(taskLines(main));
    expect(titles(rollbackItems(playbook))).toEqual(taskLines(rollback));
    expect(taskLines(rollback).length).toBe(7);

    const signs = allItems(playbook).filter((i) => i.kind === 'sign');
    expect(signs.map((i) => i.sign)).toEqual([
      ['qa-lead'],
      ['product-owner'],
      ['security'],
      ['technical-lead'],
      ['release-manager'],
    ]);
    expect(signs.every((i) => /sign-off|approval|review completed/i.test(i.title))).toBe(true);
    expect(find(playbook, 'Security review completed (if required)').optional).toBe(true);
    expect(Object.keys(playbook.roles)).toEqual([
      'qa-lead',
      'product-owner',
      'security',
      'technical-lead',
      'release-manager',
    ]);
    expect(playbook.roles['qa-lead']).toBe('QA Lead');

    const gated = playbook.phases.filter((p) => p.gate);
    expect(gated.map((p) => p.title)).toEqual(['Deployment Execution']);
    expect(gated[0]!.gate).toEqual([]);
    expect(playbook.phases.flatMap((p) => p.sections).filter((s) => s.gate)).toEqual([]);
    // "(If Needed)" on the rollback heading is what a rollback is; its steps stay required.
    expect(rollbackItems(playbook).every((i) => !i.optional)).toBe(true);
    expect(result.raw.rollback).toEqual({ items: expect.any(Array) });
    expect(result.stats).toMatchObject({ phases: 3, sections: 14, items: 82, sign: 5 });
  });

  it('002: suggested runs, sub-items, release types, rollback criteria, fence-only sections', () => {
    const { text, file } = seed('002_');
    const { result, playbook } = importAndLoad(text, file);
    const { main, rollback } = splitRollback(text);

    expect(playbook.phases.map((p) => p.title)).toEqual([
      'Pre-Release Checklist',
      'Deployment Checklist',
      'Post-Deployment Monitoring',
      'Release Types',
    ]);
    expect(sectionTitles(playbook)).toContain('Pre-Deployment (1 hour before) / 1. Notifications');
    expect(sectionTitles(playbook)).toContain(
      'Pre-Deployment (1 hour before) / 3. Database Backup',
    );
    // Every task line is an item, in order; the two fence-only sections add one item each, and
    // the deploy step's heading is an item of its own; the release types' steps follow.
    const added = ['Database Backup', 'Health Check Baseline', 'Deploy Application'];
    const typed = new Set(
      playbook.phases
        .flatMap((p) => p.sections)
        .filter((s) => s.when?.type)
        .flatMap((s) => titles(s.items)),
    );
    expect(titles(phaseItems(playbook)).filter((t) => !added.includes(t) && !typed.has(t))).toEqual(
      taskLines(main),
    );
    expect(titles(rollbackItems(playbook))).toEqual(taskLines(rollback));

    const deploy = find(playbook, 'Deploy Application');
    expect(deploy.deploys).toEqual(['production']);
    expect(deploy.suggest?.run).toContain('./deploy.sh deploy');
    expect(deploy.kind).toBe('manual'); // a suggestion, never a `run:`
    expect(find(playbook, 'Docker build successful').suggest).toBeUndefined();
    expect(allItems(playbook).some((i) => i.run !== undefined)).toBe(false);
    expect(find(playbook, 'Images pushed to ECR').suggest).toBeUndefined();
    expect(find(playbook, 'Previous version deployed').suggest?.run).toContain(
      './deploy.sh rollback',
    );

    const backup = find(playbook, 'Database Backup');
    expect(backup.suggest?.run).toContain('aws rds create-db-snapshot');
    expect(find(playbook, 'Health Check Baseline').suggest?.run).toContain('health_check.py');

    const journeys = find(playbook, 'Test critical user journeys manually:');
    expect(journeys.items?.length).toBe(6);
    expect(titles(journeys.items!)).toContain('User login');
    expect(find(playbook, 'Update deployment log with:').items?.length).toBe(4);

    expect(playbook.types).toEqual(['hotfix', 'minor', 'major']);
    expect(playbook.policy.rollback?.when).toContain('error_rate > 5%');
    expect(playbook.policy.rollback?.when).toContain('response_time > 2x baseline');
    expect(playbook.policy.rollback?.when).toContain('Critical functionality broken');

    // Heading markers make everything under them optional.
    const step1 = playbook.phases[1]!.sections.find((s) => s.title?.includes('Step 1'))!;
    expect(step1.items.every((i) => i.optional)).toBe(true);
    // "(if major changes)" limits the item to major releases: a condition, not "optional".
    const email = find(playbook, 'Send email notification to users (if major changes)');
    expect(email.when).toEqual({ type: ['major'] });
    expect(email.optional).toBe(false);
    expect(find(playbook, 'API documentation updated (if API changed)').optional).toBe(true);

    // Reference material in a task document is not items (definitions, emergency runbooks,
    // improvement lists), except the release types' numbered steps.
    const steps = new Set(
      [...text.matchAll(/^### \w+ Release\n\n[^\n]*\n\n((?:\d+\. .*\n)+)/gm)].flatMap((m) =>
        [...m[1]!.matchAll(/^\d+\. (.*)$/gm)].map((x) => stripMarkup(x[1]!)),
      ),
    );
    expect(steps.size).toBe(15);
    expect(typed).toEqual(steps);
    const plain = [...text.matchAll(/^\s*(?:\d+\.|-) (?!\[)\**([^*\n]+)/gm)]
      .map((m) => stripMarkup(m[1]!))
      .filter((t) => !steps.has(t));
    expect(plain.length).toBeGreaterThan(20);
    const all = new Set(titles(allItems(playbook)));
    expect(plain.filter((t) => all.has(t))).toEqual([]);

    expect(find(playbook, 'Code reviewed by at least one other developer').kind).toBe('manual');
    expect(find(playbook, 'Approval from team lead').sign).toEqual(['team-lead']);
    const gated = playbook.phases.filter((p) => p.gate);
    expect(gated.map((p) => [p.title, p.gate])).toEqual([
      ['Deployment Checklist', ['release-manager']],
    ]);
    expect(playbook.roles['release-manager']).toBe('Release Manager');
    expect(result.stats.suggestedRuns).toBe(9);
    expect(result.yaml).toContain('run: |-');
  });

  it('003 (no task items): bullets are items, the table of contents is not, "Tag Applications" suggests its command', () => {
    const { text, file } = seed('003_');
    const { result, playbook } = importAndLoad(text, file);

    expect(playbook.name).toBe(headings(text, 1)[0]);
    expect(playbook.phases.map((p) => p.id)).toEqual(['detailed-steps', 'post-release-activities']);
    expect(sectionTitles(playbook)).toEqual(headings(text, 3));
    expect(titles(allItems(playbook)).filter((t) => t !== 'Tag Applications')).toEqual(
      bulletLines(text),
    );

    const toc = [...text.matchAll(/^\d+\. (.*)$/gm)].map((m) => m[1]!);
    expect(toc.length).toBe(7);
    expect(titles(allItems(playbook)).filter((t) => toc.includes(t))).toEqual(['Tag Applications']);

    const tag = find(playbook, 'Tag Applications');
    expect(tag.suggest?.run).toMatch(/^python src\/main\.py release/);
    expect(tag.details?.[0]).toMatch(/^Use the github-ops repository/);

    const gated = playbook.phases.flatMap((p) => p.sections).filter((s) => s.gate);
    expect(gated.map((s) => [s.title, s.gate])).toEqual([
      ['6. Deploy to Production Environment', ['release-manager']],
    ]);
    expect(playbook.environments).toEqual(['development', 'production']);
    expect(find(playbook, 'Perform load testing if applicable').optional).toBe(true);
    expect(result.stats).toMatchObject({ phases: 2, sections: 7, items: 30, sign: 0 });
  });

  it('004 (plain text, • bullets, no headings): blocks become sections, window policy, no prose items', () => {
    const { text, file } = seed('004_');
    const { result, playbook } = importAndLoad(text, file);

    expect(playbook.name).toBe(text.split('\n')[0]!.trim());
    expect(playbook.description).toMatch(/^When you are ready to release/);
    expect(playbook.phases.map((p) => p.title)).toEqual(['Checklist']);
    expect(titles(allItems(playbook))).toEqual(bulletLines(text));

    // One section per blank-line separated block of bullets, with its size.
    const blocks: number[] = [];
    let prevBullet = false;
    for (const line of text.split('\n')) {
      const bullet = /^\s*•/.test(line);
      if (bullet && !prevBullet) blocks.push(0);
      if (bullet) blocks[blocks.length - 1]!++;
      prevBullet = bullet;
    }
    const sections = playbook.phases[0]!.sections;
    expect(sections.map((s) => s.items.length)).toEqual(blocks);
    expect(sections.length).toBe(10);
    const names = sections.map((s) => s.title!);
    expect(new Set(names).size).toBe(names.length);
    expect(names.at(-1)).toBe('Everyone aware of new release');
    expect(names).toEqual(
      expect.arrayContaining(['Release timing', 'Testing', 'Changelog', 'Logging']),
    );

    // The release manager the importer declares may override the window it writes.
    expect(playbook.policy.window).toEqual({
      timezone: 'UTC',
      deny: ['fri', 'sat', 'sun'],
      override: ['release-manager'],
    });
    expect(find(playbook, bulletLines(text)[0]!).title).toMatch(/^Do NOT release on Friday/);
    expect(titles(allItems(playbook)).some((t) => /Drop us a message|love to work/.test(t))).toBe(
      false,
    );
    expect(titles(allItems(playbook))).toContain('Changelog was [useful](/engineering/');
    expect(titles(allItems(playbook)).some((t) => t.includes('\\('))).toBe(false);
    expect(playbook.phases[0]!.gate).toBeUndefined();
    expect(result.stats).toMatchObject({ phases: 1, sections: 10, items: 33, sign: 0 });
  });
});

describe.skipIf(!haveSeeds)('check suggestions on the seed checklists', () => {
  /** Every item with a suggested check, as "title → check", in document order. */
  const suggestions = (prefix: string, testCommand?: string) => {
    const { text, file } = seed(prefix);
    const { raw, stats } = importChecklist(text, file, testCommand ? { testCommand } : {});
    const out: string[] = [];
    const walk = (items: RawItem[] | undefined) => {
      for (const it of items ?? []) {
        if (it.check !== undefined) out.push(`${it.title} → ${JSON.stringify(it.check)}`);
        walk(it.items);
      }
    };
    for (const p of raw.phases) {
      walk(p.items);
      for (const sec of p.sections ?? []) walk(sec.items);
    }
    const rb = raw.rollback;
    if (rb && !Array.isArray(rb)) {
      walk(rb.items);
      for (const sec of rb.sections ?? []) walk(sec.items);
    }
    return { out, stats };
  };

  it("000: the heading-like items read their first detail; tests use the project's command", () => {
    const { out, stats } = suggestions('000_', 'npm test');
    expect(out).toEqual([
      'Version Bump → "version"',
      'Changelog → "changelog"',
      'Tests → {"command":"npm test"}',
      'Tag & Release → "git-tag"',
    ]);
    expect(stats.automated).toBe(4);
    // Without a detected test command the tests item stays with a person.
    expect(suggestions('000_').stats.automated).toBe(3);
  });

  it('001: a process checklist: only the internal changelog is for a machine', () => {
    expect(suggestions('001_', 'npm test').out).toEqual([
      'Internal changelog updated → "changelog"',
    ]);
  });

  it('002: commands written in the items, coverage, repository checks and the health URL', () => {
    const { out, stats } = suggestions('002_', 'npm test');
    expect(out).toEqual([
      'All unit tests passing (`pytest --cov=app --cov-fail-under=80`) → {"command":"pytest --cov=app --cov-fail-under=80"}',
      'All integration tests passing (`pytest -m integration`) → {"command":"pytest -m integration"}',
      'End-to-end tests passing (`pytest -m e2e`) → {"command":"pytest -m e2e"}',
      'Code coverage >= 80% → {"coverage":80}',
      'No critical security vulnerabilities (`safety check`, `bandit -r app/`) → {"command":{"run":"safety check && bandit -r app/","shell":"sh"}}',
      'Branch is up to date with main → {"git-up-to-date":"main"}',
      'CHANGELOG.md updated with new features/fixes → "changelog"',
      'No secrets committed to git → "secrets"',
      'All environment variables documented in `.env.example` → "env-documented"',
      'Run full test suite one final time → {"command":"npm test"}',
      'Create git tag for release (e.g., `v1.2.0`) → "git-tag"',
      'Health checks passing → {"http":{"url":"https://api.example.com/health"}}',
      'Health checks passing → {"http":{"url":"https://api.example.com/health"}}',
      'Health checks passing → {"http":{"url":"https://api.example.com/health"}}',
    ]);
    expect(stats.automated).toBe(14);
  });

  it("003: a guide of people's steps: nothing for a machine", () => {
    expect(suggestions('003_', 'npm test').stats.automated).toBe(0);
  });

  it('004: the window, the milestone, commits, version, tests, changelog, audit and secrets', () => {
    const { out } = suggestions('004_', 'npm test');
    expect(out.map((l) => l.split(' → ')[1])).toEqual([
      '"window"',
      '"milestone"',
      '{"commits":{"convention":"any"}}',
      '"version"',
      '{"command":"npm test"}',
      '"changelog"',
      '{"audit":"high"}',
      '"secrets"',
    ]);
    // The window needs someone who may override it on a denied day.
    const { text, file } = seed('004_');
    expect(importChecklist(text, file).raw.roles).toMatchObject({
      'release-manager': 'Release Manager',
    });
  });
});

describe('importChecklist rules', () => {
  const load = (md: string) => importAndLoad(md).playbook;

  it('takes a single first top-level heading as the name and the next level as phases', () => {
    const p = load('# My Release\n\n## Before\n\n- [ ] a\n\n## After\n\n- [ ] b\n');
    expect(p.name).toBe('My Release');
    expect(p.phases.map((x) => x.title)).toEqual(['Before', 'After']);
  });

  it('makes the shallowest headings phases when there is no title, and names from the first line', () => {
    const p = load('Ship list\n\n# One\n\n- [ ] a\n\n# Two\n\n### Deep\n\n- [ ] b\n');
    expect(p.name).toBe('Ship list');
    expect(p.phases.map((x) => x.title)).toEqual(['One', 'Two']);
    expect(p.phases[1]!.sections.map((s) => s.title)).toEqual(['Deep']);
    expect(load('A long first paragraph that ends in a period.\n\n- [ ] a\n').name).toBe(
      'Release checklist',
    );
  });

  it('puts items before any phase heading into a "Checklist" phase', () => {
    const p = load('- [ ] early\n\n## Later\n\n- [ ] late\n\n## Also\n\n- [ ] more\n');
    expect(p.phases.map((x) => x.title)).toEqual(['Checklist', 'Later', 'Also']);
  });

  it('strips markup from titles and keeps the words, and inline code as code', () => {
    const p = load(
      '- [x] **Bump** `version` in [the file](http://x.y) <!-- c --> (if applicable)\n',
    );
    const it = phaseItems(p)[0]!;
    expect(it.title).toBe('Bump `version` in the file (if applicable)');
    expect(it.optional).toBe(true);
  });

  it('keeps inline code in titles and headings, backticks inside code included, through YAML', () => {
    const { result, playbook } = importAndLoad(
      '# Doc\n\n## Run `make`\n\n- [ ] Run `performance_profiler.py`\n- [ ] Quote ``a `b` c`` here\n- [ ] `:colon` start\n',
    );
    expect(playbook.phases[0]!.title).toBe('Run `make`');
    expect(titles(allItems(playbook))).toEqual([
      'Run `performance_profiler.py`',
      'Quote ``a `b` c`` here',
      '`:colon` start',
    ]);
    // Written back as Markdown, a title reads as the same words again.
    const again = importAndLoad(
      titles(allItems(playbook))
        .map((t) => `- [ ] ${t}`)
        .join('\n'),
    ).playbook;
    expect(titles(allItems(again))).toEqual(titles(allItems(playbook)));
    expect(result.yaml).toContain('Run `performance_profiler.py`');
  });

  it('treats task-less lists as reference in a task document, and every bullet as an item otherwise', () => {
    const mixed = load('## A\n\n- [ ] task\n\n## Ref\n\n- plain one\n- plain two\n\n1. step\n');
    expect(titles(allItems(mixed))).toEqual(['task']);
    const plain = load('## A\n\n- one\n* two\n+ three\n\n1. four\n');
    expect(titles(allItems(plain))).toEqual(['one', 'two', 'three', 'four']);
  });

  it('makes nested tasks sub-items and nested bullets and paragraphs details', () => {
    const p = load('- [ ] parent\n\n  More words.\n\n  - note\n    - deeper\n  - [ ] child\n');
    const parent = phaseItems(p)[0]!;
    expect(parent.details).toEqual(['More words.', 'note', 'deeper']);
    expect(titles(parent.items!)).toEqual(['child']);
  });

  it('attaches a fence to the next item in its section, or to the last one when none follows', () => {
    const p = load('## S\n\n```sh\nmake a\n```\n\n- [ ] first\n- [ ] second\n\n```\nmake z\n```\n');
    expect(phaseItems(p).map((i) => i.suggest?.run)).toEqual(['make a', 'make z']);
  });

  it('gives a fence-only leaf section one item and drops sections left empty', () => {
    const p = load(
      '# Doc\n\n## P\n\n### 3. Backup\n\nTake one.\n\n```\nbackup.sh\n```\n\n### Empty\n\nJust words.\n\n### T\n\n- [ ] t\n',
    );
    expect(p.phases[0]!.sections.map((s) => s.title)).toEqual(['3. Backup', 'T']);
    const backup = phaseItems(p)[0]!;
    expect(backup).toMatchObject({
      title: 'Backup',
      details: ['Take one.'],
      suggest: { run: 'backup.sh' },
    });
  });

  it('ignores HTML comments, <details> blocks, thematic breaks and empty bullets', () => {
    const p = load(
      '- [ ] real\n\n---\n\n<!-- - [ ] hidden -->\n\n<details>\n<summary>x</summary>\n\n</details>\n\n- \n',
    );
    expect(titles(allItems(p))).toEqual(['real']);
  });

  it('leaves out a table of contents, nested or linked, and what is folded in <details>', () => {
    const p = load(
      '# Doc\n\n## Contents\n\n1. [Build](#build)\n   - Unit tests\n2. Ship\n\n## Build\n\n### Unit tests\n\n- run them\n\n## Ship\n\n- push\n\n<details>\n<summary>more</summary>\n\n- hidden\n\n</details>\n',
    );
    expect(p.phases.map((x) => x.title)).toEqual(['Build', 'Ship']);
    expect(titles(allItems(p))).toEqual(['run them', 'push']);
  });

  it('reads a checklist pasted with every line indented', () => {
    expect(titles(allItems(load('\t- [ ] one\n\t- [ ] two\n')))).toEqual(['one', 'two']);
  });

  it('puts the gate on the first production heading, with the release manager unless sign-offs came first', () => {
    const a = load(
      '## Prep\n\n- [ ] a\n\n## Deploy\n\n- [ ] b\n\n## Production rollout\n\n- [ ] c\n',
    );
    expect(a.phases.map((p) => p.gate)).toEqual([undefined, undefined, ['release-manager']]);
    const b = load(
      '## Prep\n\n- [ ] QA sign-off\n\n## Pre-deployment\n\n- [ ] a\n\n## Deploy\n\n- [ ] b\n',
    );
    expect(b.phases.map((p) => p.gate)).toEqual([undefined, undefined, []]);
    expect(load('## Prep\n\n- [ ] a\n').phases[0]!.gate).toBeUndefined();
  });

  it('turns the rollback phase into the rollback procedure with its criteria', () => {
    const p = load(
      '## Ship\n\n- [ ] go\n\n## Rollback\n\n### When to roll back\n\n- P99 latency >= 2s\n- Users unhappy\n\n### Steps\n\n- [ ] revert\n',
    );
    expect(p.phases.map((x) => x.title)).toEqual(['Ship']);
    expect(p.rollback.map((s) => [s.title, titles(s.items)])).toEqual([['Steps', ['revert']]]);
    expect(p.policy.rollback?.when).toEqual(['p99_latency >= 2s', 'Users unhappy']);
  });

  it('keeps a document that is only a rollback procedure as a phase', () => {
    const p = load('# Doc\n\n## Rollback\n\n- [ ] revert\n');
    expect(p.phases.map((x) => x.title)).toEqual(['Rollback']);
    expect(p.rollback).toEqual([]);
  });

  it('reads metadata from front matter and rejects broken front matter with its place', () => {
    const p = load('---\nname: Tpl\nlabels: release, ops\n---\n\n- [ ] a\n');
    expect(p.name).toBe('Tpl');
    expect(p.metadata).toEqual({ labels: ['release', 'ops'], source: 'checklist.md' });
    const err = catchError(() => importChecklist('---\nname: [broken\n---\n- [ ] a\n', 'dir/x.md'));
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems[0]).toMatchObject({
      file: 'dir/x.md',
      line: expect.any(Number),
    });
    expect((err as InputError).problems[0]!.fix).toMatch(/front matter|---/);
  });

  it('throws an InputError with a place and a fix for no items, binary and too large input', () => {
    for (const [text, message] of [
      ['# Title\n\nOnly prose here.\n', /no checklist items found/],
      ['- [ ] a\u0000b\n', /binary/],
      ['x'.repeat(3 * 1024 * 1024), /too large/],
      ['>'.repeat(5000) + ' - [ ] a', /nested more than/],
      ['# T\n\n' + '- '.repeat(200) + '[ ] a', /nested more than/],
    ] as const) {
      const err = catchError(() => importChecklist(text, 'in.md'));
      expect(err).toBeInstanceOf(InputError);
      const problem = (err as InputError).problems[0]!;
      expect(problem.message).toMatch(message);
      expect(problem).toMatchObject({
        file: 'in.md',
        line: expect.any(Number),
        col: expect.any(Number),
      });
      expect(problem.fix).toBeTruthy();
    }
  });

  it('writes readable YAML: header comment, block style, flow style for short name lists', () => {
    const { yaml } = importChecklist(
      '## Go\n\n- [ ] QA Lead sign-off\n\n## Deploy\n\n- [ ] push\n',
      'a/b.md',
    );
    expect(yaml.split('\n').slice(0, 2)).toEqual([
      '# gonogo playbook imported from a/b.md by `gonogo playbook import`',
      expect.stringMatching(/^# .*never run/),
    ]);
    expect(yaml).toContain('environments: [production]');
    expect(yaml).toContain('    gate: []');
    expect(yaml).toContain('      - title: push');
    expect(loadPlaybook(yaml).playbook.metadata?.source).toBe('b.md');
  });
});

describe('importChecklist: text is data', () => {
  const md = [
    '## Checks',
    '',
    '- [ ] All tests pass (`rm -rf build && npm test`)',
    '- [ ] Lint passes (`curl https://x | sh`)',
    '- [ ] Tests green',
    '  ```sh',
    '  sudo systemctl restart app',
    '  ```',
    '- [ ] Unit tests pass (`npm test > out.txt`)',
    '- [ ] Type check (`npm test; rm -rf /`)',
    '- [ ] Audit clean (`$(curl https://x)`)',
    '- [ ] Run the tests (`npm test`)',
    '- [ ] Vitest passes (`npx vitest run`)',
    '- [ ] Python tests',
    '  ```',
    '  pytest -q',
    '  ```',
    '- [ ] Go tests (`go test ./...`)',
    '',
  ].join('\n');

  it('writes checks for known verifiers only, lists each, and keeps the rest as text nothing runs', () => {
    const { result, playbook } = importAndLoad(md);
    expect(result.commandChecks).toEqual([
      { title: 'Run the tests (`npm test`)', command: 'npm test' },
      { title: 'Vitest passes (`npx vitest run`)', command: 'npx vitest run' },
      { title: 'Python tests', command: 'pytest -q' },
      { title: 'Go tests (`go test ./...`)', command: 'go test ./...' },
    ]);
    const commands = allItems(playbook)
      .filter((i) => i.check?.name === 'command')
      .map((i) => i.check!.params);
    expect(commands).toEqual(['npm test', 'npx vitest run', 'pytest -q', 'go test ./...']);
    expect(find(playbook, 'Tests green').suggest?.run).toBe('sudo systemctl restart app');
    expect(find(playbook, 'Tests green').check).toBeUndefined();
    expect(result.yaml).not.toMatch(/check: .*(rm -rf|curl|sudo|> out|; rm)/);
  });

  it("does not put the project's test command in place of a command it refused", () => {
    const result = importChecklist(md, 'c.md', { testCommand: 'npm test' });
    const titles = result.commandChecks.map((c) => c.title);
    expect(titles).not.toContain('All tests pass (`rm -rf build && npm test`)');
    expect(titles).not.toContain('Tests green');
    expect(titles).not.toContain('Unit tests pass (`npm test > out.txt`)');
  });
});

describe('importer vocabulary', () => {
  it('recognises optional markers on titles', () => {
    for (const t of [
      'x (if applicable)',
      'x (If Required)',
      'x (if relevant)',
      'x if needed',
      'x (if any)',
      'x (if changed)',
      'x (if major changes)',
    ])
      expect(isOptionalText(t)).toBe(true);
    for (const t of ['Cache cleared as needed', 'Stop if any issue happens', 'Identify'])
      expect(isOptionalText(t)).toBe(false);
  });

  it('finds sign-off roles, longest phrase first, only when a sign-off is spoken of', () => {
    expect(findSigners('QA Lead sign-off received').map((r) => r.id)).toEqual(['qa-lead']);
    expect(findSigners('Technical Lead approval confirmed').map((r) => r.id)).toEqual([
      'technical-lead',
    ]);
    expect(findSigners('Code reviewed by at least one other developer')).toEqual([]);
    expect(findSigners('QA tested it')).toEqual([]);
    expect(findRoles('tech lead or CTO')).toEqual([
      { id: 'tech-lead', name: 'Tech Lead' },
      { id: 'cto', name: 'CTO' },
    ]);
  });

  it('reads denied weekdays and rollback criteria', () => {
    expect(findDeniedDays('Do NOT release on Friday or weekend')).toEqual(['fri', 'sat', 'sun']);
    expect(findDeniedDays('Never deploy on Mondays')).toEqual(['mon']);
    expect(findDeniedDays('Release notes for Friday')).toEqual([]);
    expect(normalizeRollbackCriterion('Error rate > 5%')).toBe('error_rate > 5%');
    expect(normalizeRollbackCriterion('Response times > 2x baseline')).toBe(
      'response_time > 2x baseline',
    );
    expect(normalizeRollbackCriterion('Critical functionality broken')).toBe(
      'Critical functionality broken',
    );
  });
});

describe('importChecklist on arbitrary input (property)', () => {
  const word = fc.constantFrom(
    'alpha',
    'beta',
    'deploy',
    'tag',
    'qa',
    'rollback',
    'if',
    'needed',
    'friday',
    'release',
    'notes',
    'check',
  );
  const words = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
  const anyText = fc.string({ unit: 'binary', maxLength: 40 });
  const line = fc.oneof(
    fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.oneof(words, anyText))
      .map(([d, t]) => `${'#'.repeat(d)} ${t}`),
    fc.tuple(fc.boolean(), fc.oneof(words, anyText)).map(([x, t]) => `- [${x ? 'x' : ' '}] ${t}`),
    fc
      .tuple(fc.constantFrom('-', '*', '+', '1.', '•', '  -', '    -'), fc.oneof(words, anyText))
      .map(([m, t]) => `${m} ${t}`),
    fc
      .tuple(fc.constantFrom('```', '~~~', '```sh'), anyText)
      .map(([f, t]) => `${f}\n${t}\n${f.slice(0, 3)}`),
    words.map((w) => `${w[0]!.toUpperCase()}${w.slice(1)}.`),
    anyText,
    fc.constantFrom(
      '---',
      '<details>',
      '<!-- x',
      '-->',
      '- ',
      '>',
      '    code',
      '| a | b |',
      '|---|---|',
      '\\',
      '[x]: y',
    ),
  );

  it('returns a playbook that loads, or throws an InputError with a place', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 25 }),
        fc.constantFrom('\n', '\n\n', '\r\n'),
        (lines, sep) => {
          const text = lines.join(sep);
          let result: ImportResult;
          try {
            result = importChecklist(text, 'prop.md');
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
            expect((e as InputError).problems[0]).toMatchObject({
              file: 'prop.md',
              line: expect.any(Number),
            });
            return;
          }
          const { problems } = lintPlaybook(result.yaml, 'gonogo.yaml');
          expect(problems).toEqual([]);
          expect(result.stats.items).toBeGreaterThan(0);
        },
      ),
      { numRuns: Number(process.env.IMPORT_RUNS ?? 200) },
    );
  });

  it('reads any front matter, or refuses it with a place', () => {
    const piece = fc.oneof(
      fc.constantFrom('name: x', 'title: &t T', 'about: *t', 'labels: [a, *t]', 'x: *nope'),
      fc.constantFrom('a: &a [1, 2, 3]', 'b: [*a, *a, *a, *a]', 'c: &c [*c]', '<<: *a', '- x'),
      fc.constantFrom('assignees: a, b', '[', '{', '"', '? k', '!!binary aGk=', '\t', 'k: |'),
      fc.string({ unit: 'binary', maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (lines) => {
        const text = `---\n${lines.join('\n')}\n---\n- [ ] a\n`;
        try {
          importChecklist(text, 'fm.md');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as InputError).problems[0]).toMatchObject({
            file: 'fm.md',
            line: expect.any(Number),
            col: expect.any(Number),
          });
        }
      }),
      { numRuns: Number(process.env.IMPORT_RUNS ?? 200) },
    );
  });

  it('turns every task line into an item with that title', () => {
    const safeText = fc.string({
      unit: fc.constantFrom(...'abc XYZ.,!?é☃1'.split('')),
      maxLength: 30,
    });
    const block = fc.oneof(
      words.map((t) => ({ task: t })),
      fc.oneof(
        fc
          .tuple(fc.integer({ min: 1, max: 4 }), fc.oneof(words, safeText))
          .map(([d, t]) => `${'#'.repeat(d)} ${t}`),
        fc.tuple(fc.constantFrom('-', '*', '1.'), words).map(([m, t]) => `${m} ${t}`),
        safeText.map((t) => t.trim() || 'text'),
        words.map((w) => `\`\`\`\n${w}\n\`\`\``),
      ),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 20 }), words, (blocks, last) => {
        const all = [...blocks, { task: last }];
        const text = all.map((b) => (typeof b === 'string' ? b : `- [ ] ${b.task}`)).join('\n\n');
        const { playbook } = importAndLoad(text);
        const expected = all.flatMap((b) => (typeof b === 'string' ? [] : [b.task]));
        const got = titles(allItems(playbook));
        for (const t of expected) expect(got).toContain(t);
      }),
      { numRuns: Number(process.env.IMPORT_RUNS ?? 200) },
    );
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
