/**
 * Opens the local service: the store a command names (checked by cli-db.ts), the use cases
 * over it, and the adoption of a gonogo 0.1 database. One module, loaded by cli-context.ts with
 * one `import()`, so the bundle gives this path one chunk instead of one per service module and
 * the pieces they share (fewer files for Node to resolve and link on every `status`).
 */
import type { ReleaseService } from '../service/service-contract.ts';
import type { ServiceDeps } from '../service/create-service.ts';
import { createReleaseService } from '../service/create-service.ts';
import { createServiceContext } from '../service/service-context.ts';
import { adoptLegacyReleases } from '../service/service-releases.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import type { DbTarget, OpenCliStoreOptions, StoreOpener } from './cli-db.ts';
import { openCliStore } from './cli-db.ts';

/**
 * SQLite bundled here; PostgreSQL (and pg) loaded only for a URL. Not store/open-store.ts,
 * whose import() of the SQLite store would make that a chunk of its own on the read path.
 */
const openStore: StoreOpener = async (url, opts) =>
  /^postgres(ql)?:\/\//i.test(url)
    ? (await import('../store/postgres-store.ts')).openPostgresStore(url)
    : openSqliteStore(url, opts.readOnly ? { readOnly: true } : {});

/**
 * Opens the store at `target` for a command and the service over it; the store is closed again
 * when adopting a 0.1 database fails.
 *
 * @example
 * const { service, store } = await openLocalService(resolveDb(undefined, root), cwd, { mustExist: true },
 *   { actor: 'ana@example.com', project: 'github.com/acme/app' });
 */
export async function openLocalService(
  target: DbTarget,
  cwd: string,
  opts: OpenCliStoreOptions,
  deps: Omit<ServiceDeps, 'store'>,
): Promise<{ service: ReleaseService; store: Store }> {
  const { store, readOnly } = await openCliStore(target, cwd, opts, openStore);
  try {
    const full = { ...deps, store };
    // A database made by gonogo 0.1 kept releases under "default": this repository adopts them.
    // (Not through a read-only connection, which a database this user may not write gets.)
    if (!readOnly) await adoptLegacyReleases(createServiceContext(full));
    return { service: createReleaseService(full), store };
  } catch (e) {
    await store.close();
    throw e;
  }
}
