import { describe, expect, it } from 'vitest';
import { ForbiddenError, InputError, TransitionError } from './errors.ts';
import type { GonogoError } from './errors.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type {
  ItemAction,
  ItemState,
  ReleaseItem,
  Signoff,
  SignoffTarget,
} from './release-model.ts';
import {
  expandItems,
  expandRollbackItems,
  holdsRole,
  latestSignoff,
  planItemAction,
  rolesOf,
  sameTarget,
  signItemState,
  standingNoGos,
  viewSignoffs,
} from './release-rules.ts';

const yaml = `
name: Web app release
roles:
  qa-lead: { name: QA Lead, members: [ann@example.com, Bob@Example.com] }
  release-manager: { name: Release Manager, members: [rita@example.com] }
  security: Security
types: [hotfix, minor, major]
phases:
  - id: pre-release
    sections:
      - title: Code quality
        items:
          - title: All unit tests passing
            check: { command: "npm test" }
          - id: changelog
            title: CHANGELOG.md updated
            check: changelog
          - title: Security review completed
            sign: security
            when: { type: major }
            optional: true
          - title: Docs reviewed
            items:
              - title: API docs
              - title: Migration guide
                optional: true
                when: { type: [major] }
      - title: Database
        items:
          - title: Migration tested (if applicable)
            optional: true
          - title: QA sign-off
            sign: qa-lead
  - id: major-only
    when: { type: major }
    items:
      - title: Announce breaking changes
  - id: go-no-go
    gate: [release-manager, qa-lead]
  - id: deploy
    items:
      - title: Deploy to production
        run: ./deploy.sh deploy
        when: { environment: production }
      - title: Smoke test
        watch: { for: 15m }
rollback:
  - title: Previous version deployed
    run: ./deploy.sh rollback
  - title: Tell the team
`;

const { playbook } = loadPlaybook(yaml);
const now = '2026-05-04T09:00:00.000Z';

const byTitle = (items: ReleaseItem[], title: string) => {
  const hit = items.find((i) => i.title === title);
  if (!hit) throw new Error(`no item ${title}`);
  return hit;
};

