/**
 * Roles as the API writes them (one list: `["member", "qa-lead"]`) and as the account service
 * keeps them (`{ role: 'member', signoff: ['qa-lead'] }`).
 */
import { isProjectRole } from '../core/account-roles.ts';
import type { MemberRoles } from '../core/account-model.ts';
import { InputError } from '../core/errors.ts';

/**
 * The API's role list as member roles: exactly one project role, the rest sign-off roles.
 *
 * @example memberRolesOf(['member', 'qa-lead']) // { role: 'member', signoff: ['qa-lead'] }
 */
export function memberRolesOf(roles: readonly string[], field = 'roles'): MemberRoles {
  const project = roles.filter(isProjectRole);
  if (project.length !== 1) {
    throw new InputError(
      [
        {
          message: `${field} must name exactly one of viewer, member, release-manager, admin (found ${project.length}), plus any sign-off roles`,
        },
      ],
      { field },
    );
  }
  return { role: project[0]!, signoff: roles.filter((r) => !isProjectRole(r)) };
}

/**
 * Member roles as the API's list: the project role first.
 *
 * @example roleListOf({ role: 'member', signoff: ['qa-lead'] }) // ['member', 'qa-lead']
 */
export function roleListOf(roles: MemberRoles): string[] {
  return [roles.role, ...roles.signoff];
}
