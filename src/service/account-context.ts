/**
 * What every account use case gets: the store, the clock, the password hasher and the session
 * lifetime; and the checks they share (a fresh look at the acting user, neutral refusals).
 */
import type { User, UserRecord } from '../core/account-model.ts';
import { ForbiddenError, InputError, UnauthenticatedError } from '../core/errors.ts';
import { findControlChar } from '../core/text-safety.ts';
import type { Store } from '../store/store.ts';
import type { Principal } from './account-contract.ts';
import type { PasswordHasher } from './account-password-hash.ts';
import { createPasswordHasher } from './account-password-hash.ts';

export interface AccountDeps {
  store: Store;
  /** The server's clock (default: the real one). */
  now?: () => Date;
  /** Default: scrypt with the default cost. */
  passwords?: PasswordHasher;
  /** How long a session lasts from sign-in (default 14 days). */
  sessionTtlMs?: number;
}

export interface AccountContext {
  store: Store;
  now(): Date;
  passwords: PasswordHasher;
  sessionTtlMs: number;
}

/** "last seen" and "last used" are written at most once a minute per session or token. */
export const touchEveryMs = 60_000;

/**
 * The context for the account use cases.
 *
 * @example const ctx = createAccountContext({ store });
 */
export function createAccountContext(deps: AccountDeps): AccountContext {
  return {
    store: deps.store,
    now: deps.now ?? (() => new Date()),
    passwords: deps.passwords ?? createPasswordHasher(),
    sessionTtlMs: deps.sessionTtlMs ?? 14 * 24 * 60 * 60 * 1000,
  };
}

/**
 * A user as answers show it: without the password hash.
 *
 * @example publicUser(record).passwordHash // undefined
 */
export function publicUser(record: UserRecord): User {
  const { passwordHash: _hash, ...user } = record;
  return user;
}

/**
 * The acting user as stored now (an administrator may have disabled them since the principal
 * was made); a disabled or vanished user is not authenticated.
 */
export async function currentUser(ctx: AccountContext, actor: Principal): Promise<UserRecord> {
  const user = await ctx.store.getUser(actor.user.id);
  if (!user || user.disabledAt !== undefined) {
    throw new UnauthenticatedError('not signed in, or the sign-in has ended; sign in again');
  }
  return user;
}

/** Refuses anyone but a server administrator signed in with a session (not a project token). */
export async function requireServerAdmin(
  ctx: AccountContext,
  actor: Principal,
): Promise<UserRecord> {
  const user = await currentUser(ctx, actor);
  if (actor.kind !== 'session' || !user.admin) {
    throw new ForbiddenError('only a server administrator, signed in, may do this');
  }
  return user;
}

/**
 * Checks a line of text a person names something with (a user's name, a token's name): trimmed,
 * 1 to `max` characters, no control characters. Returns it trimmed.
 */
export function checkLabel(text: string, field: string, max: number): string {
  const value = text.trim();
  const bad = findControlChar(value);
  if (value.length === 0 || value.length > max || bad) {
    throw new InputError(
      [
        {
          message: bad
            ? `the ${field} contains ${bad}`
            : `the ${field} must have 1 to ${max} characters`,
          fix: `give a ${field} of 1 to ${max} characters on one line`,
        },
      ],
      { field },
    );
  }
  return value;
}
