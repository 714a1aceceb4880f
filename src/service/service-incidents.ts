/**
 * Incidents that are not rollbacks: a person opens one on what runs in an environment (the
 * deployment becomes a change failure) and resolves it (its recovery time ends); a later good
 * deployment to the environment resolves the ones still open. Each is an event in the log of
 * the release whose deployment it is linked to, so `gonogo audit verify` replays them.
 */
import { NotFoundError, TransitionError } from '../core/errors.ts';
import type { Deployment, Incident } from '../core/release-model.ts';
import { newRowId } from '../store/row-id.ts';
import type { StoreWriter } from '../store/store.ts';
import type { OpenIncidentInput, ResolveIncidentInput } from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import { assertText, recordEvent } from './service-context.ts';

/**
 * Opens an incident on the deployment that runs in the environment now.
 *
 * @example await openIncident(ctx, { environment: 'production', reason: 'checkout errors' })
 */
export async function openIncident(
  ctx: ServiceContext,
  input: OpenIncidentInput,
): Promise<Incident> {
  assertText(input.reason, 'reason', {
    required: 'an incident needs a reason',
  });
  return ctx.store.transaction(async (tx) => {
    const running = (
      await tx.listDeployments({ project: ctx.project, environment: input.environment })
    )
      .filter((d) => d.status === 'succeeded')
      .at(-1);
    if (!running)
      throw new TransitionError(
        `nothing runs in ${input.environment} in project ${ctx.project}: an incident is linked to the deployment running there`,
        { field: 'environment' },
      );
    await tx.lockRelease(running.releaseId);
    const at = ctx.iso();
    const incident: Incident = {
      id: newRowId(),
      deploymentId: running.id,
      kind: 'incident',
      reason: input.reason,
      openedAt: at,
      actor: ctx.actor(),
    };
    await tx.insertIncident(incident);
    await recordEvent(
      ctx,
      tx,
      running.releaseId,
      'incident.opened',
      {
        incident: incident.id,
        deployment: running.id,
        environment: input.environment,
        reason: input.reason,
      },
      at,
    );
    return incident;
  });
}

/**
 * Resolves an open incident: the one named by id, else the newest open one (in the environment,
 * when named).
 *
 * @example await resolveIncident(ctx, { environment: 'production' })
 */
export async function resolveIncident(
  ctx: ServiceContext,
  input: ResolveIncidentInput = {},
): Promise<Incident> {
  return ctx.store.transaction(async (tx) => {
    const deployments = new Map(
      (await tx.listDeployments({ project: ctx.project })).map((d) => [d.id, d]),
    );
    const all = await tx.listIncidents({ project: ctx.project });
    const incident = input.id
      ? all.find((i) => i.id === input.id)
      : all
          .filter((i) => !i.resolvedAt)
          .filter(
            (i) =>
              !input.environment ||
              deployments.get(i.deploymentId)?.environment === input.environment,
          )
          .at(-1);
    if (!incident)
      throw new NotFoundError(
        input.id
          ? `no incident ${input.id} in project ${ctx.project}`
          : `no open incident${input.environment ? ` in ${input.environment}` : ''} in project ${ctx.project}`,
        { field: input.id ? 'id' : 'environment' },
      );
    if (incident.resolvedAt)
      throw new TransitionError(`incident ${incident.id} was resolved at ${incident.resolvedAt}`);
    const deployment = deployments.get(incident.deploymentId)!;
    await tx.lockRelease(deployment.releaseId);
    const at = ctx.iso();
    await tx.updateIncident(incident.id, { resolvedAt: at });
    await recordEvent(
      ctx,
      tx,
      deployment.releaseId,
      'incident.resolved',
      { incidents: [incident.id] },
      at,
    );
    return { ...incident, resolvedAt: at };
  });
}

/**
 * Inside a deployment's transaction: a good deployment to an environment resolves the incidents
 * still open on earlier deployments there (not rollbacks, which their procedure resolves), one
 * event in each of their releases' logs. Returns the incidents it resolved.
 */
export async function resolveIncidentsByDeployment(
  ctx: ServiceContext,
  tx: StoreWriter,
  deployment: Deployment,
): Promise<Incident[]> {
  const earlier = new Map(
    (await tx.listDeployments({ project: ctx.project, environment: deployment.environment }))
      .filter((d) => d.id !== deployment.id && d.startedAt <= deployment.startedAt)
      .map((d) => [d.id, d]),
  );
  const open = (await tx.listIncidents({ project: ctx.project })).filter(
    (i) => i.kind === 'incident' && !i.resolvedAt && earlier.has(i.deploymentId),
  );
  const byRelease = new Map<string, Incident[]>();
  for (const i of open) {
    const releaseId = earlier.get(i.deploymentId)!.releaseId;
    byRelease.set(releaseId, [...(byRelease.get(releaseId) ?? []), i]);
  }
  for (const [releaseId, incidents] of byRelease) {
    if (releaseId !== deployment.releaseId) await tx.lockRelease(releaseId);
    for (const i of incidents) await tx.updateIncident(i.id, { resolvedAt: deployment.startedAt });
    await recordEvent(
      ctx,
      tx,
      releaseId,
      'incident.resolved',
      {
        incidents: incidents.map((i) => i.id),
        deployment: deployment.id,
        version: deployment.version,
      },
      deployment.startedAt,
    );
  }
  return open.map((i) => ({ ...i, resolvedAt: deployment.startedAt }));
}
