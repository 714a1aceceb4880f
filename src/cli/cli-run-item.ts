/**
 * Running one `run` item and recording its result: what `gonogo run REF` does after it asked,
 * and what `gonogo watch` does for each run item of a rollback procedure a failed watch
 * recorded. One path, so a rollback step's evidence is the same as a hand-run step's.
 */
import type { Release, ReleaseItem } from '../core/release-model.ts';
import type { RecordRunResultResult, ReleaseService } from '../service/service-contract.ts';
import type { RunStepOutcome, RunStepPlan } from '../checks/run-step.ts';
import type { Context } from './cli-context.ts';

export interface RunItemOutcome {
  done: boolean;
  summary: string;
  outcome: RunStepOutcome;
  recorded: RecordRunResultResult;
}

/**
 * Runs the item's command (planned by `planRunStep`) with its output shown as it comes, stopped
 * on Ctrl-C, and records done (exit 0) or failed with the evidence.
 *
 * @example const r = await runAndRecordItem(ctx, svc, release, item, plan);
 */
export async function runAndRecordItem(
  ctx: Context,
  svc: ReleaseService,
  release: Release,
  item: ReleaseItem,
  plan: RunStepPlan,
  controller = new AbortController(),
): Promise<RunItemOutcome> {
  const { runStep, describeRunOutcome } = await import('../checks/run-step.ts');
  const onSignal = () => controller.abort();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.once(s, onSignal);
  let outcome: RunStepOutcome;
  try {
    outcome = await runStep(plan, {
      env: process.env,
      signal: controller.signal,
      // With --json, stdout holds the result alone: the command's output goes to stderr.
      onOutput: (stream, chunk) =>
        (ctx.json || stream === 'stderr' ? process.stderr : process.stdout).write(chunk),
    });
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
  }
  const done = outcome.end === 'exited' && outcome.exitCode === 0;
  const summary = describeRunOutcome(plan, outcome);
  const recorded = await svc.recordRunResult({
    version: release.version,
    item: item.number,
    result: done ? 'done' : 'failed',
    summary,
    durationMs: outcome.durationMs,
    itemVersion: item.rowVersion,
    evidence: {
      command: plan.shownArgv,
      cwd: plan.cwdShown,
      ...(release.commit ? { commit: release.commit } : {}),
      exitCode: outcome.exitCode,
      ...(outcome.signal ? { signal: outcome.signal } : {}),
      end: outcome.end,
      timeoutMs: plan.timeoutMs,
      output: outcome.output,
    },
  });
  return { done, summary, outcome, recorded };
}
