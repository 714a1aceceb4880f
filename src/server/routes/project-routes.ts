/**
 * Projects and their members. A project is created by a server administrator (signed in), who
 * becomes its admin: a project is where releases are signed off, so who may open one is a
 * server-wide decision, not any signed-in user's; project admins then manage its members.
 */
import type { Hono } from 'hono';
import type { Membership } from '../../core/account-model.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/errors.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps, ServerProject } from '../server-deps.ts';
import { memberRolesOf, roleListOf } from '../server-roles.ts';
import { mountRoute } from '../server-route.ts';

/** Mounts listProjects, createProject, getProject, listMembers, getMember and putMember. */
export function mountProjectRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  mountRoute(app, deps, base, 'listProjects', async ({ principal }) => {
    const all = await deps.directory.listProjects();
    const p = principal!;
    if (p.kind === 'session' && p.user.admin) return { projects: all.map(projectView) };
    const mine: ServerProject[] = [];
    for (const project of all) {
      if (await deps.accounts.principalRoles(p, project.id)) mine.push(project);
    }
    return { projects: mine.map(projectView) };
  });

  mountRoute(app, deps, base, 'createProject', async ({ principal, body }) => {
    const input = body as { id: string };
    const p = principal!;
    if (p.kind !== 'session' || !p.user.admin) {
      throw new ForbiddenError('only a server administrator (signed in) may create a project');
    }
    const created = await deps.directory.createProject(input.id, deps.now().toISOString());
    if (!created) throw new ConflictError(`project ${input.id} exists already`);
    await deps.accounts.setMembership(p, {
      project: input.id,
      userId: p.user.id,
      roles: { role: 'admin', signoff: [] },
    });
    return projectView((await deps.directory.getProject(input.id))!);
  });

  mountRoute(app, deps, base, 'getProject', async ({ params }) =>
    projectView(await projectOf(deps, params.project!)),
  );

  mountRoute(app, deps, base, 'listMembers', async ({ params }) => {
    const members = await deps.accounts.listMembers({ project: params.project! });
    return { members: await Promise.all(members.map((m) => membershipView(deps, m))) };
  });

  mountRoute(app, deps, base, 'getMember', async ({ params }) => {
    const user = await userOf(deps, params.user!);
    const m = await deps.accounts.getMembership({ project: params.project!, userId: user.id });
    if (!m) throw new NotFoundError(`${params.user} is not a member of project ${params.project}`);
    return membershipView(deps, m);
  });

  mountRoute(app, deps, base, 'putMember', async ({ principal, params, body }) => {
    const roles = (body as { roles: string[] }).roles;
    await projectOf(deps, params.project!);
    const user = await userOf(deps, params.user!);
    const m = await deps.accounts.setMembership(principal!, {
      project: params.project!,
      userId: user.id,
      roles: memberRolesOf(roles),
    });
    return membershipView(deps, m);
  });
}

async function projectOf(deps: ServerDeps, id: string): Promise<ServerProject> {
  const project = await deps.directory.getProject(id);
  if (!project) throw new NotFoundError(`no project ${id}`);
  return project;
}

async function userOf(deps: ServerDeps, idOrEmail: string) {
  const user = await deps.directory.findUser(idOrEmail);
  if (!user) throw new NotFoundError(`no user ${idOrEmail}`, { field: 'user' });
  return user;
}

async function membershipView(deps: ServerDeps, m: Membership) {
  const user = await deps.directory.findUser(m.userId);
  return {
    project: m.project,
    user: { id: m.userId, email: user?.email ?? '', ...(user?.name ? { name: user.name } : {}) },
    roles: roleListOf(m.roles),
  };
}

function projectView(p: ServerProject) {
  return {
    id: p.id,
    createdAt: p.createdAt,
    ...(p.playbookHash ? { playbookHash: p.playbookHash } : {}),
  };
}
