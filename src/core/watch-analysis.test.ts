import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MeasurementPhase } from './watch-analysis.ts';
import { assessMeasurement, tallyWatch } from './watch-analysis.ts';
import type { Condition } from './watch-condition.ts';
import { compileRollbackLine, evaluateCondition, parseCondition } from './watch-condition.ts';
import { compileWatch, nextWatchStep } from './watch-spec.ts';

const cond = (text: string) => {
  const c = parseCondition(text);
  if (typeof c === 'string') throw new Error(c);
  return c;
};
const phase = fc.constantFrom<MeasurementPhase>('successful', 'failed', 'inconclusive', 'error');
const limits = fc.record({
  failureLimit: fc.integer({ min: 0, max: 5 }),
  inconclusiveLimit: fc.integer({ min: 0, max: 5 }),
  consecutiveErrorLimit: fc.integer({ min: 0, max: 5 }),
});

describe('conditions', () => {
  it('parses comparisons, units, baselines, && and ||', () => {
    const scope = { result: 0.07, baseline: 0.02 };
    expect(evaluateCondition(cond('result > 5%'), scope)).toBe(true);
    expect(evaluateCondition(cond('result <= 2x baseline'), scope)).toBe(false);
    expect(evaluateCondition(cond('result > 1 || (result > 0.06 && result < 0.08)'), scope)).toBe(
      true,
    );
    expect(evaluateCondition(cond('result < 200ms'), { result: 0.15 })).toBe(true);
    expect(evaluateCondition(cond('result >= 2 * baseline'), { result: 4, baseline: 2 })).toBe(
      true,
    );
  });

  it('says what is wrong, never runs text', () => {
    expect(parseCondition('result >')).toMatch(/expected a number/);
    expect(parseCondition('process > 1')).toMatch(/unknown name "process"/);
    expect(parseCondition('process.exit(1)')).toMatch(/unexpected "."/);
    expect(parseCondition('result > 1; drop')).toMatch(/unexpected ";"/);
    expect(parseCondition('')).toMatch(/empty/);
    expect(() => evaluateCondition(cond('result > baseline'), { result: 1 })).toThrow(/baseline/);
  });

  it('compiles rollback lines on a metric, and leaves prose alone', () => {
    expect(compileRollbackLine('error_rate > 5%')).toMatchObject({
      metric: 'error_rate',
      condition: 'result > 5%',
    });
    expect(compileRollbackLine('p99_latency > 2x baseline')?.condition).toBe(
      'result > 2x baseline',
    );
    expect(compileRollbackLine('Critical functionality broken')).toBeUndefined();
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const c = parseCondition(text);
        if (typeof c !== 'string') evaluateCondition(c, { result: 1, baseline: 1 });
      }),
    );
  });
});

describe('a measurement (Argo semantics)', () => {
  const bad = cond('result > 5%');
  const ok = cond('result < 1%');
  it('is inconclusive when the result is empty or NaN', () => {
    expect(assessMeasurement({ kind: 'empty' }, {}, undefined).phase).toBe('inconclusive');
    expect(assessMeasurement({ kind: 'value', value: NaN }, {}, undefined).phase).toBe(
      'inconclusive',
    );
  });
  it('follows which conditions are set', () => {
    const v = (value: number) => ({ kind: 'value' as const, value });
    expect(assessMeasurement(v(0.07), { failureCondition: bad }, undefined).phase).toBe('failed');
    expect(assessMeasurement(v(0.02), { failureCondition: bad }, undefined).phase).toBe(
      'successful',
    );
    expect(assessMeasurement(v(0.02), { successCondition: ok }, undefined).phase).toBe('failed');
    expect(
      assessMeasurement(v(0.02), { successCondition: ok, failureCondition: bad }, undefined).phase,
    ).toBe('inconclusive');
    expect(assessMeasurement(v(0.02), {}, undefined).phase).toBe('successful');
    expect(
      assessMeasurement(v(1), { failureCondition: cond('result > 2x baseline') }, undefined).phase,
    ).toBe('error');
  });
});

