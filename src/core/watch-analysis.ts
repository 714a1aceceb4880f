/**
 * A watch window's analysis, with Argo Rollouts' semantics and names: each measurement is
 * `successful`, `failed`, `inconclusive` or `error`; the window is `failed` once more than
 * `failureLimit` measurements failed (or more than `consecutiveErrorLimit` errors came in a
 * row), `inconclusive` once more than `inconclusiveLimit` were inconclusive, `passed` when every
 * measurement of the window was taken without either, and `running` until then. Pure.
 */
import type { Condition } from './watch-condition.ts';
import { evaluateCondition } from './watch-condition.ts';

export type MeasurementPhase = 'successful' | 'failed' | 'inconclusive' | 'error';
export type WatchOutcome = 'passed' | 'failed' | 'inconclusive' | 'running';

/** The criteria of one watch, compiled (conditions parsed, limits defaulted as Argo does). */
export interface WatchCriteria {
  successCondition?: Condition;
  /** Its own `failureCondition` or-ed with the rollback lines on its metric. */
  failureCondition?: Condition;
  /** Failed measurements tolerated (Argo default 0). */
  failureLimit: number;
  /** Inconclusive measurements tolerated (Argo default 0). */
  inconclusiveLimit: number;
  /** Errors in a row tolerated (Argo default 4). */
  consecutiveErrorLimit: number;
}

/**
 * What a provider returned: a number, nothing (an empty result), an error (it could not find
 * out), or `failed` (what it checks is not so: an http answer with the wrong status or body).
 */
export type ProviderValue =
  | { kind: 'value'; value: number }
  | { kind: 'empty' }
  | { kind: 'error'; message: string }
  | { kind: 'failed'; message: string };

/**
 * The phase of one measurement under the criteria. An empty result is inconclusive. With both
 * conditions, neither holding is inconclusive; with only a success condition, it not holding is
 * a failure; with only a failure condition, it not holding is a success; with none, any value
 * is a success. A condition naming a baseline none was captured for makes it an error.
 *
 * @example assessMeasurement({ kind: 'value', value: 0.07 }, criteria, undefined) // { phase: 'failed' }
 */
export function assessMeasurement(
  value: ProviderValue,
  criteria: Pick<WatchCriteria, 'successCondition' | 'failureCondition'>,
  baseline: number | undefined,
): { phase: MeasurementPhase; message?: string } {
  if (value.kind === 'error') return { phase: 'error', message: value.message };
  if (value.kind === 'failed') return { phase: 'failed', message: value.message };
  if (value.kind === 'empty' || Number.isNaN(value.value))
    return { phase: 'inconclusive', message: 'the query returned no value' };
  const scope = { result: value.value, ...(baseline !== undefined ? { baseline } : {}) };
  try {
    const { successCondition: ok, failureCondition: bad } = criteria;
    if (bad && evaluateCondition(bad, scope)) return { phase: 'failed' };
    if (ok) {
      if (evaluateCondition(ok, scope)) return { phase: 'successful' };
      return bad ? { phase: 'inconclusive' } : { phase: 'failed' };
    }
    return { phase: 'successful' };
  } catch (e) {
    return { phase: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

/** The counts Argo keeps for a metric, and the outcome they give. */
export interface WatchTally {
  outcome: WatchOutcome;
  measured: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveErrors: number;
  /** Why it was decided, for people: "2 failed measurements, more than failureLimit 1". */
  reason?: string;
}

/**
 * The window's outcome from its measurements in order, and whether its last one was taken
 * (`complete`: a late measurement stands for the slots it skipped). Checked
 * in Argo's order after each measurement: failures, then inconclusives, then errors in a row;
 * the first limit passed decides, and later measurements do not change a decided outcome.
 *
 * @example tallyWatch(['successful', 'failed'], false, { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 }).outcome // 'failed'
 */
export function tallyWatch(
  phases: MeasurementPhase[],
  complete: boolean,
  limits: Pick<WatchCriteria, 'failureLimit' | 'inconclusiveLimit' | 'consecutiveErrorLimit'>,
): WatchTally {
  const t: WatchTally = {
    outcome: 'running',
    measured: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveErrors: 0,
  };
  for (const phase of phases) {
    t.measured++;
    t[phase]++;
    t.consecutiveErrors = phase === 'error' ? t.consecutiveErrors + 1 : 0;
    if (t.failed > limits.failureLimit) {
      t.outcome = 'failed';
      t.reason = `${t.failed} failed measurement${t.failed === 1 ? '' : 's'}, more than failureLimit ${limits.failureLimit}`;
      return t;
    }
    if (t.inconclusive > limits.inconclusiveLimit) {
      t.outcome = 'inconclusive';
      t.reason = `${t.inconclusive} inconclusive measurement${t.inconclusive === 1 ? '' : 's'}, more than inconclusiveLimit ${limits.inconclusiveLimit}`;
      return t;
    }
    if (t.consecutiveErrors > limits.consecutiveErrorLimit) {
      t.outcome = 'failed';
      t.reason = `${t.consecutiveErrors} errors in a row, more than consecutiveErrorLimit ${limits.consecutiveErrorLimit}`;
      return t;
    }
  }
  if (complete) {
    t.outcome = 'passed';
    t.reason = `${t.measured} measurement${t.measured === 1 ? '' : 's'} taken within the limits`;
  }
  return t;
}
