/**
 * What the release routes share: the service acting as the signed-in user in the path's
 * project, the release the version segment names, playbook text compiled with its bound, the
 * release's ETag, and `If-Match` as the state a write was decided on.
 */
import { latestVersion } from '../../api/api-routes.ts';
import type { MemberRoles } from '../../core/account-model.ts';
import { hasProjectRole, isProjectRole } from '../../core/account-roles.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../core/errors.ts';
import { loadPlaybook } from '../../core/playbook-yaml.ts';
import type { Playbook } from '../../core/playbook.ts';
import type { EventOrigin, Release } from '../../core/release-model.ts';
import { clientAddress } from '../server-client.ts';
import type { ReleaseService } from '../../service/service-contract.ts';
import type { ServerDeps } from '../server-deps.ts';
import type { RouteCall } from '../server-route.ts';

/**
 * The release service for this call: the actor is the authenticated user's e-mail (never
 * anything the client wrote), the project the path's.
 */
export function serviceOf(deps: ServerDeps, call: RouteCall): ReleaseService {
  const principal = call.principal!;
  const userAgent = call.c.req.header('user-agent');
  // Where the change came from, as the server sees it (the service cleans and bounds it).
  const origin: EventOrigin = {
    address: clientAddress(call.c),
    ...(userAgent ? { userAgent } : {}),
    ...(principal.kind === 'token' ? { tokenId: principal.tokenId } : {}),
  };
  return deps.releases(principal.user.email, call.params.project!, origin);
}

/** The version the path names, or undefined for `@latest` (the service picks, like the CLI). */
export function versionOf(call: RouteCall): { version?: string } {
  const v = call.params.version!;
  return v === latestVersion ? {} : { version: v };
}

/**
 * The playbook a start or re-snapshot names: YAML text (`playbookYaml`), or one the project
 * stored or runs (`playbookHash`); another project's hash is not found.
 */
export async function playbookOf(
  deps: ServerDeps,
  call: RouteCall,
  input: { playbookYaml?: string; playbookHash?: string },
): Promise<Playbook> {
  if (input.playbookYaml !== undefined)
    return loadPlaybook(input.playbookYaml, 'playbookYaml').playbook;
  const hash = input.playbookHash ?? '';
  const found = await deps.directory.findPlaybook(call.params.project!, hash);
  if (!found)
    throw new NotFoundError(
      `project ${call.params.project} has no playbook ${hash.slice(0, 12)}: store it first (POST .../playbooks) or send playbookYaml`,
      { field: 'playbookHash' },
    );
  return found;
}

/** The release's ETag: its event count, quoted. */
export function etagOf(release: Release): string {
  return `"${release.head?.count ?? 0}"`;
}

/**
 * The release a write acts on, and the state it was decided on: `If-Match: "N"` (the ETag a
 * read gave, the release's event count) becomes `expect: { events: N }`, which the service
 * compares inside the write's own transaction, so two writes racing on one ETag cannot both
 * apply (the second gets 409 with the release as it is now). Without If-Match, no condition.
 *
 * @example svc.sign({ ...writeRefOf(call), role: 'qa-lead', verdict: 'go' })
 */
export function writeRefOf(call: RouteCall): { version?: string; expect?: { events: number } } {
  const wanted = call.c.req.header('if-match')?.trim();
  if (wanted === undefined) return versionOf(call);
  const match = /^(?:W\/)?"(\d{1,12})"$/.exec(wanted);
  if (!match) {
    throw new InputError(
      `If-Match is the ETag a read of the release gave, such as "12"; got ${JSON.stringify(wanted.slice(0, 40))}`,
      { field: 'If-Match' },
    );
  }
  return { ...versionOf(call), expect: { events: Number(match[1]) } };
}

/**
 * Whether the membership grants the playbook role `role`: as a sign-off role, or, for a playbook
 * role named like a project role (`release-manager`, common in checklists), by holding that
 * project role or a higher one. A membership cannot list a project role among its sign-off
 * roles, so without the second way nobody could ever sign as `release-manager`.
 *
 * @example grantsPlaybookRole({ role: 'release-manager', signoff: [] }, 'release-manager') // true
 * @example grantsPlaybookRole({ role: 'member', signoff: ['qa-lead'] }, 'release-manager') // false
 */
export function grantsPlaybookRole(roles: MemberRoles | undefined, role: string): boolean {
  if (!roles) return false;
  return roles.signoff.includes(role) || (isProjectRole(role) && hasProjectRole(roles, role));
}

/**
 * Requires the sign-off role: a member signs as a playbook role only when their membership
 * grants it (the service checks the playbook's own members on top).
 */
export function requireSignoffRole(roles: MemberRoles | undefined, role: string): void {
  if (!grantsPlaybookRole(roles, role)) {
    throw new ForbiddenError(`your membership does not grant the sign-off role ${role}`, {
      field: 'role',
    });
  }
}

/**
 * Requires one of the roles a playbook policy names (window override, forced deployment)
 * among the member's sign-off roles.
 */
export function requirePolicyRole(
  roles: MemberRoles | undefined,
  named: readonly string[] | undefined,
  what: string,
): void {
  if (!(named ?? []).some((r) => grantsPlaybookRole(roles, r))) {
    throw new ForbiddenError(
      named?.length
        ? `to ${what} your membership must grant one of the roles ${named.join(', ')}`
        : `the playbook names no role that may ${what}`,
    );
  }
}

/**
 * Requires, for a run item that names `by:` roles, that the membership grants one of them (the
 * service checks the playbook's own members on top). An item without `by:` is anyone's to run.
 *
 * @example requireRunRole({ role: 'member', signoff: ['ops'] }, ['ops']) // passes
 */
export function requireRunRole(
  roles: MemberRoles | undefined,
  by: readonly string[] | undefined,
): void {
  if (!by?.length) return;
  if (!by.some((r) => grantsPlaybookRole(roles, r)))
    throw new ForbiddenError(
      `this run item may be run only by a holder of ${by.join(' or ')}, and your membership grants none of them`,
    );
}
