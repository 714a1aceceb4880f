/**
 * Use cases of watch windows (`gonogo watch`, `gonogo baseline capture`): which measurements are
 * due, recording one (judged here by the criteria of the release's playbook snapshot, never by
 * the client), and baselines. Measuring itself happens where the network to the system is (the
 * CLI); the service decides what a value means, the same way on every transport.
 */
import { ConflictError, InputError, TransitionError } from '../core/errors.ts';
import type { Playbook } from '../core/playbook.ts';
import { currentDeployment } from '../core/release-life.ts';
import type { Deployment, Evidence, ReleaseEvent, ReleaseItem } from '../core/release-model.ts';
import { acceptedStates } from '../core/release-model.ts';
import { describeItem } from '../core/release-rules.ts';
import { assessMeasurement, tallyWatch } from '../core/watch-analysis.ts';
import { nextWatchStep } from '../core/watch-spec.ts';
import { latestBaselines, readWatches } from '../core/watch-state.ts';
import type {
  CaptureBaselineInput,
  PlanWatchesInput,
  RecordWatchMeasurementInput,
  RecordWatchMeasurementResult,
  ReleaseLife,
  WatchDue,
  WatchPlan,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import { actOnFailedWatch } from './service-watch-failure.ts';
import {
  assertOpen,
  findRelease,
  lockRelease,
  maybeFinish,
  recordEvent,
  setItemState,
  syncParentItems,
  viewRelease,
} from './service-context.ts';

/** When production got the release: its newest succeeded deployment there. */
function deployedAtOf(playbook: Playbook, deployments: readonly Deployment[]): string | undefined {
  return currentDeployment(deployments, playbook.environments.at(-1))?.startedAt;
}

/**
 * Where the release's watch windows start: its newest production deployment that ran, rolled
 * back since or not. A window a rollback ended keeps its measurements and outcome in view; only
 * a deployment that still runs takes new measurements.
 *
 * @example watchWindowStart(playbook, view.deployments) // '2026-11-23T14:00:00.000Z'
 */
export function watchWindowStart(
  playbook: Playbook,
  deployments: readonly Deployment[],
): string | undefined {
  const production = playbook.environments.at(-1);
  return deployments
    .filter(
      (d) =>
        d.environment === production && (d.status === 'succeeded' || d.status === 'rolled-back'),
    )
    .at(-1)?.startedAt;
}

/** The release's watch windows and what is due now. */
export async function planWatches(
  ctx: ServiceContext,
  input: PlanWatchesInput = {},
): Promise<WatchPlan> {
  const release = await findRelease(ctx, ctx.store, input, 'read');
  const [v, events] = await Promise.all([
    viewRelease(ctx.store, release),
    ctx.store.listEvents(release.id),
  ]);
  const deployedAt = deployedAtOf(v.playbook, v.deployments);
  const nowMs = ctx.now().getTime();
  const records = readWatches(
    v.items,
    v.playbook,
    events,
    watchWindowStart(v.playbook, v.deployments),
    nowMs,
  );
  const due: WatchDue[] = [];
  let nextDueAt: string | undefined;
  const open = release.state === 'deployed' || release.state === 'active';
  for (const r of records) {
    const at = r.view.nextDueAt;
    if (!at || !deployedAt || !open) continue;
    const step = nextWatchStep(
      r.compiled,
      Date.parse(deployedAt),
      r.measurements.at(-1)?.slot ?? -1,
      nowMs,
    );
    if (step.kind === 'measure')
      due.push({
        item: r.item.number,
        title: r.item.title,
        target: r.compiled.target,
        slot: step.slot,
        dueAt: new Date(step.dueAt).toISOString(),
        skipped: step.skipped,
      });
    else if (!nextDueAt || at < nextDueAt) nextDueAt = at;
  }
  const metrics = Object.entries(v.playbook.metrics ?? {}).flatMap(([metric, m]) =>
    m.query ? [{ metric, query: m.query }] : [],
  );
  const rollbackRuns = pendingRollbackRuns(v.playbook, v.items, events);
  return {
    release,
    ...(rollbackRuns.length ? { rollbackRuns } : {}),
    ...(deployedAt ? { deployedAt } : {}),
    ...(v.playbook.environments.at(-1) ? { environment: v.playbook.environments.at(-1) } : {}),
    watches: records.map((r) => r.view),
    due,
    ...(nextDueAt ? { nextDueAt } : {}),
    ...(v.playbook.prometheus ? { prometheus: v.playbook.prometheus } : {}),
    metrics,
  };
}

/**
 * The rollback run items `gonogo watch` runs by itself: only after a watch recorded the
 * rollback under `policy.rollback.auto`; in item order, the open ones up to the first that is
 * neither open nor accepted (a failed run stops the procedure: a person takes over).
 */
function pendingRollbackRuns(
  playbook: Playbook,
  items: readonly ReleaseItem[],
  events: readonly ReleaseEvent[],
): { item: number; title: string }[] {
  if (!playbook.policy.rollback?.auto) return [];
  const byWatch = events.some(
    (e) => e.type === 'rollback.recorded' && (e.payload as { watch?: unknown }).watch,
  );
  if (!byWatch) return [];
  const out: { item: number; title: string }[] = [];
  const runs = items.filter((i) => i.rollback && i.kind === 'run');
  for (const i of [...runs].sort((a, b) => a.number - b.number)) {
    if (acceptedStates.includes(i.state)) continue;
    if (i.state !== 'pending') break;
    out.push({ item: i.number, title: i.title });
  }
  return out;
}

function formatValue(value: number | undefined): string {
  return value === undefined ? 'no value' : String(Math.round(value * 1e6) / 1e6);
}

/**
 * Records one measurement of a watch due now, and applies the window's outcome to the item when
 * this measurement decides it.
 */
export async function recordWatchMeasurement(
  ctx: ServiceContext,
  input: RecordWatchMeasurementInput,
): Promise<RecordWatchMeasurementResult> {
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertOpen(release);
    const [v, events] = await Promise.all([viewRelease(tx, release), tx.listEvents(release.id)]);
    const deployedAt = deployedAtOf(v.playbook, v.deployments);
    if (!deployedAt)
      throw new TransitionError(
        `release ${release.version} is not deployed to ${v.playbook.environments.at(-1)}: its watch windows start with that deployment`,
        { hint: { action: 'deploy', refs: [v.playbook.environments.at(-1) ?? 'production'] } },
      );
    const nowMs = ctx.now().getTime();
    const record = readWatches(v.items, v.playbook, events, deployedAt, nowMs).find(
      (r) => r.item.number === input.item,
    );
    if (!record) throw new InputError(`no watch item #${input.item} in release ${release.version}`);
    const { item, compiled } = record;
    if (acceptedStates.includes(item.state) || item.state === 'failed')
      throw new ConflictError(`${describeItem(item)} is ${item.state} already`);
    if (record.view.outcome !== 'running')
      throw new ConflictError(`${describeItem(item)} was decided: ${record.view.outcome}`);
    const step = nextWatchStep(
      compiled,
      Date.parse(deployedAt),
      record.measurements.at(-1)?.slot ?? -1,
      nowMs,
    );
    if (step.kind !== 'measure')
      throw new InputError(
        step.kind === 'wait'
          ? `${describeItem(item)} has no measurement due before ${new Date(step.until).toISOString()}`
          : `${describeItem(item)} has taken every measurement`,
      );
    const baseline =
      compiled.target.kind === 'metric'
        ? latestBaselines(events).get(compiled.target.metric)
        : undefined;
    const assessed = assessMeasurement(input.value, compiled.criteria, baseline);
    const tally = tallyWatch(
      [...record.measurements.map((m) => m.phase), assessed.phase],
      step.slot >= compiled.count - 1,
      compiled.criteria,
    );
    const at = ctx.iso();
    const value = input.value.kind === 'value' ? input.value.value : undefined;
    const message =
      assessed.message ??
      (input.value.kind === 'error' || input.value.kind === 'failed'
        ? input.value.message
        : undefined);
    const measurement = {
      item: item.number,
      id: item.id,
      slot: step.slot,
      dueAt: new Date(step.dueAt).toISOString(),
      skipped: step.skipped,
      phase: assessed.phase,
      ...(value !== undefined && Number.isFinite(value) ? { value } : {}),
      ...(message !== undefined ? { message } : {}),
      ...(baseline !== undefined ? { baseline } : {}),
      ...(input.evidence ? { evidence: input.evidence } : {}),
      outcome: tally.outcome,
      ...(tally.reason ? { reason: tally.reason } : {}),
    };
    await recordEvent(ctx, tx, release.id, 'watch.measured', measurement, at);
    let acted: Pick<RecordWatchMeasurementResult, 'rollback' | 'lock'> = {};
    if (tally.outcome === 'passed' || tally.outcome === 'failed') {
      const evidence: Evidence = {
        ...input.evidence,
        watch: {
          outcome: tally.outcome,
          reason: tally.reason,
          measured: tally.measured,
          failed: tally.failed,
          inconclusive: tally.inconclusive,
          errors: tally.error,
          value,
          ...(baseline !== undefined ? { baseline } : {}),
          criteria: compiled.criteriaText,
        },
      };
      await setItemState(
        ctx,
        tx,
        release,
        item,
        tally.outcome === 'passed' ? 'done' : 'failed',
        at,
        {
          evidence,
          note: `watch ${tally.outcome}: ${tally.reason}; latest ${formatValue(value)}`,
          action: 'watch',
        },
      );
      await syncParentItems(ctx, tx, release, at);
      if (tally.outcome === 'failed') {
        const why = `${record.view.measures} = ${formatValue(value)} (${tally.reason ?? 'failed'})`;
        acted = await actOnFailedWatch(ctx, tx, release, v.playbook, item, why, at);
      }
      await maybeFinish(ctx, tx, release, v.playbook, at);
    }
    const after: ReleaseItem =
      (await tx.listItems(release.id)).find((i) => i.number === item.number) ?? item;
    const events2 = await tx.listEvents(release.id);
    const view = readWatches([after], v.playbook, events2, deployedAt, nowMs)[0]!.view;
    return { measurement, watch: view, item: after, ...acted };
  });
}

