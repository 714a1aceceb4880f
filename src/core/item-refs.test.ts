import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from './errors.ts';
import type { GonogoError } from './errors.ts';
import {
  formatNumbers,
  matchItemRef,
  matchItemRefs,
  maxRangeSpan,
  resolveItemRef,
} from './item-refs.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type { ReleaseItem } from './release-model.ts';
import { expandItems, expandRollbackItems } from './release-rules.ts';

const now = '2026-05-04T09:00:00.000Z';

const { playbook } = loadPlaybook(`
name: Web app release
roles:
  security: Security
  qa-lead: QA Lead
types: [minor, major]
phases:
  - id: pre-release
    sections:
      - title: Code quality
        items:
          - title: All unit tests passing
            check: { command: "npm test" }
          - id: changelog
            title: CHANGELOG.md updated
          - title: Docs reviewed
            items:
              - title: API docs
              - title: Migration guide
      - title: Database
        items:
          - title: Migration tested (if applicable)
            optional: true
          - title: QA sign-off
            sign: qa-lead
  - id: go-no-go
    gate: [qa-lead]
  - id: deploy
    items:
      - title: Deploy to production
      - title: Smoke test
rollback:
  - title: Previous version deployed
  - title: Tell the team
`);
// #1 tests, #2 changelog, #3 docs (#4, #5 its sub-items), #6 migration, #7 QA, #8 deploy, #9 smoke.
const items = expandItems(playbook, { releaseId: 'r1', now });
const numbers = (ref: string, list: readonly ReleaseItem[] = items) =>
  matchItemRef(list, ref).items.map((i) => i.number);

/** The error `fn` throws. */
function errorOf(fn: () => unknown): GonogoError {
  try {
    fn();
  } catch (e) {
    return e as GonogoError;
  }
  throw new Error('expected a throw');
}

describe('matchItemRef: numbers and ranges', () => {
  it('finds an item by number or #number', () => {
    expect(matchItemRef(items, '2')).toMatchObject({
      kind: 'number',
      label: '#2 "CHANGELOG.md updated"',
    });
    expect(numbers('#2')).toEqual([2]);
    expect(numbers(' 7 ')).toEqual([7]);
  });

  it('reads a range with both ends included, in any of its spellings', () => {
    for (const ref of ['3-5', '#3-#5', '#3-5', '3..5', '3\u20135', '3 - 5'])
      expect(numbers(ref), ref).toEqual([3, 4, 5]);
    expect(matchItemRef(items, '3-5')).toMatchObject({ kind: 'range', label: '#3-#5' });
    expect(numbers('4-4')).toEqual([4]);
  });

  it('keeps a range to the numbers that exist, and refuses one that names none', () => {
    expect(numbers('8-20')).toEqual([8, 9]);
    const e = errorOf(() => matchItemRef(items, '50-60'));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toMatch(/no items #50 to #60 in this release \(it has #1 to #9\)/);
    expect(e.hint).toEqual({ action: 'status' });
  });

  it('refuses a range that runs backwards, saying how to write it', () => {
    const e = errorOf(() => matchItemRef(items, '14-9'));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('the range "14-9" runs backwards (write 9-14)');
    expect(e.field).toBe('refs');
  });

  it('refuses a range too wide to be meant, however large its numbers', () => {
    for (const ref of ['1-999999999', '1-99999999999999999999999999', `1-${maxRangeSpan + 1}`]) {
      const e = errorOf(() => matchItemRef(items, ref));
      expect(e, ref).toBeInstanceOf(InputError);
      expect(e.message).toMatch(
        new RegExp(`spans more than ${maxRangeSpan} numbers \\(this release has #1 to #9`),
      );
    }
    expect(numbers(`1-${maxRangeSpan}`)).toHaveLength(items.length);
    // A release longer than the limit may still be named from end to end.
    const long = Array.from({ length: maxRangeSpan + 5 }, (_, i) => ({
      ...items[0]!,
      number: i + 1,
    }));
    expect(numbers(`1-${maxRangeSpan + 5}`, long)).toHaveLength(maxRangeSpan + 5);
  });

  it('says which numbers exist for an unknown number', () => {
    const e = errorOf(() => matchItemRef(items, '99'));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toMatch(/no item #99 .*#1 to #9/);
    expect(e.hint).toEqual({ action: 'status' });
  });

  it('resolves a range to exactly the numbers in it that exist (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 320 }),
        fc.integer({ min: 0, max: 320 }),
        (present, x, y) => {
          const list = present.map((n) => ({ ...items[0]!, number: n }));
          const [from, to] = [Math.min(x, y), Math.max(x, y)];
          const want = present.filter((n) => n >= from && n <= to).sort((a, b) => a - b);
          let got: number[] | undefined;
          try {
            got = numbers(`${from}-${to}`, list);
          } catch (e) {
            expect(e).toBeInstanceOf(NotFoundError);
          }
          expect(got ?? []).toEqual(want);
          if (from < to) expect(() => matchItemRef(list, `${to}-${from}`)).toThrow(/backwards/);
        },
      ),
    );
  });
});

