import { describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from './errors.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type { ItemState, ReleaseItem, Signoff, SignoffTarget } from './release-model.ts';
import { expandItems } from './release-rules.ts';
import { chooseSignTarget, listSignTargets } from './signoff-target.ts';

const { playbook } = loadPlaybook(`
name: Targets
roles:
  qa-lead: QA Lead
  release-manager: Release Manager
  security: Security
  docs: Docs
phases:
  - id: build
    items:
      - title: Tests pass
      - id: qa-sign-off
        title: QA sign-off
        sign: qa-lead
  - id: security-review
    gate: [security, qa-lead]
    items:
      - title: Pen test reviewed
  - id: go-no-go
    gate: [release-manager, qa-lead]
  - id: deploy
    items:
      - id: security-after
        title: Security signs the deployed build
        sign: [security, release-manager]
`);
const commit = 'c0ffee0';
const items = expandItems(playbook, { releaseId: 'r1', now: '2026-05-04T09:00:00.000Z' });
let clock = 0;
const sign = (
  role: string,
  verdict: 'go' | 'no-go',
  target: SignoffTarget,
  c = commit,
): Signoff => ({
  releaseId: 'r1',
  role,
  verdict,
  target,
  commit: c,
  actor: `${role}@example.com`,
  at: new Date(Date.UTC(2026, 4, 5, 10, clock++)).toISOString(),
});
const gate = (id: string): SignoffTarget => ({ kind: 'gate', id });
const item = (id: string): SignoffTarget => ({ kind: 'item', id });
const withState = (id: string, state: ItemState): ReleaseItem[] =>
  items.map((i) => (i.id === id ? { ...i, state } : i));

const choose = (role: string, signoffs: Signoff[] = [], wanted?: string, list = items) =>
  chooseSignTarget({
    playbook,
    items: list,
    signoffs,
    commit,
    role,
    ...(wanted !== undefined ? { wanted } : {}),
  });

describe('listSignTargets', () => {
  it('lists gates with roles and sign items in document order, a gate before the item it guards from', () => {
    expect(listSignTargets(playbook, items).map((t) => [t.kind, t.id, t.roles])).toEqual([
      ['item', 'qa-sign-off', ['qa-lead']],
      ['gate', 'security-review', ['security', 'qa-lead']],
      ['gate', 'go-no-go', ['release-manager', 'qa-lead']],
      ['item', 'security-after', ['security', 'release-manager']],
    ]);
  });
});

describe('chooseSignTarget', () => {
  it('goes to the role next open target in document order', () => {
    expect(choose('qa-lead').id).toBe('qa-sign-off');
    const afterItem = [sign('qa-lead', 'go', item('qa-sign-off'))];
    expect(choose('qa-lead', afterItem, undefined, withState('qa-sign-off', 'passed')).id).toBe(
      'security-review',
    );
    const afterGate = [...afterItem, sign('qa-lead', 'go', gate('security-review'))];
    expect(choose('qa-lead', afterGate, undefined, withState('qa-sign-off', 'passed')).id).toBe(
      'go-no-go',
    );
    expect(choose('release-manager').id).toBe('go-no-go');
  });

  it('skips a sign item another of its roles already passed, and one a person waived', () => {
    const passed = withState('security-after', 'passed');
    const rm = [sign('release-manager', 'go', gate('go-no-go'))];
    expect(choose('security', [], undefined, passed).id).toBe('security-review');
    const all = [...rm, sign('security', 'go', gate('security-review'))];
    // Nothing open for security: where it signed last.
    expect(choose('security', all, undefined, passed).id).toBe('security-review');
    expect(choose('qa-lead', [], undefined, withState('qa-sign-off', 'waived')).id).toBe(
      'security-review',
    );
  });

  it('comes back to where the role said no-go, even on a waived item, so a go there lifts it', () => {
    const nogo = [sign('qa-lead', 'no-go', item('qa-sign-off'))];
    expect(choose('qa-lead', nogo, undefined, withState('qa-sign-off', 'waived')).id).toBe(
      'qa-sign-off',
    );
  });

  it('treats a go for another commit as not given', () => {
    const old = [sign('release-manager', 'go', gate('go-no-go'), 'oldc0de')];
    expect(choose('release-manager', old).id).toBe('go-no-go');
  });

  it('goes where the role signed last when nothing is open, so it can change its mind', () => {
    const done = withState('qa-sign-off', 'passed');
    const all = [
      sign('qa-lead', 'go', item('qa-sign-off')),
      sign('qa-lead', 'go', gate('go-no-go')),
      sign('qa-lead', 'go', gate('security-review')),
    ];
    expect(choose('qa-lead', all, undefined, done).id).toBe('security-review');
  });

  it('takes a named gate, sign item id or item number that names the role', () => {
    expect(choose('qa-lead', [], 'go-no-go')).toMatchObject({ kind: 'gate', id: 'go-no-go' });
    expect(choose('qa-lead', [], 'qa-sign-off')).toMatchObject({ kind: 'item', item: 2 });
    expect(choose('qa-lead', [], '#2').id).toBe('qa-sign-off');
    expect(choose('security', [], '4').id).toBe('security-after');
  });

  it('refuses a target that does not name the role, listing what the role can sign', () => {
    expect(() => choose('docs', [], 'go-no-go')).toThrow(InputError);
    expect(() => choose('security', [], 'go-no-go')).toThrow(
      'gate "Go No Go" is signed by release-manager or qa-lead, not security (security can sign: gate "Security Review" (security-review), #4 "Security signs the deployed build")',
    );
  });

  it('refuses an unknown target with a did-you-mean, and an item that is not a sign item', () => {
    expect(() => choose('qa-lead', [], 'go-nogo')).toThrow(NotFoundError);
    expect(() => choose('qa-lead', [], 'go-nogo')).toThrow(/did you mean "go-no-go"/);
    expect(() => choose('qa-lead', [], '1')).toThrow(/#1 "Tests pass" is not a sign item/);
    // A phase without a gate is no target either.
    expect(() => choose('qa-lead', [], 'deploy')).toThrow(/no gate or sign item "deploy"/);
  });

  it('refuses a role that no gate or sign item names, with the roles that sign', () => {
    expect(() => choose('docs')).toThrow(InputError);
    expect(() => choose('docs')).toThrow(
      /no gate or sign item of this release names docs.*roles that sign here: qa-lead, security, release-manager/s,
    );
  });
});
