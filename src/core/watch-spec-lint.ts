/**
 * What `playbook lint` says about watch windows and rollback criteria: a watch measures one
 * thing (a metric with a query, or an `http` check), says for how long, and its conditions
 * parse; a rollback line on a metric can be evaluated only when that metric has a query.
 */
import { parseDuration } from './duration.ts';
import { suggestName } from './names.ts';
import type { RawPlaybook } from './playbook-schema.ts';
import { compileRollbackLine, parseCondition } from './watch-condition.ts';

interface WatchProblem {
  path: (string | number)[];
  message: string;
  fix?: string;
  atKey?: boolean;
  /**
   * Allowed but not ready: a metric without a query is a blank the user fills (the importer
   * leaves it so), refused only when a watch measures it.
   */
  warning?: boolean;
}

type RawWatch = NonNullable<NonNullable<RawPlaybook['phases'][number]['items']>[number]['watch']>;

/** The metrics a watch can measure: declared under `metrics:` with a query. */
function metricQuery(raw: RawPlaybook, id: string): string | undefined {
  const m = raw.metrics?.[id];
  return m && typeof m === 'object' ? m.query : undefined;
}

/**
 * The problems of one watch, at paths inside it.
 *
 * @example checkWatch({ metric: 'error_rate' }, raw)[0]?.message // 'a watch needs for: (how long it watches) or count: (how many measurements)'
 */
export function checkWatch(w: RawWatch, raw: RawPlaybook): WatchProblem[] {
  const out: WatchProblem[] = [];
  if (w.for === undefined && w.count === undefined)
    out.push({
      path: [],
      message: 'a watch needs for: (how long it watches) or count: (how many measurements)',
      fix: 'add for: 15m and interval: 1m, for example',
    });
  if (w.every !== undefined && w.interval !== undefined)
    out.push({
      path: ['every'],
      atKey: true,
      message: 'every: and interval: say the same thing',
      fix: 'keep interval:',
    });
  const interval = parseDuration(w.interval ?? w.every ?? '1m') ?? 0;
  if (interval < 1000)
    out.push({ path: [w.interval ? 'interval' : 'every'], message: 'the interval is under 1s' });
  if (w.metric !== undefined && w.check !== undefined)
    out.push({
      path: ['check'],
      atKey: true,
      message: 'a watch measures one thing: a metric or a check, not both',
      fix: 'split it into two watch items',
    });
  if (w.check !== undefined) {
    const name = typeof w.check === 'string' ? w.check : Object.keys(w.check)[0];
    if (name !== 'http')
      out.push({
        path: ['check'],
        message: `a watch measures with an http check or a metric, not "${name}"`,
        fix: 'use check: { http: { url: ... } } or metric: ID',
      });
  }
  if (w.metric !== undefined) {
    const declared = Object.keys(raw.metrics ?? {});
    if (!declared.includes(w.metric)) {
      const near = suggestName(w.metric, declared);
      out.push({
        path: ['metric'],
        message: `metric "${w.metric}" is not declared under metrics:`,
        fix: near
          ? `did you mean "${near}"?`
          : `declare it: metrics: { ${w.metric}: { title: ..., query: "PromQL" } }`,
      });
    } else if (metricQuery(raw, w.metric) === undefined) {
      out.push({
        path: ['metric'],
        message: `metric "${w.metric}" has no query yet, so nothing measures this watch until it has one (a person ticks it meanwhile)`,
        fix: `give it one: metrics: { ${w.metric}: { title: ..., query: "PromQL" } }`,
        warning: true,
      });
    }
  }
  for (const key of ['successCondition', 'failureCondition'] as const) {
    const text = w[key];
    if (text === undefined) continue;
    const parsed = parseCondition(text);
    if (typeof parsed === 'string')
      out.push({
        path: [key],
        message: `${key}: ${parsed}`,
        fix: 'write comparisons of result with numbers or baseline, e.g. "result < 5%" or "result <= 2x baseline"',
      });
    else if (w.metric === undefined && w.check === undefined)
      out.push({
        path: [key],
        atKey: true,
        message: `${key} judges a measurement, and this watch measures nothing`,
        fix: 'add metric: ID or check: { http: { url: ... } }',
      });
  }
  return out;
}

