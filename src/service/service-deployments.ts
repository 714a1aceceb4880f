/**
 * Use cases of deployment: record a deployment (through every gate in front of it), roll one
 * back, and what runs where.
 */
import { GateClosedError, TransitionError } from '../core/errors.ts';
import { evaluateGate } from '../core/gate.ts';
import { gatesInFront } from '../core/gate-deployment.ts';
import { acceptedStates, releaseStates } from '../core/release-model.ts';
import type {
  Deployment,
  DeploymentStatus,
  GateOverride,
  Incident,
  Release,
  ReleaseItem,
} from '../core/release-model.ts';
import type { Playbook } from '../core/playbook.ts';
import { expandRollbackItems } from '../core/release-rules.ts';
import { newRowId } from '../store/row-id.ts';
import type { StoreWriter } from '../store/store.ts';
import type {
  DeployInput,
  DeployResult,
  EnvironmentView,
  EnvironmentsInput,
  RollbackInput,
  RollbackResult,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  assertEnvironment,
  assertText,
  loadPlaybookOf,
  assertExpected,
  lockRelease,
  maybeFinish,
  recordEvent,
  setItemState,
  setReleaseState,
  syncParentItems,
} from './service-context.ts';
import { readGateRecord, requirePolicyRole } from './service-gate.ts';
import { nextItemNumber } from './service-playbook-update.ts';
import { assertUnlocked } from './service-locks.ts';
import { resolveIncidentsByDeployment } from './service-incidents.ts';
import { deploymentCommitsSchema } from '../api/api-metrics.ts';
import type { DeploymentCommitsInput } from '../api/api-metrics.ts';
import { InputError } from '../core/errors.ts';

/** The commits a deployment carries, checked (the CLI in local mode passes no HTTP layer). */
function parseCommits(input: DeploymentCommitsInput): DeploymentCommitsInput {
  const parsed = deploymentCommitsSchema.safeParse(input);
  if (!parsed.success)
    throw new InputError(
      parsed.error.issues.map((i) => ({ message: `commits.${i.path.join('.')}: ${i.message}` })),
      { field: 'commits' },
    );
  return parsed.data;
}

/**
 * Records a deployment of the release to an environment. In the same transaction it evaluates,
 * from the record and now, every gate in front of the environment's deployment point; when one
 * says NO-GO it refuses with {@link GateClosedError} carrying every blocker, unless a holder of
 * a role `policy.force` names forces it with a reason, which is recorded as an override with
 * what it let through. A recorded decision plays no part: it is history, not a token.
 */
