import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import type { GonogoError } from './errors.ts';
import { planItemActions } from './item-action-plan.ts';
import type { PlanItemActionsInput } from './item-action-plan.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type { ItemState, ReleaseItem } from './release-model.ts';
import { expandItems } from './release-rules.ts';

const { playbook } = loadPlaybook(`
name: Plan
roles:
  qa-lead: { name: QA Lead, members: [qa@example.com] }
phases:
  - id: pre-release
    sections:
      - title: Code quality
        items:
          - title: Unit tests
            check: { command: "npm test" }
          - title: Code reviewed
          - title: PR comments addressed
          - title: QA sign-off
            sign: qa-lead
      - title: Docs
        items:
          - title: Docs reviewed
            items:
              - title: API docs
              - title: User guide (if applicable)
                optional: true
  - id: deploy
    items:
      - title: Deploy to production
        run: ./deploy.sh
`);
// #1 check, #2 #3 manual, #4 sign | #5 parent, #6 sub, #7 optional sub | #8 run.
const fresh = expandItems(playbook, { releaseId: 'r', now: '2026-05-04T09:00:00.000Z' });
const withStates = (states: Record<number, ItemState>): ReleaseItem[] =>
  fresh.map((i) => (states[i.number] ? { ...i, state: states[i.number]! } : i));

const plan = (input: Partial<PlanItemActionsInput> & { refs: string[] }, items = fresh) =>
  planItemActions(playbook, items, { action: 'done', actor: 'ann@example.com', ...input });
const changed = (p: ReturnType<typeof plan>) => p.changes.map((c) => [c.item.number, c.next]);

function errorOf(fn: () => unknown): GonogoError {
  try {
    fn();
  } catch (e) {
    return e as GonogoError;
  }
  throw new Error('expected a throw');
}

