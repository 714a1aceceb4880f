/**
 * What the importer does with the text that is not a plain item, and how it reports it: notes,
 * metrics, release types with their steps, conditions (`when:`), due points, deployments,
 * roles without members and blanks. Small made-up checklists in several layouts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { walkItems } from './playbook.ts';
import type { Playbook, PlaybookItem } from './playbook.ts';
import { lintPlaybook } from './playbook-yaml.ts';
import { importChecklist } from './playbook-import.ts';
import type { ImportResult } from './playbook-import.ts';
import { describeReport } from './playbook-import-summary.ts';

function load(md: string): { result: ImportResult; playbook: Playbook } {
  const result = importChecklist(md, 'checklist.md');
  const { problems, loaded } = lintPlaybook(result.yaml, 'gonogo.yaml');
  expect(problems).toEqual([]);
  return { result, playbook: loaded!.playbook };
}

const items = (p: Playbook): PlaybookItem[] =>
  p.phases.flatMap((ph) => ph.sections).flatMap((s) => [...walkItems(s.items)]);
const item = (p: Playbook, title: string) => {
  const found = items(p).find((i) => i.title === title);
  if (!found)
    throw new Error(
      `no item "${title}" in ${items(p)
        .map((i) => i.title)
        .join(' | ')}`,
    );
  return found;
};
const fates = (r: ImportResult) => r.report.headings.map((h) => [h.line, h.heading, h.became]);
const fate = (r: ImportResult, heading: string) => {
  const f = r.report.headings.find((h) => h.heading === heading);
  if (!f) throw new Error(`no heading "${heading}" in the report`);
  return f;
};

describe('the import report names every heading with what became of it', () => {
  const md = [
    'Ops Release', // 1
    '===========', // 2
    '', // 3
    'Contents', // 4
    '--------', // 5
    '', // 6
    '- Build', // 7
    '- Ship', // 8
    '', // 9
    'Build', // 10
    '-----', // 11
    '', // 12
    '### Checks', // 13
    '', // 14
    '- [ ] Tests pass (`npm test`)', // 15
    '', // 16
    '### Notes to self', // 17
    '', // 18
    'Keep the build folder.', // 19
    '', // 20
    'Ship', // 21
    '----', // 22
    '', // 23
    '#### Open items', // 24
    '', // 25
    '- ', // 26
    '', // 27
    '#### Deploy', // 28
    '', // 29
    '- [ ] Deploy to production', // 30
  ].join('\n');

  it('in document order, setext and ATX headings at any level', () => {
    const { result } = load(md);
    expect(fates(result)).toEqual([
      [1, 'Ops Release', 'title'],
      [4, 'Contents', 'dropped'],
      [10, 'Build', 'phase'],
      [13, 'Checks', 'section'],
      [17, 'Notes to self', 'note'],
      [21, 'Ship', 'phase'],
      [24, 'Open items', 'dropped'],
      [28, 'Deploy', 'section'],
    ]);
    expect(fate(result, 'Contents').reason).toMatch(/table of contents/);
    expect(fate(result, 'Open items').reason).toMatch(/nothing/);
    expect(fate(result, 'Checks')).toMatchObject({ items: 1, checks: 1 });
    expect(fate(result, 'Build').summary).toBe('phase (1 item, 1 check in 1 section)');
    expect(fate(result, 'Deploy').gate).toEqual(['release-manager']);
  });

  it('as lines for people, with the blanks and the roles', () => {
    const { result } = load(`${md}\n- [ ] Sign-off by [Name]\n`);
    const lines = describeReport(result.report);
    expect(lines[0]).toMatch(/what became of each heading/);
    expect(lines).toContain('  17: ### Notes to self → note "Build / Notes to self"');
    expect(lines).toContain('  31:19: [Name] in "- [ ] Sign-off by [Name]"');
    expect(lines).toContain(
      '  anyone may act as release-manager (gate) until members are named: roles.release-manager.members',
    );
  });
});

describe('notes', () => {
  it('keeps a phase without items as one note of its Markdown, code and sub-headings included', () => {
    const { result, playbook } = load(
      [
        '# R',
        '## Ship',
        '- [ ] Tag',
        '## Emergency runbook',
        'If the site is down:',
        '```sh\naws rds reboot-db-instance\n```',
        '### Database',
        '1. Fail over with `failover.sh`',
        '### Outage',
        '- Page the on-call',
        '<!-- internal -->',
        '---',
      ].join('\n\n'),
    );
    expect(playbook.notes).toEqual([
      {
        title: 'Emergency runbook',
        text: [
          'If the site is down:',
          '',
          '```sh',
          'aws rds reboot-db-instance',
          '```',
          '',
          '### Database',
          '',
          '1. Fail over with `failover.sh`',
          '',
          '### Outage',
          '',
          '- Page the on-call',
        ].join('\n'),
      },
    ]);
    for (const h of ['Emergency runbook', 'Database', 'Outage'])
      expect(fate(result, h)).toMatchObject({ became: 'note', note: 'Emergency runbook' });
    expect(items(playbook).map((i) => i.title)).toEqual(['Tag']);
  });

  it('keeps prose and tables of a section beside items as notes, in document order', () => {
    const { playbook } = load(
      '## A\n\n| env | url |\n|---|---|\n| prod | x |\n\n## B\n\n- [ ] b\n\n### About B\n\nWords.\n',
    );
    expect(playbook.notes?.map((n) => n.title)).toEqual(['A', 'B / About B']);
    expect(playbook.notes?.[0]!.text).toContain('| prod | x |');
  });
});

describe('metrics', () => {
  it('turns definitions under a metrics heading into metrics, in task and plain documents', () => {
    const withTasks = load(
      '# R\n\n## Ship\n\n- [ ] Tag\n\n## Key metrics\n\n- **Uptime:** 99.9%\n- Lead time\n',
    );
    expect(withTasks.playbook.metrics).toEqual({
      uptime: { title: 'Uptime: 99.9%' },
      'lead-time': { title: 'Lead time' },
    });
    expect(fate(withTasks.result, 'Key metrics')).toMatchObject({ became: 'metrics', count: 2 });
    // Without tasks every bullet is an item, except the metric definitions.
    const plain = load('## Steps\n\n- tag\n- ship\n\n## KPIs\n\n- Error rate: < 1%\n');
    expect(items(plain.playbook).map((i) => i.title)).toEqual(['tag', 'ship']);
    expect(Object.keys(plain.playbook.metrics!)).toEqual(['error-rate']);
  });

  it('leaves tasks about metrics as items', () => {
    const { playbook } = load('## Metrics\n\n- [ ] Dashboard shows the error rate\n');
    expect(playbook.metrics).toBeUndefined();
    expect(items(playbook).map((i) => i.title)).toEqual(['Dashboard shows the error rate']);
  });
});

describe('release types', () => {
  const md = [
    '# R',
    '## Steps',
    '- [ ] Tag',
    '- [ ] Deploy to production',
    '## Process',
    '### Types of releases',
    '#### Emergency release',
    'When production is down.',
    '1. Page the on-call',
    '2. Deploy the fix',
    '#### Hotfix release',
    '- [ ] Cherry-pick',
    '**Timeline:** same day',
  ].join('\n\n');

  it('makes each type with steps a section limited to it, and its words a note', () => {
    const { result, playbook } = load(md);
    expect(playbook.types).toEqual(['emergency', 'hotfix']);
    const sections = playbook.phases.flatMap((p) => p.sections).filter((s) => s.when);
    expect(sections.map((s) => [s.title, s.when, s.items.map((i) => i.title)])).toEqual([
      ['Emergency release', { type: ['emergency'] }, ['Page the on-call', 'Deploy the fix']],
      ['Hotfix release', { type: ['hotfix'] }, ['Cherry-pick']],
    ]);
    expect(playbook.notes).toEqual([
      {
        title: 'Types of releases',
        text: '#### Emergency release\n\nWhen production is down.\n\n#### Hotfix release\n\n**Timeline:** same day',
      },
    ]);
    expect(fate(result, 'Emergency release')).toMatchObject({
      became: 'release-type',
      type: 'emergency',
      count: 2,
    });
    expect(fate(result, 'Types of releases')).toMatchObject({
      became: 'release-types',
      types: ['emergency', 'hotfix'],
      note: 'Types of releases',
    });
    // The gate stays where every release deploys, not in a type's steps.
    expect(playbook.phases[0]!.gate).toEqual(['release-manager']);
  });
});

describe('conditions become when:', () => {
  it('from item words, headings and lead-ins; "if applicable" stays optional', () => {
    const { result, playbook } = load(
      [
        '# R',
        '## Prep',
        '- [ ] Email users (if major changes)',
        '- [ ] Flags set (if applicable)',
        '- [ ] Load test (major releases only, if applicable)',
        '- [ ] Smoke tests (staging only)',
        '- [ ] Always',
        'For hotfixes:',
        '- [ ] Page on-call',
        '- [ ] Skip beta',
        '### Schema (major releases only)',
        '- [ ] Migrate',
        '## Release types',
        '### Minor release',
        '- [ ] Bump minor',
      ].join('\n\n'),
    );
    expect(item(playbook, 'Email users (if major changes)')).toMatchObject({
      when: { type: ['major'] },
      optional: false,
    });
    expect(item(playbook, 'Flags set (if applicable)')).toMatchObject({ optional: true });
    expect(item(playbook, 'Flags set (if applicable)').when).toBeUndefined();
    expect(item(playbook, 'Load test (major releases only, if applicable)')).toMatchObject({
      when: { type: ['major'] },
      optional: true,
    });
    expect(item(playbook, 'Smoke tests (staging only)').when).toEqual({
      environment: ['staging'],
    });
    expect(item(playbook, 'Page on-call').when).toEqual({ type: ['hotfix'] });
    expect(item(playbook, 'Skip beta').when).toEqual({ type: ['hotfix'] });
    expect(item(playbook, 'Always').when).toBeUndefined();
    const schema = playbook.phases[0]!.sections.find((s) => s.title?.startsWith('Schema'))!;
    expect(schema.when).toEqual({ type: ['major'] });
    expect(fate(result, 'Schema (major releases only)').summary).toMatch(/major releases only/);
    // The checklist names its types; the ones its conditions use join them.
    expect(playbook.types).toEqual(['minor', 'major', 'hotfix']);
  });
});

describe('due points after the production deployment', () => {
  it('from headings after the deployment, lead-ins, and words that say "after deploy"', () => {
    const { result, playbook } = load(
      [
        '# R',
        '## Prepare',
        '### First hour of the freeze (1 hour before)',
        '- [ ] Freeze merges',
        '- [ ] Confirm rollback works within 24 hours after deploy',
        '## Deploy',
        '- [ ] Deploy to production',
        '**Monitor for 15 minutes:**',
        '- [ ] No error spike',
        '## Aftercare',
        '### First Hour',
        '- [ ] Watch logs',
        '- [ ] Review metrics 1 week after the release',
        '### Day 2',
        '- [ ] Check costs',
        '## Rollback',
        '- [ ] Monitoring for 30 minutes',
      ].join('\n\n'),
    );
    const due = (t: string) => item(playbook, t).due;
    expect(due('Freeze merges')).toBeUndefined();
    expect(due('Confirm rollback works within 24 hours after deploy')).toBe('+24h');
    // A watch now ("Monitor for 15 minutes:" says what and how long): its window starts at the
    // deployment, so its own due point says +0m over the lead's +15m.
    expect(due('No error spike')).toBe('+0m');
    expect(item(playbook, 'No error spike').watch).toMatchObject({
      metric: 'error_rate',
      for: '15m',
    });
    expect(due('Deploy to production')).toBeUndefined();
    expect(due('Watch logs')).toBe('+1h');
    expect(due('Review metrics 1 week after the release')).toBe('+1w');
    expect(due('Check costs')).toBe('+2d');
    expect(playbook.rollback.flatMap((s) => s.items).map((i) => i.due)).toEqual([undefined]);
    expect(fate(result, 'First Hour').due).toBe('+1h');
    expect(fate(result, 'First Hour').summary).toBe(
      'section (2 items), due +1h, follow-ups due +1w',
    );
  });

  it('takes a bare duration only after the deployment', () => {
    const { playbook } = load('## Prep\n\n### First week\n\n- [ ] a\n\n## Ship\n\n- [ ] Ship it\n');
    expect(item(playbook, 'a').due).toBeUndefined();
    const after = load(
      '## Prep\n\n- [ ] a\n\n## Ship\n\n- [ ] Deploy to production\n\n### First week\n\n- [ ] b\n',
    );
    expect(item(after.playbook, 'b').due).toBe('+1w');
  });
});

describe('deployments', () => {
  it('marks the items that deploy, with the environment they name', () => {
    const { playbook } = load(
      [
        '## Staging',
        '- [ ] Deploy to staging',
        '- [ ] Verify deployment on staging',
        '## Go live',
        '- [ ] Run the pipeline',
        '- [ ] Code deployed to production',
        '- [ ] Deployment completed',
      ].join('\n\n'),
    );
    expect(items(playbook).map((i) => [i.title, i.deploys])).toEqual([
      ['Deploy to staging', ['staging']],
      ['Verify deployment on staging', undefined],
      ['Run the pipeline', undefined],
      ['Code deployed to production', ['production']],
      ['Deployment completed', undefined],
    ]);
    // The gate stands in front of production, not of staging.
    expect(playbook.phases.map((p) => p.gate)).toEqual([undefined, ['release-manager']]);
  });

  it('makes a deploy heading whose items only report on it the first item, with its commands', () => {
    const { playbook } = load(
      [
        '# R',
        '## Production deployment',
        '### Step 2: Deploy Application',
        '```sh\n./deploy.sh deploy\n```',
        '- [ ] Build successful',
        '- [ ] Tasks running',
        '### Step 3: Verify',
        '- [ ] Health checks passing',
      ].join('\n\n'),
    );
    const section = playbook.phases[0]!.sections[0]!;
    expect(section.items.map((i) => [i.title, i.deploys, i.suggest?.run])).toEqual([
      ['Deploy Application', ['production'], './deploy.sh deploy'],
      ['Build successful', undefined, undefined],
      ['Tasks running', undefined, undefined],
    ]);
    expect(items(playbook).filter((i) => i.deploys).length).toBe(1);
  });
});

describe('roles', () => {
  it('flags every imported role: anyone may act as it until members are named', () => {
    const { result } = load(
      '## Prep\n\n- [ ] QA Lead sign-off\n\n- [ ] Do NOT release on Friday\n\n## Deploy\n\n- [ ] push\n',
    );
    expect(result.report.roles).toEqual([
      {
        role: 'qa-lead',
        name: 'QA Lead',
        usedBy: ['sign'],
        message: 'anyone may act as qa-lead (sign) until members are named: roles.qa-lead.members',
      },
      {
        role: 'release-manager',
        name: 'Release Manager',
        usedBy: ['window override'],
        message:
          'anyone may act as release-manager (window override) until members are named: roles.release-manager.members',
      },
    ]);
    expect(result.yaml).toMatch(/^# roles: anyone may act as a role until its members are named/m);
  });
});

describe('the rollback procedure', () => {
  it('keeps its conditions as optional steps: it runs whatever the release type', () => {
    const { playbook } = load(
      '## Ship\n\n- [ ] Deploy to production\n\n## Rollback\n\n### Database (major releases only)\n\n- [ ] Restore the snapshot\n- [ ] Tell users (if major changes)\n',
    );
    const steps = playbook.rollback.flatMap((s) => s.items);
    expect(steps.map((i) => [i.title, i.optional, i.when])).toEqual([
      ['Restore the snapshot', true, undefined],
      ['Tell users (if major changes)', true, undefined],
    ]);
    expect(playbook.rollback.every((s) => s.when === undefined)).toBe(true);
  });
});

describe('the report on arbitrary checklists (property)', () => {
  const word = fc.constantFrom(
    'deploy',
    'to',
    'production',
    'staging',
    'first',
    'hour',
    '24',
    'hours',
    'release',
    'types',
    'hotfix',
    'major',
    'metrics',
    'rollback',
    'when',
    'if',
    'only',
    'notes',
    '[Name]',
    '`code`',
    'monitor',
    'for',
  );
  const words = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '));
  const block = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 6 }), words).map(([d, t]) => `${'#'.repeat(d)} ${t}`),
    words.map((t) => `- [ ] ${t}`),
    words.map((t) => `- ${t}`),
    words.map((t) => `1. ${t}`),
    words.map((t) => `${t}:`),
    words.map((t) => `\`\`\`\n${t}\n\`\`\``),
    fc.constant('---'),
  );

  it('names every ATX heading once, in order, with a fate in words', () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 30 }), (blocks) => {
        const text = [...blocks, '- [ ] end'].join('\n\n');
        let result: ImportResult;
        try {
          result = importChecklist(text, 'p.md');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return;
        }
        expect(lintPlaybook(result.yaml, 'g.yaml').problems).toEqual([]);
        let line = 1;
        const headingLines: number[] = [];
        for (const b of blocks) {
          if (/^#{1,6} /.test(b)) headingLines.push(line);
          line += b.split('\n').length + 1;
        }
        const named = result.report.headings.filter((h) => h.depth > 0);
        expect(named.map((h) => h.line)).toEqual(headingLines);
        for (const h of result.report.headings) {
          expect(h.summary.length).toBeGreaterThan(0);
          if (h.became === 'dropped') expect(h.reason).toBeTruthy();
        }
      }),
      { numRuns: Number(process.env.IMPORT_RUNS ?? 200) },
    );
  });
});
