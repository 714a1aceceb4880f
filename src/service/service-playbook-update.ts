/**
 * Re-snapshot: a release in progress takes an edited playbook, as one event with the
 * difference. Unchanged items keep their number and state; changed ones are rewritten (and go
 * back to pending when the change voids their state); added ones get numbers never used in the
 * release; removed ones leave it, their last state kept in the event. Sign-offs of the gates and
 * sign items that changed count no more; a standing no-go still stands.
 */
import { InputError } from '../core/errors.ts';
import { canonicalJson, sha256 } from '../core/hash.ts';
import { diffPlaybook } from '../core/playbook-diff.ts';
import type { Playbook } from '../core/playbook.ts';
import { openReleaseStates } from '../core/release-model.ts';
import type { Release, ReleaseItem, Signoff } from '../core/release-model.ts';
import { standingNoGos } from '../core/release-rules.ts';
import { listSignTargets } from '../core/signoff-target.ts';
import type { StoreReader, StoreWriter } from '../store/store.ts';
import type { ResnapshotInput, ResnapshotResult } from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  assertKnown,
  assertOpen,
  findRelease,
  loadPlaybookOf,
  lockRelease,
  maybeFinish,
  recordEvent,
  syncParentItems,
} from './service-context.ts';

/**
 * The number the next item added to a release gets: past every item it has and every item a
 * re-snapshot removed from it (people remember numbers; one is never given to another item).
 *
 * @example await nextItemNumber(tx, release.id) // 31
 */
export async function nextItemNumber(
  r: StoreReader,
  releaseId: string,
  items?: ReleaseItem[],
): Promise<number> {
  let highest = 0;
  for (const i of items ?? (await r.listItems(releaseId))) highest = Math.max(highest, i.number);
  for (const e of await r.listEvents(releaseId)) {
    if (e.type !== 'release.resnapshot') continue;
    const removed = (e.payload as { removed?: { item?: unknown }[] } | null)?.removed ?? [];
    for (const x of removed) if (typeof x.item === 'number') highest = Math.max(highest, x.item);
  }
  return highest + 1;
}

/**
 * Re-snapshots the playbook of a release in progress (`active`, `deployed` or `rolled-back`):
 * with `dryRun`, only says what it would change. The same playbook as the release's changes
 * nothing and records nothing.
 *
 * @example
 * const r = await resnapshot(ctx, { playbook: edited });
 * r.diff.added; // [{ item: 31, id: 'smoke-test', … }]
 */
export async function resnapshot(
  ctx: ServiceContext,
  input: ResnapshotInput,
): Promise<ResnapshotResult> {
  if (input.dryRun) {
    const release = await findRelease(ctx, ctx.store, input, 'write');
    assertOpen(release);
    const { rows: _rows, ...result } = await plan(
      ctx,
      ctx.store,
      release,
      input.playbook,
      ctx.iso(),
    );
    return result;
  }
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input, openReleaseStates);
    assertOpen(release);
    // One time for the rows and their event: the replay sets the rows' time from the event's.
    const at = ctx.iso();
    const planned = await plan(ctx, tx, release, input.playbook, at);
    if (planned.same) {
      const { rows: _rows, ...result } = planned;
      return result;
    }
    return apply(ctx, tx, release, input.playbook, planned, at);
  });
}

interface Planned extends ResnapshotResult {
  rows?: ReturnType<typeof diffPlaybook>['rows'];
}

