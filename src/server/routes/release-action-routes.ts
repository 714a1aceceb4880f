/**
 * What people and CI do to a release: item actions, check plans and results, sign-offs,
 * decisions, deployments, rollbacks; and the project-wide reads (environments, audit verify).
 * Signing, overriding a release window and forcing a deployment need, on top of the route's
 * project role, the playbook role granted in the user's membership.
 */
import type { Hono } from 'hono';
import type { DeploymentCommitsInput } from '../../api/api-metrics.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { ItemAction, Verdict } from '../../core/release-model.ts';
import type {
  CaptureBaselineInput,
  CheckResultInput,
  RecordRunResultInput,
  RecordWatchMeasurementInput,
} from '../../service/service-contract.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { mountRoute } from '../server-route.ts';
import {
  writeRefOf,
  requirePolicyRole,
  requireRunRole,
  requireSignoffRole,
  serviceOf,
  versionOf,
} from './release-support.ts';

/** Mounts the item, check, sign-off, decision, deployment and project-read routes. */
export function mountReleaseActionRoutes(
  app: Hono<ServerEnv>,
  deps: ServerDeps,
  base: string,
): void {
  const write = (
    operationId: string,
    act: (call: Parameters<Parameters<typeof mountRoute>[4]>[0]) => Promise<unknown>,
  ) => mountRoute(app, deps, base, operationId, act);

  write('actOnItems', async (call) => {
    const input = call.body as {
      refs: string[];
      action: ItemAction;
      note?: string;
      evidence?: string;
      skipUnmatched?: boolean;
    };
    return serviceOf(deps, call).actOnItems({ ...writeRefOf(call), ...input });
  });

  mountRoute(app, deps, base, 'planChecks', async (call) => {
    const input = call.body as {
      refs?: string[];
      phase?: string;
      all?: boolean;
      environment?: string;
    };
    return serviceOf(deps, call).planChecks({ ...versionOf(call), ...input });
  });

  write('recordCheckResults', async (call) => {
    const input = call.body as { results: CheckResultInput[] };
    return serviceOf(deps, call).recordCheckResults({ ...writeRefOf(call), ...input });
  });

  mountRoute(app, deps, base, 'planRun', async (call) => {
    const input = call.body as { ref: string };
    const svc = serviceOf(deps, call);
    const plan = await svc.planRun({ ...versionOf(call), ...input });
    requireRunRole(call.roles, plan.item.spec.by);
    return plan;
  });

  write('recordRunResult', async (call) => {
    const input = call.body as Omit<RecordRunResultInput, 'version' | 'expect'>;
    const svc = serviceOf(deps, call);
    // The membership must grant a role the item names, on top of the playbook's own members,
    // which the service checks: the same rule as a sign-off.
    const { items } = await svc.getRelease(versionOf(call));
    requireRunRole(call.roles, items.find((i) => i.number === input.item)?.spec.by);
    return svc.recordRunResult({ ...writeRefOf(call), ...input });
  });

  mountRoute(app, deps, base, 'planWatches', async (call) =>
    serviceOf(deps, call).planWatches(versionOf(call)),
  );

  write('recordWatchMeasurement', async (call) => {
    const input = call.body as Omit<RecordWatchMeasurementInput, 'version' | 'expect'>;
    return serviceOf(deps, call).recordWatchMeasurement({ ...writeRefOf(call), ...input });
  });

  write('captureBaseline', async (call) => {
    const input = call.body as Omit<CaptureBaselineInput, 'version' | 'expect'>;
    return serviceOf(deps, call).captureBaseline({ ...writeRefOf(call), ...input });
  });

  write('lockEnvironment', async (call) => {
    const input = call.body as { reason: string };
    return serviceOf(deps, call).lockEnvironment({
      environment: call.params.environment!,
      ...input,
    });
  });

  write('unlockEnvironment', async (call) => {
    const input = call.body as { reason?: string };
    return serviceOf(deps, call).unlockEnvironment({
      environment: call.params.environment!,
      ...input,
    });
  });

  write('sign', async (call) => {
    const input = call.body as { role: string; verdict: Verdict; comment?: string; gate?: string };
    const svc = serviceOf(deps, call);
    // A role the playbook does not name is bad input (the service says which it meant), not a
    // role the membership lacks: the same answer as in local mode.
    const { playbook } = await svc.getRelease(versionOf(call));
    if (input.role in playbook.roles) requireSignoffRole(call.roles, input.role);
    return svc.sign({ ...writeRefOf(call), ...input });
  });

  write('decide', async (call) => {
    const input = call.body as { gate?: string; overrideWindow?: { reason: string } };
    const svc = serviceOf(deps, call);
    if (input.overrideWindow) {
      const { playbook } = await svc.getRelease(versionOf(call));
      requirePolicyRole(
        call.roles,
        playbook.policy.window?.override,
        'override the release window',
      );
    }
    return svc.decide({ ...writeRefOf(call), ...input });
  });

  write('deploy', async (call) => {
    const input = call.body as {
      environment: string;
      status?: 'succeeded' | 'failed';
      force?: { reason: string };
      commits?: DeploymentCommitsInput;
    };
    const svc = serviceOf(deps, call);
    if (input.force) {
      const { playbook } = await svc.getRelease(versionOf(call));
      requirePolicyRole(call.roles, playbook.policy.force, 'force a deployment');
    }
    return svc.deploy({ ...writeRefOf(call), ...input });
  });

  write('rollback', async (call) => {
    const input = call.body as { environment: string; reason: string };
    return serviceOf(deps, call).rollback({ ...writeRefOf(call), ...input });
  });

  mountRoute(app, deps, base, 'listEnvironments', async (call) => {
    if (call.query.playbookHash !== undefined) {
      throw new NotFoundError('stored playbooks are not served yet', { field: 'playbookHash' });
    }
    return { environments: await serviceOf(deps, call).listEnvironments() };
  });

  mountRoute(app, deps, base, 'verifyAudit', async (call) => {
    const input = call.body as { version?: string };
    return { results: await serviceOf(deps, call).verifyAudit(input) };
  });
}
