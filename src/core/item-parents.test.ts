import { describe, expect, it } from 'vitest';
import {
  followSubItemsAction,
  followingParents,
  reopenCandidates,
  planParentSync,
} from './item-parents.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type { ItemState, ReleaseEvent, ReleaseItem } from './release-model.ts';
import { expandItems } from './release-rules.ts';

const { playbook } = loadPlaybook(`
name: Parents
roles:
  qa: QA
phases:
  - id: verify
    items:
      - title: Verification
        items:
          - title: Smoke test
          - title: Journeys
            items:
              - title: Sign up
              - title: Checkout (if applicable)
                optional: true
      - title: Tests green
        check: { command: "npm test" }
        items:
          - title: Unit
      - title: Lonely parent
`);
// #1 Verification (#2 smoke, #3 journeys (#4 sign up, #5 checkout)), #6 check parent (#7 unit), #8 no sub-items.
const fresh = expandItems(playbook, { releaseId: 'r', now: '2026-05-04T09:00:00.000Z' });
const withStates = (states: Record<number, ItemState>): ReleaseItem[] =>
  fresh.map((i) => (states[i.number] ? { ...i, state: states[i.number]! } : i));
const moves = (items: ReleaseItem[], following = new Set<number>()) =>
  planParentSync(items, following).map((c) => [c.item.number, c.to]);

describe('planParentSync', () => {
  it('makes a pending parent done when every sub-item is accepted, deepest first', () => {
    expect(moves(withStates({ 2: 'done', 4: 'done' }))).toEqual([]);
    expect(moves(withStates({ 2: 'done', 4: 'done', 5: 'na' }))).toEqual([
      [3, 'done'],
      [1, 'done'],
    ]);
    const [journeys] = planParentSync(withStates({ 4: 'passed', 5: 'waived' }), new Set());
    expect(journeys?.note).toBe('follows its sub-items: all 2 accepted');
  });

  it('leaves a parent that is a check, and a state a person gave, as they are', () => {
    expect(moves(withStates({ 7: 'done' }))).toEqual([]);
    expect(moves(withStates({ 4: 'done', 5: 'done', 3: 'failed' }))).toEqual([]);
    expect(moves(withStates({ 4: 'done', 5: 'done', 3: 'waived' }))).toEqual([]);
  });

  it('reopens only a parent it made done, when a sub-item is no longer accepted', () => {
    const items = withStates({ 1: 'done', 2: 'done', 3: 'done', 4: 'failed', 5: 'done' });
    expect(moves(items)).toEqual([]);
    expect(moves(items, new Set([3]))).toEqual([[3, 'pending']]);
    // ...and its parent with it, when that too followed.
    expect(moves(items, new Set([1, 3]))).toEqual([
      [3, 'pending'],
      [1, 'pending'],
    ]);
    const [reopened] = planParentSync(items, new Set([3]));
    expect(reopened?.note).toBe('follows its sub-items: #4 "Sign up" is failed');
  });
});

describe('reopenCandidates and followingParents', () => {
  const event = (seq: number, item: number, to: ItemState, action?: string): ReleaseEvent => ({
    releaseId: 'r',
    seq,
    at: '2026-05-04T09:00:00.000Z',
    actor: 'ann',
    type: 'item.state',
    payload: { item, id: 'x', from: 'pending', to, ...(action ? { action } : {}) },
    prevHash: '',
    hash: '',
  });

  it('needs the log only when a done parent has a sub-item not accepted', () => {
    expect(reopenCandidates(withStates({ 3: 'done', 4: 'done', 5: 'done' }))).toEqual([]);
    expect(reopenCandidates(withStates({ 3: 'done', 4: 'pending' }))).toEqual([3]);
    expect(reopenCandidates(withStates({ 3: 'done', 4: 'pending', 5: 'failed' }))).toEqual([3]);
    expect(reopenCandidates(withStates({ 6: 'passed', 7: 'failed' }))).toEqual([]);
    // A parent that reopens may take its own parent with it.
    const nested = withStates({ 1: 'done', 2: 'done', 3: 'done', 4: 'failed', 5: 'done' });
    expect(reopenCandidates(nested)).toEqual([1, 3]);
  });

  it('knows the parents whose latest change was following their sub-items to done', () => {
    const log = [
      event(1, 3, 'done', followSubItemsAction),
      event(2, 1, 'done', followSubItemsAction),
      event(3, 1, 'pending', 'reset'),
      event(4, 1, 'done', 'done'),
      { ...event(5, 8, 'done', followSubItemsAction), type: 'check.result' },
    ];
    expect([...followingParents(log)]).toEqual([3]);
  });
});
