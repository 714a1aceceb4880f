/**
 * The dashboard in one read: for each project the caller may see, its releases in flight with
 * the next gate's evaluation and progress per phase, what runs in each environment, and its
 * recent decisions, deployments and rollbacks. Composed from the release service's own reads,
 * so it shows exactly what `status`, `env` and `release show` would.
 */
import type { Hono } from 'hono';
import type { Principal } from '../../service/account-contract.ts';
import type { ReleaseView } from '../../service/service-contract.ts';
import { rolesIn } from '../server-auth.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps, ServerProject } from '../server-deps.ts';
import { mountRoute } from '../server-route.ts';

/** Releases in flight shown per project; older ones are a click away on the project. */
const maxInFlight = 10;
/** Releases whose decisions, deployments and rollbacks make up the recent activity. */
const recentReleases = 5;
const maxActivity = 12;

/** Mounts getOverview. */
export function mountOverviewRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  mountRoute(app, deps, base, 'getOverview', async ({ principal }) => {
    const projects = [];
    for (const project of await deps.directory.listProjects()) {
      if (!(await rolesIn(deps.accounts, principal!, project.id))) continue;
      projects.push(await overviewOf(deps, principal!, project));
    }
    return { projects };
  });
}

async function overviewOf(deps: ServerDeps, principal: Principal, project: ServerProject) {
  const svc = deps.releases(principal.user.email, project.id);
  const releases = await svc.listReleases();
  const inFlight = [];
  const views: ReleaseView[] = [];
  for (const release of releases.filter((r) => r.state === 'active' || r.state === 'deployed')) {
    if (inFlight.length === maxInFlight) break;
    const s = await svc.getStatus({ version: release.version });
    views.push(s.view);
    inFlight.push({
      release: s.view.release,
      gate: s.gate,
      outcome: s.outcome,
      blockers: s.blockers,
      phases: s.phases,
    });
  }
  for (const release of releases.slice(0, recentReleases)) {
    if (!views.some((v) => v.release.id === release.id)) {
      views.push(await svc.getRelease({ version: release.version }));
    }
  }
  const newest = releases[0] && views.find((v) => v.release.id === releases[0]!.id);
  const environments = await svc.listEnvironments(newest ? { playbook: newest.playbook } : {});
  return {
    project: { id: project.id, createdAt: project.createdAt },
    inFlight,
    environments,
    recent: views
      .flatMap(activityOf)
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, maxActivity),
  };
}

function activityOf(view: ReleaseView) {
  const version = view.release.version;
  return [
    ...view.decisions.map((d) => ({
      kind: 'decision' as const,
      version,
      at: d.at,
      actor: d.actor,
      gate: d.gate,
      outcome: d.outcome,
    })),
    ...view.deployments.map((d) => ({
      kind: 'deployment' as const,
      version,
      at: d.startedAt,
      actor: d.actor,
      environment: d.environment,
      status: d.status,
    })),
    ...view.incidents
      .filter((i) => i.kind === 'rollback')
      .map((i) => ({
        kind: 'rollback' as const,
        version,
        at: i.openedAt,
        actor: i.actor,
        environment: view.deployments.find((d) => d.id === i.deploymentId)?.environment,
        reason: i.reason,
      })),
  ];
}
