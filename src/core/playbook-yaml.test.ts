import { describe, expect, it } from 'vitest';
import { PlaybookError } from './errors.ts';
import { formatProblem } from './errors.ts';
import { lintPlaybook, loadPlaybook } from './playbook-yaml.ts';
import { walkItems } from './names.ts';

const lint = (yaml: string) => lintPlaybook(yaml, 'g.yaml').problems.map(formatProblem);

describe('loadPlaybook', () => {
  it('compiles ids, kinds, defaults and members', () => {
    const { playbook, hash } = loadPlaybook(`
name: Small
roles:
  qa-lead: QA Lead
  release-manager: { name: Release Manager, members: [ana@example.com] }
phases:
  - title: Pre-release
    items:
      - title: Tests pass
        check: { command: npm test }
      - title: QA sign-off
        sign: qa-lead
      - title: Deploy
        run: ./deploy.sh
      - title: Watch errors
        watch: { for: 15m }
      - title: Notes written
        items:
          - title: Tests pass
`);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(playbook.roles).toEqual({ 'qa-lead': 'QA Lead', 'release-manager': 'Release Manager' });
    expect(playbook.members).toEqual({ 'release-manager': ['ana@example.com'] });
    expect(playbook.environments).toEqual(['development', 'staging', 'production']);
    const items = [...walkItems(playbook.phases[0]!.sections[0]!.items)];
    expect(items.map((i) => [i.id, i.kind])).toEqual([
      ['tests-pass', 'check'],
      ['qa-sign-off', 'sign'],
      ['deploy', 'run'],
      ['watch-errors', 'watch'],
      ['notes-written', 'manual'],
      ['tests-pass-2', 'manual'],
    ]);
    expect(items[0]!.check).toEqual({ name: 'command', params: 'npm test' });
  });

  it('gives many equal titles distinct ids in order', () => {
    const items = Array.from({ length: 300 }, () => '      - title: Same thing').join('\n');
    const { playbook } = loadPlaybook(`name: x\nphases:\n  - id: p\n    items:\n${items}\n`);
    const ids = playbook.phases[0]!.sections[0]!.items.map((i) => i.id);
    expect(new Set(ids).size).toBe(300);
    expect(ids.slice(0, 3)).toEqual(['same-thing', 'same-thing-2', 'same-thing-3']);
    expect(ids.at(-1)).toBe('same-thing-300');
  });

  it('hashes the content, not the formatting', () => {
    const a = loadPlaybook('name: x\nphases: [{ id: p, items: [{ title: A }] }]\n');
    const b = loadPlaybook(
      '# a comment\nname: x\nphases:\n  - id: p\n    items:\n      - title: A\n',
    );
    const c = loadPlaybook('name: x\nphases: [{ id: p, items: [{ title: B }] }]\n');
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
  });

  it('throws a PlaybookError listing every problem', () => {
    expect(() => loadPlaybook('name: x\nphases: []\n', 'g.yaml')).toThrow(PlaybookError);
  });
});