export async function deploy(ctx: ServiceContext, input: DeployInput): Promise<DeployResult> {
  if (input.force)
    assertText(input.force.reason, 'reason', {
      required: 'forcing a deployment past the gate needs a reason',
      hint: { action: 'deploy.force', refs: [input.environment], needs: ['reason'] },
    });
  const commits = input.commits ? parseCommits(input.commits) : undefined;
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    const playbook = await loadPlaybookOf(tx, release);
    assertEnvironment(playbook, input.environment);
    // A lock refuses every deployment, a forced one too: forcing lets a gate through, and a
    // lock is not a gate (only unlocking lifts it).
    await assertUnlocked(ctx, tx, input.environment);
    const role = input.force
      ? requirePolicyRole(
          playbook,
          ctx.actor(),
          'policy.force',
          'force a deployment past a gate that says NO-GO',
        )
      : undefined;
    const record = await readGateRecord(tx, release, playbook, ctx.now());
    const { gates } = gatesInFront(playbook, record.items, input.environment, release.type);
    const evaluated = gates.map((gate) => ({ gate, ...evaluateGate({ ...record, gate }) }));
    const closed = evaluated.filter((e) => e.outcome === 'no-go');
    const blockers = closed.flatMap((e) => e.blockers.map((b) => ({ ...b, gate: e.gate.id })));
    if (closed.length && !input.force) {
      const names = closed.map((e) => `gate ${JSON.stringify(e.gate.title)}`).join(' and ');
      throw new GateClosedError(
        `release ${release.version} may not go to ${input.environment}: ${names} ${closed.length === 1 ? 'says' : 'say'} NO-GO (${blockers.length} blocker${blockers.length === 1 ? '' : 's'})`,
        blockers,
        { hint: { action: 'status' } },
      );
    }
    const at = ctx.iso();
    let override: GateOverride | undefined;
    if (closed.length && input.force && role) {
      override = {
        releaseId: release.id,
        kind: 'force',
        environment: input.environment,
        role,
        actor: ctx.actor(),
        at,
        reason: input.force.reason,
        blockers,
      };
      if (release.commit) override.commit = release.commit;
      await tx.insertOverride(override);
      await recordEvent(
        ctx,
        tx,
        release.id,
        'deployment.forced',
        {
          environment: input.environment,
          commit: release.commit ?? null,
          role,
          reason: override.reason,
          blockers,
        },
        at,
      );
    }
    const deployment: Deployment = {
      id: newRowId(),
      project: ctx.project,
      releaseId: release.id,
      version: release.version,
      environment: input.environment,
      status: input.status ?? 'succeeded',
      startedAt: at,
      finishedAt: at,
      actor: ctx.actor(),
    };
    if (release.commit) deployment.commit = release.commit;
    await tx.insertDeployment(deployment);
    // What it shipped, for lead time; and it ends the incidents still open in the environment.
    if (deployment.status === 'succeeded') {
      if (commits?.commits.length)
        await tx.insertDeploymentCommits(
          deployment.id,
          commits.commits,
          commits.truncated ?? false,
        );
      await resolveIncidentsByDeployment(ctx, tx, deployment);
    }
    const outcomes = evaluated.map((e) => ({
      id: e.gate.id,
      title: e.gate.title,
      outcome: e.outcome,
    }));
    await recordEvent(
      ctx,
      tx,
      release.id,
      'deployment.recorded',
      {
        id: deployment.id,
        environment: deployment.environment,
        status: deployment.status,
        commit: release.commit ?? null,
        gates: outcomes.map(({ id, outcome }) => ({ id, outcome })),
        ...(override ? { forced: override.reason } : {}),
      },
      at,
    );
    let ticked: ReleaseItem[] = [];
    if (deployment.status === 'succeeded') {
      ticked = await tickDeployItems(ctx, tx, release, deployment);
      if (ticked.length) await syncParentItems(ctx, tx, release, at);
      if (input.environment === playbook.environments.at(-1) && release.state !== 'deployed')
        await setReleaseState(ctx, tx, release, 'deployed', at);
    }
    await maybeFinish(ctx, tx, release, playbook, at);
    const after = (await tx.getRelease(release.id)) ?? release;
    return {
      ...deployment,
      gates: outcomes,
      ...(override ? { override } : {}),
      ticked: ticked.map((i) => ({ number: i.number, title: i.title })),
      releaseState: after.state,
    };
  });
}

/** Records a rollback: the deployment is rolled back, an incident opens, rollback items join the release. */
export async function rollback(ctx: ServiceContext, input: RollbackInput): Promise<RollbackResult> {
  assertText(input.reason, 'reason', {
    required: 'a rollback needs a reason',
    hint: { action: 'rollback', refs: [input.environment], needs: ['reason'] },
  });
  return ctx.store.transaction(async (tx) => {
    // Without a version, roll back what runs in the environment, even if its release has
    // finished since (the usual case: it shipped, then went wrong).
    const running = input.version
      ? undefined
      : (await tx.listDeployments({ project: ctx.project, environment: input.environment }))
          .filter((d) => d.status === 'succeeded')
          .at(-1);
    const release = running
      ? await lockRunning(tx, running.releaseId, input)
      : await lockRelease(ctx, tx, input, releaseStates);
    const playbook = await loadPlaybookOf(tx, release);
    assertEnvironment(playbook, input.environment);
    const deployment = (
      await tx.listDeployments({ releaseId: release.id, environment: input.environment })
    )
      .filter((d) => d.status === 'succeeded')
      .at(-1);
    if (!deployment) {
      throw new TransitionError(
        `release ${release.version} has no succeeded deployment in ${input.environment} to roll back`,
      );
    }
    return recordRollback(ctx, tx, release, playbook, deployment, input.reason, ctx.iso());
  });
}

/**
 * Rolls a deployment back inside the caller's transaction: the deployment is marked rolled
 * back, an incident opens, the rollback procedure joins the release, and the event says the
 * target in words: from the deployment's version to the one its environment runs again (the
 * newest earlier succeeded deployment there). A watch that failed passes itself as `watch`.
 *
 * @example await recordRollback(ctx, tx, release, playbook, deployment, 'error rate 9%', at)
 */
