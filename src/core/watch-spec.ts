/**
 * A watch item compiled for evaluation: what it measures, its criteria (its own conditions, the
 * playbook's rollback lines on its metric or-ed into the failure condition), and its schedule:
 * measurement `k` is due at the production deployment + the item's `due:` + `initialDelay` +
 * k × `interval`, for `count` measurements (default: `for` ÷ `interval`). Pure.
 */
import { parseDuration } from './duration.ts';
import type { CheckSpec, Playbook, WatchSpec } from './playbook.ts';
import type { WatchCriteria } from './watch-analysis.ts';
import type { Condition } from './watch-condition.ts';
import { compileRollbackLine, parseCondition } from './watch-condition.ts';

export type WatchTarget =
  | { kind: 'metric'; metric: string; query: string }
  | { kind: 'http'; check: CheckSpec }
  /** Nothing a machine measures: a person watches and ticks it. */
  | { kind: 'person' };

export interface CompiledWatch {
  target: WatchTarget;
  criteria: WatchCriteria;
  /** The criteria as people read them: `failure: result > 5% (policy: error_rate > 5%)`. */
  criteriaText: string[];
  /** From the production deployment to the first measurement. */
  startOffsetMs: number;
  intervalMs: number;
  count: number;
}

/** Without an interval a watch measures once a minute (a window of `for` needs a pace). */
const defaultIntervalMs = 60_000;

function parsed(text: string | undefined): Condition | undefined {
  if (text === undefined) return undefined;
  const c = parseCondition(text);
  return typeof c === 'string' ? undefined : c;
}

/**
 * Compiles a watch item's spec against its playbook.
 *
 * @example compileWatch({ metric: 'error_rate', for: '5s', interval: '1s' }, playbook).count // 5
 */
export function compileWatch(
  spec: WatchSpec,
  playbook: Pick<Playbook, 'metrics' | 'policy'>,
  due?: string,
): CompiledWatch {
  const query = spec.metric ? playbook.metrics?.[spec.metric]?.query : undefined;
  const target: WatchTarget =
    spec.metric && query
      ? { kind: 'metric', metric: spec.metric, query }
      : spec.check?.name === 'http'
        ? { kind: 'http', check: spec.check }
        : { kind: 'person' };
  const criteriaText: string[] = [];
  let failure = parsed(spec.failureCondition);
  if (spec.failureCondition && failure) criteriaText.push(`failure: ${spec.failureCondition}`);
  const success = parsed(spec.successCondition);
  if (spec.successCondition && success) criteriaText.push(`success: ${spec.successCondition}`);
  if (spec.metric)
    for (const line of playbook.policy.rollback?.when ?? []) {
      const c = compileRollbackLine(line);
      if (!c || c.metric !== spec.metric) continue;
      failure = failure ? { op: '||', left: failure, right: c.parsed } : c.parsed;
      criteriaText.push(`failure: ${c.condition} (policy: ${line})`);
    }
  const intervalMs = parseDuration(spec.interval ?? spec.every ?? '') ?? defaultIntervalMs;
  const forMs = spec.for ? (parseDuration(spec.for) ?? 0) : 0;
  const count = spec.count ?? Math.max(1, intervalMs > 0 ? Math.floor(forMs / intervalMs) : 1);
  const criteria: WatchCriteria = {
    failureLimit: spec.failureLimit ?? 0,
    inconclusiveLimit: spec.inconclusiveLimit ?? 0,
    consecutiveErrorLimit: spec.consecutiveErrorLimit ?? 4,
    ...(success ? { successCondition: success } : {}),
    ...(failure ? { failureCondition: failure } : {}),
  };
  const dueMs = due ? (parseDuration(due.replace(/^\+/, '')) ?? 0) : 0;
  const delayMs = spec.initialDelay ? (parseDuration(spec.initialDelay) ?? 0) : 0;
  return { target, criteria, criteriaText, startOffsetMs: dueMs + delayMs, intervalMs, count };
}

/** When measurement `slot` is due, in epoch milliseconds. */
export function slotDueAt(w: CompiledWatch, deployedAtMs: number, slot: number): number {
  return deployedAtMs + w.startOffsetMs + slot * w.intervalMs;
}

/** What a watch should do now: measure a slot, wait until a time, or nothing (all taken). */
export type WatchStep =
  | {
      kind: 'measure';
      slot: number;
      dueAt: number;
      /** Slots whose time passed without a measurement: this one stands for them too. */
      skipped: number;
    }
  | { kind: 'wait'; until: number }
  | { kind: 'complete' };

/**
 * The next step of a watch whose newest measurement was slot `lastSlot` (-1 for none): the
 * newest slot due by `nowMs`. Slots that came due while nothing ran are not measured one by
 * one: one measurement now stands for them and says it was late.
 *
 * @example nextWatchStep(w, deployedAt, -1, deployedAt) // { kind: 'measure', slot: 0, dueAt: deployedAt, skipped: 0 }
 */
export function nextWatchStep(
  w: CompiledWatch,
  deployedAtMs: number,
  lastSlot: number,
  nowMs: number,
): WatchStep {
  if (lastSlot >= w.count - 1) return { kind: 'complete' };
  const first = lastSlot + 1;
  const firstDue = slotDueAt(w, deployedAtMs, first);
  if (nowMs < firstDue) return { kind: 'wait', until: firstDue };
  let slot = first;
  if (w.intervalMs > 0)
    slot = Math.min(w.count - 1, first + Math.floor((nowMs - firstDue) / w.intervalMs));
  return { kind: 'measure', slot, dueAt: slotDueAt(w, deployedAtMs, slot), skipped: slot - first };
}
