/**
 * Use cases of the gate: a role's sign-off for one gate or sign item, the evaluation of a gate
 * now (status), and a recorded decision (with a window override by a role the policy names).
 */
import { ForbiddenError, InputError } from '../core/errors.ts';
import { hashValue } from '../core/event-payloads.ts';
import { findInvolved } from '../core/four-eyes.ts';
import { evaluateGate, listGates, selectGate, sortItems } from '../core/gate.ts';
import type { GateTarget } from '../core/gate.ts';
import { newRowId } from '../store/row-id.ts';
import type { Playbook } from '../core/playbook.ts';
import { acceptedStates } from '../core/release-model.ts';
import type {
  Decision,
  GateOverride,
  Release,
  ReleaseItem,
  Signoff,
} from '../core/release-model.ts';
import type { StoreWriter } from '../store/store.ts';
import { holdsRole } from '../core/release-rules.ts';
import { chooseSignTarget } from '../core/signoff-target.ts';
import { checkWindow } from '../core/window.ts';
import type {
  DecideInput,
  DecideResult,
  PhaseProgress,
  SignInput,
  SignResult,
  StatusInput,
  StatusView,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  assertOpen,
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
import { readGateRecord, readNextGate, requirePolicyRole } from './service-gate.ts';
import { readReleaseLife } from './service-release-life.ts';

/**
 * Four eyes: refuses the go of someone who started the release or acted on its items, when the
 * gate asks for four eyes (a no-go is always welcome).
 */
async function assertFourEyes(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  gates: GateTarget[],
  gateId: string,
  role: string,
): Promise<void> {
  const gate = gates.find((g) => g.id === gateId);
  if (!gate?.fourEyes) return;
  const did = findInvolved(release.createdBy, await tx.listEvents(release.id))[
    ctx.actor().toLowerCase()
  ];
  if (did)
    throw new ForbiddenError(
      `gate "${gate.title}" asks for four eyes: ${ctx.actor()} ${did}, so another holder of ${role} must give its go`,
      { hint: { action: 'status' } },
    );
}

/**
 * A role holder's go or no-go for one gate or sign item (the one named, else the role's next
 * open one), pinned to the release's commit.
 */
export async function sign(ctx: ServiceContext, input: SignInput): Promise<SignResult> {
  if (input.verdict !== 'go' && input.verdict !== 'no-go')
    throw new InputError(`the verdict is "go" or "no-go", not "${String(input.verdict)}"`, {
      field: 'verdict',
    });
  assertText(input.comment, 'comment');
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertOpen(release);
    const playbook = await loadPlaybookOf(tx, release);
    const roles = Object.keys(playbook.roles);
    assertKnown(input.role, roles, `the playbook has no role "${input.role}"`, 'its roles', 'role');
    if (!holdsRole(playbook, ctx.actor(), input.role)) {
      throw new ForbiddenError(
        `${ctx.actor()} does not hold the role "${input.role}" (its members: ${(playbook.members?.[input.role] ?? []).join(', ')})`,
      );
    }
    const [items, signoffs] = await Promise.all([
      tx.listItems(release.id),
      tx.listSignoffs(release.id),
    ]);
    const target = chooseSignTarget({
      playbook,
      items,
      signoffs,
      commit: release.commit,
      role: input.role,
      ...(input.gate !== undefined ? { wanted: input.gate } : {}),
      ...(release.type !== undefined ? { type: release.type } : {}),
    });
    if (input.verdict === 'go' && target.kind === 'gate')
      await assertFourEyes(
        ctx,
        tx,
        release,
        listGates(playbook, items, release.type),
        target.id,
        input.role,
      );
    const at = ctx.iso();
    const signoff: Signoff = {
      id: newRowId(),
      releaseId: release.id,
      role: input.role,
      verdict: input.verdict,
      target: { kind: target.kind, id: target.id },
      actor: ctx.actor(),
      at,
    };
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
        target: signoff.target,
        commit: release.commit ?? null,
        comment: input.comment ?? null,
      },
      at,
    );
    await syncSignItems(ctx, tx, release, at);
    await maybeFinish(ctx, tx, release, playbook, at);
    return { ...signoff, stale: false, label: target.label };
  });
}

