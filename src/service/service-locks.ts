/**
 * Use cases of environment locks: lock an environment (every deployment to it is refused, a
 * forced one too, until it is unlocked), unlock it, and the check `deploy` makes.
 *
 * A lock holds for the project, so it is a row of its own (`environment_locks`, one per locked
 * environment), and each lock and unlock is an event on the log of the project's newest release
 * at that time, with who, when and why. `audit verify` folds those events over every release of
 * the project and compares the result with the table (`foldLockEvents`).
 */
import { GateClosedError, TransitionError } from '../core/errors.ts';
import type { EnvironmentLock, Release, ReleaseEvent } from '../core/release-model.ts';
import type { StoreWriter } from '../store/store.ts';
import type { LockInput, UnlockInput, UnlockResult } from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import { assertEnvironment, assertText, loadPlaybookOf, recordEvent } from './service-context.ts';

/** The newest release of the project, locked for writing: the log a lock event goes on. */
async function lockNewestRelease(ctx: ServiceContext, tx: StoreWriter): Promise<Release> {
  const [newest] = await tx.listReleases(ctx.project, { limit: 1 });
  if (!newest)
    throw new TransitionError(
      `project ${ctx.project} has no release yet, so nothing can be deployed and there is nothing to lock`,
      { hint: { action: 'release.start' } },
    );
  await tx.lockRelease(newest.id);
  const release = (await tx.getRelease(newest.id))!;
  return release;
}

/**
 * Locks an environment with a reason. Refused when it is locked already (the standing lock is
 * named) or the newest release's playbook does not name the environment.
 *
 * @example await lockEnvironment(ctx, { environment: 'production', reason: 'incident 42' })
 */
export async function lockEnvironment(
  ctx: ServiceContext,
  input: LockInput,
): Promise<EnvironmentLock> {
  assertText(input.reason, 'reason', { required: 'locking an environment needs a reason' });
  return ctx.store.transaction(async (tx) => {
    const release = await lockNewestRelease(ctx, tx);
    assertEnvironment(await loadPlaybookOf(tx, release), input.environment);
    const standing = (await tx.listEnvironmentLocks(ctx.project)).find(
      (l) => l.environment === input.environment,
    );
    if (standing)
      throw new TransitionError(
        `${input.environment} is locked already: ${describeLock(standing)}`,
      );
    const lock: EnvironmentLock = {
      project: ctx.project,
      environment: input.environment,
      reason: input.reason,
      actor: ctx.actor(),
      at: ctx.iso(),
      version: release.version,
    };
    await tx.insertEnvironmentLock(lock);
    await recordEvent(
      ctx,
      tx,
      release.id,
      'environment.locked',
      { environment: lock.environment, reason: lock.reason },
      lock.at,
    );
    return lock;
  });
}

/**
 * Lifts an environment's lock, with an optional reason. Refused when it is not locked.
 *
 * @example await unlockEnvironment(ctx, { environment: 'production', reason: 'fixed' })
 */
export async function unlockEnvironment(
  ctx: ServiceContext,
  input: UnlockInput,
): Promise<UnlockResult> {
  assertText(input.reason, 'reason');
  return ctx.store.transaction(async (tx) => {
    const release = await lockNewestRelease(ctx, tx);
    const lock = (await tx.listEnvironmentLocks(ctx.project)).find(
      (l) => l.environment === input.environment,
    );
    if (!lock) throw new TransitionError(`${input.environment} is not locked`);
    await tx.deleteEnvironmentLock(ctx.project, input.environment);
    const at = ctx.iso();
    const reason = input.reason?.trim() ? input.reason : undefined;
    await recordEvent(
      ctx,
      tx,
      release.id,
      'environment.unlocked',
      {
        environment: input.environment,
        ...(reason ? { reason } : {}),
        lockedBy: lock.actor,
        lockedAt: lock.at,
      },
      at,
    );
    return {
      environment: input.environment,
      actor: ctx.actor(),
      at,
      ...(reason ? { reason } : {}),
      lock,
    };
  });
}

