/**
 * What a failed watch does by itself, in the transaction that records its failing measurement:
 * with `policy.rollback.auto` it records the rollback of production (the procedure then runs
 * from `gonogo watch`), with `policy.rollback.lock_on_failure` it locks production. Both are
 * decided here, in the service, so every transport and every watcher gets the same outcome.
 */
import type { Playbook } from '../core/playbook.ts';
import type { EnvironmentLock, Release, ReleaseItem } from '../core/release-model.ts';
import { describeItem } from '../core/release-rules.ts';
import type { StoreWriter } from '../store/store.ts';
import type { RollbackResult } from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import { recordRollback } from './service-deployments.ts';
import { lockByWatch } from './service-locks.ts';

/**
 * Acts on a watch that just failed, as the playbook's rollback policy says; `why` is the
 * failure in words with the value (`error_rate = 0.5 (failed) …`).
 *
 * @example await actOnFailedWatch(ctx, tx, release, playbook, item, 'error_rate = 0.31', at)
 */
export async function actOnFailedWatch(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  playbook: Playbook,
  item: ReleaseItem,
  why: string,
  at: string,
): Promise<{ rollback?: RollbackResult; lock?: EnvironmentLock }> {
  const policy = playbook.policy.rollback;
  const environment = playbook.environments.at(-1);
  if (!policy || !environment) return {};
  const watch = { item: item.number, id: item.id };
  const reason = `watch ${describeItem(item)} failed: ${why}`;
  const out: { rollback?: RollbackResult; lock?: EnvironmentLock } = {};
  if (policy.auto) {
    const deployment = (await tx.listDeployments({ releaseId: release.id, environment }))
      .filter((d) => d.status === 'succeeded')
      .at(-1);
    // Rolled back already (a person was quicker): the rollback stands as it was recorded.
    if (deployment)
      out.rollback = await recordRollback(
        ctx,
        tx,
        release,
        playbook,
        deployment,
        reason,
        at,
        watch,
      );
  }
  if (policy.lock_on_failure) {
    const lock = await lockByWatch(ctx, tx, release, environment, watch, why, at);
    if (lock) out.lock = lock;
  }
  return out;
}
