/**
 * Use cases of run items (`gonogo run REF`): may the actor run this item now, and recording what
 * the run did. The command itself runs where the repository is (the CLI); the service only says
 * whether it may and keeps the result, the same way on every transport.
 */
import { ForbiddenError, InputError } from '../core/errors.ts';
import { resolveItemRef } from '../core/item-refs.ts';
import type { Playbook } from '../core/playbook.ts';
import type { Evidence, ReleaseItem } from '../core/release-model.ts';
import { describeItem, holdsRole } from '../core/release-rules.ts';
import type {
  PlanRunInput,
  RecordRunResultInput,
  RecordRunResultResult,
  RunPlan,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  assertOpen,
  findRelease,
  loadPlaybookOf,
  lockRelease,
  maybeFinish,
  recordEvent,
  setItemState,
  syncParentItems,
} from './service-context.ts';

/**
 * The roles of `by:` the actor holds; throws {@link ForbiddenError} when the item names roles
 * and the actor holds none of them.
 *
 * @example requireRunRoles(playbook, item, 'rm@example.com') // ['release-manager']
 */
export function requireRunRoles(playbook: Playbook, item: ReleaseItem, actor: string): string[] {
  const by = item.spec.by ?? [];
  if (by.length === 0) return [];
  const held = by.filter((r) => holdsRole(playbook, actor, r));
  if (held.length === 0)
    throw new ForbiddenError(
      `${describeItem(item)} may be run only by a holder of ${by.join(' or ')}, and ${actor} holds none of them`,
    );
  return held;
}

function assertRunItem(item: ReleaseItem): void {
  if (item.kind !== 'run' || item.spec.run === undefined)
    throw new InputError(
      `${describeItem(item)} is a ${item.kind} item, not a run item: there is nothing to run`,
      { field: 'ref' },
    );
}

/** The run item `ref` names, when the actor may run it in a release in progress. */
export async function planRun(ctx: ServiceContext, input: PlanRunInput): Promise<RunPlan> {
  const release = await findRelease(ctx, ctx.store, input, 'write');
  assertOpen(release);
  const [playbook, items] = await Promise.all([
    loadPlaybookOf(ctx.store, release),
    ctx.store.listItems(release.id),
  ]);
  const item = resolveItemRef(items, input.ref);
  assertRunItem(item);
  const roles = requireRunRoles(playbook, item, ctx.actor());
  return { release, item, roles };
}

/**
 * Records a run's result on its item: `done` or `failed`, with the evidence and when it was
 * recorded. A person's action on the item while it ran stands: the result is then logged beside
 * it as a `run.result` event and not applied.
 */
export async function recordRunResult(
  ctx: ServiceContext,
  input: RecordRunResultInput,
): Promise<RecordRunResultResult> {
  if (input.result !== 'done' && input.result !== 'failed')
    throw new InputError('a run result is "done" or "failed"', { field: 'result' });
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertOpen(release);
    const playbook = await loadPlaybookOf(tx, release);
    const item = (await tx.listItems(release.id)).find((i) => i.number === input.item);
    if (!item) throw new InputError(`no item #${input.item} in release ${release.version}`);
    assertRunItem(item);
    requireRunRoles(playbook, item, ctx.actor());
    const at = ctx.iso();
    const evidence: Evidence = {
      ...input.evidence,
      result: input.result,
      summary: input.summary,
      durationMs: Math.round(input.durationMs),
      ranAt: at,
      ...(release.commit ? { releaseCommit: release.commit } : {}),
    };
    if (input.itemVersion !== undefined && item.rowVersion !== input.itemVersion) {
      await recordEvent(
        ctx,
        tx,
        release.id,
        'run.result',
        {
          item: item.number,
          id: item.id,
          result: input.result,
          summary: input.summary,
          applied: false,
          reason: `changed by ${item.updatedBy ?? 'someone'} at ${item.updatedAt} while it ran; their ${item.state} stands`,
        },
        at,
      );
      return { item, applied: false };
    }
    await setItemState(ctx, tx, release, item, input.result, at, {
      evidence,
      note: input.summary,
      action: 'run',
    });
    await syncParentItems(ctx, tx, release, at);
    await maybeFinish(ctx, tx, release, playbook, at);
    const after = (await tx.listItems(release.id)).find((i) => i.number === item.number)!;
    return { item: after, applied: true };
  });
}
