/**
 * The account service for the CLI's admin commands, on the database a command names (`--db`,
 * GONOGO_DB, the default file), checked by cli-db.ts like every other command's.
 */
import type { AccountService } from '../service/account-contract.ts';
import { createAccountService } from '../service/create-account-service.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import type { DbTarget } from './cli-db.ts';
import { openCliStore } from './cli-db.ts';

/**
 * Opens the store at `target` and the account service over it; close the store when done.
 *
 * @example const { accounts, store } = await openAccountService(resolveDb(flags.db, root), cwd);
 */
export async function openAccountService(
  target: DbTarget,
  cwd: string,
): Promise<{ accounts: AccountService; store: Store }> {
  const { store } = await openCliStore(target, cwd, {}, (url) => openStore(url));
  return { accounts: createAccountService({ store }), store };
}
