/**
 * Use cases of the gate: a role's sign-off, the evaluation of a gate now (status), and a
 * recorded decision.
 */
import { ForbiddenError, InputError } from '../core/errors.ts';
import { evaluateGate, selectGate } from '../core/gate.ts';
import { acceptedStates } from '../core/release-model.ts';
import type { Decision, ReleaseItem, SignoffView } from '../core/release-model.ts';
import { holdsRole } from '../core/release-rules.ts';
import type { Playbook } from '../core/playbook.ts';
import type {
  DecideInput,
  DecideResult,
  PhaseProgress,
  SignInput,
  StatusInput,
  StatusView,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  assertActive,
  assertKnown,
  assertText,
  findRelease,
  loadPlaybookOf,
  lockRelease,
  maybeFinish,
  recordEvent,
  syncSignItems,
  viewRelease,
} from './service-context.ts';

/** A role holder's go or no-go, pinned to the release's commit. */
export async function sign(ctx: ServiceContext, input: SignInput): Promise<SignoffView> {
  if (input.verdict !== 'go' && input.verdict !== 'no-go')
    throw new InputError(`the verdict is "go" or "no-go", not "${String(input.verdict)}"`, {
      field: 'verdict',
    });
  assertText(input.comment, 'comment');
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertActive(release);
    const playbook = await loadPlaybookOf(tx, release);
    const roles = Object.keys(playbook.roles);
    assertKnown(input.role, roles, `the playbook has no role "${input.role}"`, 'its roles', 'role');
    if (!holdsRole(playbook, ctx.actor(), input.role)) {
      throw new ForbiddenError(
        `${ctx.actor()} does not hold the role "${input.role}" (its members: ${(playbook.members?.[input.role] ?? []).join(', ')})`,
      );
    }
    const at = ctx.iso();
    const signoff = {
      releaseId: release.id,
      role: input.role,
      verdict: input.verdict,
      actor: ctx.actor(),
      at,
    } as SignoffView;
    if (release.commit) signoff.commit = release.commit;
    if (input.comment) signoff.comment = input.comment;
    await tx.insertSignoff(signoff);
    await recordEvent(
      ctx,
      tx,
      release.id,
      'signoff.recorded',
      {
        role: input.role,
        verdict: input.verdict,
        commit: release.commit ?? null,
        comment: input.comment ?? null,
      },
      at,
    );
    await syncSignItems(ctx, tx, release, at);
    await maybeFinish(ctx, tx, release, playbook, at);
    return { ...signoff, stale: false };
  });
}

/** Progress per phase, in the release's order (rollback last when it is there). */
export function summarizePhases(playbook: Playbook, items: ReleaseItem[]): PhaseProgress[] {
  const phases = new Map<string, ReleaseItem[]>();
  for (const i of items) phases.set(i.phase, [...(phases.get(i.phase) ?? []), i]);
  return [...phases].map(([phase, list]) => ({
    phase,
    title:
      phase === 'rollback'
        ? 'Rollback procedure'
        : (playbook.phases.find((p) => p.id === phase)?.title ?? phase),
    total: list.length,
    accepted: list.filter((i) => acceptedStates.includes(i.state)).length,
    failed: list.filter((i) => i.state === 'failed').length,
  }));
}

/** Evaluates a gate without recording anything. */
export async function getStatus(ctx: ServiceContext, input: StatusInput = {}): Promise<StatusView> {
  const v = await viewRelease(ctx.store, await findRelease(ctx, ctx.store, input, 'read'));
  const gate = selectGate(
    v.playbook,
    v.items,
    v.decisions,
    v.release.commit,
    input.gate,
    v.release.type,
  );
  const result = evaluateGate({
    playbook: v.playbook,
    items: v.items,
    signoffs: v.signoffs,
    gate,
    now: ctx.now(),
    ...(v.release.commit ? { commit: v.release.commit } : {}),
  });
  return {
    view: v,
    gate,
    outcome: result.outcome,
    blockers: result.blockers,
    phases: summarizePhases(v.playbook, v.items),
  };
}

/** GO or NO-GO for a gate, recorded with its inputs. */
export async function decide(ctx: ServiceContext, input: DecideInput): Promise<DecideResult> {
  if (input.overrideWindow)
    assertText(input.overrideWindow.reason, 'reason', {
      required: 'overriding the release window needs a reason',
      hint: { action: 'decide.override-window', needs: ['reason'] },
    });
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertActive(release);
    const v = await viewRelease(tx, release);
    if (input.overrideWindow) {
      const managers = ['release-manager'].filter((r) => r in v.playbook.roles);
      if (managers.length === 0 || !managers.some((r) => holdsRole(v.playbook, ctx.actor(), r))) {
        throw new ForbiddenError(
          managers.length === 0
            ? 'overriding the release window needs a release manager, and the playbook declares no "release-manager" role'
            : `only a release manager may override the release window; ${ctx.actor()} is not one`,
        );
      }
    }
    const gate = selectGate(
      v.playbook,
      v.items,
      v.decisions,
      release.commit,
      input.gate,
      release.type,
    );
    const at = ctx.iso();
    const override = input.overrideWindow
      ? { reason: input.overrideWindow.reason, by: ctx.actor() }
      : undefined;
    const result = evaluateGate({
      playbook: v.playbook,
      items: v.items,
      signoffs: v.signoffs,
      gate,
      now: ctx.now(),
      ...(release.commit ? { commit: release.commit } : {}),
      ...(override ? { override } : {}),
    });
    const decision: Decision = {
      releaseId: release.id,
      gate: gate.id,
      outcome: result.outcome,
      blockers: result.blockers,
      inputs: result.inputs,
      actor: ctx.actor(),
      at,
    };
    if (release.commit) decision.commit = release.commit;
    if (override) decision.override = override;
    if (override)
      await recordEvent(
        ctx,
        tx,
        release.id,
        'window.overridden',
        { gate: gate.id, reason: override.reason },
        at,
      );
    await tx.insertDecision(decision);
    await recordEvent(
      ctx,
      tx,
      release.id,
      'decision.recorded',
      {
        gate: gate.id,
        outcome: decision.outcome,
        blockers: decision.blockers,
        commit: release.commit ?? null,
      },
      at,
    );
    return { decision, gateTitle: gate.title };
  });
}