/** Records the metrics' values now as the release's baseline. */
export async function captureBaseline(
  ctx: ServiceContext,
  input: CaptureBaselineInput,
): Promise<CaptureBaselineInput['values']> {
  if (!input.values.length) throw new InputError('a baseline needs at least one metric value');
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertOpen(release);
    const values = input.values.map((v) => ({
      metric: v.metric,
      ...(v.value !== undefined && Number.isFinite(v.value) ? { value: v.value } : {}),
      ...(v.error !== undefined ? { error: v.error.slice(0, 500) } : {}),
    }));
    await recordEvent(
      ctx,
      tx,
      release.id,
      'baseline.captured',
      { ...(input.environment ? { environment: input.environment } : {}), values },
      ctx.iso(),
    );
    return values;
  });
}

/**
 * What the watches add to a release's life: each window, the rollback a failed one recommends
 * and the inconclusive ones a person decides.
 */
export function watchLife(
  playbook: Playbook,
  items: readonly ReleaseItem[],
  events: readonly ReleaseEvent[],
  deployedAt: string | undefined,
  nowMs: number,
): Pick<ReleaseLife, 'watches' | 'rollbackRecommended' | 'undecided'> {
  const records = readWatches(items, playbook, events, deployedAt, nowMs);
  if (!records.length) return {};
  const out: Pick<ReleaseLife, 'watches' | 'rollbackRecommended' | 'undecided'> = {
    watches: records.map((r) => r.view),
  };
  for (const r of records) {
    const w = r.view;
    const latest = w.latest
      ? `${w.measures} = ${formatValue(w.latest.value)} (${w.latest.phase}${w.latest.message ? `: ${w.latest.message}` : ''}) at ${w.latest.at}`
      : w.measures;
    if (w.outcome === 'failed')
      (out.rollbackRecommended ??= []).push({
        item: w.item,
        title: w.title,
        evidence: `${w.reason ?? 'failed'}; ${latest}`,
      });
    if (w.outcome === 'inconclusive' && !acceptedStates.includes(w.state) && w.state !== 'failed')
      (out.undecided ??= []).push({
        item: w.item,
        title: w.title,
        reason: `${w.reason ?? 'inconclusive'}; ${latest}`,
      });
  }
  return out;
}
