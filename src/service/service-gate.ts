/**
 * What the use cases that judge a gate share: the record a gate is evaluated from, and who may
 * act as a role the playbook's policy names (to override the window, to force a deployment).
 */
import { ForbiddenError } from '../core/errors.ts';
import { findInvolved } from '../core/four-eyes.ts';
import { listPoints, selectGate } from '../core/gate.ts';
import type { GateRecord, GateTarget } from '../core/gate.ts';
import type { Playbook } from '../core/playbook.ts';
import type { Decision, Release, ReleaseItem } from '../core/release-model.ts';
import { holdsRole } from '../core/release-rules.ts';
import type { StoreReader } from '../store/store.ts';

/**
 * What a gate is evaluated from, read in one store view (a transaction or committed data).
 *
 * @example evaluateGate({ ...(await readGateRecord(tx, release, playbook, ctx.now())), gate })
 */
export async function readGateRecord(
  r: StoreReader,
  release: Release,
  playbook: Playbook,
  now: Date,
): Promise<GateRecord & { items: ReleaseItem[] }> {
  const fourEyes = listPoints(playbook).points.some((p) => p.fourEyes);
  const [items, signoffs, overrides, events] = await Promise.all([
    r.listItems(release.id),
    r.listSignoffs(release.id),
    r.listOverrides(release.id),
    // Only a gate with four eyes needs to know who worked on the release.
    fourEyes ? r.listEvents(release.id) : [],
  ]);
  return {
    playbook,
    items,
    signoffs,
    overrides,
    now,
    ...(fourEyes ? { involved: findInvolved(release.createdBy, events) } : {}),
    ...(release.commit !== undefined ? { commit: release.commit } : {}),
  };
}

/**
 * The gate `status` shows (the first without a recorded GO at the commit, or NO-GO now; or the
 * one named), with the record it was chosen from.
 *
 * @example const { gate, record } = await readNextGate(ctx.store, view, ctx.now());
 */
export async function readNextGate(
  r: StoreReader,
  view: { release: Release; playbook: Playbook; decisions: Decision[] },
  now: Date,
  gateId?: string,
): Promise<{ gate: GateTarget; record: GateRecord & { items: ReleaseItem[] } }> {
  const record = await readGateRecord(r, view.release, view.playbook, now);
  const gate = selectGate({
    playbook: view.playbook,
    items: record.items,
    decisions: view.decisions,
    commit: view.release.commit,
    record,
    ...(gateId !== undefined ? { gateId } : {}),
    ...(view.release.type !== undefined ? { type: view.release.type } : {}),
  });
  return { gate, record };
}

/**
 * The role `actor` may act as for a policy key (`policy.window.override`, `policy.force`):
 * the first role the key names that the actor holds. Throws {@link ForbiddenError} when the
 * key names none (nobody may; the message says which key to add) or the actor holds none.
 *
 * @example requirePolicyRole(playbook, 'rm@example.com', 'policy.force', 'force a deployment') // 'release-manager'
 */
export function requirePolicyRole(
  playbook: Playbook,
  actor: string,
  key: 'policy.window.override' | 'policy.force',
  what: string,
): string {
  const roles =
    (key === 'policy.force' ? playbook.policy.force : playbook.policy.window?.override) ?? [];
  if (roles.length === 0) {
    throw new ForbiddenError(
      `the playbook names no role that may ${what}, so nobody may; name one with ${key}: [ROLE]`,
      { hint: { action: 'playbook.edit' } },
    );
  }
  const held = roles.find((r) => holdsRole(playbook, actor, r));
  if (!held) {
    throw new ForbiddenError(
      `${actor} holds no role that may ${what} (${key}: ${roles.join(', ')})`,
    );
  }
  return held;
}
