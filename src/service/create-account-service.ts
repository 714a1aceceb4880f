/**
 * The in-process account service over a store: what the team server will call, and what
 * `gonogo admin create` uses today. Each use case lives in the file of its concern.
 */
import type { AccountService } from './account-contract.ts';
import type { AccountDeps } from './account-context.ts';
import { createAccountContext } from './account-context.ts';
import { principalRoles, setMembership } from './account-members.ts';
import { authenticateSession, signIn, signOut, signOutEverywhere } from './account-sessions.ts';
import { authenticateToken, createToken, listTokens, revokeToken } from './account-tokens.ts';
import { addOperatorMember } from './account-operator.ts';
import {
  createFirstAdmin,
  createUser,
  disableUser,
  hasAdministrator,
  hasUsers,
} from './account-users.ts';

export type { AccountDeps } from './account-context.ts';

/**
 * Creates the account service over a store.
 *
 * @example
 * const accounts = createAccountService({ store });
 * await accounts.createFirstAdmin({ email: 'ana@example.com', password: 'correct horse battery' });
 */
export function createAccountService(deps: AccountDeps): AccountService {
  const ctx = createAccountContext(deps);
  return {
    hasUsers: () => hasUsers(ctx),
    hasAdministrator: () => hasAdministrator(ctx),
    createFirstAdmin: (input) => createFirstAdmin(ctx, input),
    addOperatorMember: (input) => addOperatorMember(ctx, input),
    createUser: (actor, input) => createUser(ctx, actor, input),
    disableUser: (actor, input) => disableUser(ctx, actor, input),
    signIn: (input) => signIn(ctx, input),
    authenticateSession: (input) => authenticateSession(ctx, input),
    signOut: (input) => signOut(ctx, input),
    signOutEverywhere: (actor, input) => signOutEverywhere(ctx, actor, input),
    createToken: (actor, input) => createToken(ctx, actor, input),
    authenticateToken: (input) => authenticateToken(ctx, input),
    revokeToken: (actor, input) => revokeToken(ctx, actor, input),
    listTokens: (actor, input) => listTokens(ctx, actor, input),
    setMembership: (actor, input) => setMembership(ctx, actor, input),
    getMembership: (input) => ctx.store.getMembership(input.project, input.userId),
    listMembers: (input) => ctx.store.listMemberships({ project: input.project }),
    principalRoles: (principal, project) => principalRoles(ctx, principal, project),
  };
}
