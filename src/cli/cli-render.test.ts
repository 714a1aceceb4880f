import { describe, expect, it } from 'vitest';
import type { Blocker, ReleaseItem } from '../core/release-model.ts';
import type { ReleaseView } from '../service/service-contract.ts';
import { nextActions } from './cli-render.ts';

const item = (
  number: number,
  kind: ReleaseItem['kind'],
  state: ReleaseItem['state'] = 'pending',
  sign?: string[],
) =>
  ({
    number,
    kind,
    state,
    title: `Item ${number}`,
    spec: sign ? { sign } : {},
  }) as unknown as ReleaseItem;

describe('nextActions', () => {
  it('gathers checks to run and items to tick into one command each, then sign-offs', () => {
    const items = [
      item(1, 'check'),
      item(2, 'check'),
      item(3, 'manual'),
      item(4, 'run'),
      item(5, 'sign', 'pending', ['qa-lead']),
      item(6, 'check', 'failed'),
    ];
    const view = { items } as ReleaseView;
    const blockers: Blocker[] = [
      ...items.map((i) => ({ kind: 'item-open' as const, item: i.number, message: '' })),
      { kind: 'signoff-missing', role: 'release-manager', message: '' },
    ];
    expect(nextActions(view, blockers, 10)).toEqual([
      'gonogo check 1-2   # run 2 checks',
      'gonogo sign qa-lead go   # Item 5',
      'gonogo item waive 6 --note TEXT   # or fix it and gonogo check 6',
      'gonogo sign release-manager go',
      'gonogo item done 3-4   # when done: 2 items',
    ]);
  });

  it('keeps a long list pasteable: runs as ranges, eight refs at most, and says how many', () => {
    const items = Array.from({ length: 30 }, (_, i) => item(i + 1, 'manual'));
    const ref = (ns: number[]) =>
      ns.map((n) => ({ kind: 'item-open' as const, item: n, message: '' }));
    expect(
      nextActions({ items } as ReleaseView, ref([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])),
    ).toEqual(['gonogo item done 1-12   # when done: 12 items']);
    const scattered = [1, 3, 5, 7, 9, 11, 13, 15, 17, 18, 19];
    expect(nextActions({ items } as ReleaseView, ref(scattered))).toEqual([
      'gonogo item done 1 3 5 7 9 11 13 15   # when done: 8 of 11 items',
    ]);
  });
});

describe('nextActions at a gate', () => {
  it('asks for a sign-off at the gate, lifts a no-go, and names who may override the window', () => {
    const view = {
      items: [],
      playbook: { policy: { window: { timezone: 'UTC', override: ['release-manager'] } } },
    } as unknown as ReleaseView;
    const blockers: Blocker[] = [
      { kind: 'signoff-missing', role: 'qa-lead', message: '' },
      { kind: 'signoff-no-go', role: 'security', message: '' },
      { kind: 'window-day', message: '' },
    ];
    expect(nextActions(view, blockers, 10, 'go-no-go')).toEqual([
      'gonogo sign qa-lead go --gate go-no-go',
      'gonogo sign security go   # once security is satisfied: lifts its no-go',
      'gonogo decide --override-window --reason TEXT   # release-manager',
    ]);
    const nobody = { items: [], playbook: { policy: {} } } as unknown as ReleaseView;
    expect(nextActions(nobody, [{ kind: 'window-day', message: '' }])).toEqual([
      'gonogo decide --override-window --reason TEXT   # needs policy.window.override in the playbook',
    ]);
  });
});