export async function recordRollback(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  playbook: Playbook,
  deployment: Deployment,
  reason: string,
  at: string,
  watch?: { item: number; id: string },
): Promise<RollbackResult> {
  const environment = deployment.environment;
  await tx.updateDeployment(deployment.id, { status: 'rolled-back' });
  const runsAgain = (await tx.listDeployments({ project: ctx.project, environment }))
    .filter((d) => d.status === 'succeeded' && d.id !== deployment.id)
    .at(-1);
  const incident: Incident = {
    id: newRowId(),
    deploymentId: deployment.id,
    kind: 'rollback',
    reason,
    openedAt: at,
    actor: ctx.actor(),
  };
  await tx.insertIncident(incident);
  const existing = await tx.listItems(release.id);
  const items = existing.some((i) => i.rollback)
    ? []
    : expandRollbackItems(playbook, {
        releaseId: release.id,
        now: at,
        // Past every number the release ever gave, those a re-snapshot removed included.
        startNumber: await nextItemNumber(tx, release.id, existing),
      });
  if (items.length) await tx.insertItems(items);
  await recordEvent(
    ctx,
    tx,
    release.id,
    'rollback.recorded',
    {
      deployment: deployment.id,
      environment,
      reason,
      incident: incident.id,
      items: items.map((i) => i.number),
      from: release.state,
      fromVersion: deployment.version,
      toVersion: runsAgain?.version ?? null,
      ...(watch ? { watch } : {}),
    },
    at,
  );
  // Production no longer runs the release: that is its state now, with the reason.
  if (environment === playbook.environments.at(-1))
    await setReleaseState(ctx, tx, release, 'rolled-back', at, { reason });
  // Without a procedure to follow, the rollback itself restored the service.
  if (!items.length && !existing.some((i) => i.rollback)) {
    await tx.updateIncident(incident.id, { resolvedAt: at });
    await recordEvent(
      ctx,
      tx,
      release.id,
      'rollback.completed',
      { resolvedIncidents: [incident.id] },
      at,
    );
    incident.resolvedAt = at;
  } else {
    await maybeFinish(ctx, tx, release, playbook, at);
  }
  return {
    deployment: { ...deployment, status: 'rolled-back' as DeploymentStatus },
    incident,
    items,
    ...(runsAgain ? { runsAgain } : {}),
  };
}

/**
 * Ticks the release's items that say they deploy to the deployment's environment
 * (`deploys: [production]`), with the deployment as evidence; items a person already accepted
 * keep their state.
 */
async function tickDeployItems(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  deployment: Deployment,
): Promise<ReleaseItem[]> {
  const ticked: ReleaseItem[] = [];
  for (const item of await tx.listItems(release.id)) {
    if (item.rollback || !item.spec.deploys?.includes(deployment.environment)) continue;
    if (acceptedStates.includes(item.state) || item.kind === 'sign') continue;
    await setItemState(ctx, tx, release, item, 'done', deployment.startedAt, {
      action: 'deploy',
      note: `deployed ${deployment.version} to ${deployment.environment}`,
      evidence: {
        deployment: deployment.id,
        environment: deployment.environment,
        version: deployment.version,
        ...(deployment.commit ? { commit: deployment.commit } : {}),
      },
    });
    ticked.push(item);
  }
  return ticked;
}

/**
 * What runs in each environment, since when, from which release; and, where the newest
 * deployment there was rolled back, that rollback (what runs now runs again since then).
 */
export async function listEnvironments(
  ctx: ServiceContext,
  input: EnvironmentsInput = {},
): Promise<EnvironmentView[]> {
  const [all, incidents, locks] = await Promise.all([
    ctx.store.listDeployments({ project: ctx.project }),
    ctx.store.listIncidents({ project: ctx.project }),
    ctx.store.listEnvironmentLocks(ctx.project),
  ]);
  const names = [...(input.playbook?.environments ?? [])];
  for (const d of all) if (!names.includes(d.environment)) names.push(d.environment);
  for (const l of locks) if (!names.includes(l.environment)) names.push(l.environment);
  return names.map((environment) => {
    const here = all.filter((d) => d.environment === environment);
    const out: EnvironmentView = { environment };
    const current = here.filter((d) => d.status === 'succeeded').at(-1);
    if (current) out.current = current;
    const last = here.at(-1);
    if (last) out.last = last;
    const rolledBack = here.filter((d) => d.status === 'rolled-back').at(-1);
    if (rolledBack && (!current || rolledBack.startedAt >= current.startedAt)) {
      const incident = incidents.filter((i) => i.deploymentId === rolledBack.id).at(-1);
      if (incident) out.rolledBack = { deployment: rolledBack, incident };
    }
    const lock = locks.find((l) => l.environment === environment);
    if (lock) out.lock = lock;
    return out;
  });
}

/** The release that runs in the environment, locked, and as the client expects it when it says. */
async function lockRunning(tx: StoreWriter, releaseId: string, input: RollbackInput) {
  await tx.lockRelease(releaseId);
  const release = (await tx.getRelease(releaseId))!;
  assertExpected(release, input.expect);
  return release;
}
