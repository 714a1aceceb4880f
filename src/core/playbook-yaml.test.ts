import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, PlaybookError } from './errors.ts';
import { formatProblem } from './errors.ts';
import { lintPlaybook, loadPlaybook } from './playbook-yaml.ts';
import { decodeInputBytes } from './playbook-yaml-input.ts';
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

describe('YAML anchors, aliases and merge keys', () => {
  const items = (n: number, first: string, rest: string) =>
    Array.from(
      { length: n },
      (_, i) => `      - title: Item ${i}\n        sign: ${i === 0 ? first : rest}`,
    ).join('\n');
  const head = 'name: x\nroles: { qa: QA, dev: Dev }\nphases:\n  - id: p\n    items:\n';

  it('resolves an anchored list used the ordinary way, a hundred times and more', () => {
    const { playbook } = loadPlaybook(`${head}${items(150, '&signers [qa, dev]', '*signers')}\n`);
    const all = playbook.phases[0]!.sections[0]!.items;
    expect(all).toHaveLength(150);
    for (const it of all) expect(it.sign).toEqual(['qa', 'dev']);
  });

  it('refuses an alias bomb with the place of the alias that crosses the limit', () => {
    const nine = (x: string) => `[${Array(9).fill(x).join(', ')}]`;
    const bomb = [
      'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      `b: &b ${nine('*a')}`,
      `c: &c ${nine('*b')}`,
      `d: &d ${nine('*c')}`,
      `e: &e ${nine('*d')}`,
      `f: &f ${nine('*e')}`,
      `g: ${nine('*f')}`,
      '',
    ].join('\n');
    const { problems } = lintPlaybook(bomb, 'bomb.yaml');
    expect(problems).toHaveLength(1);
    expect(formatProblem(problems[0]!)).toMatch(
      /^bomb\.yaml:\d+:\d+ aliases expand to more than 100000 values \(.+\)$/,
    );
    expect(() => loadPlaybook(bomb, 'bomb.yaml')).toThrow(PlaybookError);
  });

  it('merges a mapping with <<', () => {
    const { playbook } = loadPlaybook(
      `${head}      - &base { title: Base, optional: true, sign: qa }\n      - <<: *base\n        title: Other\n`,
    );
    const [base, other] = playbook.phases[0]!.sections[0]!.items;
    expect(base).toMatchObject({ title: 'Base', optional: true, sign: ['qa'] });
    expect(other).toMatchObject({ title: 'Other', optional: true, sign: ['qa'] });
  });

  it('places an unknown alias and an alias inside its own anchor', () => {
    expect(lint(`${head}      - title: A\n        sign: *nobody\n`)).toEqual([
      'g.yaml:7:15 alias *nobody names no anchor before it (define &nobody before using *nobody)',
    ]);
    expect(lint('name: &n [x, *n]\nphases: []\n')[0]).toMatch(
      /^g\.yaml:1:14 alias \*n is inside the node it names/,
    );
  });

  it('places nesting too deep to read', () => {
    const deep = `name: x\nphases: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    const [problem] = lint(deep);
    expect(problem).toMatch(/^g\.yaml:\d+:\d+ /);
  });
});

describe('decodeInputBytes', () => {
  const bytes = (...parts: (number[] | string)[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const utf16 = (text: string, be: boolean) => {
    const b = Buffer.from(text, 'utf16le');
    if (be) b.swap16();
    return b;
  };
  const refusal = (b: Uint8Array) => {
    try {
      decodeInputBytes(b, 'in.md');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return formatProblem((e as InputError).problems[0]!);
    }
    throw new Error('expected a refusal');
  };

  it('reads UTF-8 with or without a byte-order mark, and UTF-16 with one', () => {
    expect(decodeInputBytes(bytes('- [ ] café\n'), 'in.md')).toBe('- [ ] café\n');
    expect(decodeInputBytes(bytes([0xef, 0xbb, 0xbf], '- [ ] a'), 'in.md')).toBe('- [ ] a');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), utf16('- [ ] café ☃\n', false)]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16('- [ ] café ☃\n', true)]);
    expect(decodeInputBytes(le, 'in.md')).toBe('- [ ] café ☃\n');
    expect(decodeInputBytes(be, 'in.md')).toBe('- [ ] café ☃\n');
  });

  it('names what is not UTF-8 text instead of calling everything binary', () => {
    expect(refusal(utf16('- [ ] Changelog updated\n', false))).toBe(
      'in.md file is UTF-16LE text without a byte-order mark (save it as UTF-8 text)',
    );
    expect(refusal(utf16('- [ ] Changelog updated\n', true))).toMatch(/is UTF-16BE text/);
    expect(refusal(bytes([0xff, 0xfe, 0, 0], 'x'))).toMatch(/is UTF-32LE text/);
    expect(refusal(bytes([0xff, 0xfe, 0x41]))).toMatch(/is not valid UTF-16LE/);
    const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49]);
    expect(refusal(png)).toBe(
      'in.md:3:1 file is binary (it contains a NUL byte) (give a Markdown, text or YAML file)',
    );
    expect(refusal(bytes('# T\n- [ ] caf', [0xe9], '\n'))).toBe(
      'in.md:2:10 file is not UTF-8 text (byte 0xE9) (save it as UTF-8 text)',
    );
    expect(refusal(bytes('ok ☃ ', [0xed, 0xa0, 0x80]))).toMatch(/^in\.md:1:6 .*0xED/);
  });
});

describe('the YAML loader on arbitrary input (property)', () => {
  const scalar = fc.oneof(
    fc.constantFrom('x', 'qa', 'npm test', '', '~', 'null', 'true', '1', '2026-01-01', '"q"'),
    fc.string({ maxLength: 8 }),
  );
  const key = fc.constantFrom(
    ...['name', 'phases', 'roles', 'items', 'title', 'id', 'sign', 'check', 'run', 'when'],
    ...['policy', 'window', 'rollback', 'gate', 'sections', '<<', '? a', 'x', '"k"'],
  );
  const piece = fc.oneof(
    fc.tuple(key, scalar).map(([k, v]) => `${k}: ${v}`),
    fc.tuple(fc.constantFrom('&a ', '&b ', ''), scalar).map(([a, v]) => `- ${a}${v}`),
    fc.constantFrom('*a', '*b', '*zz', '<<: *a', '- *a', '- <<: *b', '&a', '!!binary aGk='),
    fc.constantFrom('!!set', '!!omap', '!!str', '!custom', '[', ']', '{', '}', ',', '- - -'),
    fc.constantFrom('---', '...', '%YAML 1.2', '# c', '|', '>-', '"', "'", '\t', '\u0000'),
    fc.constantFrom('a: [*a, *a, *a, *a]', 'b: &b [*b]', 'a: &a {x: 1}', '- &a [1, 2]'),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const indent = fc.constantFrom('', '  ', '    ', '      ');

  it('returns a playbook or problems that each have a place, and throws nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(indent, piece), { maxLength: 30 }), (lines) => {
        const text = lines.map(([i, p]) => i + p).join('\n');
        const { problems, loaded } = lintPlaybook(text, 'f.yaml');
        if (loaded) expect(problems).toEqual([]);
        else expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) {
          expect(p).toMatchObject({ file: 'f.yaml', line: expect.any(Number) });
          expect(p.col).toEqual(expect.any(Number));
        }
        try {
          loadPlaybook(text, 'f.yaml');
        } catch (e) {
          expect(e).toBeInstanceOf(PlaybookError);
        }
      }),
      { numRuns: Number(process.env.IMPORT_RUNS ?? 200) },
    );
  });
});

describe('follow-ups, deploy items, notes and metrics', () => {
  it('inherits due points from phase and section, normalised to +D', () => {
    const { playbook } = loadPlaybook(`
name: Follow-ups
phases:
  - title: Monitoring
    due: 1h
    sections:
      - title: First 24 hours
        due: +24h
        items:
          - title: Error rate normal
          - title: Weekly review
            due: 1w
      - title: First hour
        items:
          - title: Logs clean
            items:
              - title: No 5xx
`);
    const [day, hour] = playbook.phases[0]!.sections;
    expect([...walkItems(day!.items)].map((i) => i.due)).toEqual(['+24h', '+1w']);
    expect([...walkItems(hour!.items)].map((i) => i.due)).toEqual(['+1h', '+1h']);
  });

  it('checks the environments an item deploys to, and keeps notes and metrics', () => {
    expect(
      lint(`
name: Deploys
phases:
  - title: Deploy
    items:
      - title: Deploy to production
        deploys: prodution
`),
    ).toEqual([expect.stringContaining('unknown environment "prodution"')]);
    const { playbook } = loadPlaybook(`
name: Notes
notes:
  - { title: Emergency procedures, text: "Call the on-call engineer." }
metrics:
  error_rate: Error rate
  p99_latency: { title: P99 latency, query: "histogram_quantile(0.99, rate(x[5m]))" }
phases:
  - title: Deploy
    items:
      - title: Deploy to production
        deploys: [staging, production]
`);
    expect(playbook.notes).toEqual([
      { title: 'Emergency procedures', text: 'Call the on-call engineer.' },
    ]);
    expect(playbook.metrics).toEqual({
      error_rate: { title: 'Error rate' },
      p99_latency: { title: 'P99 latency', query: 'histogram_quantile(0.99, rate(x[5m]))' },
    });
    expect(playbook.phases[0]!.sections[0]!.items[0]!.deploys).toEqual(['staging', 'production']);
  });

  it('refuses a due point that is not a time after the deployment', () => {
    expect(
      lint(`
name: Bad due
phases:
  - title: Later
    items:
      - title: Review
        due: tomorrow
`),
    ).toEqual([expect.stringContaining('must be a time after the production deployment')]);
  });
});

describe('lint warnings', () => {
  it('warns at the role for each role a gate or sign item asks for that has no members', () => {
    const { problems, warnings, loaded } = lintPlaybook(
      [
        'name: x',
        'roles:',
        '  qa-lead: QA Lead',
        '  release-manager: { name: Release Manager, members: [ana@example.com] }',
        '  cto: CTO',
        '  security: { name: Security, members: [] }',
        'phases:',
        '  - id: pre',
        '    items:',
        '      - { title: QA sign-off, sign: qa-lead }',
        '      - { title: Security review, sign: [security, qa-lead] }',
        '  - id: ship',
        '    gate: [release-manager, qa-lead]',
        '    items: [{ title: Deploy }]',
      ].join('\n'),
      'g.yaml',
    );
    expect(problems).toEqual([]);
    expect(loaded).toBeDefined();
    expect(warnings.map(formatProblem)).toEqual([
      'g.yaml:3:3 role "qa-lead" has no members: anyone may act as it until members are named (asked for by 1 gate and 2 sign items) (name them: roles: { qa-lead: { name: "QA Lead", members: [alice@example.com] } })',
      'g.yaml:6:3 role "security" has no members: anyone may act as it until members are named (asked for by 1 sign item) (name them: roles: { security: { name: "Security", members: [alice@example.com] } })',
    ]);
  });

  it('has no warnings for a playbook with problems, or one without roles', () => {
    expect(lintPlaybook('name: x\nphases: []\n').warnings).toEqual([]);
    expect(lintPlaybook('name: x\nphases: [{ id: p, items: [{ title: A }] }]\n').warnings).toEqual(
      [],
    );
  });
});

describe('four eyes', () => {
  it('marks a gate with four eyes, and refuses four_eyes where no gate names roles', () => {
    const { playbook } = loadPlaybook(`
name: Four eyes
roles: { release-manager: Release Manager }
phases:
  - title: Build
    items: [{ title: Tests pass }]
  - id: go-no-go
    gate: [release-manager]
    four_eyes: true
`);
    expect(playbook.phases[1]).toMatchObject({ gate: ['release-manager'], fourEyes: true });
    expect(
      lint(`
name: No gate
phases:
  - title: Build
    four_eyes: true
    items: [{ title: Tests pass }]
`),
    ).toEqual([expect.stringContaining('four_eyes applies to a gate')]);
  });
});
