import { describe, expect, it } from 'vitest';
import { evaluateGate, listGates } from './gate.ts';
import { diffPlaybook } from './playbook-diff.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type { ItemState, ReleaseItem } from './release-model.ts';
import { expandItems, expandRollbackItems } from './release-rules.ts';

const base = `
name: Web app
roles:
  qa-lead: QA Lead
  release-manager: Release Manager
types: [minor, major]
phases:
  - id: pre-release
    items:
      - title: Unit tests pass
        check: { command: "npm test" }
      - id: changelog
        title: CHANGELOG updated
      - title: Docs updated
        optional: true
        details: [the user guide]
      - title: Load test
        when: { type: major }
      - id: qa
        title: QA sign-off
        sign: qa-lead
  - id: go-no-go
    gate: [release-manager]
  - id: deploy
    items:
      - title: Deploy to production
        run: ./deploy.sh production
      - title: Smoke test
rollback:
  - title: Previous version deployed
`;

const at = '2026-11-23T09:00:00.000Z';
const later = '2026-11-23T10:00:00.000Z';

function release(yaml = base, states: Record<number, ItemState> = {}) {
  const { playbook } = loadPlaybook(yaml);
  const items = expandItems(playbook, { releaseId: 'r1', type: 'minor', now: at }).map((i) => ({
    ...i,
    state: states[i.number] ?? i.state,
  }));
  return { playbook, items };
}

function edit(from: string, replace: [string, string][]): string {
  let out = from;
  for (const [a, b] of replace) {
    if (!out.includes(a)) throw new Error(`not in the playbook: ${a}`);
    out = out.replace(a, b);
  }
  return out;
}

function diff(items: ReleaseItem[], fromYaml: string, toYaml: string, nextNumber = 7) {
  return diffPlaybook({
    items,
    from: loadPlaybook(fromYaml).playbook,
    to: loadPlaybook(toYaml).playbook,
    type: 'minor',
    releaseId: 'r1',
    at: later,
    actor: 'ann@example.com',
    nextNumber,
  });
}

