/**
 * The watch windows of a release as its log says they stand: for each watch item, what it
 * measures, its criteria, its measurements so far (`watch.measured` events), its outcome, and
 * when its next measurement is due; and the baselines captured (`baseline.captured`). Pure:
 * the events and the time come in.
 */
import type { EventPayloads } from './event-payloads.ts';
import type { Playbook } from './playbook.ts';
import { acceptedStates } from './release-model.ts';
import type { ReleaseEvent, ReleaseItem } from './release-model.ts';
import type { MeasurementPhase, WatchOutcome } from './watch-analysis.ts';
import { tallyWatch } from './watch-analysis.ts';
import type { CompiledWatch } from './watch-spec.ts';
import { compileWatch, nextWatchStep, slotDueAt } from './watch-spec.ts';

type Measured = EventPayloads['watch.measured'];

/** One watch window as status shows it. */
export interface WatchView {
  item: number;
  id: string;
  title: string;
  /** `metric error_rate`, `http https://…/health`, or `a person` (nothing a machine measures). */
  measures: string;
  metric?: string;
  criteria: string[];
  /** `waiting` until production runs the release. */
  outcome: WatchOutcome | 'waiting';
  /** Why it was decided. */
  reason?: string;
  /** The item's state (a person may have decided it). */
  state: ReleaseItem['state'];
  count: number;
  /** Slots taken (late measurements count the slots they stood for). */
  taken: number;
  startsAt?: string;
  endsAt?: string;
  /** When the next measurement is due (absent once decided or complete). */
  nextDueAt?: string;
  latest?: {
    at: string;
    slot: number;
    phase: MeasurementPhase;
    value?: number;
    message?: string;
    late: boolean;
  };
}

/** A watch item with its compiled spec and its measurements, for the service to act on. */
export interface WatchRecord {
  item: ReleaseItem;
  compiled: CompiledWatch;
  measurements: (Measured & { at: string })[];
  view: WatchView;
}

/**
 * The newest baseline captured for each metric (a capture that failed for a metric leaves the
 * earlier value standing).
 *
 * @example latestBaselines(events).get('error_rate') // 0.004
 */
export function latestBaselines(events: readonly ReleaseEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'baseline.captured') continue;
    for (const v of (e.payload as EventPayloads['baseline.captured']).values)
      if (v.value !== undefined) out.set(v.metric, v.value);
  }
  return out;
}

function describeTarget(w: CompiledWatch): string {
  if (w.target.kind === 'metric') return `metric ${w.target.metric}`;
  if (w.target.kind === 'http') {
    const url = (w.target.check.params as { url?: unknown }).url;
    return `http ${typeof url === 'string' ? url : 'check'}`;
  }
  return 'a person';
}

/**
 * The release's watch windows (rollback items aside) at `nowMs`, production deployed at
 * `deployedAt` (undefined: not yet).
 *
 * @example readWatches(items, playbook, events, deployedAt, Date.now())[0]?.view.outcome // 'running'
 */
export function readWatches(
  items: readonly ReleaseItem[],
  playbook: Pick<Playbook, 'metrics' | 'policy'>,
  events: readonly ReleaseEvent[],
  deployedAt: string | undefined,
  nowMs: number,
): WatchRecord[] {
  const byItem = new Map<number, (Measured & { at: string })[]>();
  for (const e of events) {
    if (e.type !== 'watch.measured') continue;
    const p = e.payload as Measured;
    const list = byItem.get(p.item) ?? [];
    list.push({ ...p, at: e.at });
    byItem.set(p.item, list);
  }
  const out: WatchRecord[] = [];
  for (const item of items) {
    if (item.rollback || item.kind !== 'watch' || !item.spec.watch) continue;
    const compiled = compileWatch(item.spec.watch, playbook, item.spec.due);
    const measurements = byItem.get(item.number) ?? [];
    const last = measurements.at(-1);
    const lastSlot = last?.slot ?? -1;
    const tally = tallyWatch(
      measurements.map((m) => m.phase),
      lastSlot >= compiled.count - 1,
      compiled.criteria,
    );
    const view: WatchView = {
      item: item.number,
      id: item.id,
      title: item.title,
      measures: describeTarget(compiled),
      ...(compiled.target.kind === 'metric' ? { metric: compiled.target.metric } : {}),
      criteria: compiled.criteriaText,
      outcome: deployedAt ? tally.outcome : 'waiting',
      state: item.state,
      count: compiled.count,
      taken: lastSlot + 1,
    };
    if (tally.reason && tally.outcome !== 'running') view.reason = tally.reason;
    if (last)
      view.latest = {
        at: last.at,
        slot: last.slot,
        phase: last.phase,
        ...(last.value !== undefined ? { value: last.value } : {}),
        ...(last.message !== undefined ? { message: last.message } : {}),
        late: last.skipped > 0,
      };
    if (deployedAt) {
      const start = Date.parse(deployedAt);
      view.startsAt = new Date(slotDueAt(compiled, start, 0)).toISOString();
      view.endsAt = new Date(slotDueAt(compiled, start, compiled.count - 1)).toISOString();
      const open = !acceptedStates.includes(item.state) && item.state !== 'failed';
      if (tally.outcome === 'running' && open && compiled.target.kind !== 'person') {
        const step = nextWatchStep(compiled, start, lastSlot, nowMs);
        if (step.kind === 'wait') view.nextDueAt = new Date(step.until).toISOString();
        if (step.kind === 'measure') view.nextDueAt = new Date(step.dueAt).toISOString();
      }
    }
    out.push({ item, compiled, measurements, view });
  }
  return out;
}