/**
 * The problems of `policy.rollback.when`: a line naming a metric (`error_rate > 5%`) that has no
 * query. A metric `metrics:` does not declare is a problem only in a playbook whose watches
 * measure metrics; elsewhere such lines are criteria for people to read.
 *
 * @example checkRollbackCriteria(raw) // [{ path: ['policy', 'rollback', 'when', 0], message: 'metric "error_rate" ...' }]
 */
export function checkRollbackCriteria(raw: RawPlaybook): WatchProblem[] {
  const out: WatchProblem[] = [];
  const metricWatches = rawWatches(raw).some((w) => w.metric !== undefined);
  raw.policy?.rollback?.when?.forEach((line, i) => {
    const c = compileRollbackLine(line);
    if (!c) return;
    const declared = raw.metrics?.[c.metric] !== undefined;
    if (declared && metricQuery(raw, c.metric) === undefined)
      out.push({
        path: ['policy', 'rollback', 'when', i],
        message: `"${line}" names metric "${c.metric}", which has no query yet, so nothing can evaluate it`,
        fix: `give it one: metrics: { ${c.metric}: { title: ..., query: "PromQL" } }`,
        warning: true,
      });
    else if (!declared && metricWatches)
      out.push({
        path: ['policy', 'rollback', 'when', i],
        message: `"${line}" names metric "${c.metric}", which metrics: does not declare, so nothing can evaluate it`,
        fix: `declare it: metrics: { ${c.metric}: { title: ..., query: "PromQL" } }`,
      });
  });
  return out;
}

/**
 * The problems of what a failed watch does by itself (`policy.rollback.auto`,
 * `policy.rollback.lock_on_failure`): both need a watch that a machine measures, and `auto`
 * runs the rollback procedure's run items, so it says so when there are none. Warnings: the
 * policy is sound, it just does nothing yet.
 *
 * @example checkRollbackPolicy(raw)[0]?.message // 'auto: true acts when a watch fails, and no watch ...'
 */
export function checkRollbackPolicy(raw: RawPlaybook): WatchProblem[] {
  const policy = raw.policy?.rollback;
  if (!policy) return [];
  const out: WatchProblem[] = [];
  const measured = rawWatches(raw).some((w) => w.metric !== undefined || w.check !== undefined);
  for (const key of ['auto', 'lock_on_failure'] as const) {
    if (policy[key] !== true || measured) continue;
    out.push({
      path: ['policy', 'rollback', key],
      atKey: true,
      message: `${key}: true acts when a watch fails, and no watch here measures anything (a metric or an http check)`,
      fix: 'add a watch item: watch: { metric: error_rate, for: 15m, interval: 1m }',
      warning: true,
    });
  }
  if (policy.auto === true && !rollbackItems(raw.rollback).some((it) => it.run !== undefined))
    out.push({
      path: ['policy', 'rollback', 'auto'],
      atKey: true,
      message:
        "auto: true runs the rollback procedure's run items, and rollback: has none: the rollback is recorded, and people do the rest",
      fix: 'add one: rollback: [{ title: Previous version deployed, run: ./deploy.sh rollback }]',
      warning: true,
    });
  return out;
}

type RawItems = RawPlaybook['phases'][number]['items'];

function rollbackItems(rollback: RawPlaybook['rollback']): NonNullable<RawItems> {
  const out: NonNullable<RawItems> = [];
  const walk = (items: RawItems) => {
    for (const it of items ?? []) {
      out.push(it);
      walk(it.items);
    }
  };
  if (Array.isArray(rollback)) walk(rollback);
  else if (rollback) {
    walk(rollback.items);
    for (const s of rollback.sections ?? []) walk(s.items);
  }
  return out;
}

function rawWatches(raw: RawPlaybook): RawWatch[] {
  const out: RawWatch[] = [];
  const walk = (items: RawPlaybook['phases'][number]['items']) => {
    for (const it of items ?? []) {
      if (it.watch) out.push(it.watch);
      walk(it.items);
    }
  };
  for (const p of raw.phases) {
    walk(p.items);
    for (const s of p.sections ?? []) walk(s.items);
  }
  return out;
}
