/**
 * The team server's dependencies built from an open store and change bus: the server layer may
 * not reach the store, so `gonogo serve` (and the server's tests) build its narrow views here.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ServerDeps } from '../server/server-deps.ts';
import { publicUser } from '../service/account-context.ts';
import { digestSecret } from '../service/account-secrets.ts';
import { createAccountService } from '../service/create-account-service.ts';
import { createReleaseService } from '../service/create-service.ts';
import type { ChangeBus } from '../store/change-bus.ts';
import { storeMigrations } from '../store/store-migrations.ts';
import type { Store } from '../store/store.ts';

export interface ServerStoreInput {
  store: Store;
  bus: ChangeBus;
  logger: Logger;
  now?: () => Date;
  /** The one-time set-up code; made up when absent and the database has no administrator. */
  setupCode?: string;
  heartbeatMs?: number;
  /** The built web app (`dist/web`). */
  webDir?: string;
}

/**
 * The server's dependencies over `store` and `bus`. While the database has no administrator, a
 * one-time set-up code is made and logged (the "set-up link printed in the log").
 *
 * @example const deps = await buildServerDeps({ store, bus, logger });
 */
export async function buildServerDeps(input: ServerStoreInput): Promise<ServerDeps> {
  const { store, bus, logger } = input;
  const now = input.now ?? (() => new Date());
  const accounts = createAccountService({ store, now });
  let setupCode = input.setupCode;
  if (setupCode === undefined && !(await accounts.hasAdministrator())) {
    setupCode = randomBytes(18).toString('base64url');
    logger.info(
      { setupCode },
      'no administrator yet: create the first administrator with POST /api/v1/setup and this setupCode, or gonogo admin create',
    );
  }
  return {
    releases: (actor, project, origin) =>
      createReleaseService({
        store,
        actor,
        project,
        now,
        ...(origin ? { origin } : {}),
        changes: bus,
        onChangeError: (error) => logger.warn({ err: error }, 'change bus: publish failed'),
      }),
    accounts,
    changes: bus,
    logger,
    now,
    ...(setupCode !== undefined ? { setupCode } : {}),
    ...(input.heartbeatMs !== undefined ? { heartbeatMs: input.heartbeatMs } : {}),
    ...(input.webDir !== undefined ? { webDir: input.webDir } : {}),
    directory: {
      async findUser(idOrEmail) {
        const record = idOrEmail.includes('@')
          ? await store.findUserByEmail(idOrEmail.trim().toLowerCase())
          : await store.getUser(idOrEmail);
        return record ? publicUser(record) : undefined;
      },
      listProjects: () => store.listProjects(),
      async getProject(id) {
        const project = (await store.listProjects()).find((p) => p.id === id);
        const playbookHash = project && (await store.latestProjectPlaybook(id));
        return project && { ...project, ...(playbookHash ? { playbookHash } : {}) };
      },
      async createProject(id, at) {
        return store.transaction(async (tx) => {
          if ((await tx.listProjects()).some((p) => p.id === id)) return false;
          await tx.ensureProject(id, at);
          return true;
        });
      },
      async storePlaybook(project, hash, playbook, by) {
        const at = now().toISOString();
        await store.transaction(async (tx) => {
          await tx.ensureProject(project, at);
          await tx.putProjectPlaybook(project, hash, playbook, by, at);
        });
      },
      findPlaybook: (project, hash) => store.getProjectPlaybook(project, hash),
      async sessionExpiresAt(secret) {
        return (await store.getSession(digestSecret(secret)))?.expiresAt ?? now().toISOString();
      },
      readEventsSince: (releaseId, afterSeq) => store.listEventsSince(releaseId, afterSeq),
      async readiness() {
        await store.countUsers();
        // The store migrates when it opens and refuses to open otherwise.
        const expected = Object.keys(storeMigrations).length;
        return { database: store.dialect, migrations: { applied: expected, expected } };
      },
    },
  };
}
