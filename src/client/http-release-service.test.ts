/**
 * The service contract suite against the HTTP client: the real server (`createServerApp` over
 * a temporary SQLite file, listening on 127.0.0.1 through `@hono/node-server`), one user,
 * membership and API token per actor the suite names, and the server's clock the suite's.
 * The same tests as in-process (`service/create-service.test.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServerDeps } from '../cli/cli-server.ts';
import type { GonogoError } from '../core/errors.ts';
import { EnvironmentError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import { createServerApp } from '../server/server-app.ts';
import type { ServerApp } from '../server/server-app.ts';
import type { ServerDirectory } from '../server/server-deps.ts';
import { createServerLogger } from '../server/server-log.ts';
import type { AccountService, Principal } from '../service/account-contract.ts';
import type { ReleaseService } from '../service/service-contract.ts';
import type { ContractSetup } from '../service/service-contract.suite.ts';
import { contractYaml, describeServiceContract } from '../service/service-contract.suite.ts';
import { createMemoryChangeBus } from '../store/change-bus.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createHttpReleaseService } from './http-release-service.ts';

const dir = mkdtempSync(join(tmpdir(), 'gonogo-client-'));
const defaultProject = 'github.com/acme/app';
/** Every playbook role the suite signs as: the server lets a member sign only as one granted. */
const playbookRoles = ['qa-lead', 'release-manager'];
const quiet = new Writable({ write: (_c, _e, done) => done() });

interface Running {
  store: Store;
  server: ServerType;
  app: ServerApp;
  baseUrl: string;
  accounts: AccountService;
  directory: ServerDirectory;
  admin: Principal;
  tokens: Map<string, Promise<string>>;
  users: Map<string, Promise<{ id: string; email: string }>>;
}

/** A server on a fresh SQLite file for each test, listening on a free port. */
function httpSetup(): ContractSetup & { close(): Promise<void> } {
  let now = new Date();
  let n = 0;
  let running: Running | undefined;

  async function stop() {
    if (!running) return;
    const r = running;
    running = undefined;
    r.app.streams.closeAll();
    await new Promise<void>((resolve) => r.server.close(() => resolve()));
    await r.store.close();
  }

  /** The actor's token in the project: a user, a membership with every role, a token. */
  function userOf(r: Running, actor: string) {
    let user = r.users.get(actor);
    if (!user) {
      user = r.accounts
        .createUser(r.admin, { email: actor, password: `${actor} password` })
        .then(({ user: u }) => ({ id: u.id, email: u.email }));
      r.users.set(actor, user);
    }
    return user;
  }

  function tokenOf(r: Running, actor: string, project: string): Promise<string> {
    const key = `${actor}\0${project}`;
    let token = r.tokens.get(key);
    if (!token) {
      token = (async () => {
        await r.directory.createProject(project, now.toISOString());
        const user = await userOf(r, actor);
        const roles = { role: 'admin' as const, signoff: playbookRoles };
        await r.accounts.setMembership(r.admin, { project, userId: user.id, roles });
        const created = await r.accounts.createToken(
          { kind: 'session', user: { ...user, admin: false } } as Principal,
          { project, name: 'contract', roles },
        );
        return created.secret;
      })();
      r.tokens.set(key, token);
    }
    return token;
  }

  return {
    service(actor, project = defaultProject): ReleaseService {
      const r = running!;
      const lazy = tokenOf(r, actor, project).then((token) =>
        createHttpReleaseService({ baseUrl: r.baseUrl, token, project }),
      );
      return new Proxy({ project } as ReleaseService, {
        get(target, name) {
          if (name === 'project') return project;
          if (name === 'then') return undefined;
          return async (...args: unknown[]) => {
            const svc = (await lazy) as unknown as Record<string, (...a: unknown[]) => unknown>;
            return svc[name as string]!(...args);
          };
        },
      });
    },
    setNow: (at) => void (now = at),
    async reset() {
      await stop();
      const store = await openStore(join(dir, `c${++n}.db`));
      const deps = await buildServerDeps({
        store,
        bus: createMemoryChangeBus(),
        logger: createServerLogger(quiet),
        now: () => now,
        setupCode: 'unused',
      });
      const accounts = deps.accounts;
      const { user } = await accounts.createFirstAdmin({
        email: 'server-admin@example.com',
        password: 'server admin password',
      });
      const app = createServerApp(deps);
      const server = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
      const { port } = server.address() as AddressInfo;
      running = {
        store,
        server,
        app,
        baseUrl: `http://127.0.0.1:${port}`,
        accounts,
        directory: deps.directory,
        admin: { kind: 'session', user },
        tokens: new Map(),
        users: new Map(),
      };
    },
    close: stop,
  };
}

const setup = httpSetup();
describeServiceContract('HTTP client against the server on SQLite', () => setup);

afterAll(async () => {
  await setup.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the HTTP client when the server cannot be reached', () => {
  it('is an environment error naming the server and the fix', async () => {
    // A port nothing listens on: bind one, note it, close it.
    const probe = serve({ fetch: () => new Response(), port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => probe.once('listening', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const svc = createHttpReleaseService({
      baseUrl: `http://127.0.0.1:${port}`,
      token: 'gng_x',
      project: defaultProject,
    });
    const error = await svc.listReleases().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as GonogoError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`http://127.0.0.1:${port} refused the connection`);
    expect((error as Error).message).toMatch(/GONOGO_SERVER/);
  });

  it('gives up after the timeout', async () => {
    const svc = createHttpReleaseService({
      baseUrl: 'http://127.0.0.1:9',
      token: 'gng_x',
      project: defaultProject,
      timeoutMs: 50,
      // A server that never answers.
      fetch: (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
        ),
    });
    await expect(svc.getStatus()).rejects.toThrow(/did not answer within 0\.05 s/);
  });

  it('refuses a playbook it has no YAML text for, before any request', async () => {
    const { playbook } = loadPlaybook(contractYaml, 'test.yaml');
    const svc = createHttpReleaseService({
      baseUrl: 'http://127.0.0.1:9',
      token: 'gng_x',
      project: defaultProject,
      fetch: () => Promise.reject(new Error('no request expected')),
    });
    const error = await svc
      .startRelease({ playbook: { ...playbook, name: 'Changed' }, version: '1.0.0' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-input', field: 'playbook' });
  });
});
