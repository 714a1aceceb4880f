import { createInterface } from 'node:readline/promises';
import { UsageError } from '../../core/errors.ts';
import { formatDuration } from '../../core/duration.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine, paint } from '../cli-output.ts';
import { runAndRecordItem } from '../cli-run-item.ts';

export default defineCommand({
  usage: 'gonogo run REF [--dry-run] [--yes] [--json]',
  summary:
    "Runs a playbook run item (a deploy script, a migration) and records its result on the item: done on exit code 0, else failed, with the exit code, the duration, the command line and the first and last lines of its output (secrets masked) as evidence. The command is the one the playbook names, run without a shell from the repository (or the item's cwd: inside it), which must be at the release commit with no tracked file changed. Its output is shown as it comes; it is stopped, with everything it started, at the item's timeout (default 15m) or on Ctrl-C. An item with by: [ROLE] runs only for a holder of one of the roles; one with confirm: true asks first on a terminal (--yes answers for you, and is needed without a terminal). --dry-run says what would run, where and for how long, and runs and records nothing. Exit 0 done, 1 failed, 2 refused.",
  options: { 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' } },
  positionals: [1, 1],
  async run(ctx, v, [ref]) {
    const svc = await ctx.service({ mustExist: true });
    const version = ctx.release ? { version: ctx.release } : {};
    const { release, item } = await svc.planRun({ ref: ref!, ...version });
    const { planRunStep, assertRunCheckout } = await import('../../checks/run-step.ts');
    const plan = planRunStep(ctx.root, item.spec, process.env);
    const o = ctx.output;
    const label = `#${item.number} ${JSON.stringify(oneLine(item.title))}`;
    const where = `${plan.cwdShown} at ${release.commit ? `commit ${release.commit.slice(0, 12)}` : 'the working tree as it is (the release has no commit)'}`;
    if (v['dry-run']) {
      if (ctx.json)
        o.out(
          JSON.stringify({
            release: release.version,
            item: item.number,
            command: plan.shownArgv,
            cwd: plan.cwdShown,
            commit: release.commit ?? null,
            timeoutMs: plan.timeoutMs,
            confirm: item.spec.confirm ?? false,
            by: item.spec.by ?? [],
            dryRun: true,
          }),
        );
      else {
        o.out(`would run ${label} of release ${release.version}:`);
        o.out(`  command: ${plan.display}`);
        o.out(`  in:      ${where}`);
        o.out(`  timeout: ${formatDuration(plan.timeoutMs)}`);
        if (item.spec.by) o.out(`  by:      ${item.spec.by.join(' or ')}`);
        if (item.spec.confirm) o.out('  asks first (confirm: true)');
        o.out('nothing was run and nothing recorded (--dry-run)');
      }
      return 0;
    }
    const controller = new AbortController();
    await assertRunCheckout(ctx.root, release.commit, controller.signal);
    if (item.spec.confirm && !v.yes) {
      if (!process.stdin.isTTY || !process.stderr.isTTY)
        throw new UsageError(
          `${label} asks before it runs (confirm: true), and there is no terminal to ask on: give --yes to run it`,
        );
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await rl.question(`Run ${plan.display} (${label}) in ${where}? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        o.err('not run: nothing recorded');
        return 2;
      }
    }
    if (!ctx.json) o.err(paint(o, 'gray', `running ${label}: ${plan.display} (in ${where})`));
    const { done, summary, outcome, recorded } = await runAndRecordItem(
      ctx,
      svc,
      release,
      item,
      plan,
      controller,
    );
    if (ctx.json) {
      o.out(
        JSON.stringify({
          release: release.version,
          item: recorded.item,
          applied: recorded.applied,
          result: done ? 'done' : 'failed',
          summary,
          exitCode: outcome.exitCode,
          durationMs: outcome.durationMs,
        }),
      );
    } else {
      const tag = done ? paint(o, 'green', 'done') : paint(o, 'red', 'FAILED');
      o.out(`${tag} ${label}: ${summary} in ${formatDuration(outcome.durationMs)}`);
      if (!recorded.applied)
        o.out(
          `  not applied: the item was changed while it ran (${recorded.item.state} stands); the result is in its history`,
        );
    }
    return done ? 0 : 1;
  },
});
