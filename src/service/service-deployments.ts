/**
 * Use cases of deployment: record a deployment (through the gate), roll one back, and what runs
 * where.
 */
import { TransitionError } from '../core/errors.ts';
import type { Deployment, DeploymentStatus, Incident } from '../core/release-model.ts';
import { expandRollbackItems } from '../core/release-rules.ts';
import { newRowId } from '../store/row-id.ts';
import type {
  DeployInput,
  EnvironmentView,
  EnvironmentsInput,
  RollbackInput,
  RollbackResult,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  assertActive,
  assertEnvironment,
  assertText,
  loadPlaybookOf,
  lockRelease,
  maybeFinish,
  recordEvent,
} from './service-context.ts';

/** Records a deployment of the release to an environment. */
export async function deploy(ctx: ServiceContext, input: DeployInput): Promise<Deployment> {
  if (input.force)
    assertText(input.force.reason, 'reason', {
      required: 'forcing a deployment past the gate needs a reason',
      hint: { action: 'deploy.force', refs: [input.environment], needs: ['reason'] },
    });
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertActive(release);
    const playbook = await loadPlaybookOf(tx, release);
    assertEnvironment(playbook, input.environment);
    const decisions = await tx.listDecisions(release.id);
    const latest = decisions.filter((d) => d.commit === release.commit).at(-1);
    const isLast = input.environment === playbook.environments.at(-1);
    if (isLast && latest?.outcome !== 'go' && !input.force) {
      throw new TransitionError(
        `release ${release.version} has no GO decision for commit ${release.commit ?? '(none)'}`,
        { hint: { action: 'decide' } },
      );
    }
    const at = ctx.iso();
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
        ...(input.force ? { forced: input.force.reason } : {}),
      },
      at,
    );
    await maybeFinish(ctx, tx, release, playbook, at);
    return deployment;
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
      ? (await tx.lockRelease(running.releaseId), await tx.getRelease(running.releaseId))!
      : await lockRelease(ctx, tx, input);
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
    const at = ctx.iso();
    await tx.updateDeployment(deployment.id, { status: 'rolled-back' });
    const incident: Incident = {
      id: newRowId(),
      deploymentId: deployment.id,
      kind: 'rollback',
      reason: input.reason,
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
          startNumber: (existing.at(-1)?.number ?? 0) + 1,
        });
    if (items.length) await tx.insertItems(items);
    if (release.state !== 'active') {
      await tx.updateRelease(release.id, { state: 'active', updatedAt: at }, release.rowVersion);
    }
    await recordEvent(
      ctx,
      tx,
      release.id,
      'rollback.recorded',
      {
        deployment: deployment.id,
        environment: input.environment,
        reason: input.reason,
        incident: incident.id,
        items: items.map((i) => i.number),
      },
      at,
    );
    return {
      deployment: { ...deployment, status: 'rolled-back' as DeploymentStatus },
      incident,
      items,
    };
  });
}

/** What runs in each environment, since when, from which release. */
export async function listEnvironments(
  ctx: ServiceContext,
  input: EnvironmentsInput = {},
): Promise<EnvironmentView[]> {
  const all = await ctx.store.listDeployments({ project: ctx.project });
  const names = [...(input.playbook?.environments ?? [])];
  for (const d of all) if (!names.includes(d.environment)) names.push(d.environment);
  return names.map((environment) => {
    const here = all.filter((d) => d.environment === environment);
    const out: EnvironmentView = { environment };
    const current = here.filter((d) => d.status === 'succeeded').at(-1);
    if (current) out.current = current;
    const last = here.at(-1);
    if (last) out.last = last;
    return out;
  });
}
