/**
 * Project membership: the roles a user holds in a project, written under optimistic versions,
 * and the roles a principal has in a project (what the server checks on every route).
 */
import type { MemberRoles, Membership } from '../core/account-model.ts';
import { hasProjectRole, intersectRoles, normalizeMemberRoles } from '../core/account-roles.ts';
import { ForbiddenError, InputError, NotFoundError } from '../core/errors.ts';
import type { Principal, SetMembershipInput } from './account-contract.ts';
import type { AccountContext } from './account-context.ts';
import { checkLabel, currentUser } from './account-context.ts';

/**
 * The principal's roles in `project`: a session's are the membership's; a token's are its own
 * within the membership's, and only in the token's project. Undefined: none.
 *
 * @example hasProjectRole(await principalRoles(ctx, principal, 'acme/app'), 'release-manager')
 */
export async function principalRoles(
  ctx: AccountContext,
  principal: Principal,
  project: string,
): Promise<MemberRoles | undefined> {
  if (principal.kind === 'token' && principal.project !== project) return undefined;
  const membership = await ctx.store.getMembership(project, principal.user.id);
  if (!membership) return undefined;
  return principal.kind === 'token'
    ? intersectRoles(principal.roles, membership.roles)
    : membership.roles;
}

/**
 * Grants a user roles in a project: server administrators (signed in) and the project's admins
 * may. A stale `expectedVersion` is a conflict.
 *
 * @example await setMembership(ctx, admin, { project: 'acme/app', userId, roles: { role: 'member', signoff: ['qa-lead'] } })
 */
export async function setMembership(
  ctx: AccountContext,
  actor: Principal,
  input: SetMembershipInput,
): Promise<Membership> {
  const me = await currentUser(ctx, actor);
  const project = checkLabel(String(input.project ?? ''), 'project', 200);
  const serverAdmin = me.admin && actor.kind === 'session';
  if (!serverAdmin && !hasProjectRole(await principalRoles(ctx, actor, project), 'admin')) {
    throw new ForbiddenError(`only an admin of project ${project} may change its members`);
  }
  const normal = normalizeMemberRoles(input.roles);
  if (normal.problem !== undefined) {
    throw new InputError([{ message: normal.problem }], { field: 'roles' });
  }
  if (!(await ctx.store.getUser(String(input.userId)))) {
    throw new NotFoundError(`user ${input.userId} does not exist`, { field: 'userId' });
  }
  const updatedAt = ctx.now().toISOString();
  return ctx.store.transaction((tx) =>
    tx.putMembership(
      { project, userId: input.userId, roles: normal.roles, updatedAt },
      input.expectedVersion,
    ),
  );
}