/**
 * Who holds a lock a failed watch took: the watch, by its item id (whoever ran `gonogo watch`
 * is the event's actor).
 *
 * @example watchLocker({ item: 7, id: 'post-release/errors-low' }) // 'watch post-release/errors-low'
 */
export function watchLocker(watch: { item: number; id: string }): string {
  return `watch ${watch.id}`;
}

/**
 * Locks an environment because a watch failed (`policy.rollback.lock_on_failure`), in the
 * caller's transaction, on the watch's release: the lock's holder is the watch and its reason
 * the failed value. Nothing when the environment is locked already (that lock stands).
 *
 * @example await lockByWatch(ctx, tx, release, 'production', { item: 7, id: 'w' }, 'error_rate = 0.5', at)
 */
export async function lockByWatch(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  environment: string,
  watch: { item: number; id: string },
  reason: string,
  at: string,
): Promise<EnvironmentLock | undefined> {
  const standing = (await tx.listEnvironmentLocks(ctx.project)).some(
    (l) => l.environment === environment,
  );
  if (standing) return undefined;
  const lock: EnvironmentLock = {
    project: ctx.project,
    environment,
    reason,
    actor: watchLocker(watch),
    at,
    version: release.version,
  };
  await tx.insertEnvironmentLock(lock);
  await recordEvent(ctx, tx, release.id, 'environment.locked', { environment, reason, watch }, at);
  return lock;
}

/**
 * Refuses a deployment to a locked environment with {@link GateClosedError} (exit 1, like a
 * closed gate), the lock as its one blocker. Inside the deployment's transaction.
 *
 * @example await assertUnlocked(ctx, tx, 'production')
 */
export async function assertUnlocked(
  ctx: ServiceContext,
  tx: StoreWriter,
  environment: string,
): Promise<void> {
  const lock = (await tx.listEnvironmentLocks(ctx.project)).find(
    (l) => l.environment === environment,
  );
  if (!lock) return;
  const message = `${environment} is locked: ${describeLock(lock)}; nothing is deployed there until it is unlocked`;
  throw new GateClosedError(message, [{ kind: 'environment-locked', message }]);
}

/**
 * A lock in words: who, when, why.
 *
 * @example describeLock(lock) // 'locked by ann@example.com at 2026-05-01T10:00:00.000Z: "incident 42"'
 */
export function describeLock(lock: EnvironmentLock): string {
  return `locked by ${lock.actor} at ${lock.at}: ${JSON.stringify(lock.reason)}`;
}

/**
 * The locks the events of a project's logs leave standing: each `environment.locked` adds one,
 * each `environment.unlocked` removes it, in the order they happened (time, then seq). The
 * events of every release of the project, as `audit verify` reads them.
 *
 * @example foldLockEvents([{ release, events }]).get('production')?.actor // 'ann@example.com'
 */
export function foldLockEvents(
  logs: { release: Release; events: ReleaseEvent[] }[],
): Map<string, EnvironmentLock & { seq: number }> {
  const all = logs
    .flatMap(({ release, events }) =>
      events
        .filter((e) => e.type === 'environment.locked' || e.type === 'environment.unlocked')
        .map((e) => ({ release, e })),
    )
    .sort((a, b) => (a.e.at === b.e.at ? a.e.seq - b.e.seq : a.e.at < b.e.at ? -1 : 1));
  const locks = new Map<string, EnvironmentLock & { seq: number }>();
  for (const { release, e } of all) {
    const p = e.payload as {
      environment?: string;
      reason?: string;
      watch?: { item: number; id: string };
    };
    if (!p.environment) continue;
    if (e.type === 'environment.unlocked') locks.delete(p.environment);
    else
      locks.set(p.environment, {
        project: release.project,
        environment: p.environment,
        reason: p.reason ?? '',
        actor: p.watch ? watchLocker(p.watch) : e.actor,
        at: e.at,
        version: release.version,
        seq: e.seq,
      });
  }
  return locks;
}
