/**
 * Use cases around automated checks: which check items to run, and recording their results.
 * The checks themselves run where the repository is (the CLI); the service only judges and
 * records what they found.
 */
import { InputError, NotFoundError } from '../core/errors.ts';
import { guardedItems } from '../core/gate.ts';
import type { Playbook } from '../core/playbook.ts';
import { openReleaseStates } from '../core/release-model.ts';
import type { Deployment, Evidence, ReleaseItem } from '../core/release-model.ts';
import { combine } from '../core/item-action-plan.ts';
import { isGroupMatch, matchItemRefs } from '../core/item-refs.ts';
import { describeItem } from '../core/release-rules.ts';
import type {
  CheckPlan,
  CheckScope,
  PlanChecksInput,
  RecordCheckResultsInput,
  RecordCheckResultsResult,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  assertEnvironment,
  assertOpen,
  assertKnown,
  findRelease,
  loadPlaybookOf,
  lockRelease,
  maybeFinish,
  recordEvent,
  setItemState,
  syncParentItems,
  viewRelease,
} from './service-context.ts';
import { readNextGate } from './service-gate.ts';

/** The most results one call may record. */
export const maxCheckResults = 1000;

/**
 * The environment a release deploys to next: the first in promotion order without a succeeded
 * deployment of it; the last when every one has one (what runs there is what is checked).
 *
 * @example nextEnvironment(playbook, deployments) // 'staging'
 */
export function nextEnvironment(playbook: Playbook, deployments: Deployment[]): string | undefined {
  const reached = new Set(
    deployments.filter((d) => d.status === 'succeeded').map((d) => d.environment),
  );
  return playbook.environments.find((e) => !reached.has(e)) ?? playbook.environments.at(-1);
}

/**
 * The check items to run: those the refs name (numbers, ranges and ids must each be a check;
 * a section or phase gives its checks), or those of one phase, or all of them, or by default
 * those in front of the next gate that does not say GO (not the ones after it, such as the
 * checks after a deployment; every check once every gate says GO). Items marked n/a or waived
 * are run only when named one by one. Every problem with the refs is listed at once.
 */
export async function planChecks(ctx: ServiceContext, input: PlanChecksInput): Promise<CheckPlan> {
  const v = await viewRelease(ctx.store, await findRelease(ctx, ctx.store, input, 'write'));
  assertOpen(v.release);
  if (input.environment !== undefined) assertEnvironment(v.playbook, input.environment);
  const environment = input.environment ?? nextEnvironment(v.playbook, v.deployments);
  const plan = (items: ReleaseItem[], scope: CheckScope): CheckPlan => ({
    view: v,
    items,
    scope,
    ...(environment !== undefined ? { environment } : {}),
  });
  const checks = v.items.filter((i) => i.kind === 'check' && i.spec.check);
  const runnable = (i: ReleaseItem) => i.state !== 'na' && i.state !== 'waived';
  if (input.refs?.length) {
    const { matches, problems } = matchItemRefs(v.items, input.refs);
    const errors = problems.map((p) => p.error);
    const named = new Map<number, ReleaseItem>();
    for (const m of matches) {
      if (isGroupMatch(m)) {
        const inIt = m.items.filter((i) => checks.includes(i));
        if (inIt.length === 0)
          errors.push(
            new InputError(`${m.label} has no checks: there is nothing to run`, { field: 'refs' }),
          );
        for (const i of inIt.filter(runnable)) named.set(i.number, i);
        continue;
      }
      for (const i of m.items) {
        if (i.kind !== 'check') {
          errors.push(
            new InputError(
              `${describeItem(i)} is a ${i.kind} item, not a check: there is nothing to run`,
              { field: 'refs' },
            ),
          );
        } else named.set(i.number, i);
      }
    }
    if (errors.length) throw combine(errors, `nothing was run: ${errors.length} problems`);
    return plan([...named.values()], { kind: 'refs' });
  }
  if (input.phase) {
    const phases = [...new Set(v.items.map((i) => i.phase))];
    assertKnown(
      input.phase,
      phases,
      `no phase "${input.phase}" in release ${v.release.version}`,
      'its phases',
      'phase',
    );
    return plan(
      checks.filter((i) => i.phase === input.phase && runnable(i)),
      {
        kind: 'phase',
        phase: input.phase,
      },
    );
  }
  if (input.all) return plan(checks.filter(runnable), { kind: 'all' });
  // The gate `status` shows: the first without a recorded GO at the commit, or NO-GO now.
  const { gate } = await readNextGate(ctx.store, v, ctx.now());
  const covered = new Set(guardedItems(v.playbook, v.items, gate).map((i) => i.number));
  // After a rollback its procedure is the work at hand: its checks run too.
  const inFront = checks.filter((i) => i.rollback || covered.has(i.number));
  return plan(inFront.filter(runnable), {
    kind: 'gate',
    gate: gate.id,
    title: gate.title,
    later: checks.filter(runnable).length - inFront.filter(runnable).length,
  });
}

/**
 * Records check results on their items. A result whose item a person changed since the run
 * began (its row version moved on, by someone's action rather than a check) is not applied: the
 * person's state stands, and the result is logged beside it as a `check.result` event.
 */
export async function recordCheckResults(
  ctx: ServiceContext,
  input: RecordCheckResultsInput,
): Promise<RecordCheckResultsResult> {
  if (input.results.length > maxCheckResults)
    throw new InputError(`at most ${maxCheckResults} results at once`, { field: 'results' });
  return ctx.store.transaction(async (tx) => {
    // Results are recorded one by one as checks finish, and the release may finish on one of
    // them (production reached, nothing required open): the others still land on it.
    const release = await lockRelease(ctx, tx, input, [...openReleaseStates, 'finished']);
    const playbook = await loadPlaybookOf(tx, release);
    const at = ctx.iso();
    const items = new Map((await tx.listItems(release.id)).map((i) => [i.number, i]));
    const skipped: number[] = [];
    for (const r of input.results) {
      const item = items.get(r.item);
      if (!item) throw new NotFoundError(`no item #${r.item} in release ${release.version}`);
      if (item.kind !== 'check')
        throw new InputError(`${describeItem(item)} is a ${item.kind} item, not a check`, {
          field: 'results',
        });
      const evidence: Evidence = {
        ...r.evidence,
        result: r.result,
        summary: r.summary,
        ...(r.fix ? { fix: r.fix } : {}),
        durationMs: Math.round(r.durationMs),
        checkedAt: at,
        ...(release.commit ? { releaseCommit: release.commit } : {}),
      };
      const next: ReleaseItem['state'] = r.result === 'passed' ? 'passed' : 'failed';
      if (r.itemVersion !== undefined && item.rowVersion !== r.itemVersion) {
        skipped.push(item.number);
        await recordEvent(
          ctx,
          tx,
          release.id,
          'check.result',
          {
            item: item.number,
            id: item.id,
            result: r.result,
            summary: r.summary,
            applied: false,
            reason: `changed by ${item.updatedBy ?? 'someone'} at ${item.updatedAt} while the check ran; their ${item.state} stands`,
          },
          at,
        );
        continue;
      }
      await setItemState(ctx, tx, release, item, next, at, { evidence, action: 'check' });
      items.set(item.number, { ...item, state: next, rowVersion: item.rowVersion + 1 });
    }
    await syncParentItems(ctx, tx, release, at);
    await maybeFinish(ctx, tx, release, playbook, at);
    const after = await tx.listItems(release.id);
    return {
      items: after.filter((i) => input.results.some((r) => r.item === i.number)),
      skipped,
    };
  });
}
