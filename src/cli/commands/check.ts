import { relative, resolve } from 'node:path';
import type { CheckResult } from '../../checks/check-types.ts';
import { UsageError } from '../../core/errors.ts';
import { formatDuration, parseDuration } from '../../core/duration.ts';
import type { CheckOutcome, ReleaseItem } from '../../core/release-model.ts';
import { environmentsNamed } from '../../core/check-params.ts';
import type { CheckResultInput, CheckScope } from '../../service/service-contract.ts';
import { defineCommand } from '../cli-command.ts';
import { clockFromEnv } from '../cli-context.ts';
import { oneLine, paint } from '../cli-output.ts';
import type { Output } from '../cli-output.ts';
import { createProgress } from '../cli-progress.ts';

export default defineCommand({
  usage:
    'gonogo check [REF...] [--phase P | --all] [--env ENV] [--concurrency N] [--junit FILE] [--json]',
  summary:
    "Runs the release's automated checks in parallel (those in front of the next gate that does not say GO, not the ones after it such as post-deployment checks; or --all, or the items named, or one phase), records each result with its evidence, and exits 1 when a required check failed or could not run. REF is a number (12), a range (9-14) or an id, each of a check, or a section or phase (code-quality, pre-release/code-quality): its checks. A check with a URL per environment uses --env ENV, else the environment the release deploys to next.",
  options: {
    phase: { type: 'string' },
    all: { type: 'boolean' },
    env: { type: 'string' },
    concurrency: { type: 'string' },
    junit: { type: 'string' },
  },
  positionals: [0, 200],
  async run(ctx, v, refs) {
    const concurrency = v.concurrency === undefined ? undefined : Number(v.concurrency);
    if (
      concurrency !== undefined &&
      (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    ) {
      throw new UsageError('--concurrency is a whole number from 1 to 64');
    }
    const chosen = [refs.length ? 'REF' : '', v.phase ? '--phase' : '', v.all ? '--all' : ''];
    if (chosen.filter(Boolean).length > 1)
      throw new UsageError(
        `${chosen.filter(Boolean).join(' and ')} choose the checks each: give one of them`,
      );
    const svc = await ctx.service({ mustExist: true });
    const { view, items, scope, environment } = await svc.planChecks({
      ...(refs.length ? { refs } : {}),
      ...(v.phase ? { phase: v.phase } : {}),
      ...(v.all ? { all: true } : {}),
      ...(v.env ? { environment: v.env } : {}),
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    const o = ctx.output;
    const scopeText = describeScope(scope);
    if (items.length === 0) {
      if (ctx.json)
        o.out(JSON.stringify({ release: view.release.version, scope, environment, results: [] }));
      else o.out(`no checks to run in release ${view.release.version} (${scopeText})`);
      return 0;
    }
    const [{ runChecks }, { renderJunit }] = await Promise.all([
      import('../../checks/check-runner.ts'),
      import('../../checks/check-junit.ts'),
    ]);

    // Ctrl-C (or a SIGTERM from CI, a SIGHUP from a closed terminal) stops every check: each
    // check's process group is killed and what was cancelled is recorded as such. A second
    // Ctrl-C ends gonogo at once, keeping the results recorded so far.
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    for (const signal of signals) process.once(signal, onSignal);
    const live = !ctx.json && Boolean(process.stdout.isTTY) && !process.env.CI;
    const perEnvironment = items.some(
      (i) => environmentsNamed(i.spec.check!.name, i.spec.check!.params).length,
    );
    // Said before the live list starts drawing below it.
    if (!ctx.json)
      o.out(
        `running ${items.length} check${items.length === 1 ? '' : 's'} of release ${view.release.version}: ${scopeText}${perEnvironment && environment ? `; URLs for ${environment}` : ''}`,
      );
    const progress = ctx.json
      ? undefined
      : createProgress(
          o,
          items.map((i) => ({ key: i.number, label: `#${i.number} ${i.title}` })),
          { live },
        );
    // Each result is recorded as its check finishes, one transaction at a time in the order
    // they finish, so a gonogo killed outright (kill -9) keeps every result it had.
    const recorder = createRecorder((outcome) =>
      svc.recordCheckResults({ results: [outcome], version: view.release.version }),
    );
    const started = performance.now();
    let results: Map<string | number, CheckResult>;
    try {
      results = await runChecks(
        items.map((i) => ({
          key: i.number,
          name: i.spec.check!.name,
          params: i.spec.check!.params,
          ...timeoutOf(i),
        })),
        {
          root: ctx.root,
          version: view.release.version,
          ...(view.release.commit ? { commit: view.release.commit } : {}),
          policy: view.playbook.policy,
          ...(environment !== undefined ? { environment } : {}),
          env: process.env,
          // GONOGO_NOW fixes the clock for the window check as it does for decide.
          now: clockFromEnv() ?? (() => new Date()),
        },
        {
          ...(concurrency ? { concurrency } : {}),
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type === 'start') progress?.start(e.job.key as number);
            else if (e.result) {
              progress?.finish(e.job.key as number, e.result);
              // A result that cannot be recorded (the release was abandoned meanwhile) stops
              // the run: the other results could not be recorded either.
              const item = items.find((i) => i.number === e.job.key)!;
              recorder.add(outcomeOf(item, e.result), () => controller.abort());
            }
          },
        },
      );
    } finally {
      for (const signal of signals) process.removeListener(signal, onSignal);
      progress?.stop();
    }
    const wall = performance.now() - started;
    const outcomes: CheckResultInput[] = items.map((i) =>
      outcomeOf(
        i,
        results.get(i.number) ?? {
          status: 'error',
          summary: 'not run',
          evidence: {},
          durationMs: 0,
        },
      ),
    );
    // Every job reports its end, so this records nothing more unless the runner missed one.
    for (const outcome of outcomes) recorder.add(outcome);
    await recorder.done();

    if (v.junit) {
      ctx.writeText(
        v.junit,
        renderJunit(
          `gonogo ${view.release.version}`,
          items.map((i) => ({
            name: `#${i.number} ${i.title}`,
            classname: `${i.phase}.${i.id}`,
            result: results.get(i.number)!,
          })),
        ),
      );
    }
    const bad = outcomes.filter((r) => r.result !== 'passed');
    const blocking = bad.filter((r) => !items.find((i) => i.number === r.item)!.optional);
    if (ctx.json) {
      o.out(
        JSON.stringify({
          release: view.release.version,
          scope,
          environment,
          wallMs: Math.round(wall),
          results: outcomes,
        }),
      );
      return blocking.length ? 1 : 0;
    }
    summarize(o, items, outcomes, wall, v.junit ? shortPath(ctx.cwd, v.junit) : undefined);
    return blocking.length ? 1 : 0;
  },
});

/** Which checks ran, in words. */
function describeScope(scope: CheckScope): string {
  switch (scope.kind) {
    case 'refs':
      return 'the items named';
    case 'phase':
      return `phase ${scope.phase}`;
    case 'all':
      return 'every check (--all)';
    case 'gate':
      if (scope.gate === 'release') return 'every check: no gate waits for a GO';
      return `those in front of gate "${oneLine(scope.title)}"${scope.later ? `; ${scope.later} after it wait (--all runs them too)` : ''}`;
  }
}

function outcomeOf(item: ReleaseItem, r: CheckResult): CheckResultInput {
  return {
    item: item.number,
    result: r.status,
    summary: r.summary,
    ...(r.fix ? { fix: r.fix } : {}),
    evidence: r.evidence,
    durationMs: r.durationMs,
    // A person's action on the item while the check ran stands over the result.
    itemVersion: item.rowVersion,
  };
}

/**
 * Records outcomes one at a time, in the order added, each item once; the first failure stops
 * the recording and is thrown by `done()`.
 */
function createRecorder(write: (outcome: CheckResultInput) => Promise<unknown>) {
  const seen = new Set<number>();
  let queue: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  return {
    add(outcome: CheckResultInput, onFailure?: () => void): void {
      if (seen.has(outcome.item)) return;
      seen.add(outcome.item);
      queue = queue.then(async () => {
        if (failure) return;
        try {
          await write(outcome);
        } catch (error) {
          failure = { error };
          onFailure?.();
        }
      });
    },
    async done(): Promise<void> {
      await queue;
      if (failure) throw failure.error;
    },
  };
}

function shortPath(cwd: string, path: string): string {
  const rel = relative(cwd, resolve(cwd, path));
  return rel && !rel.startsWith('..') ? rel : resolve(cwd, path);
}

function timeoutOf(item: ReleaseItem): { timeoutMs?: number } {
  const fromItem = item.spec.timeout ? parseDuration(item.spec.timeout) : undefined;
  const params = item.spec.check?.params as { timeout?: unknown } | undefined;
  const fromParams =
    typeof params?.timeout === 'string' ? parseDuration(params.timeout) : undefined;
  const ms = fromItem ?? fromParams;
  return ms ? { timeoutMs: ms } : {};
}

function summarize(
  o: Output,
  items: ReleaseItem[],
  outcomes: CheckOutcome[],
  wallMs: number,
  junit: string | undefined,
) {
  const by = (s: CheckOutcome['result']) => outcomes.filter((r) => r.result === s);
  const [passed, failed, errored] = [by('passed'), by('failed'), by('error')];
  const title = (n: number) => items.find((i) => i.number === n)!;
  if (failed.length || errored.length) o.out('');
  for (const r of [...failed, ...errored]) {
    const item = title(r.item);
    const tag = r.result === 'failed' ? paint(o, 'red', 'FAILED') : paint(o, 'yellow', 'ERROR ');
    o.out(`${tag} #${item.number} ${item.title}${item.optional ? ' (optional)' : ''}`);
    o.out(`       ${r.summary}`);
    const findings =
      (r.evidence as { findings?: { where: string; message: string }[] }).findings ?? [];
    for (const f of findings.slice(0, 5)) o.out(`       - ${f.where}: ${f.message}`);
    if (findings.length > 5)
      o.out(`       … ${findings.length - 5} more (gonogo item show ${item.number})`);
    if (r.fix) o.out(`       fix: ${r.fix}`);
  }
  const slowest = [...outcomes].sort((a, b) => b.durationMs - a.durationMs)[0];
  o.out(
    '',
    `${paint(o, 'green', `${passed.length} passed`)}, ${failed.length ? paint(o, 'red', `${failed.length} failed`) : '0 failed'}, ${errored.length ? paint(o, 'yellow', `${errored.length} could not run`) : '0 could not run'} in ${formatDuration(wallMs)}${slowest ? ` (slowest: #${slowest.item} ${formatDuration(slowest.durationMs)})` : ''}${junit ? `; JUnit report: ${junit}` : ''}`,
  );
}