describe('matchItemRef: ids, paths, sections and phases', () => {
  it('finds an item by id and by phase-, section- or fully qualified id, in any case', () => {
    for (const ref of [
      'changelog',
      'Pre-Release/changelog',
      'code-quality/changelog',
      'pre-release/code-quality/CHANGELOG',
    ])
      expect(matchItemRef(items, ref), ref).toMatchObject({ kind: 'item', items: [{ number: 2 }] });
  });

  it('names every item of a section or phase, sub-items included', () => {
    expect(numbers('code-quality')).toEqual([1, 2, 3, 4, 5]);
    expect(numbers('pre-release/code-quality')).toEqual([1, 2, 3, 4, 5]);
    expect(numbers('pre-release/database/')).toEqual([6, 7]);
    expect(matchItemRef(items, 'database')).toMatchObject({
      kind: 'section',
      label: 'section database (#6-#7)',
    });
    expect(matchItemRef(items, 'pre-release')).toMatchObject({
      kind: 'phase',
      label: 'phase pre-release (#1-#7)',
    });
    expect(numbers('Deploy/')).toEqual([8, 9]);
  });

  it('takes a phase with its own items as the phase, not also its unnamed section', () => {
    const section = items.find((i) => i.number === 8)!.section;
    expect(matchItemRef(items, 'deploy').kind).toBe('phase');
    expect(numbers(`deploy/${section}`)).toEqual([8, 9]);
  });

  it('suggests the closest name for a typo, of an item, section or phase', () => {
    const typo = (ref: string) => errorOf(() => matchItemRef(items, ref));
    expect(typo('chnagelog')).toBeInstanceOf(NotFoundError);
    expect(typo('chnagelog').message).toMatch(/did you mean "changelog"\?/);
    expect(typo('chnagelog').hint).toEqual({ action: 'status' });
    expect(typo('code-qualty').message).toMatch(/did you mean "code-quality"\?/);
    expect(typo('pre-relase').message).toMatch(/did you mean "pre-release"\?/);
    expect(typo('pre-release/chnagelog').message).toMatch(/did you mean "pre-release\/changelog"/);
    expect(typo('pre-release/databse').message).toMatch(/did you mean "pre-release\/database"/);
    expect(typo('databse/').message).toMatch(/no phase or section .*did you mean "database\/"/);
    expect(typo('deploy/changelog')).toBeInstanceOf(NotFoundError);
  });

  it('refuses what is not a ref at all, saying what is', () => {
    for (const ref of ['', '/', 'a//b', 'a/b/c/d', 'a/b/c/']) {
      const e = errorOf(() => matchItemRef(items, ref));
      expect(e, ref).toBeInstanceOf(InputError);
      expect(e.message).toMatch(/is not an item ref .*number \(12\), range \(9-14\)/);
    }
  });

  it('refuses an id that names two items and asks for the number', () => {
    const twice = [
      ...items,
      ...expandRollbackItems(playbook, { releaseId: 'r1', now, startNumber: 10 }),
      ...expandRollbackItems(playbook, { releaseId: 'r1', now, startNumber: 12 }),
    ];
    const e = errorOf(() => matchItemRef(twice, 'tell-the-team'));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(
      /names more than one item: #11 .*#13 .*\(use the number, e\.g\. 13\)/,
    );
    expect(numbers('13', twice)).toEqual([13]);
    // The rollback procedure added twice stays one section.
    expect(numbers('rollback', twice)).toEqual([10, 11, 12, 13]);
  });
});

