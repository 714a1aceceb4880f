/**
 * API tokens for programs and CI: made by a member for one project with at most the member's
 * roles there, shown once, stored as a SHA-256, expiring, revocable. A token's roles are
 * intersected with the member's current ones on every use, so taking a role away from a member
 * takes it from their tokens too.
 */
import type { ApiToken, MemberRoles } from '../core/account-model.ts';
import { isSecretShape } from '../core/account-credentials.ts';
import { intersectRoles, normalizeMemberRoles, rolesWithin } from '../core/account-roles.ts';
import { ForbiddenError, InputError, NotFoundError, UnauthenticatedError } from '../core/errors.ts';
import { newRowId } from '../store/row-id.ts';
import type { CreateTokenInput, CreateTokenResult, Principal } from './account-contract.ts';
import type { AccountContext } from './account-context.ts';
import { checkLabel, currentUser, publicUser, touchEveryMs } from './account-context.ts';
import { principalRoles } from './account-members.ts';
import { digestSecret, newSecret } from './account-secrets.ts';

const badToken = () =>
  new UnauthenticatedError('the API token is not valid (unknown, expired or revoked)');

/** Checks a project key given as input: 1 to 200 characters, one line. */
export function checkProject(project: unknown): string {
  return checkLabel(String(project ?? ''), 'project', 200);
}

/**
 * A new token for the actor in a project. Its roles must be within the actor's there (a token
 * acting makes a token only for its own project, within its own roles).
 *
 * @example const { secret } = await createToken(ctx, principal, { project: 'acme/app', name: 'CI', roles: { role: 'member', signoff: [] } });
 */
export async function createToken(
  ctx: AccountContext,
  actor: Principal,
  input: CreateTokenInput,
): Promise<CreateTokenResult> {
  const user = await currentUser(ctx, actor);
  const project = checkProject(input.project);
  const name = checkLabel(String(input.name ?? ''), 'name', 100);
  const normal = normalizeMemberRoles(input.roles);
  if (normal.problem !== undefined) {
    throw new InputError([{ message: normal.problem }], { field: 'roles' });
  }
  const now = ctx.now();
  const expiresAt = checkExpiry(input.expiresAt, now);
  const held = await principalRoles(ctx, actor, project);
  if (!rolesWithin(normal.roles, held)) {
    throw new ForbiddenError(
      `a token cannot hold roles in project ${project} that its maker does not hold there`,
      { field: 'roles' },
    );
  }
  const secret = newSecret('token');
  const token: ApiToken = {
    id: newRowId(),
    userId: user.id,
    project,
    name,
    roles: normal.roles,
    createdAt: now.toISOString(),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
  await ctx.store.transaction((tx) =>
    tx.insertApiToken({ ...token, tokenHash: digestSecret(secret) }),
  );
  return { token, secret };
}

function checkExpiry(expiresAt: string | undefined, now: Date): string | undefined {
  if (expiresAt === undefined) return undefined;
  const at = new Date(String(expiresAt));
  if (!/^\d{4}-\d{2}-\d{2}T/.test(String(expiresAt)) || Number.isNaN(at.getTime()) || at <= now) {
    throw new InputError(
      [
        {
          message: 'the expiry must be an ISO time in the future',
          fix: 'e.g. 2027-01-01T00:00:00Z',
        },
      ],
      { field: 'expiresAt' },
    );
  }
  return at.toISOString();
}

/**
 * The principal of an API token: its project and its roles within the member's current ones.
 * Refused when unknown, expired, revoked, its user disabled, or its user no longer a member.
 *
 * @example const principal = await authenticateToken(ctx, { secret: bearer });
 */
export async function authenticateToken(
  ctx: AccountContext,
  input: { secret: string },
): Promise<Principal & { kind: 'token' }> {
  const secret = String(input.secret ?? '');
  if (!isSecretShape('token', secret)) throw badToken();
  const token = await ctx.store.findApiTokenByHash(digestSecret(secret));
  const now = ctx.now();
  if (!token || token.revokedAt !== undefined) throw badToken();
  if (token.expiresAt !== undefined && Date.parse(token.expiresAt) <= now.getTime())
    throw badToken();
  const user = await ctx.store.getUser(token.userId);
  if (!user || user.disabledAt !== undefined) throw badToken();
  const membership = await ctx.store.getMembership(token.project, user.id);
  if (!membership) throw badToken();
  const roles: MemberRoles = intersectRoles(token.roles, membership.roles);
  const before = new Date(now.getTime() - touchEveryMs).toISOString();
  if (token.lastUsedAt === undefined || token.lastUsedAt < before) {
    await ctx.store.transaction((tx) => tx.touchApiToken(token.id, now.toISOString(), before));
  }
  return {
    kind: 'token',
    user: publicUser(user),
    tokenId: token.id,
    project: token.project,
    roles,
  };
}

/** A token the actor may see: their own, or any for a server administrator; else not found. */
async function visibleToken(
  ctx: AccountContext,
  actor: Principal,
  tokenId: string,
): Promise<ApiToken> {
  const me = await currentUser(ctx, actor);
  const token = await ctx.store.getApiToken(String(tokenId));
  // Someone else's token is "not found": its existence is not for the actor to learn.
  if (!token || (token.userId !== me.id && !(me.admin && actor.kind === 'session'))) {
    throw new NotFoundError(`token ${tokenId} does not exist`, { field: 'tokenId' });
  }
  return token;
}

/**
 * Revokes a token; revoking a revoked one answers it as it is.
 *
 * @example await revokeToken(ctx, principal, { tokenId })
 */
export async function revokeToken(
  ctx: AccountContext,
  actor: Principal,
  input: { tokenId: string },
): Promise<{ token: ApiToken }> {
  const token = await visibleToken(ctx, actor, input.tokenId);
  if (token.revokedAt !== undefined) return { token };
  const at = ctx.now().toISOString();
  await ctx.store.transaction((tx) => tx.revokeApiToken(token.id, at));
  return { token: (await ctx.store.getApiToken(token.id)) ?? { ...token, revokedAt: at } };
}

/**
 * A user's tokens, oldest first, without secrets or hashes.
 *
 * @example await listTokens(ctx, principal, { userId: principal.user.id })
 */
export async function listTokens(
  ctx: AccountContext,
  actor: Principal,
  input: { userId: string },
): Promise<ApiToken[]> {
  const me = await currentUser(ctx, actor);
  if (me.id !== input.userId && !(me.admin && actor.kind === 'session')) {
    throw new ForbiddenError("only the user or a server administrator may list a user's tokens");
  }
  return ctx.store.listApiTokens(input.userId);
}
