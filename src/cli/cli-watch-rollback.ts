/**
 * What `gonogo watch` does after a failed watch acted by itself: says the rollback and the lock
 * in words (the target unmistakable: "rolled production back from 1.1.0 to 1.0.0"), and runs
 * the rollback procedure's run items in order through the same code as `gonogo run`, stopping
 * at the first that fails or cannot run unattended.
 */
import type {
  RecordWatchMeasurementResult,
  ReleaseService,
  WatchPlan,
} from '../service/service-contract.ts';
import type { Context } from './cli-context.ts';
import { oneLine, paint } from './cli-output.ts';
import { runAndRecordItem } from './cli-run-item.ts';

export interface RollbackStepResult {
  item: number;
  title: string;
  /** done or failed as recorded; `not-run` when it could not run unattended (and why). */
  result: 'done' | 'failed' | 'not-run';
  summary: string;
}

/**
 * The lines that say what a failed watch did by itself.
 *
 * @example describeActs(r) // ['  ROLLED BACK production from 1.1.0 to 1.0.0 (incident …)', …]
 */
export function describeActs(r: Pick<RecordWatchMeasurementResult, 'rollback' | 'lock'>): string[] {
  const out: string[] = [];
  if (r.rollback) {
    const d = r.rollback.deployment;
    const to = r.rollback.runsAgain
      ? `to ${r.rollback.runsAgain.version}`
      : '(no earlier version recorded there)';
    out.push(
      `  ROLLED BACK ${d.environment} from ${d.version} ${to}: recorded by the watch (policy.rollback.auto), incident opened ${r.rollback.incident.openedAt}`,
    );
  }
  if (r.lock)
    out.push(
      `  LOCKED ${r.lock.environment} by ${oneLine(r.lock.actor)}: ${oneLine(r.lock.reason)} (gonogo unlock ${r.lock.environment} lifts it)`,
    );
  return out;
}

/**
 * Runs the plan's rollback run items in order; stops at the first failure, at one that asks
 * before it runs (`confirm: true`: a person runs it) and at one the actor may not run.
 *
 * @example const steps = await runRollbackSteps(ctx, svc, plan, new AbortController());
 */
export async function runRollbackSteps(
  ctx: Context,
  svc: ReleaseService,
  plan: WatchPlan,
  controller: AbortController,
): Promise<RollbackStepResult[]> {
  const { planRunStep, assertRunCheckout } = await import('../checks/run-step.ts');
  const o = ctx.output;
  const out: RollbackStepResult[] = [];
  const say = (line: string) => (ctx.json ? undefined : o.out(line));
  for (const step of plan.rollbackRuns ?? []) {
    if (controller.signal.aborted) break;
    const label = `rollback step #${step.item} ${JSON.stringify(oneLine(step.title))}`;
    const stop = (why: string) => {
      out.push({ ...step, result: 'not-run', summary: why });
      o.err(`${label} not run: ${why}; run it yourself: gonogo run ${step.item}`);
    };
    try {
      const { release, item } = await svc.planRun({
        ref: String(step.item),
        version: plan.release.version,
      });
      if (item.spec.confirm) {
        stop('it asks before it runs (confirm: true)');
        break;
      }
      const runPlan = planRunStep(ctx.root, item.spec, process.env);
      await assertRunCheckout(ctx.root, release.commit, controller.signal);
      if (!ctx.json) o.err(paint(o, 'gray', `running ${label}: ${runPlan.display}`));
      const r = await runAndRecordItem(ctx, svc, release, item, runPlan, controller);
      out.push({ ...step, result: r.done ? 'done' : 'failed', summary: r.summary });
      say(
        `${r.done ? paint(o, 'green', 'done') : paint(o, 'red', 'FAILED')} ${label}: ${r.summary}`,
      );
      if (!r.done || !r.recorded.applied) break;
    } catch (e) {
      stop(e instanceof Error ? e.message : String(e));
      break;
    }
  }
  return out;
}