describe('lintPlaybook', () => {
  it('names the place and suggests the key for an unknown key', () => {
    expect(
      lint('name: x\nphases:\n  - id: p\n    items:\n      - title: A\n        chek: changelog\n'),
    ).toEqual(['g.yaml:6:9 unknown key "chek" (did you mean "check"?)']);
  });

  it('reports semantic problems all at once, in file order', () => {
    const problems = lint(`name: x
roles:
  qa-lead: QA Lead
types: [minor, major]
phases:
  - id: pre
    items:
      - id: same
        title: A
        sign: qa-led
      - id: same
        title: B
        check: changlog
      - title: C
        when: { type: majr }
  - id: deploy
    gate: [release-manager]
`);
    expect(problems).toEqual([
      'g.yaml:10:15 unknown role "qa-led" (did you mean "qa-lead"?)',
      'g.yaml:11:13 duplicate id "same" (ids must be unique in the playbook; rename one of them)',
      'g.yaml:13:16 unknown check "changlog" (did you mean "changelog"?)',
      'g.yaml:15:23 unknown release type "majr" (did you mean "major"?)',
      'g.yaml:17:12 unknown role "release-manager" (declare it under roles:, e.g. roles: { release-manager: "Release Manager" })',
    ]);
  });

  it('checks the roles the policy lets override the window or force a deployment', () => {
    const problems = lint(`name: x
roles:
  release-manager: Release Manager
policy:
  window:
    timezone: UTC
    deny: [sat]
    override: [release-manger]
  force: [release-manager, cto]
phases:
  - id: go
    gate: [release-manager]
`);
    expect(problems).toEqual([
      'g.yaml:8:16 unknown role "release-manger" (did you mean "release-manager"?)',
      'g.yaml:9:28 unknown role "cto" (declare it under roles:, e.g. roles: { cto: "Cto" })',
    ]);
    expect(
      loadPlaybook(
        'name: x\nroles: { rm: RM }\npolicy: { window: { override: [rm] }, force: [rm] }\nphases: [{ id: go, gate: [rm] }]\n',
      ).playbook.policy,
    ).toEqual({ window: { timezone: 'UTC', override: ['rm'] }, force: ['rm'] });
  });

  it("validates a check's parameters and suggests the one meant", () => {
    expect(
      lint(
        'name: x\nphases:\n  - id: p\n    items:\n      - title: A\n        check: { coverage: { minimum: 80 } }\n',
      ),
    ).toEqual([
      'g.yaml:6:30 unknown parameter "minimum" of check "coverage" (did you mean "min"? its parameters: min, file, format, metric)',
    ]);
    const shell = lint(
      'name: x\nphases:\n  - id: p\n    items:\n      - title: A\n        check: { command: "npm test | tee log" }\n',
    );
    expect(shell[0]).toMatch(/g\.yaml:6:27 check "command": run: .* needs a shell/);
  });

  it('checks the window policy: time zone, hour ranges, freezes', () => {
    const problems = lint(`name: x
policy:
  window:
    timezone: Mars/Olympus
    deny: [fri, caturday]
    deny_hours: ['25:00-08:00']
    freezes: [{ from: 2026-12-20, to: 2026-12-01, reason: Holidays }]
phases: [{ id: p, items: [{ title: A }] }]
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /^g\.yaml:5:17 policy\.window\.deny\.1: Invalid option: expected one of "mon"/,
      ),
      expect.stringMatching(
        /^g\.yaml:6:18 policy\.window\.deny_hours\.0: must be a range of hours/,
      ),
    ]);
    // Once the shape is right, the meaning is checked: the zone exists, freezes run forwards.
    expect(
      lint(`name: x
policy:
  window:
    timezone: Mars/Olympus
    freezes: [{ from: 2026-12-20, to: 2026-12-01, reason: Holidays }]
phases: [{ id: p, items: [{ title: A }] }]
`),
    ).toEqual([
      'g.yaml:4:15 unknown time zone "Mars/Olympus" (use an IANA name such as "Europe/Berlin" or "UTC")',
      'g.yaml:5:39 freeze ends (2026-12-01) before it starts (2026-12-20) (swap from and to)',
    ]);
  });

  it('reports YAML syntax errors with their place', () => {
    const [problem] = lint('name: x\nphases:\n  - id: p\n    items: [\n');
    expect(problem).toMatch(/^g\.yaml:\d+:\d+ .*\(fix the YAML syntax\)$/);
  });

  it('refuses binary and oversized text', () => {
    expect(lint('name: x\u0000')[0]).toMatch(/^g\.yaml:1:8 file is binary/);
    expect(lint(`name: ${'x'.repeat(3 * 1024 * 1024)}`)[0]).toMatch(/^g\.yaml file is too large/);
  });
});
