/**
 * Set-up, sign-in and sign-out: the first administrator with the one-time code from the log,
 * sessions in an HttpOnly cookie (Secure over TLS, SameSite=Lax) with their CSRF token, and
 * failed sign-ins limited per e-mail and client address (429 with Retry-After).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { ConflictError, ForbiddenError, GonogoError } from '../../core/errors.ts';
import type { SignInResult } from '../../service/account-contract.ts';
import { csrfTokenOf, sessionCookie } from '../server-auth.ts';
import type { ServerEnv } from '../server-auth.ts';
import { cameOverTls, clientAddress } from '../server-client.ts';
import type { ServerDeps } from '../server-deps.ts';
import { errorResponse } from '../server-errors.ts';
import type { AttemptLimiter } from '../server-rate-limit.ts';
import { mountRoute } from '../server-route.ts';

/** Mounts setUp, signIn, getSession and signOut. */
export function mountSessionRoutes(
  app: Hono<ServerEnv>,
  deps: ServerDeps,
  base: string,
  limiter: AttemptLimiter,
): void {
  mountRoute(app, deps, base, 'setUp', async ({ c, body }) => {
    const input = body as { setupToken: string; email: string; name?: string; password: string };
    const key = `setup\0${clientAddress(c)}`;
    const wait = limiter.retryAfter(key);
    if (wait !== undefined) return tooMany(c, wait);
    if (await deps.accounts.hasAdministrator()) {
      throw new ConflictError('the server is set up already; an administrator adds users');
    }
    if (deps.setupCode === undefined || !sameText(input.setupToken, deps.setupCode)) {
      limiter.fail(key);
      throw new ForbiddenError('the set-up code is not the one in the server log');
    }
    await deps.accounts.createFirstAdmin({
      email: input.email,
      password: input.password,
      ...(input.name !== undefined ? { name: input.name } : {}),
    });
    limiter.reset(key);
    const session = await deps.accounts.signIn({
      email: input.email,
      password: input.password,
      meta: meta(c),
    });
    return startSession(c, session, 201);
  });

  mountRoute(app, deps, base, 'signIn', async ({ c, body }) => {
    const input = body as { email: string; password: string };
    const key = `${input.email.trim().toLowerCase()}\0${clientAddress(c)}`;
    const wait = limiter.retryAfter(key);
    if (wait !== undefined) return tooMany(c, wait);
    let session: SignInResult;
    try {
      session = await deps.accounts.signIn({ ...input, meta: meta(c) });
    } catch (error) {
      if (error instanceof GonogoError && error.code === 'unauthenticated') limiter.fail(key);
      throw error;
    }
    limiter.reset(key);
    return startSession(c, session, 201);
  });

  mountRoute(app, deps, base, 'getSession', async ({ c, principal }) => {
    const secret = c.get('sessionSecret');
    if (principal?.kind !== 'session' || secret === undefined) {
      throw new ForbiddenError('an API token has no session; list your tokens with GET /tokens');
    }
    const expiresAt = await deps.directory.sessionExpiresAt(secret);
    return { user: principal.user, expiresAt, csrfToken: csrfTokenOf(secret) };
  });

  mountRoute(app, deps, base, 'signOut', async ({ c, principal, query }) => {
    const secret = c.get('sessionSecret');
    if (query.everywhere === 'true' && principal) {
      await deps.accounts.signOutEverywhere(principal, { userId: principal.user.id });
    } else if (secret !== undefined) {
      await deps.accounts.signOut({ secret });
    }
    deleteCookie(c, sessionCookie, { path: '/' });
    return undefined;
  });
}

function startSession(c: Context<ServerEnv>, session: SignInResult, status: 201): Response {
  setCookie(c, sessionCookie, session.secret, {
    httpOnly: true,
    secure: cameOverTls(c),
    sameSite: 'Lax',
    path: '/',
    expires: new Date(session.expiresAt),
  });
  const { id, email, name } = session.user;
  return c.json(
    {
      user: { id, email, name },
      expiresAt: session.expiresAt,
      csrfToken: csrfTokenOf(session.secret),
    },
    status,
  );
}

function tooMany(c: Context<ServerEnv>, seconds: number): Response {
  c.header('Retry-After', String(seconds));
  return errorResponse(c, 'rate-limited', `too many failed attempts; try again in ${seconds} s`, {
    retryAfterSeconds: seconds,
  });
}

function meta(c: Context<ServerEnv>) {
  const userAgent = c.req.header('user-agent');
  return {
    address: clientAddress(c),
    ...(userAgent ? { userAgent: userAgent.slice(0, 500) } : {}),
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
