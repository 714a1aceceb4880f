import { setTimeout as sleep } from 'node:timers/promises';
import type { WatchView } from '../../core/watch-state.ts';
import type { WatchPlan } from '../../service/service-contract.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine } from '../cli-output.ts';
import { takeDueMeasurement } from '../../jobs/watch-take.ts';
import { measureSettingOf } from '../cli-watch.ts';
import type { RollbackStepResult } from '../cli-watch-rollback.ts';
import { describeActs, runRollbackSteps } from '../cli-watch-rollback.ts';

/** Sleeps at most this long between looks, so a decision made elsewhere is seen soon. */
const maxSleepMs = 60_000;

function valueText(v: number | undefined): string {
  return v === undefined ? 'no value' : String(Math.round(v * 1e6) / 1e6);
}

export default defineCommand({
  usage: 'gonogo watch [--once] [--json]',
  summary:
    "Runs the release's watch windows in the foreground: takes each measurement that is due (a Prometheus query of a metric, or an http check), records it with its value and evidence, and when a window is decided sets its item: passed → done, failed → failed with a rollback recommendation; inconclusive leaves it for a person. With policy.rollback.auto a failed watch records the rollback of production itself (from its version to the one production runs again) and gonogo watch then runs the rollback procedure's run items in order, as gonogo run does, stopping at the first that fails or asks first (confirm: true); with policy.rollback.lock_on_failure it locks production until gonogo unlock. Measurements that came due while nothing ran are taken once and say they were late. --once takes what is due now and exits; without it, it sleeps until the next due time and stops when every window is decided. Exit 1 when a window failed.",
  options: { once: { type: 'boolean' } },
  positionals: [0, 0],
  async run(ctx, v) {
    const svc = await ctx.service({ mustExist: true });
    const ref = ctx.release ? { version: ctx.release } : {};
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const recorded: unknown[] = [];
    const acted: unknown[] = [];
    const steps: RollbackStepResult[] = [];
    let plan: WatchPlan;
    try {
      for (;;) {
        plan = await svc.planWatches(ref);
        // A failed watch recorded the rollback (policy.rollback.auto): its run items come first,
        // also when an earlier `gonogo watch` stopped before it ran them.
        if (plan.rollbackRuns?.length) {
          steps.push(...(await runRollbackSteps(ctx, svc, plan, controller)));
          break;
        }
        if (!plan.deployedAt) {
          if (plan.release.state === 'rolled-back') {
            ctx.output.err(
              `release ${plan.release.version} was rolled back: ${plan.release.stateReason ?? ''}; its watch windows ended`,
            );
            break;
          }
          ctx.output.err(
            `release ${plan.release.version} is not deployed to ${plan.environment ?? 'production'}: its watch windows start with that deployment`,
          );
          return 1;
        }
        const setting = measureSettingOf(ctx);
        for (const due of plan.due) {
          if (controller.signal.aborted) break;
          const r = await takeDueMeasurement(svc, plan, due, setting, controller.signal).catch(
            (e: unknown) => {
              // Decided or taken meanwhile (another watcher, a person): say so and go on.
              ctx.output.err(`#${due.item}: ${e instanceof Error ? e.message : String(e)}`);
              return undefined;
            },
          );
          if (!r) continue;
          recorded.push(r.measurement);
          if (r.rollback || r.lock)
            acted.push({
              item: due.item,
              ...(r.rollback ? { rollback: r.rollback } : {}),
              ...(r.lock ? { lock: r.lock } : {}),
            });
          if (!ctx.json) {
            const late = r.measurement.skipped
              ? ` late: due ${r.measurement.dueAt}, stands for ${r.measurement.skipped} missed`
              : '';
            ctx.output.out(
              `#${due.item} ${oneLine(due.title)}: ${r.watch.measures} = ${valueText(r.measurement.value)} (${r.measurement.phase}${r.measurement.message ? `: ${oneLine(r.measurement.message)}` : ''}) ${r.watch.taken}/${r.watch.count}${late}`,
            );
            if (r.measurement.outcome !== 'running')
              ctx.output.out(
                `  watch ${r.measurement.outcome}: ${r.measurement.reason ?? ''}${r.measurement.outcome === 'failed' && !r.rollback ? ' — rollback recommended (gonogo rollback ' + (plan.environment ?? 'production') + ' --reason TEXT)' : r.measurement.outcome === 'inconclusive' ? ' — a person decides (gonogo item done|fail ' + due.item + ')' : ''}`,
              );
            for (const line of describeActs(r)) ctx.output.out(line);
          }
          // Production was rolled back: nothing else here is measured; the procedure runs next.
          if (r.rollback) break;
        }
        if (acted.some((a) => (a as { rollback?: unknown }).rollback)) {
          const after = await svc.planWatches(ref);
          if (after.rollbackRuns?.length)
            steps.push(...(await runRollbackSteps(ctx, svc, after, controller)));
          break;
        }
        if (v.once || controller.signal.aborted) break;
        const after = await svc.planWatches(ref);
        plan = after;
        if (after.due.length) continue;
        if (!after.nextDueAt) break;
        const wait = Math.min(maxSleepMs, Math.max(0, Date.parse(after.nextDueAt) - Date.now()));
        if (!ctx.json)
          ctx.output.err(
            `next measurement due at ${after.nextDueAt} (in ${Math.ceil(wait / 1000)}s)`,
          );
        await sleep(wait, undefined, { signal: controller.signal }).catch(() => undefined);
        if (controller.signal.aborted) break;
      }
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    const final = await svc.planWatches(ref);
    const failed = final.watches.filter((w: WatchView) => w.outcome === 'failed');
    if (ctx.json)
      ctx.output.out(
        JSON.stringify({
          measurements: recorded,
          watches: final.watches,
          ...(acted.length ? { acted } : {}),
          ...(steps.length ? { rollbackSteps: steps } : {}),
        }),
      );
    else
      for (const w of final.watches)
        ctx.output.out(
          `  ${w.outcome.padEnd(12)} #${w.item} ${oneLine(w.title)} (${w.taken}/${w.count}${w.nextDueAt ? `, next ${w.nextDueAt}` : ''})`,
        );
    return failed.length || steps.some((x) => x.result !== 'done') ? 1 : 0;
  },
});
