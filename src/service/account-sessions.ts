/**
 * Sign-in, sessions and signing out everywhere. Every way a sign-in or a session can fail gives
 * the same `unauthenticated` error, and a sign-in with an unknown e-mail still runs one scrypt
 * verify, so neither the answer nor its time tells which e-mails have accounts.
 */
import { isSecretShape, maxPasswordBytes, normalizeEmail } from '../core/account-credentials.ts';
import { ForbiddenError, UnauthenticatedError } from '../core/errors.ts';
import type { Principal, SignInMeta, SignInResult } from './account-contract.ts';
import type { AccountContext } from './account-context.ts';
import { currentUser, publicUser, touchEveryMs } from './account-context.ts';
import { digestSecret, newSecret } from './account-secrets.ts';

const wrongSignIn = () => new UnauthenticatedError('the e-mail address or password is not right');
const noSession = () =>
  new UnauthenticatedError('not signed in, or the session has ended; sign in again');

/**
 * Signs in with e-mail and password; answers the session secret (once) and the user.
 *
 * @example const { secret } = await signIn(ctx, { email: 'ana@example.com', password: '…' });
 */
export async function signIn(
  ctx: AccountContext,
  input: { email: string; password: string; meta?: SignInMeta },
): Promise<SignInResult> {
  const password = String(input.password ?? '');
  const email = normalizeEmail(String(input.email ?? ''));
  const user = email === undefined ? undefined : await ctx.store.findUserByEmail(email);
  // An oversized password is refused before any hashing; by length alone, like a wrong one.
  const bounded = Buffer.byteLength(password) <= maxPasswordBytes;
  let ok = false;
  if (user && bounded) ok = await ctx.passwords.verify(password, user.passwordHash);
  else await ctx.passwords.verifyDummy(bounded ? password : '');
  if (!user || !ok || user.disabledAt !== undefined) throw wrongSignIn();

  const now = ctx.now();
  const secret = newSecret('session');
  const expiresAt = new Date(now.getTime() + ctx.sessionTtlMs).toISOString();
  await ctx.store.transaction((tx) =>
    tx.insertSession({
      id: digestSecret(secret),
      userId: user.id,
      createdAt: now.toISOString(),
      expiresAt,
      lastSeenAt: now.toISOString(),
      ...metaFields(input.meta),
    }),
  );
  return { user: publicUser(user), secret, expiresAt };
}

/** User agent and address as kept: bounded, one line. */
function metaFields(meta: SignInMeta | undefined): { userAgent?: string; address?: string } {
  const clean = (text: string | undefined, max: number) =>
    text === undefined ? undefined : text.replace(/\p{Cc}/gu, ' ').slice(0, max);
  const userAgent = clean(meta?.userAgent, 300);
  const address = clean(meta?.address, 64);
  return {
    ...(userAgent !== undefined ? { userAgent } : {}),
    ...(address !== undefined ? { address } : {}),
  };
}

/**
 * The principal of a session secret. Refused when unknown, expired, revoked, or the user is
 * disabled; "last seen" is written at most once a minute.
 *
 * @example const principal = await authenticateSession(ctx, { secret: cookieValue });
 */
export async function authenticateSession(
  ctx: AccountContext,
  input: { secret: string },
): Promise<Principal & { kind: 'session' }> {
  const secret = String(input.secret ?? '');
  if (!isSecretShape('session', secret)) throw noSession();
  const id = digestSecret(secret);
  const session = await ctx.store.getSession(id);
  const now = ctx.now();
  if (
    !session ||
    session.revokedAt !== undefined ||
    Date.parse(session.expiresAt) <= now.getTime()
  ) {
    throw noSession();
  }
  const user = await ctx.store.getUser(session.userId);
  if (!user || user.disabledAt !== undefined) throw noSession();
  const before = new Date(now.getTime() - touchEveryMs).toISOString();
  if (session.lastSeenAt < before) {
    await ctx.store.transaction((tx) => tx.touchSession(id, now.toISOString(), before));
  }
  return { kind: 'session', user: publicUser(user) };
}

/**
 * Ends the session of a secret (signing out in one browser). Answers the same whether there was
 * one or not: the caller learns nothing about a secret it sends.
 *
 * @example await signOut(ctx, { secret: cookieValue })
 */
export async function signOut(ctx: AccountContext, input: { secret: string }): Promise<void> {
  const secret = String(input.secret ?? '');
  if (!isSecretShape('session', secret)) return;
  const at = ctx.now().toISOString();
  await ctx.store.transaction((tx) => tx.revokeSessions({ id: digestSecret(secret) }, at));
}

/**
 * Ends every session of a user: their own, or anyone's for a server administrator.
 *
 * @example await signOutEverywhere(ctx, principal, { userId: principal.user.id }) // { revoked: 2 }
 */
export async function signOutEverywhere(
  ctx: AccountContext,
  actor: Principal,
  input: { userId: string },
): Promise<{ revoked: number }> {
  const me = await currentUser(ctx, actor);
  if (me.id !== input.userId && !(me.admin && actor.kind === 'session')) {
    throw new ForbiddenError('only the user or a server administrator may end their sessions');
  }
  const at = ctx.now().toISOString();
  const revoked = await ctx.store.transaction((tx) =>
    tx.revokeSessions({ userId: input.userId }, at),
  );
  return { revoked };
}