describe('matchItemRef: an id that is an item and a section or phase', () => {
  const { playbook: clash } = loadPlaybook(`
name: Clashing ids
phases:
  - id: checklist
    sections:
      - id: changelog
        items:
          - { id: changelog, title: Changelog written }
          - { title: Version bumped }
      - id: testing
        items:
          - { id: deploy, title: Deploy notes written }
          - { id: solo, title: Only one }
      - id: solo-section
        items:
          - { id: solo-section, title: Alone in its section }
  - id: deploy
    items:
      - { title: Ship it }
`);
  // #1 changelog, #2 version, #3 deploy (item), #4 solo, #5 solo-section, #6 ship it.
  const list = expandItems(clash, { releaseId: 'r2', now });

  it('reports the clash and how to name each one alone', () => {
    const e = errorOf(() => matchItemRef(list, 'changelog'));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(
      '"changelog" names more than one thing: item #1 "Changelog written", section changelog (#1-#2) ' +
        '(write #1 for the item, or checklist/changelog/ for the section)',
    );
    expect(errorOf(() => matchItemRef(list, 'checklist/changelog')).message).toMatch(
      /#1 for the item, or checklist\/changelog\/ for the section/,
    );
    expect(errorOf(() => matchItemRef(list, 'deploy')).message).toMatch(
      /item #3 "Deploy notes written", phase deploy \(#6\) \(write #3 for the item, or deploy\/ for the phase\)/,
    );
  });

  it('names each one alone the way the message says', () => {
    expect(numbers('#1', list)).toEqual([1]);
    expect(numbers('checklist/changelog/', list)).toEqual([1, 2]);
    expect(numbers('changelog/changelog', list)).toEqual([1]);
    expect(numbers('checklist/changelog/changelog', list)).toEqual([1]);
    expect(numbers('deploy/', list)).toEqual([6]);
    expect(numbers('testing/deploy', list)).toEqual([3]);
  });

  it('sees no clash where both name the same one item', () => {
    expect(matchItemRef(list, 'solo-section')).toMatchObject({
      kind: 'item',
      items: [{ number: 5 }],
    });
  });
});

describe('matchItemRefs', () => {
  it('keeps every match and every problem, in the order given', () => {
    const { matches, problems } = matchItemRefs(items, ['1-2', 'nope', 'database', '9-1', '99']);
    expect(matches.map((m) => m.ref)).toEqual(['1-2', 'database']);
    expect(problems.map((p) => [p.ref, p.error.code])).toEqual([
      ['nope', 'not-found'],
      ['9-1', 'invalid-input'],
      ['99', 'not-found'],
    ]);
  });
});

describe('resolveItemRef', () => {
  it('finds one item by number, id or path', () => {
    expect(resolveItemRef(items, '#2').id).toBe('changelog');
    expect(resolveItemRef(items, 'pre-release/changelog').number).toBe(2);
    expect(resolveItemRef(items, '4-4').number).toBe(4);
  });

  it('refuses a ref that names several items, offering the first', () => {
    const e = errorOf(() => resolveItemRef(items, 'database'));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(
      '"database" names 2 items: section database (#6-#7) (name one of them, e.g. 6)',
    );
  });

  it('takes the item where an id is also a section', () => {
    const { playbook: clash } = loadPlaybook(`
name: Clash
phases:
  - id: checklist
    sections:
      - id: changelog
        items:
          - { id: changelog, title: Changelog written }
          - { title: Version bumped }
`);
    const list = expandItems(clash, { releaseId: 'r3', now });
    expect(resolveItemRef(list, 'changelog').number).toBe(1);
  });
});

describe('formatNumbers', () => {
  it('writes runs of numbers as ranges, in order, each once', () => {
    expect(formatNumbers([3, 1, 2, 8, 10, 11, 12, 2])).toBe('#1-#3, #8, #10-#12');
    expect(formatNumbers([])).toBe('');
  });
});
