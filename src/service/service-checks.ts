/**
 * Use cases around automated checks: which check items to run, and recording their results.
 * The checks themselves run where the repository is (the CLI); the service only judges and
 * records what they found.
 */
import { InputError, NotFoundError } from '../core/errors.ts';
import { openReleaseStates } from '../core/release-model.ts';
import type { Evidence, ReleaseItem } from '../core/release-model.ts';
import { combine } from '../core/item-action-plan.ts';
import { isGroupMatch, matchItemRefs } from '../core/item-refs.ts';
import { describeItem } from '../core/release-rules.ts';
import type {
  CheckPlan,
  PlanChecksInput,
  RecordCheckResultsInput,
  RecordCheckResultsResult,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
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

/** The most results one call may record. */
export const maxCheckResults = 1000;

/**
 * The check items to run: those the refs name (numbers, ranges and ids must each be a check;
 * a section or phase gives its checks), or those of one phase, or all. Items marked n/a or
 * waived are run only when named one by one. Every problem with the refs is listed at once.
 */
export async function planChecks(ctx: ServiceContext, input: PlanChecksInput): Promise<CheckPlan> {
  const v = await viewRelease(ctx.store, await findRelease(ctx, ctx.store, input, 'write'));
  assertOpen(v.release);
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
    return { view: v, items: [...named.values()] };
  }
  let pool = checks;
  if (input.phase) {
    const phases = [...new Set(v.items.map((i) => i.phase))];
    assertKnown(
      input.phase,
      phases,
      `no phase "${input.phase}" in release ${v.release.version}`,
      'its phases',
      'phase',
    );
    pool = checks.filter((i) => i.phase === input.phase);
  }
  return { view: v, items: pool.filter(runnable) };
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
