/**
 * Project roles and their order, and what a token or a member may do with them. Pure: the
 * server asks {@link hasProjectRole} on every route; the service uses {@link rolesWithin} so a
 * token never holds more than the member who made it.
 */
import type { MemberRoles, ProjectRole } from './account-model.ts';

/** Project roles from least to most powerful. */
export const projectRoleOrder: readonly ProjectRole[] = [
  'viewer',
  'member',
  'release-manager',
  'admin',
];

/**
 * True when `value` names a project role.
 *
 * @example isProjectRole('release-manager') // true
 * @example isProjectRole('owner') // false
 */
export function isProjectRole(value: unknown): value is ProjectRole {
  return typeof value === 'string' && (projectRoleOrder as readonly string[]).includes(value);
}

/**
 * True when `roles` (a membership's or a token's) include `needed`: the project role at least
 * as high, or, for a sign-off role, that role granted. No roles (no membership) has nothing.
 *
 * @example hasProjectRole({ role: 'admin', signoff: [] }, 'member') // true
 * @example hasProjectRole({ role: 'member', signoff: ['qa-lead'] }, { signoff: 'qa-lead' }) // true
 * @example hasProjectRole(undefined, 'viewer') // false
 */
export function hasProjectRole(
  roles: Pick<MemberRoles, 'role' | 'signoff'> | undefined,
  needed: ProjectRole | { signoff: string },
): boolean {
  if (!roles) return false;
  if (typeof needed === 'object') return roles.signoff.includes(needed.signoff);
  return projectRoleOrder.indexOf(roles.role) >= projectRoleOrder.indexOf(needed);
}

/**
 * True when every role of `asked` is held by `held`: the project role no higher, every sign-off
 * role granted.
 *
 * @example rolesWithin({ role: 'member', signoff: [] }, { role: 'admin', signoff: [] }) // true
 */
export function rolesWithin(asked: MemberRoles, held: MemberRoles | undefined): boolean {
  return hasProjectRole(held, asked.role) && asked.signoff.every((r) => held!.signoff.includes(r));
}

/**
 * The roles two grants share: the lower project role and the common sign-off roles. A token's
 * effective roles are its own within the member's current ones, so a member demoted after making
 * a token does not keep the old powers through it.
 *
 * @example intersectRoles({ role: 'admin', signoff: ['qa'] }, { role: 'member', signoff: [] }) // { role: 'member', signoff: [] }
 */
export function intersectRoles(a: MemberRoles, b: MemberRoles): MemberRoles {
  const role =
    projectRoleOrder.indexOf(a.role) <= projectRoleOrder.indexOf(b.role) ? a.role : b.role;
  return { role, signoff: a.signoff.filter((r) => b.signoff.includes(r)) };
}

const signoffRoleShape = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Checks and normalises roles given as input: a known project role, sign-off role ids in the
 * playbook's id shape (lower-case, digits, `-`, `_`; at most 64 characters, at most 50 of them),
 * sorted and without duplicates. Returns the problem as text instead when there is one.
 *
 * @example normalizeMemberRoles({ role: 'member', signoff: ['security', 'qa-lead', 'qa-lead'] }) // { roles: { role: 'member', signoff: ['qa-lead', 'security'] } }
 */
export function normalizeMemberRoles(
  input: unknown,
): { roles: MemberRoles; problem?: undefined } | { problem: string; roles?: undefined } {
  const value = input as { role?: unknown; signoff?: unknown } | null;
  if (typeof value !== 'object' || value === null) return { problem: 'roles must be an object' };
  if (!isProjectRole(value.role)) {
    return { problem: `the project role must be one of ${projectRoleOrder.join(', ')}` };
  }
  const signoff = value.signoff ?? [];
  if (!Array.isArray(signoff) || signoff.length > 50) {
    return { problem: 'sign-off roles must be a list of at most 50 role ids' };
  }
  for (const r of signoff) {
    if (typeof r !== 'string' || !signoffRoleShape.test(r)) {
      return {
        problem:
          'a sign-off role id is lower-case letters, digits, "-" and "_", at most 64 characters (e.g. qa-lead)',
      };
    }
  }
  return { roles: { role: value.role, signoff: [...new Set(signoff as string[])].sort() } };
}