describe('diffPlaybook', () => {
  it('finds nothing to change in the same playbook', () => {
    const { items } = release();
    const { diff: d, rows } = diff(items, base, base);
    expect(d).toMatchObject({ added: [], removed: [], changed: [], gates: [], stale: [] });
    expect(d.unchanged).toBe(items.length);
    expect(rows).toEqual({ update: [], insert: [], remove: [] });
  });

  it('keeps unchanged items, numbers added ones after the highest, and keeps removed states', () => {
    const { items } = release(base, { 1: 'passed', 2: 'done', 6: 'done' });
    items[1]!.note = 'ok';
    const to = edit(base, [
      ['      - title: Smoke test\n', ''],
      [
        '      - id: qa\n',
        '      - title: Migration tested\n        optional: true\n      - id: qa\n',
      ],
    ]);
    const r = diff(items, base, to, 9);
    expect(r.diff.added).toEqual([
      {
        item: 9,
        id: 'migration-tested',
        title: 'Migration tested',
        phase: 'pre-release',
        section: 'pre-release-2',
      },
    ]);
    expect(r.diff.removed).toEqual([
      {
        item: 6,
        id: 'smoke-test',
        title: 'Smoke test',
        phase: 'deploy',
        section: 'deploy-2',
        state: 'done',
      },
    ]);
    expect(r.diff.changed).toEqual([]);
    expect(r.rows.remove).toEqual([6]);
    expect(r.rows.insert.map((i) => [i.number, i.id, i.state])).toEqual([
      [9, 'migration-tested', 'pending'],
    ]);
    // Every item that stays keeps its number, state and note.
    expect(r.items.map((i) => [i.number, i.state])).toEqual([
      [1, 'passed'],
      [2, 'done'],
      [3, 'pending'],
      [4, 'pending'],
      [5, 'pending'],
      [9, 'pending'],
    ]);
    expect(r.items.find((i) => i.number === 2)?.note).toBe('ok');
    // The go-no-go gate covers one more item now: its sign-offs count no more.
    expect(r.diff.gates).toEqual([
      {
        id: 'go-no-go',
        title: 'Go No Go',
        change: 'changed',
        roles: { from: ['release-manager'], to: ['release-manager'] },
        items: { added: [9], removed: [], changed: [] },
      },
    ]);
    expect(r.diff.stale).toEqual([{ kind: 'gate', id: 'go-no-go' }]);
  });

  it('resets an item whose check changed, and keeps the state of a reworded or moved one', () => {
    const { items } = release(base, { 1: 'passed', 2: 'done', 3: 'na' });
    items[0]!.evidence = { result: 'passed', summary: 'exit 0' };
    const to = edit(base, [
      ['check: { command: "npm test" }', 'check: { command: "npm run test:ci" }'],
      ['details: [the user guide]', 'details: [the user guide and the API]'],
    ]);
    const r = diff(items, base, to);
    expect(r.diff.changed).toEqual([
      {
        item: 1,
        id: 'unit-tests-pass',
        title: 'Unit tests pass',
        fields: ['check'],
        from: 'passed',
        to: 'pending',
        evidence: { result: 'passed', summary: 'exit 0' },
      },
      {
        item: 3,
        id: 'docs-updated',
        title: 'Docs updated',
        fields: ['details'],
        from: 'na',
        to: 'na',
      },
    ]);
    const updated = r.rows.update.find((i) => i.number === 1)!;
    expect(updated).toMatchObject({
      state: 'pending',
      updatedAt: later,
      updatedBy: 'ann@example.com',
    });
    expect(updated.evidence).toBeUndefined();
    // A wording change leaves the gate as it was; the check change does not.
    expect(r.diff.gates[0]?.items).toEqual({ added: [], removed: [], changed: [1] });
  });

  it('resets the title of a manual item but keeps that of a check; n/a goes when it becomes required', () => {
    const { items } = release(base, { 1: 'passed', 2: 'done', 3: 'na' });
    const to = edit(base, [
      ['title: Unit tests pass', 'id: unit-tests-pass\n        title: All unit tests pass'],
      ['title: CHANGELOG updated', 'title: CHANGELOG and release notes updated'],
      ['        optional: true\n        details', '        details'],
    ]);
    const r = diff(items, base, to);
    expect(r.diff.changed.map((c) => [c.item, c.fields, c.from, c.to, c.was])).toEqual([
      [1, ['title'], 'passed', 'passed', 'Unit tests pass'],
      [2, ['title'], 'done', 'pending', 'CHANGELOG updated'],
      [3, ['optional'], 'na', 'pending', undefined],
    ]);
  });

  it('makes sign-offs of a gate stale when its roles change, and of a changed sign item', () => {
    const { items } = release(base, { 4: 'passed' });
    const to = edit(base, [
      ['gate: [release-manager]', 'gate: [release-manager, qa-lead]'],
      ['sign: qa-lead', 'sign: [qa-lead, release-manager]'],
    ]);
    const r = diff(items, base, to);
    expect(r.diff.gates.map((g) => [g.id, g.roles])).toEqual([
      ['go-no-go', { from: ['release-manager'], to: ['release-manager', 'qa-lead'] }],
    ]);
    expect(r.diff.changed.map((c) => [c.item, c.fields, c.to])).toEqual([[4, ['sign'], 'pending']]);
    expect(r.diff.stale).toEqual([
      { kind: 'gate', id: 'go-no-go' },
      { kind: 'item', id: 'qa' },
    ]);
    // The same roles in another order are the same gate.
    const reordered = edit(to, [
      ['gate: [release-manager, qa-lead]', 'gate: [qa-lead, release-manager]'],
    ]);
    expect(diff(r.items, to, reordered).diff.gates).toEqual([]);
  });

  it('reports a gate removed, and one added, with the items they cover', () => {
    const { items } = release();
    const to = edit(base, [
      ['  - id: go-no-go\n    gate: [release-manager]\n', ''],
      ['  - id: deploy\n', '  - id: deploy\n    gate: [qa-lead]\n'],
    ]);
    const r = diff(items, base, to);
    expect(r.diff.gates).toEqual([
      {
        id: 'deploy',
        title: 'Deploy',
        change: 'added',
        roles: { from: [], to: ['qa-lead'] },
        items: { added: [1, 2, 3, 4], removed: [], changed: [] },
      },
      {
        id: 'go-no-go',
        title: 'Go No Go',
        change: 'removed',
        roles: { from: ['release-manager'], to: [] },
        items: { added: [], removed: [1, 2, 3, 4], changed: [] },
      },
    ]);
    expect(r.diff.settings).toEqual(['phases']);
  });

  it('says when a removed and an added item look like one item retitled without an id', () => {
    const { items } = release(base, { 6: 'done' });
    const to = edit(base, [['title: Smoke test', 'title: Smoke tests pass']]);
    const r = diff(items, base, to);
    expect(r.diff.removed.map((x) => x.item)).toEqual([6]);
    expect(r.diff.added.map((x) => [x.item, x.id])).toEqual([[7, 'smoke-tests-pass']]);
    expect(r.retitled).toEqual([{ removed: 6, added: 7, id: 'smoke-test', title: 'Smoke test' }]);
  });

  it('follows the release type, and the rollback procedure only once a rollback added it', () => {
    const { playbook, items } = release();
    const to = edit(base, [
      ['      - title: Load test\n        when: { type: major }\n', '      - title: Load test\n'],
      ['  - title: Previous version deployed', '  - title: Previous version redeployed'],
    ]);
    expect(diff(items, base, to).diff.added.map((a) => a.id)).toEqual(['load-test']);
    const withRollback = [
      ...items,
      ...expandRollbackItems(playbook, { releaseId: 'r1', now: at, startNumber: 7 }),
    ];
    const r = diff(withRollback, base, to, 8);
    expect(r.diff.added.map((a) => [a.item, a.id])).toEqual([
      [8, 'load-test'],
      [9, 'previous-version-redeployed'],
    ]);
    expect(r.diff.removed.map((x) => x.id)).toEqual(['previous-version-deployed']);
    expect(r.diff.settings).toEqual([]);
  });

  it('lets the gate cover an added item by where it stands, not by its number', () => {
    const { items } = release();
    const to = edit(base, [
      ['      - id: qa\n', '      - title: Migration tested\n      - id: qa\n'],
    ]);
    const r = diff(items, base, to, 40);
    const { playbook } = loadPlaybook(to);
    const [gate] = listGates(playbook, r.items, 'minor');
    const evaluation = evaluateGate({
      playbook,
      items: r.items,
      signoffs: [],
      gate: gate!,
      now: new Date(at),
    });
    // #40 stands before the gate (before #4), #5 (deploy) after it.
    expect(evaluation.inputs.itemStates.map(([n]) => n)).toEqual([1, 2, 3, 40, 4]);
  });
});
