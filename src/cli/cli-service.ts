/**
 * Opens the local service: the store at a path or URL, the use cases over it, and the adoption
 * of a gonogo 0.1 database. One module, loaded by cli-context.ts with one `import()`, so the
 * bundle gives the read path one chunk for all of it instead of one per module.
 */
import type { ReleaseService } from '../service/service-contract.ts';
import type { ServiceDeps } from '../service/create-service.ts';
import { createReleaseService } from '../service/create-service.ts';
import { createServiceContext } from '../service/service-context.ts';
import { adoptLegacyReleases } from '../service/service-releases.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';

/**
 * Opens the store at `url` (a SQLite file, or a `postgres://` URL) and the service over it.
 *
 * @example
 * const { service, store } = await openLocalService('.gonogo/gonogo.db', { actor: 'ana@example.com', project: 'acme/app' });
 */
export async function openLocalService(
  url: string,
  deps: Omit<ServiceDeps, 'store'>,
): Promise<{ service: ReleaseService; store: Store }> {
  // PostgreSQL (and pg) is loaded only when a URL names it; SQLite is the CLI's default.
  const store = /^postgres(ql)?:\/\//i.test(url)
    ? await (await import('../store/postgres-store.ts')).openPostgresStore(url)
    : await openSqliteStore(url);
  try {
    const full = { ...deps, store };
    // A database made by gonogo 0.1 kept releases under "default": this repository adopts them.
    await adoptLegacyReleases(createServiceContext(full));
    return { service: createReleaseService(full), store };
  } catch (e) {
    await store.close();
    throw e;
  }
}
