/**
 * Releases: start, list, read (view, status, item, events as JSON), and the release-wide
 * changes (retarget, abandon, resnapshot). Every call acts through the release service as the
 * authenticated user in the path's project.
 */
import type { Hono } from 'hono';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { mountRoute } from '../server-route.ts';
import { etagOf, playbookOf, serviceOf, versionOf, writeRefOf } from './release-support.ts';

/** Mounts the release routes that read or change the release as a whole. */
export function mountReleaseRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  mountRoute(app, deps, base, 'listReleases', async (call) => ({
    releases: await serviceOf(deps, call).listReleases(),
  }));

  mountRoute(app, deps, base, 'startRelease', async (call) => {
    const input = call.body as {
      version: string;
      type?: string;
      commit?: string;
      commitAt?: string;
      supersedes?: string;
      playbookYaml?: string;
      playbookHash?: string;
    };
    const { playbookYaml: _y, playbookHash: _h, ...rest } = input;
    const svc = serviceOf(deps, call);
    await svc.startRelease({ ...rest, playbook: await playbookOf(deps, call, input) });
    // Read back: the start's own view predates the head its first event anchored.
    const view = await svc.getRelease({ version: input.version });
    call.c.header('ETag', etagOf(view.release));
    return view;
  });

  mountRoute(app, deps, base, 'getRelease', async (call) => {
    const view = await serviceOf(deps, call).getRelease(versionOf(call));
    call.c.header('ETag', etagOf(view.release));
    return view;
  });

  mountRoute(app, deps, base, 'getStatus', async (call) => {
    const gate = call.query.gate as string | undefined;
    const status = await serviceOf(deps, call).getStatus({
      ...versionOf(call),
      ...(gate !== undefined ? { gate } : {}),
    });
    call.c.header('ETag', etagOf(status.view.release));
    return status;
  });

  mountRoute(app, deps, base, 'getItem', async (call) =>
    serviceOf(deps, call).getItem({ ...versionOf(call), ref: call.params.ref! }),
  );

  mountRoute(app, deps, base, 'retargetRelease', async (call) => {
    const svc = serviceOf(deps, call);
    const input = call.body as { commit: string; commitAt?: string };
    return svc.retarget({ ...writeRefOf(call), ...input });
  });

  mountRoute(app, deps, base, 'abandonRelease', async (call) => {
    const svc = serviceOf(deps, call);
    return svc.abandonRelease({
      ...writeRefOf(call),
      reason: (call.body as { reason: string }).reason,
    });
  });

  mountRoute(app, deps, base, 'resnapshotRelease', async (call) => {
    const svc = serviceOf(deps, call);
    const input = call.body as { playbookYaml?: string; playbookHash?: string; dryRun?: boolean };
    return svc.resnapshot({
      ...writeRefOf(call),
      playbook: await playbookOf(deps, call, input),
      ...(input.dryRun !== undefined ? { dryRun: input.dryRun } : {}),
    });
  });
}
