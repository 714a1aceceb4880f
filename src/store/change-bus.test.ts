import { describe, expect, it } from 'vitest';
import { InternalError } from '../core/errors.ts';
import type { ReleaseChange } from './change-bus.ts';
import { createMemoryChangeBus } from './change-bus.ts';
import { openChangeBus } from './open-change-bus.ts';

const change = (releaseId: string, seq: number): ReleaseChange => ({
  project: 'acme/app',
  releaseId,
  version: '1.4.0',
  seq,
});

describe('the in-process change bus', () => {
  it('delivers each publish to every subscriber before publish resolves', async () => {
    const bus = createMemoryChangeBus();
    const a: ReleaseChange[] = [];
    const b: ReleaseChange[] = [];
    bus.subscribe((c) => a.push(c));
    bus.subscribe((c) => b.push(c));
    await bus.publish([change('r1', 1), change('r2', 4)]);
    expect(a).toEqual([change('r1', 1), change('r2', 4)]);
    expect(b).toEqual(a);
    await bus.close();
  });

  it('catches a listener that throws, reports it, and still delivers to the others', async () => {
    const errors: unknown[] = [];
    const bus = createMemoryChangeBus({ onError: (e) => errors.push(e) });
    const boom = new Error('listener bug');
    const got: number[] = [];
    bus.subscribe(() => {
      throw boom;
    });
    bus.subscribe((c) => got.push(c.seq));
    await bus.publish([change('r1', 1), change('r1', 2)]);
    expect(got).toEqual([1, 2]);
    expect(errors).toEqual([boom, boom]);
    await bus.close();
  });

  it('never lets a release seq go back or repeat for its listeners', async () => {
    const bus = createMemoryChangeBus();
    const got: string[] = [];
    bus.subscribe((c) => got.push(`${c.releaseId}@${c.seq}`));
    await bus.publish([change('r1', 3)]);
    await bus.publish([change('r1', 2), change('r1', 3), change('r2', 1), change('r1', 5)]);
    expect(got).toEqual(['r1@3', 'r2@1', 'r1@5']);
    await bus.close();
  });

  it('stops delivering to a listener that unsubscribed, even from inside a delivery', async () => {
    const bus = createMemoryChangeBus();
    const first: number[] = [];
    const second: number[] = [];
    let stopSecond = () => {};
    const stopFirst = bus.subscribe((c) => {
      first.push(c.seq);
      stopSecond();
    });
    stopSecond = bus.subscribe((c) => second.push(c.seq));
    await bus.publish([change('r1', 1)]);
    expect(first).toEqual([1]);
    // Stopped by the first listener before its turn in the same delivery.
    expect(second).toEqual([]);
    stopFirst();
    await bus.publish([change('r1', 2)]);
    expect(first).toEqual([1]);
    await bus.close();
  });

  it('calls no listener after close and refuses a publish on a closed bus', async () => {
    const bus = createMemoryChangeBus();
    const got: number[] = [];
    bus.subscribe((c) => got.push(c.seq));
    await bus.close();
    await expect(bus.publish([change('r1', 1)])).rejects.toBeInstanceOf(InternalError);
    expect(got).toEqual([]);
  });

  it('is the bus openChangeBus gives for a SQLite file', async () => {
    const bus = await openChangeBus('.gonogo/gonogo.db');
    const got: number[] = [];
    bus.subscribe((c) => got.push(c.seq));
    await bus.publish([change('r1', 1)]);
    expect(got).toEqual([1]);
    await bus.close();
  });
});
