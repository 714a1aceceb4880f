/**
 * Who is asking, and may they: the principal from `Authorization: Bearer gng_…` (an API token)
 * or the session cookie, each checked by the account service; the CSRF token a cookie session
 * must send on every state-changing request; and the role a route of the table needs, in the
 * project of its path. Every failure is the API's error (401 unauthenticated, 403 forbidden).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ApiRoute } from '../api/api-routes.ts';
import { hasProjectRole } from '../core/account-roles.ts';
import type { MemberRoles } from '../core/account-model.ts';
import { ForbiddenError, UnauthenticatedError } from '../core/errors.ts';
import type { AccountService, Principal } from '../service/account-contract.ts';

/** The session cookie's name. */
export const sessionCookie = 'gonogo_session';
/** The header a cookie session sends its CSRF token in. */
export const csrfHeader = 'x-csrf-token';

export interface ServerEnv {
  Variables: {
    requestId: string;
    principal?: Principal;
    /** The session secret of a cookie session (for its CSRF token and signing out). */
    sessionSecret?: string;
  };
}

/**
 * The CSRF token of a session: derived from its secret, so nothing more is stored and every
 * instance computes the same; the secret cannot be recovered from it.
 *
 * @example csrfTokenOf('gngs_…') // 'k3…' (43 characters)
 */
export function csrfTokenOf(sessionSecret: string): string {
  return createHash('sha256').update(`gonogo-csrf\0${sessionSecret}`).digest('base64url');
}

/**
 * The principal of the request's credentials, or undefined when it has none. Credentials that
 * are given and wrong are refused (401), never ignored: a client with an expired token learns
 * it instead of acting anonymously.
 *
 * @example const principal = await authenticate(c, accounts);
 */
export async function authenticate(
  c: Context<ServerEnv>,
  accounts: AccountService,
): Promise<Principal | undefined> {
  const known = c.get('principal');
  if (known) return known;
  const header = c.req.header('authorization');
  let principal: Principal | undefined;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthenticatedError('the Authorization header must be "Bearer gng_…"');
    principal = await accounts.authenticateToken({ secret: match[1]! });
  } else {
    const secret = getCookie(c, sessionCookie);
    if (secret === undefined) return undefined;
    principal = await accounts.authenticateSession({ secret });
    c.set('sessionSecret', secret);
  }
  c.set('principal', principal);
  return principal;
}

/**
 * Refuses a state-changing request of a cookie session without its CSRF token (a token
 * holder sends no cookie, so a forged cross-site request cannot carry it).
 */
export function checkCsrf(c: Context<ServerEnv>): void {
  const secret = c.get('sessionSecret');
  if (secret === undefined) return;
  const sent = Buffer.from(c.req.header(csrfHeader) ?? '');
  const expected = Buffer.from(csrfTokenOf(secret));
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw new ForbiddenError(
      'a signed-in browser must send the X-CSRF-Token header (from the session) on every change',
    );
  }
}

/**
 * The roles the principal holds in the project, as the route check sees them: the membership
 * (a token's within its own project and roles); a signed-in server administrator is an admin of
 * every project (the account service lets them manage any project's members anyway), keeping
 * the sign-off roles of their membership.
 */
export async function rolesIn(
  accounts: AccountService,
  principal: Principal,
  project: string,
): Promise<MemberRoles | undefined> {
  const roles = await accounts.principalRoles(principal, project);
  if (principal.kind === 'session' && principal.user.admin) {
    return { role: 'admin', signoff: roles?.signoff ?? [] };
  }
  return roles;
}

/**
 * Checks the route's role: `none` anyone, `user` any principal, a project role that role or
 * higher in the path's project. Returns the roles held there (for routes that check more).
 *
 * @example const roles = await authorize(route, principal, 'acme/app', accounts);
 */
export async function authorize(
  route: ApiRoute,
  principal: Principal | undefined,
  project: string | undefined,
  accounts: AccountService,
): Promise<MemberRoles | undefined> {
  if (route.auth === 'none') return undefined;
  if (!principal) {
    throw new UnauthenticatedError(
      'sign in, or send an API token as "Authorization: Bearer gng_…"',
    );
  }
  if (route.auth === 'user') return undefined;
  if (project === undefined) throw new ForbiddenError('this route needs a project');
  const roles = await rolesIn(accounts, principal, project);
  if (!hasProjectRole(roles, route.auth)) {
    throw new ForbiddenError(
      roles
        ? `this needs the ${route.auth} role in project ${project}`
        : principal.kind === 'token' && principal.project !== project
          ? `this token is for project ${principal.project}, not ${project}`
          : `you are not a member of project ${project}`,
    );
  }
  return roles;
}
