import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.ts';
import { checkPgAvailable, createTestDatabase } from '../store/store-pg.fixture.ts';
import type { Store } from '../store/store.ts';
import type { AccountContractSetup } from './account-contract.suite.ts';
import { describeAccountContract } from './account-contract.suite.ts';
import type { PasswordHasher } from './account-password-hash.ts';
import { createPasswordHasher, defaultScryptParams, parseHash } from './account-password-hash.ts';
import { createAccountService } from './create-account-service.ts';

/**
 * The in-process account service over a store that `open` makes anew for each test. Passwords
 * use a low scrypt cost (N=2^10) to keep the suite fast; the real cost is tested below. The
 * hasher is the real one, wrapped to count verifies (real and dummy).
 */
function storeSetup(
  open: (n: number) => Promise<Store>,
): AccountContractSetup & { close(): Promise<void> } {
  let store: Store | undefined;
  let now = new Date();
  let n = 0;
  let checks = 0;
  const real = createPasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
  const passwords: PasswordHasher = {
    hash: (p) => real.hash(p),
    verify: (p, stored) => ((checks += 1), real.verify(p, stored)),
    verifyDummy: (p) => ((checks += 1), real.verifyDummy(p)),
  };
  return {
    service: () => createAccountService({ store: store!, now: () => now, passwords }),
    setNow: (at) => void (now = at),
    passwordChecks: () => checks,
    async reset() {
      await store?.close();
      store = await open(++n);
    },
    close: async () => void (await store?.close()),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'gonogo-accounts-svc-'));
const sqlite = storeSetup((n) => openStore(join(dir, `a${n}.db`)));
describeAccountContract('in-process on SQLite', () => sqlite);

const pgAvailable = await checkPgAvailable('create-account-service.test.ts');
const pgDb = pgAvailable ? await createTestDatabase() : undefined;
const postgres = storeSetup((n) => {
  const u = new URL(pgDb!.url);
  u.searchParams.set('schema', `accounts_${n}`);
  return openStore(u.toString());
});
if (pgDb) describeAccountContract('in-process on PostgreSQL', () => postgres);

afterAll(async () => {
  await sqlite.close();
  await postgres.close();
  await pgDb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('password hashes', () => {
  it('are scrypt with the default cost, named in the stored form, salted, and verify only the password', async () => {
    const hasher = createPasswordHasher();
    const a = await hasher.hash('correct horse battery');
    const b = await hasher.hash('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(parseHash(a)?.params).toEqual(defaultScryptParams);
    expect(await hasher.verify('correct horse battery', a)).toBe(true);
    expect(await hasher.verify('correct horse batterY', a)).toBe(false);
    // A hash made with other parameters still verifies (they are read from it).
    const cheap = await createPasswordHasher({ N: 2 ** 10, r: 8, p: 1 }).hash(
      'correct horse battery',
    );
    expect(await hasher.verify('correct horse battery', cheap)).toBe(true);
  });
  it('treat composed and decomposed accents as one password, and refuse malformed or absurd hashes', async () => {
    const hasher = createPasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
    const stored = await hasher.hash('caf\u00e9 au lait, bitte');
    expect(await hasher.verify('cafe\u0301 au lait, bitte', stored)).toBe(true);
    for (const bad of [
      '',
      'plain',
      'scrypt$1$8$1$c2FsdA$aGFzaA',
      'scrypt$2097152$8$1$c2FsdA$aGFzaA',
      'bcrypt$x',
    ]) {
      expect(await hasher.verify('anything', bad)).toBe(false);
    }
  });
});