describe('planItemActions: items named one by one', () => {
  it('changes each item once, in the order named', () => {
    const p = plan({ refs: ['3', '2-3', 'pre-release/code-reviewed'] });
    expect(changed(p)).toEqual([
      [3, 'done'],
      [2, 'done'],
    ]);
    expect(p.skipped).toEqual([]);
  });

  it('refuses all when one cannot take the action, listing every problem at once', () => {
    const e = errorOf(() => plan({ refs: ['1-4', '99', 'nope'] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('invalid-input');
    const lines = e.message.split('\n');
    expect(lines[0]).toBe('nothing was marked done: 4 problems');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^no item #99 /),
      expect.stringMatching(/^no item "nope" in this release, nor a section or phase/),
      expect.stringMatching(/^#1 "Unit tests" is a check/),
      expect.stringMatching(/^#4 "QA sign-off" is a sign-off/),
    ]);
    expect(e.hint).toEqual({
      action: 'item.done',
      refs: ['1-4', '99', 'nope'],
      needs: ['skipUnmatched'],
    });
  });

  it('keeps a single problem as it is, with its own code and hint', () => {
    const e = errorOf(() => plan({ refs: ['1', '2'] }));
    expect(e.code).toBe('invalid-transition');
    expect(e.hint).toEqual({ action: 'check.run', refs: ['1'] });
  });

  it('with skipUnmatched, applies what it can and reports the rest with why', () => {
    const p = plan({ refs: ['1-4', '99'], skipUnmatched: true });
    expect(changed(p)).toEqual([
      [2, 'done'],
      [3, 'done'],
    ]);
    expect(p.skipped).toEqual([
      { ref: '99', reason: expect.stringMatching(/^no item #99/), code: 'not-found' },
      {
        ref: '1-4',
        item: 1,
        reason: expect.stringMatching(/is a check/),
        code: 'invalid-transition',
      },
      {
        ref: '1-4',
        item: 4,
        reason: expect.stringMatching(/is a sign-off/),
        code: 'invalid-transition',
      },
    ]);
  });

  it('never skips a malformed or ambiguous ref, a missing reason or a missing role', () => {
    expect(errorOf(() => plan({ refs: ['2', '9-1'], skipUnmatched: true })).message).toMatch(
      /runs backwards/,
    );
    const noNote = errorOf(() => plan({ refs: ['7', '99'], action: 'na', skipUnmatched: true }));
    expect(noNote.message.split('\n')).toEqual([
      'nothing was marked n/a: 2 problems',
      '#7 "User guide (if applicable)": n/a needs a reason',
      expect.stringMatching(/^no item #99/),
    ]);
    expect(noNote.hint).toEqual({ action: 'item.na', refs: ['7', '99'], needs: ['note'] });
    const noRole = errorOf(() =>
      plan({
        refs: ['1', '99'],
        action: 'waive',
        note: 'x',
        actor: 'mallory@example.com',
        skipUnmatched: true,
      }),
    );
    expect(noRole.code).toBe('forbidden');
  });

  it('refuses when nothing is left to change, saying why for each', () => {
    const e = errorOf(() => plan({ refs: ['1', '4'], skipUnmatched: true }));
    expect(e.message.split('\n')).toEqual([
      'nothing to be marked done in 1 4',
      expect.stringMatching(/^#1 .* is a check/),
      expect.stringMatching(/^#4 .* is a sign-off/),
    ]);
  });
});

describe('planItemActions: sections and phases', () => {
  it('ticks the manual items of a section and reports its checks and sign-offs as skipped', () => {
    const p = plan({ refs: ['code-quality'] });
    expect(changed(p)).toEqual([
      [2, 'done'],
      [3, 'done'],
    ]);
    expect(p.skipped.map((s) => [s.item, s.code])).toEqual([
      [1, 'invalid-transition'],
      [4, 'invalid-transition'],
    ]);
  });

  it('leaves run items, failed items and finished ones of a phase as they are', () => {
    const items = withStates({ 2: 'failed', 3: 'done', 6: 'na' });
    const p = plan({ refs: ['pre-release', 'deploy'] }, items);
    expect(changed(p)).toEqual([[7, 'done']]);
    const why = new Map(p.skipped.map((s) => [s.item, s.reason]));
    expect(why.get(2)).toMatch(/#2 "Code reviewed" is failed: a section or phase leaves it so/);
    expect(why.get(3)).toMatch(/is already done/);
    expect(why.get(6)).toMatch(/is n\/a: a section or phase leaves it so/);
    expect(why.get(8)).toMatch(/is a run item: .*name it by number/);
  });

  it('takes an item named one by one as such, even inside a named section', () => {
    const e = errorOf(() => plan({ refs: ['code-quality', '1'] }));
    expect(e.message).toMatch(/is a check/);
  });

  it('waives the failed required items of a section, and marks its optional ones n/a', () => {
    const items = withStates({ 1: 'failed', 2: 'done' });
    const waived = plan(
      { refs: ['code-quality'], action: 'waive', note: 'accepted', actor: 'qa@example.com' },
      items,
    );
    expect(changed(waived)).toEqual([
      [1, 'waived'],
      [3, 'waived'],
      [4, 'waived'],
    ]);
    const na = plan({ refs: ['docs'], action: 'na', note: 'no UI change' });
    expect(changed(na)).toEqual([[7, 'na']]);
  });

  it('refuses a section in which nothing fits the action', () => {
    const items = withStates({ 2: 'done', 3: 'done' });
    const e = errorOf(() => plan({ refs: ['code-quality'] }, items));
    expect(e.message.split('\n')[0]).toBe('nothing to be marked done in code-quality');
  });
});

describe('planItemActions: parents', () => {
  it('ticks the sub-items of a section and leaves their parent to follow them', () => {
    const p = plan({ refs: ['docs'] });
    expect(changed(p)).toEqual([
      [6, 'done'],
      [7, 'done'],
    ]);
    expect(p.skipped).toEqual([]);
    const stuck = plan({ refs: ['docs'] }, withStates({ 7: 'failed' }));
    expect(changed(stuck)).toEqual([[6, 'done']]);
    expect(stuck.skipped.map((s) => [s.item, s.reason])).toEqual([
      [
        5,
        '#5 "Docs reviewed" follows its sub-items, and #7 "User guide (if applicable)" is failed: a section or phase leaves it to them; name it by number to tick it by hand',
      ],
      [7, expect.stringMatching(/is failed/)],
    ]);
    // Named by number, a person ticks it.
    expect(changed(plan({ refs: ['5'] }))).toEqual([[5, 'done']]);
  });

  it('refuses to reset a done parent whose sub-items all stay accepted', () => {
    const items = withStates({ 5: 'done', 6: 'done', 7: 'na' });
    const e = errorOf(() => plan({ refs: ['5'], action: 'reset' }, items));
    expect(e.message).toBe(
      '#5 "Docs reviewed" follows its sub-items, which are all accepted: reset one of them (#6-#7) to reopen it',
    );
    expect(e.hint).toEqual({ action: 'item.reset', refs: ['6', '7'] });
    // Reset with a sub-item, or the whole section, it goes.
    expect(changed(plan({ refs: ['5', '6'], action: 'reset' }, items))).toEqual([
      [5, 'pending'],
      [6, 'pending'],
    ]);
    expect(changed(plan({ refs: ['docs'], action: 'reset' }, items))).toHaveLength(3);
  });
});