describe('expandItems', () => {
  it('leaves out items limited to release types when the release has no type', () => {
    const titles = expandItems(playbook, { releaseId: 'r1', now }).map((i) => i.title);
    expect(titles).not.toContain('Security review completed');
    expect(titles).not.toContain('Announce breaking changes');
    expect(titles).toContain('All unit tests passing');
  });

  it('keeps every item of its type in document order, sub-items after their parent', () => {
    const items = expandItems(playbook, { releaseId: 'r1', type: 'major', now });
    expect(items.map((i) => [i.number, i.title, i.parent])).toEqual([
      [1, 'All unit tests passing', undefined],
      [2, 'CHANGELOG.md updated', undefined],
      [3, 'Security review completed', undefined],
      [4, 'Docs reviewed', undefined],
      [5, 'API docs', 4],
      [6, 'Migration guide', 4],
      [7, 'Migration tested (if applicable)', undefined],
      [8, 'QA sign-off', undefined],
      [9, 'Announce breaking changes', undefined],
      [10, 'Deploy to production', undefined],
      [11, 'Smoke test', undefined],
    ]);
  });

  it('leaves out items and phases of other release types, and keeps environment items', () => {
    const items = expandItems(playbook, { releaseId: 'r1', type: 'minor', now, startNumber: 5 });
    expect(items.map((i) => i.title)).toEqual([
      'All unit tests passing',
      'CHANGELOG.md updated',
      'Docs reviewed',
      'API docs',
      'Migration tested (if applicable)',
      'QA sign-off',
      'Deploy to production',
      'Smoke test',
    ]);
    expect(items.map((i) => i.number)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(byTitle(items, 'API docs').parent).toBe(7);
  });

  it('builds fresh pending items with their phase, section, kind and a spec without sub-items', () => {
    const items = expandItems(playbook, { releaseId: 'r9', type: 'major', now });
    const docs = byTitle(items, 'Docs reviewed');
    expect(docs).toMatchObject({
      releaseId: 'r9',
      phase: 'pre-release',
      section: 'code-quality',
      kind: 'manual',
      optional: false,
      rollback: false,
      state: 'pending',
      rowVersion: 0,
      updatedAt: now,
    });
    expect(docs.spec).not.toHaveProperty('items');
    expect(byTitle(items, 'QA sign-off')).toMatchObject({ kind: 'sign', section: 'database' });
    expect(byTitle(items, 'Security review completed').spec.sign).toEqual(['security']);
    expect(byTitle(items, 'Deploy to production').spec.run).toBe('./deploy.sh deploy');
  });
});

describe('expandRollbackItems', () => {
  it('numbers the rollback procedure after the release items', () => {
    const items = expandRollbackItems(playbook, { releaseId: 'r1', now, startNumber: 12 });
    expect(items.map((i) => [i.number, i.title, i.phase, i.rollback, i.kind])).toEqual([
      [12, 'Previous version deployed', 'rollback', true, 'run'],
      [13, 'Tell the team', 'rollback', true, 'manual'],
    ]);
  });
});

describe('holdsRole and rolesOf', () => {
  it('limits a role with members to them, case-insensitively, and opens one without members', () => {
    expect(holdsRole(playbook, 'ANN@example.com', 'qa-lead')).toBe(true);
    expect(holdsRole(playbook, 'bob@example.com', 'qa-lead')).toBe(true);
    expect(holdsRole(playbook, 'eve@example.com', 'qa-lead')).toBe(false);
    expect(holdsRole(playbook, 'eve@example.com', 'security')).toBe(true);
    expect(holdsRole(playbook, 'ann@example.com', 'no-such-role')).toBe(false);
  });

  it('lists the roles an actor holds', () => {
    expect(rolesOf(playbook, 'ann@example.com')).toEqual(['qa-lead', 'security']);
    expect(rolesOf(playbook, 'rita@example.com')).toEqual(['release-manager', 'security']);
    const open = loadPlaybook(
      'name: x\nroles: { a: A, b: B }\nphases: [{ id: p, items: [{ title: t }] }]\n',
    );
    expect(rolesOf(open.playbook, 'anyone')).toEqual(['a', 'b']);
  });
});

describe('planItemAction', () => {
  const items = expandItems(playbook, { releaseId: 'r1', type: 'major', now });
  const at = (title: string, state: ItemState = 'pending') => ({ ...byTitle(items, title), state });
  const act = (item: ReleaseItem, action: ItemAction, note?: string, actor = 'ann@example.com') =>
    planItemAction(playbook, item, action, { actor, ...(note !== undefined ? { note } : {}) });

  it('ticks manual, run and watch items done', () => {
    expect(act(at('Docs reviewed'), 'done')).toBe('done');
    expect(act(at('Deploy to production', 'failed'), 'done')).toBe('done');
    expect(act(at('Smoke test'), 'done')).toBe('done');
  });

  it('refuses done on a check or a sign item, naming the command to use', () => {
    expect(() => act(at('CHANGELOG.md updated'), 'done')).toThrow(TransitionError);
    expect(() => act(at('CHANGELOG.md updated'), 'done')).toThrow(
      /^#2 "CHANGELOG.md updated" is a check/,
    );
    expect(hintOf(() => act(at('CHANGELOG.md updated'), 'done'))).toEqual({
      action: 'check.run',
      refs: ['2'],
    });
    expect(() => act(at('QA sign-off'), 'done')).toThrow(/#8 "QA sign-off" is a sign-off/);
    expect(hintOf(() => act(at('QA sign-off'), 'done'))).toEqual({
      action: 'sign.go',
      refs: ['qa-lead'],
    });
  });

  it('says "already" when the action would not change the state', () => {
    expect(() => act(at('Docs reviewed', 'done'), 'done')).toThrow(
      /#4 "Docs reviewed" is already done/,
    );
    expect(() => act(at('Docs reviewed', 'failed'), 'fail', 'broken')).toThrow(/already failed/);
    expect(() => act(at('Docs reviewed'), 'reset')).toThrow(/already pending/);
    expect(() => act(at('Migration tested (if applicable)', 'na'), 'na', 'x')).toThrow(
      /already n\/a/,
    );
  });

  it('allows n/a only on optional items, with a reason', () => {
    expect(act(at('Migration tested (if applicable)'), 'na', 'no schema change')).toBe('na');
    expect(act(at('Security review completed'), 'na', 'minor release')).toBe('na');
    expect(() => act(at('Migration tested (if applicable)'), 'na')).toThrow(InputError);
    expect(() => act(at('Migration tested (if applicable)'), 'na', '  ')).toThrow(
      /#7 "Migration tested \(if applicable\)": n\/a needs a reason$/,
    );
    expect(hintOf(() => act(at('Migration tested (if applicable)'), 'na'))).toEqual({
      action: 'item.na',
      refs: ['7'],
      needs: ['note'],
    });
    expect(() => act(at('Docs reviewed'), 'na', 'nope')).toThrow(TransitionError);
    expect(() => act(at('Docs reviewed'), 'na', 'nope')).toThrow(
      /#4 "Docs reviewed" is required.*waive/,
    );
  });

  it('lets a role holder waive a failed, pending or running required item, with a reason', () => {
    for (const state of ['failed', 'pending', 'running'] as const) {
      expect(act(at('All unit tests passing', state), 'waive', 'flaky, tracked in #123')).toBe(
        'waived',
      );
    }
    expect(() => act(at('All unit tests passing', 'failed'), 'waive')).toThrow(
      /#1 "All unit tests passing": a waiver needs a reason$/,
    );
  });

  it('refuses a waiver from someone without a role, naming who may', () => {
    // security has no members, so anyone holds it: use a playbook where every role has members.
    const strict = loadPlaybook(
      yaml.replace('  security: Security\n', '').replace('sign: security', 'sign: qa-lead'),
    );
    const item = {
      ...byTitle(
        expandItems(strict.playbook, { releaseId: 'r', type: 'major', now }),
        'Docs reviewed',
      ),
      state: 'failed' as const,
    };
    const waive = (actor: string) =>
      planItemAction(strict.playbook, item, 'waive', { actor, note: 'ok' });
    expect(() => waive('eve@example.com')).toThrow(ForbiddenError);
    expect(() => waive('eve@example.com')).toThrow(
      /eve@example.com .*cannot waive #4 "Docs reviewed".*qa-lead \(ann@example.com, Bob@Example.com\), release-manager \(rita@example.com\)/,
    );
    expect(waive('RITA@example.com')).toBe('waived');
  });

  it('refuses waivers that are not needed or not the right tool', () => {
    expect(() => act(at('All unit tests passing', 'passed'), 'waive', 'x')).toThrow(
      /already passed, so it needs no waiver/,
    );
    expect(() => act(at('Docs reviewed', 'done'), 'waive', 'x')).toThrow(/already done/);
    expect(() => act(at('All unit tests passing', 'waived'), 'waive', 'x')).toThrow(
      /already waived/,
    );
    expect(() => act(at('Migration tested (if applicable)'), 'waive', 'x')).toThrow(/is optional/);
    expect(hintOf(() => act(at('Migration tested (if applicable)'), 'waive', 'x'))).toEqual({
      action: 'item.na',
      refs: ['7'],
      needs: ['note'],
    });
  });

  it('marks any non-sign item failed with a reason', () => {
    expect(act(at('All unit tests passing', 'passed'), 'fail', 'tests were skipped')).toBe(
      'failed',
    );
    expect(act(at('Docs reviewed', 'done'), 'fail', 'wrong docs')).toBe('failed');
    expect(() => act(at('Docs reviewed'), 'fail')).toThrow(InputError);
    expect(() => act(at('QA sign-off'), 'fail', 'x')).toThrow(
      /#8 "QA sign-off" is a sign-off.*no-go/,
    );
  });

  it('resets any state except pending', () => {
    for (const state of ['running', 'passed', 'failed', 'done', 'na', 'waived'] as const) {
      expect(act(at('Migration tested (if applicable)', state), 'reset')).toBe('pending');
    }
  });
});

describe('viewSignoffs, latestSignoff, standingNoGos and signItemState', () => {
  const s = (
    role: string,
    verdict: 'go' | 'no-go',
    commit: string | undefined,
    at: string,
    target?: SignoffTarget,
  ): Signoff => ({
    releaseId: 'r1',
    role,
    verdict,
    actor: 'ann@example.com',
    at,
    ...(commit ? { commit } : {}),
    ...(target ? { target } : {}),
  });
  const gate = (id: string): SignoffTarget => ({ kind: 'gate', id });
  const item = (id: string): SignoffTarget => ({ kind: 'item', id });

  it('keeps the latest sign-off per role and target, and marks those for another commit stale', () => {
    const views = viewSignoffs(
      [
        s('qa-lead', 'no-go', 'aaa', '2026-05-04T09:00:00.000Z', gate('go')),
        s('release-manager', 'go', 'aaa', '2026-05-04T09:30:00.000Z', gate('go')),
        s('qa-lead', 'go', 'bbb', '2026-05-04T10:00:00.000Z', gate('go')),
        s('qa-lead', 'go', 'bbb', '2026-05-04T08:00:00.000Z', item('qa-sign-off')),
        s('security', 'go', undefined, '2026-05-04T08:00:00.000Z'),
      ],
      'bbb',
    );
    expect(views.map((v) => [v.role, v.target?.id, v.verdict, v.stale])).toEqual([
      ['qa-lead', 'go', 'go', false],
      ['qa-lead', 'qa-sign-off', 'go', false],
      ['release-manager', 'go', 'go', true],
      ['security', undefined, 'go', true],
    ]);
  });

  it('lets the later of two equal times win', () => {
    const at = '2026-05-04T09:00:00.000Z';
    const views = viewSignoffs([s('qa-lead', 'go', 'a', at), s('qa-lead', 'no-go', 'a', at)], 'a');
    expect(views).toHaveLength(1);
    expect(views[0]!.verdict).toBe('no-go');
  });

  it('finds the latest sign-off of a role for one target, whatever its commit', () => {
    const list = [
      s('qa-lead', 'go', 'a', '2026-05-04T09:00:00.000Z', gate('g1')),
      s('qa-lead', 'no-go', 'b', '2026-05-04T10:00:00.000Z', gate('g1')),
      s('qa-lead', 'go', 'b', '2026-05-04T11:00:00.000Z', gate('g2')),
      s('qa-lead', 'go', 'b', '2026-05-04T12:00:00.000Z', item('g1')),
    ];
    expect(latestSignoff(list, 'qa-lead', gate('g1'))).toBe(list[1]);
    expect(latestSignoff(list, 'qa-lead', item('g1'))).toBe(list[3]);
    expect(latestSignoff(list, 'release-manager', gate('g1'))).toBeUndefined();
    expect(sameTarget(gate('g1'), item('g1'))).toBe(false);
    expect(sameTarget(undefined, undefined)).toBe(true);
  });

  it('keeps a no-go standing across targets until the same role says go again at that commit', () => {
    const t = (h: number) => `2026-05-04T${String(h).padStart(2, '0')}:00:00.000Z`;
    const nogo = s('qa-lead', 'no-go', 'c', t(9), item('qa-sign-off'));
    expect(standingNoGos([nogo], 'c')).toEqual([nogo]);
    // Another role's go lifts nothing; the same role's go anywhere does.
    expect(standingNoGos([nogo, s('release-manager', 'go', 'c', t(10), gate('g'))], 'c')).toEqual([
      nogo,
    ]);
    expect(standingNoGos([nogo, s('qa-lead', 'go', 'c', t(10), gate('g'))], 'c')).toEqual([]);
    // A go before the no-go, or at another commit, does not lift it.
    expect(standingNoGos([s('qa-lead', 'go', 'c', t(8), gate('g')), nogo], 'c')).toEqual([nogo]);
    expect(standingNoGos([nogo, s('qa-lead', 'go', 'd', t(10), gate('g'))], 'c')).toEqual([nogo]);
    // A no-go for another commit does not stand at this one; one without a target does.
    expect(standingNoGos([nogo], 'd')).toEqual([]);
    const legacy = s('security', 'no-go', 'c', t(9));
    expect(standingNoGos([legacy], 'c')).toEqual([legacy]);
  });

  it('derives a sign item state from its roles current sign-offs for that item', () => {
    const items = expandItems(playbook, { releaseId: 'r1', type: 'major', now });
    const qa = byTitle(items, 'QA sign-off');
    const here = item(qa.id);
    const view = (list: Signoff[]) => signItemState(qa, viewSignoffs(list, 'c2'));
    expect(view([])).toBe('pending');
    expect(view([s('qa-lead', 'go', 'c2', now, here)])).toBe('passed');
    expect(view([s('qa-lead', 'no-go', 'c2', now, here)])).toBe('failed');
    expect(view([s('qa-lead', 'go', 'c1', now, here)])).toBe('pending');
    expect(view([s('release-manager', 'go', 'c2', now, here)])).toBe('pending');
    // A go at a gate, or one recorded before sign-offs had targets, is not a go for the item.
    expect(view([s('qa-lead', 'go', 'c2', now, gate('go-no-go'))])).toBe('pending');
    expect(view([s('qa-lead', 'go', 'c2', now)])).toBe('pending');
    expect(signItemState({ ...qa, state: 'waived' }, [])).toBe('waived');
    expect(signItemState({ ...qa, state: 'passed' }, [])).toBe('pending');
    const docs = { ...byTitle(items, 'Docs reviewed'), state: 'done' as const };
    expect(signItemState(docs, viewSignoffs([s('qa-lead', 'no-go', 'c2', now)], 'c2'))).toBe(
      'done',
    );
  });

  it('passes an item signable by several roles when any one says go', () => {
    const multi = loadPlaybook(
      'name: x\nroles: { a: A, b: B }\nphases: [{ id: p, items: [{ title: Approve, sign: [a, b] }] }]\n',
    );
    const [approve] = expandItems(multi.playbook, { releaseId: 'r', type: 'major', now });
    const here = item(approve!.id);
    const views = viewSignoffs(
      [s('a', 'no-go', 'c', now, here), s('b', 'go', 'c', now, here)],
      'c',
    );
    expect(signItemState(approve!, views)).toBe('passed');
  });
});

/** The hint of the error `fn` throws. */
function hintOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return (e as GonogoError).hint;
  }
  throw new Error('expected a throw');
}
