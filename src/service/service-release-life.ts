/**
 * Use cases at the edges of a release's life: abandon it with a reason, and replace it by a
 * later release (`release start --supersedes`), carrying over the sign-offs that still hold.
 */
import { TransitionError } from '../core/errors.ts';
import { watchLife, watchWindowStart } from './service-watches.ts';
import type { Release, Signoff } from '../core/release-model.ts';
import { guardedItems } from '../core/gate.ts';
import { findDeploymentPoint } from '../core/gate-deployment.ts';
import { currentDeployment, listFollowUps, openRollbackItems } from '../core/release-life.ts';
import { listSignTargets } from '../core/signoff-target.ts';
import { newRowId } from '../store/row-id.ts';
import type { StoreWriter } from '../store/store.ts';
import type { AbandonInput, ReleaseLife, ReleaseView } from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  assertOpen,
  assertText,
  findRelease,
  loadPlaybookOf,
  lockRelease,
  recordEvent,
  setReleaseState,
  syncSignItems,
} from './service-context.ts';

/**
 * Abandons a release in progress (or one rolled back) with a reason: it takes no more changes.
 * A release that production runs is not abandoned: it is rolled back, or finished.
 *
 * @example await abandonRelease(ctx, { version: '2.0.0', reason: 'replaced by the 2.1 train' });
 */
export async function abandonRelease(ctx: ServiceContext, input: AbandonInput): Promise<Release> {
  assertText(input.reason, 'reason', {
    required: 'abandoning a release needs a reason',
    hint: { action: 'release.abandon', needs: ['reason'] },
  });
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    if (release.state === 'deployed') {
      throw new TransitionError(
        `release ${release.version} runs in production; roll it back first, or finish its follow-up items`,
        { hint: { action: 'rollback', refs: ['production'], needs: ['reason'] } },
      );
    }
    return setReleaseState(ctx, tx, release, 'abandoned', ctx.iso(), { reason: input.reason });
  });
}

/**
 * Inside `startRelease`'s transaction: marks `old` superseded by `next` and carries over to
 * `next` the sign-offs `old` holds at the same commit, for targets `next` still has with the
 * same role. Item states are never carried: the new release is checked afresh. Returns how many
 * sign-offs were carried.
 */
export async function supersedeRelease(
  ctx: ServiceContext,
  tx: StoreWriter,
  oldRef: string,
  next: Release,
  at: string,
): Promise<number> {
  const found = await findRelease(ctx, tx, { version: oldRef }, 'read');
  await tx.lockRelease(found.id);
  const old = (await tx.getRelease(found.id)) ?? found;
  if (old.id === next.id) {
    throw new TransitionError(`release ${next.version} cannot supersede itself`, {
      field: 'supersedes',
    });
  }
  if (old.state !== 'active' && old.state !== 'deployed' && old.state !== 'rolled-back') {
    assertOpen(old);
  }
  await setReleaseState(ctx, tx, old, 'superseded', at, {
    reason: `superseded by ${next.version}`,
    supersededBy: next.version,
  });
  if (!old.commit || old.commit !== next.commit) return 0;
  const playbook = await loadPlaybookOf(tx, next);
  const items = await tx.listItems(next.id);
  const targets = listSignTargets(playbook, items, next.type);
  const holds = (s: Signoff) =>
    s.commit === next.commit &&
    s.target !== undefined &&
    targets.some(
      (t) => t.kind === s.target!.kind && t.id === s.target!.id && t.roles.includes(s.role),
    );
  // The whole history at that commit, no-gos included: a no-go standing in the old release
  // stands in the new one until the same role says go.
  const carried = (await tx.listSignoffs(old.id)).filter(holds);
  for (const s of carried) {
    const row: Signoff = {
      id: newRowId(),
      releaseId: next.id,
      role: s.role,
      verdict: s.verdict,
      target: s.target!,
      commit: s.commit!,
      actor: s.actor,
      at: s.at,
      carriedFrom: old.version,
    };
    if (s.comment !== undefined) row.comment = s.comment;
    await tx.insertSignoff(row);
    await recordEvent(
      ctx,
      tx,
      next.id,
      'signoff.recorded',
      {
        role: s.role,
        verdict: s.verdict,
        target: s.target!,
        commit: s.commit!,
        comment: s.comment ?? null,
        carried: { from: old.version, actor: s.actor, at: s.at },
      },
      at,
    );
  }
  if (carried.length) await syncSignItems(ctx, tx, next, at);
  return carried.length;
}

/**
 * A release's life past its gates, read from the record: when production got it, the
 * follow-ups that remain (with due times from `now`), and its newest rollback with what runs in
 * that environment now.
 *
 * @example (await readReleaseLife(ctx, view)).followUps[0]?.dueAt
 */
export async function readReleaseLife(
  ctx: ServiceContext,
  view: ReleaseView,
): Promise<ReleaseLife> {
  const { release, playbook, items, deployments, incidents } = view;
  const production = currentDeployment(deployments, playbook.environments.at(-1));
  const life: ReleaseLife = { followUps: [], rollbackOpen: [] };
  if (production) {
    life.deployedAt = production.startedAt;
    if (release.state === 'deployed' || release.state === 'finished') {
      const point = findDeploymentPoint(playbook, items, production.environment, release.type);
      const before = point
        ? guardedItems(playbook, items, {
            ...point.at,
            roles: [],
            beforeNumber: point.beforeNumber,
          })
        : [];
      life.followUps = listFollowUps(
        items,
        production.startedAt,
        ctx.iso(),
        new Set(before.map((i) => i.number)),
      );
    }
  }
  const incident = incidents.at(-1);
  const deployment = incident && deployments.find((d) => d.id === incident.deploymentId);
  if (incident && deployment) {
    const here = await ctx.store.listDeployments({
      project: ctx.project,
      environment: deployment.environment,
    });
    const runsNow = here.filter((d) => d.status === 'succeeded').at(-1);
    life.rollback = { incident, deployment, ...(runsNow ? { runsNow } : {}) };
    if (!incident.resolvedAt) life.rollbackOpen = openRollbackItems(items);
  }
  if (items.some((i) => i.kind === 'watch' && !i.rollback))
    Object.assign(
      life,
      watchLife(
        playbook,
        items,
        await ctx.store.listEvents(release.id),
        watchWindowStart(playbook, deployments),
        ctx.now().getTime(),
      ),
    );
  return life;
}