describe('a window (property)', () => {
  it('fails exactly when failures pass failureLimit first', () => {
    fc.assert(
      fc.property(fc.array(phase, { maxLength: 30 }), limits, (phases, l) => {
        const t = tallyWatch(phases, false, l);
        // Replay the prefix Argo would have stopped at.
        let failed = 0;
        let inconclusive = 0;
        let run = 0;
        let expected: string = 'running';
        for (const p of phases) {
          if (p === 'failed') failed++;
          if (p === 'inconclusive') inconclusive++;
          run = p === 'error' ? run + 1 : 0;
          if (failed > l.failureLimit) expected = 'failed';
          else if (inconclusive > l.inconclusiveLimit) expected = 'inconclusive';
          else if (run > l.consecutiveErrorLimit) expected = 'failed';
          if (expected !== 'running') break;
        }
        expect(t.outcome).toBe(expected);
        if (t.outcome !== 'failed' || t.reason?.includes('failed measurement'))
          expect(t.failed).toBeLessThanOrEqual(l.failureLimit + 1);
      }),
    );
  });

  it('resets consecutive errors on any other measurement', () => {
    fc.assert(
      fc.property(
        fc.array(
          phase.filter((p) => p !== 'failed' && p !== 'inconclusive'),
          { maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 4 }),
        (phases, limit) => {
          const t = tallyWatch(phases, false, {
            failureLimit: 0,
            inconclusiveLimit: 0,
            consecutiveErrorLimit: limit,
          });
          const longestRun = Math.max(
            0,
            ...phases
              .join(',')
              .split('successful')
              .map((s) => s.split('error').length - 1),
          );
          expect(t.outcome === 'failed').toBe(longestRun > limit);
        },
      ),
    );
  });

  it('passes once complete without passing a limit', () => {
    fc.assert(
      fc.property(fc.array(fc.constant<MeasurementPhase>('successful'), { minLength: 1 }), (p) => {
        expect(
          tallyWatch(p, true, { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 })
            .outcome,
        ).toBe('passed');
        expect(
          tallyWatch(p, false, { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 })
            .outcome,
        ).toBe('running');
      }),
    );
  });
});

describe('the schedule', () => {
  const playbook = {
    metrics: { error_rate: { title: 'Errors', query: 'x' } },
    policy: { rollback: { when: ['error_rate > 5%', 'Users unhappy'] } },
  };
  it('compiles rollback lines into the failure condition on the metric', () => {
    const w = compileWatch({ metric: 'error_rate', for: '5s', interval: '1s' }, playbook, '+1h');
    expect(w.count).toBe(5);
    expect(w.startOffsetMs).toBe(3_600_000);
    expect(w.criteriaText).toEqual(['failure: result > 5% (policy: error_rate > 5%)']);
    expect(evaluateCondition(w.criteria.failureCondition as Condition, { result: 0.06 })).toBe(
      true,
    );
  });
  it('takes the newest due slot once, late, for slots that passed unmeasured', () => {
    const w = compileWatch({ metric: 'error_rate', for: '10m', interval: '1m' }, playbook);
    expect(nextWatchStep(w, 0, -1, -1)).toEqual({ kind: 'wait', until: 0 });
    expect(nextWatchStep(w, 0, -1, 0)).toMatchObject({ kind: 'measure', slot: 0, skipped: 0 });
    expect(nextWatchStep(w, 0, 0, 3.5 * 60_000)).toMatchObject({ slot: 3, skipped: 2 });
    expect(nextWatchStep(w, 0, 3, 99 * 60_000)).toMatchObject({ slot: 9, skipped: 5 });
    expect(nextWatchStep(w, 0, 9, 99 * 60_000)).toEqual({ kind: 'complete' });
  });
});
