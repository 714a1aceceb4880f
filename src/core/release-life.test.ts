import { describe, expect, it } from 'vitest';
import { describeReleaseState, listFollowUps, openRollbackItems } from './release-life.ts';
import type { ReleaseItem } from './release-model.ts';

const item = (number: number, patch: Partial<ReleaseItem> = {}): ReleaseItem => ({
  releaseId: 'r',
  number,
  id: `i${number}`,
  phase: 'p',
  section: 's',
  title: `Item ${number}`,
  kind: 'manual',
  optional: false,
  rollback: false,
  spec: { id: `i${number}`, title: `Item ${number}`, kind: 'manual', optional: false },
  state: 'pending',
  updatedAt: '2026-11-23T00:00:00.000Z',
  rowVersion: 0,
  ...patch,
});
const due = (number: number, d: string, patch: Partial<ReleaseItem> = {}) =>
  item(number, {
    spec: { id: `i${number}`, title: `Item ${number}`, kind: 'manual', optional: false, due: d },
    ...patch,
  });

describe('listFollowUps', () => {
  const deployedAt = '2026-11-23T10:00:00.000Z';

  it('orders open items by due time, those without one last, and says which are overdue', () => {
    const items = [
      item(1),
      due(2, '+1w'),
      due(3, '+1h'),
      due(4, '+24h', { state: 'done' }),
      item(5, { rollback: true }),
      due(6, '+15m', { optional: true }),
    ];
    expect(listFollowUps(items, deployedAt, '2026-11-23T10:30:00.000Z', new Set([1]))).toEqual([
      {
        item: 6,
        title: 'Item 6',
        optional: true,
        due: '+15m',
        dueAt: '2026-11-23T10:15:00.000Z',
        overdue: true,
        beforeDeployment: false,
      },
      {
        item: 3,
        title: 'Item 3',
        optional: false,
        due: '+1h',
        dueAt: '2026-11-23T11:00:00.000Z',
        overdue: false,
        beforeDeployment: false,
      },
      {
        item: 2,
        title: 'Item 2',
        optional: false,
        due: '+1w',
        dueAt: '2026-11-30T10:00:00.000Z',
        overdue: false,
        beforeDeployment: false,
      },
      { item: 1, title: 'Item 1', optional: false, overdue: false, beforeDeployment: true },
    ]);
  });

  it('lists nothing once every item is accepted', () => {
    const states = ['done', 'passed', 'na', 'waived'] as const;
    expect(
      listFollowUps(
        states.map((state, i) => due(i + 1, '+1h', { state })),
        deployedAt,
        deployedAt,
      ),
    ).toEqual([]);
  });
});

describe('describeReleaseState', () => {
  it('says the state in words with what it rests on', () => {
    expect(describeReleaseState({ state: 'active' })).toBe('in progress');
    expect(describeReleaseState({ state: 'rolled-back', stateReason: 'error rate 7%' })).toBe(
      'rolled back: error rate 7%',
    );
    expect(
      describeReleaseState({
        state: 'superseded',
        stateReason: 'superseded by 2.0.1',
        supersededBy: '2.0.1',
      }),
    ).toBe('superseded by 2.0.1');
    expect(describeReleaseState({ state: 'abandoned', stateReason: 'moved' })).toBe(
      'abandoned: moved',
    );
  });
});

describe('openRollbackItems', () => {
  it('names the required rollback items not accepted, failed ones as failed', () => {
    const items = [
      item(1),
      item(2, { rollback: true }),
      item(3, { rollback: true, state: 'failed' }),
      item(4, { rollback: true, state: 'done' }),
      item(5, { rollback: true, optional: true }),
    ];
    expect(openRollbackItems(items).map((b) => [b.item, b.kind])).toEqual([
      [2, 'item-open'],
      [3, 'item-failed'],
    ]);
  });
});
