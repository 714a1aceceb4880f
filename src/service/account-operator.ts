/**
 * Accounts made by whoever runs the server rather than by a signed-in administrator: they hold
 * the database already (as `gonogo admin create` does), and the API offers no route to this.
 * `gonogo serve --demo` brings its demo team this way. Such users are never server
 * administrators, so the first-administrator set-up stays open for the person who runs it.
 */
import type { Membership } from '../core/account-model.ts';
import { normalizeMemberRoles } from '../core/account-roles.ts';
import { InputError } from '../core/errors.ts';
import { newRowId } from '../store/row-id.ts';
import type { OperatorMemberInput } from './account-contract.ts';
import type { AccountContext } from './account-context.ts';
import { checkLabel } from './account-context.ts';
import { checkNewUser } from './account-users.ts';

/**
 * A new user (never an administrator) with roles in a project, in one transaction; the same
 * checks of e-mail, password and roles as `createUser` and `setMembership`.
 *
 * @example await addOperatorMember(ctx, { email: 'qa@shop.example', password, project: 'demo/shop', roles: { role: 'member', signoff: ['qa-lead'] } })
 */
export async function addOperatorMember(
  ctx: AccountContext,
  input: OperatorMemberInput,
): Promise<Membership> {
  const { email, name } = checkNewUser(input);
  const project = checkLabel(String(input.project ?? ''), 'project', 200);
  const normal = normalizeMemberRoles(input.roles);
  if (normal.problem !== undefined) {
    throw new InputError([{ message: normal.problem }], { field: 'roles' });
  }
  // Hashed before the transaction: the write lock is never held through scrypt.
  const passwordHash = await ctx.passwords.hash(input.password);
  const at = ctx.now().toISOString();
  const record = { id: newRowId(), email, name, admin: false, createdAt: at, passwordHash };
  return ctx.store.transaction(async (tx) => {
    await tx.insertUser(record);
    return tx.putMembership({ project, userId: record.id, roles: normal.roles, updatedAt: at }, 0);
  });
}
