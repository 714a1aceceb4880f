/**
 * A store on each dialect for store tests: SQLite in a temp folder, or PostgreSQL in a database
 * of its own (store-pg.fixture.ts); `dispose` closes it and removes what it made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from './open-store.ts';
import { createTestDatabase } from './store-pg.fixture.ts';
import type { Store } from './store.ts';

export type TestDialect = 'sqlite' | 'postgres';

/**
 * Opens a fresh, migrated store on `dialect`.
 *
 * @example
 * const t = await openTestStore('postgres', 'accounts'); try { ... t.store ... } finally { await t.dispose(); }
 */
export async function openTestStore(
  dialect: TestDialect,
  label: string,
): Promise<{ store: Store; dispose(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), `gonogo-${label}-`));
    const store = await openStore(path.join(dir, 'gonogo.db'));
    return {
      store,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const db = await createTestDatabase();
  const store = await openStore(db.url);
  return {
    store,
    dispose: async () => {
      await store.close();
      await db.drop();
    },
  };
}
