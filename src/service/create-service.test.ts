import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import { openStore } from '../store/open-store.ts';
import { checkPgAvailable, createTestDatabase } from '../store/store-pg.fixture.ts';
import type { Store } from '../store/store.ts';
import { createReleaseService } from './create-service.ts';
import type { ContractSetup } from './service-contract.suite.ts';
import { contractYaml, describeServiceContract } from './service-contract.suite.ts';
import { adoptLegacyReleases } from './service-releases.ts';
import { createServiceContext } from './service-context.ts';

/** The in-process service over a store that `open` makes anew for each test. */
function storeSetup(
  open: (n: number) => Promise<Store>,
): ContractSetup & { close(): Promise<void> } {
  let store: Store | undefined;
  let now = new Date();
  let n = 0;
  return {
    service: (actor, project = 'github.com/acme/app') =>
      createReleaseService({ store: store!, actor, project, now: () => now }),
    setNow: (at) => void (now = at),
    async reset() {
      await store?.close();
      store = await open(++n);
    },
    close: async () => void (await store?.close()),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'gonogo-svc-'));
const sqlite = storeSetup((n) => openStore(join(dir, `g${n}.db`)));
describeServiceContract('in-process on SQLite', () => sqlite);

const pgAvailable = await checkPgAvailable('create-service.test.ts');
const pgDb = pgAvailable ? await createTestDatabase() : undefined;
const postgres = storeSetup((n) => {
  const u = new URL(pgDb!.url);
  u.searchParams.set('schema', `contract_${n}`);
  return openStore(u.toString());
});
if (pgDb) describeServiceContract('in-process on PostgreSQL', () => postgres);

afterAll(async () => {
  await sqlite.close();
  await postgres.close();
  await pgDb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('local mode on a database made by gonogo 0.1', () => {
  it('lets the first repository with a project key adopt the releases kept under "default"', async () => {
    const store = await openStore(join(dir, 'legacy.db'));
    try {
      const { playbook } = loadPlaybook(contractYaml, 'test.yaml');
      const old = createReleaseService({ store, actor: 'ana@example.com' });
      expect(old.project).toBe('default');
      await old.startRelease({ playbook, version: '1.0.0' });
      const ctx = createServiceContext({ store, actor: 'ana@example.com', project: 'acme/app' });
      expect(await adoptLegacyReleases(ctx)).toBe(1);
      expect(await adoptLegacyReleases(ctx)).toBe(0);
      const svc = createReleaseService({ store, actor: 'ana@example.com', project: 'acme/app' });
      expect((await svc.getRelease()).release.project).toBe('acme/app');
      expect((await svc.listEvents()).at(-1)).toMatchObject({
        type: 'release.project-changed',
        payload: { from: 'default', to: 'acme/app' },
      });
      expect((await store.listProjects()).map((p) => p.id)).toEqual(['acme/app']);
      // A second repository finds nothing left to adopt and starts its own 1.0.0.
      const other = createServiceContext({ store, actor: 'ana@example.com', project: 'acme/b' });
      expect(await adoptLegacyReleases(other)).toBe(0);
      const b = createReleaseService({ store, actor: 'ana@example.com', project: 'acme/b' });
      await b.startRelease({ playbook, version: '1.0.0' });
      expect((await svc.verifyAudit())[0]?.ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