/** Progress per phase, in the release's order (rollback last when it is there). */
export function summarizePhases(playbook: Playbook, items: ReleaseItem[]): PhaseProgress[] {
  const phases = new Map<string, ReleaseItem[]>();
  // In document order: a phase a re-snapshot added comes where it stands, not last.
  for (const i of sortItems(playbook, items))
    phases.set(i.phase, [...(phases.get(i.phase) ?? []), i]);
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

/** Evaluates the next gate (or the one named) now, without recording anything. */
export async function getStatus(ctx: ServiceContext, input: StatusInput = {}): Promise<StatusView> {
  const v = await viewRelease(ctx.store, await findRelease(ctx, ctx.store, input, 'read'));
  const { gate, record } = await readNextGate(ctx.store, v, ctx.now(), input.gate);
  const result = evaluateGate({ ...record, gate });
  const [life, locks] = await Promise.all([
    readReleaseLife(ctx, v),
    ctx.store.listEnvironmentLocks(ctx.project),
  ]);
  // Once production runs the release, what remains are follow-ups, not blockers.
  const followUps = new Set(life.followUps.map((f) => f.item));
  const blockers = result.blockers.filter((b) => b.item === undefined || !followUps.has(b.item));
  return {
    view: v,
    gate,
    outcome: blockers.length ? 'no-go' : 'go',
    blockers,
    phases: summarizePhases(v.playbook, v.items),
    life,
    ...(locks.length ? { locks } : {}),
  };
}

/**
 * GO or NO-GO for a gate, evaluated from the record now and recorded with its inputs. With
 * `overrideWindow`, first records a window override for that gate and commit, given as a role
 * `policy.window.override` names.
 */
export async function decide(ctx: ServiceContext, input: DecideInput): Promise<DecideResult> {
  if (input.overrideWindow)
    assertText(input.overrideWindow.reason, 'reason', {
      required: 'overriding the release window needs a reason',
      hint: { action: 'decide.override-window', needs: ['reason'] },
    });
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertOpen(release);
    const v = await viewRelease(tx, release);
    const role = input.overrideWindow
      ? requirePolicyRole(
          v.playbook,
          ctx.actor(),
          'policy.window.override',
          'override the release window',
        )
      : undefined;
    const now = ctx.now();
    const record = await readGateRecord(tx, release, v.playbook, now);
    const gate = selectGate({
      playbook: v.playbook,
      items: record.items,
      decisions: v.decisions,
      commit: release.commit,
      record,
      ...(input.gate !== undefined ? { gateId: input.gate } : {}),
      ...(release.type !== undefined ? { type: release.type } : {}),
    });
    const at = ctx.iso();
    if (input.overrideWindow && role) {
      const override: GateOverride = {
        releaseId: release.id,
        kind: 'window',
        gate: gate.id,
        role,
        actor: ctx.actor(),
        at,
        reason: input.overrideWindow.reason,
        blockers: checkWindow(v.playbook.policy.window, now),
      };
      if (release.commit) override.commit = release.commit;
      await tx.insertOverride(override);
      record.overrides = [...(record.overrides ?? []), override];
      await recordEvent(
        ctx,
        tx,
        release.id,
        'window.overridden',
        {
          gate: gate.id,
          commit: release.commit ?? null,
          role,
          reason: override.reason,
          blockers: override.blockers,
        },
        at,
      );
    }
    const result = evaluateGate({ ...record, gate });
    const decision: Decision = {
      id: newRowId(),
      releaseId: release.id,
      gate: gate.id,
      outcome: result.outcome,
      blockers: result.blockers,
      inputs: result.inputs,
      actor: ctx.actor(),
      at,
    };
    if (release.commit) decision.commit = release.commit;
    if (result.inputs.override) decision.override = result.inputs.override;
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
        // The inputs are large: their hash lets the log vouch for the row that keeps them.
        inputsHash: hashValue(decision.inputs),
        override: decision.override ?? null,
      },
      at,
    );
    return { decision, gateTitle: gate.title };
  });
}
