/**
 * Users (made by a server administrator) and the API tokens of the signed-in user: created (the secret in that one answer), listed without
 * secrets or hashes, revoked. The account service keeps a token within its creator's roles.
 */
import type { Hono } from 'hono';
import type { ApiToken } from '../../core/account-model.ts';
import { ForbiddenError } from '../../core/errors.ts';
import type { Principal } from '../../service/account-contract.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { memberRolesOf, roleListOf } from '../server-roles.ts';
import { mountRoute } from '../server-route.ts';

/** Mounts createUser, listTokens, createToken and revokeToken. */
export function mountAccountRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  // The account service refuses anyone but a server administrator.
  mountRoute(app, deps, base, 'createUser', async ({ principal, body }) => {
    const input = body as { email: string; name?: string; password: string; admin?: boolean };
    onlySignedIn(principal!, 'create users');
    const { user } = await deps.accounts.createUser(principal!, input);
    return { id: user.id, email: user.email, ...(user.name ? { name: user.name } : {}) };
  });

  mountRoute(app, deps, base, 'listTokens', async ({ principal }) => {
    const tokens = await deps.accounts.listTokens(principal!, { userId: principal!.user.id });
    return { tokens: tokens.map(tokenView) };
  });

  mountRoute(app, deps, base, 'createToken', async ({ principal, body }) => {
    const input = body as { name: string; project: string; roles: string[]; expiresAt?: string };
    onlySignedIn(principal!, 'create tokens');
    const { token, secret } = await deps.accounts.createToken(principal!, {
      project: input.project,
      name: input.name,
      roles: memberRolesOf(input.roles),
      ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
    });
    return { ...tokenView(token), secret };
  });

  mountRoute(app, deps, base, 'revokeToken', async ({ principal, params }) => {
    await deps.accounts.revokeToken(principal!, { tokenId: params.id! });
    return undefined;
  });
}

/**
 * A token cannot make tokens: a leaked CI token would otherwise mint itself a longer life.
 */
function onlySignedIn(principal: Principal, what: string): void {
  if (principal.kind !== 'session') throw new ForbiddenError(`only a signed-in user may ${what}`);
}

function tokenView(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    project: token.project,
    roles: roleListOf(token.roles),
    createdAt: token.createdAt,
    ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
    ...(token.lastUsedAt ? { lastUsedAt: token.lastUsedAt } : {}),
    ...(token.revokedAt ? { revokedAt: token.revokedAt } : {}),
  };
}
