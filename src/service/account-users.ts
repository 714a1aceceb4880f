/**
 * Users: the first administrator (set-up), users made by an administrator, disabling one.
 * Passwords are hashed before the transaction, so the database's write lock is never held
 * through ~90 ms of scrypt.
 */
import type { User } from '../core/account-model.ts';
import { normalizeEmail, passwordProblem } from '../core/account-credentials.ts';
import { ConflictError, InputError, NotFoundError } from '../core/errors.ts';
import { newRowId } from '../store/row-id.ts';
import type { CreateUserInput, Principal } from './account-contract.ts';
import type { AccountContext } from './account-context.ts';
import { checkLabel, publicUser, requireServerAdmin } from './account-context.ts';

/** Checks a new user's e-mail, name and password; the answer is ready to store but for the hash. */
export function checkNewUser(input: CreateUserInput): { email: string; name: string } {
  const email = normalizeEmail(String(input.email ?? ''));
  if (!email) {
    throw new InputError(
      [
        {
          message: 'the e-mail address is not valid',
          fix: 'give an address such as ana@example.com',
        },
      ],
      { field: 'email' },
    );
  }
  const problem = passwordProblem(String(input.password ?? ''), email);
  if (problem) {
    throw new InputError([{ message: problem, fix: 'choose a longer passphrase' }], {
      field: 'password',
    });
  }
  const name =
    input.name === undefined ? email.split('@')[0]! : checkLabel(input.name, 'name', 200);
  return { email, name };
}

/**
 * Whether any user exists.
 *
 * @example await hasUsers(ctx) // false on a new server
 */
export async function hasUsers(ctx: AccountContext): Promise<boolean> {
  return (await ctx.store.countUsers()) > 0;
}

/**
 * Whether a server administrator exists: until one does, the server offers the first-administrator
 * set-up (users made by whoever runs the server, such as the demo team of `gonogo serve --demo`,
 * are never administrators and leave it open).
 *
 * @example await hasAdministrator(ctx) // false on a new server, and on a demo-only one
 */
export async function hasAdministrator(ctx: AccountContext): Promise<boolean> {
  return (await ctx.store.countUsers({ admin: true })) > 0;
}

/**
 * The first server administrator; refused once one exists. The check and the insert
 * are one transaction under the accounts lock, so of two at once exactly one wins.
 *
 * @example await createFirstAdmin(ctx, { email: 'ana@example.com', password: 'correct horse battery' })
 */
export async function createFirstAdmin(
  ctx: AccountContext,
  input: CreateUserInput,
): Promise<{ user: User }> {
  const { email, name } = checkNewUser(input);
  if (await hasAdministrator(ctx)) throw firstAdminTaken();
  const passwordHash = await ctx.passwords.hash(input.password);
  const record = {
    id: newRowId(),
    email,
    name,
    admin: true,
    createdAt: ctx.now().toISOString(),
    passwordHash,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.lockAccounts();
    if ((await tx.countUsers({ admin: true })) > 0) throw firstAdminTaken();
    await tx.insertUser(record);
  });
  return { user: publicUser(record) };
}

function firstAdminTaken(): ConflictError {
  return new ConflictError(
    'the server has an administrator already; an administrator adds new users',
  );
}

/**
 * A new user, made by a server administrator.
 *
 * @example await createUser(ctx, adminPrincipal, { email: 'qa@example.com', password: '…' })
 */
export async function createUser(
  ctx: AccountContext,
  actor: Principal,
  input: CreateUserInput & { admin?: boolean },
): Promise<{ user: User }> {
  await requireServerAdmin(ctx, actor);
  const { email, name } = checkNewUser(input);
  const passwordHash = await ctx.passwords.hash(input.password);
  const record = {
    id: newRowId(),
    email,
    name,
    admin: input.admin === true,
    createdAt: ctx.now().toISOString(),
    passwordHash,
  };
  await ctx.store.transaction((tx) => tx.insertUser(record));
  return { user: publicUser(record) };
}

/**
 * Disables a user (server administrators only; not oneself, so a server keeps an administrator).
 * Their sessions are revoked in the same transaction; their tokens fail from now on.
 */
export async function disableUser(
  ctx: AccountContext,
  actor: Principal,
  input: { userId: string },
): Promise<{ user: User }> {
  const admin = await requireServerAdmin(ctx, actor);
  if (admin.id === input.userId) {
    throw new ConflictError('an administrator cannot disable themselves', { field: 'userId' });
  }
  const at = ctx.now().toISOString();
  const user = await ctx.store.transaction(async (tx) => {
    const found = await tx.getUser(input.userId);
    if (!found) throw new NotFoundError(`user ${input.userId} does not exist`, { field: 'userId' });
    if (found.disabledAt !== undefined) return found;
    await tx.updateUser(found.id, { disabledAt: at });
    await tx.revokeSessions({ userId: found.id }, at);
    return { ...found, disabledAt: at };
  });
  return { user: publicUser(user) };
}