async function plan(
  ctx: ServiceContext,
  r: StoreReader,
  release: Release,
  playbook: Playbook,
  at: string,
): Promise<Planned> {
  // The service hashes the snapshot itself, as it does when a release starts.
  const hash = sha256(canonicalJson(playbook));
  const base = { release, from: release.playbookHash, to: hash };
  if (hash === release.playbookHash) {
    return {
      ...base,
      same: true,
      recorded: false,
      diff: {
        added: [],
        removed: [],
        changed: [],
        gates: [],
        unchanged: (await r.listItems(release.id)).length,
        stale: [],
        settings: [],
      },
      retitled: [],
      staleSignoffs: [],
      strandedNoGos: [],
    };
  }
  if (release.type !== undefined) {
    assertKnown(
      release.type,
      playbook.types,
      `release ${release.version} is of type "${release.type}", which the new playbook does not declare`,
      "the new playbook's types",
      'playbook',
    );
  }
  const [from, items, signoffs] = await Promise.all([
    loadPlaybookOf(r, release),
    r.listItems(release.id),
    r.listSignoffs(release.id),
  ]);
  const planned = diffPlaybook({
    items,
    from,
    to: playbook,
    ...(release.type !== undefined ? { type: release.type } : {}),
    releaseId: release.id,
    at,
    actor: ctx.actor(),
    nextNumber: await nextItemNumber(r, release.id, items),
  });
  if (!planned.items.some((i) => !i.rollback)) {
    throw new InputError(
      `the new playbook has no items for release ${release.version}${release.type ? ` (type "${release.type}")` : ''}`,
      { field: 'playbook', hint: { action: 'playbook.edit' } },
    );
  }
  const stale = new Set(planned.diff.stale.map((t) => `${t.kind}:${t.id}`));
  const staleSignoffs = signoffs.filter(
    (s) => s.target && s.staleSince === undefined && stale.has(`${s.target.kind}:${s.target.id}`),
  );
  return {
    ...base,
    same: false,
    recorded: false,
    diff: planned.diff,
    retitled: planned.retitled,
    staleSignoffs,
    strandedNoGos: findStrandedNoGos(playbook, planned.items, signoffs, release),
    rows: planned.rows,
  };
}

/**
 * Standing no-gos that the new playbook leaves no way to lift: no gate or sign item names their
 * role any more (or the role is gone), so nobody can say go for it. They still block.
 */
function findStrandedNoGos(
  playbook: Playbook,
  items: ReleaseItem[],
  signoffs: Signoff[],
  release: Release,
): ResnapshotResult['strandedNoGos'] {
  const targets = listSignTargets(playbook, items, release.type);
  const named = new Set(targets.flatMap((t) => t.roles));
  return standingNoGos(signoffs, release.commit)
    .filter((s) => !named.has(s.role) || !Object.hasOwn(playbook.roles, s.role))
    .map((s) => ({ role: s.role, actor: s.actor, ...(s.comment ? { comment: s.comment } : {}) }));
}

async function apply(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  playbook: Playbook,
  planned: Planned,
  at: string,
): Promise<ResnapshotResult> {
  const { rows, diff } = planned;
  await tx.putPlaybook(planned.to, playbook);
  await tx.deleteItems(release.id, rows!.remove);
  for (const item of rows!.update) {
    await tx.updateItemSnapshot(
      release.id,
      item.number,
      {
        title: item.title,
        kind: item.kind,
        optional: item.optional,
        phase: item.phase,
        section: item.section,
        parent: item.parent,
        rollback: item.rollback,
        spec: item.spec,
        state: item.state,
        note: item.note,
        evidence: item.evidence,
        updatedAt: item.updatedAt,
        updatedBy: item.updatedBy,
      },
      item.rowVersion,
    );
  }
  await tx.insertItems(rows!.insert);
  await tx.updateRelease(
    release.id,
    { playbookHash: planned.to, updatedAt: at },
    release.rowVersion,
  );
  const event = await recordEvent(
    ctx,
    tx,
    release.id,
    'release.resnapshot',
    { from: { hash: planned.from }, playbook: { name: playbook.name, hash: planned.to }, ...diff },
    at,
  );
  const staleSignoffs = await tx.markSignoffsStale(release.id, diff.stale, event.seq);
  const updated = (await tx.getRelease(release.id))!;
  // Parents follow their sub-items as they are now (one added, one removed), each move an event
  // of its own after this one; dropping the last open follow-up of a release in production
  // finishes it, as ticking it would.
  await syncParentItems(ctx, tx, updated, at);
  await maybeFinish(ctx, tx, updated, playbook, at);
  const { rows: _rows, ...result } = planned;
  return {
    ...result,
    release: (await tx.getRelease(release.id))!,
    recorded: true,
    seq: event.seq,
    staleSignoffs,
  };
}
