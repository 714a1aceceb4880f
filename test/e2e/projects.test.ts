/**
 * Projects through the built CLI: several repositories on one database (SQLite and PostgreSQL)
 * keep their releases, versions and environments apart, and a database made by gonogo 0.1.0
 * (`test/fixtures/gonogo-0.1.0.db`, written by that release's CLI) is adopted by its repository.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPgAvailable, createTestDatabase } from '../../src/store/store-pg.fixture.ts';
import { makeRepo, removeRepos } from './cli-helper.ts';
import type { Repo } from './cli-helper.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const legacyDb = path.join(here, '..', 'fixtures', 'gonogo-0.1.0.db');

const playbook = `name: Two repos
environments: [staging, production]
phases:
  - id: pre-release
    items:
      - title: Notes written
      - title: Docs updated
`;

interface Release {
  version: string;
  project: string;
}

async function repoWithRemote(remote: string, env: Record<string, string>): Promise<Repo> {
  const repo = await makeRepo({ env });
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
  await repo.git(['remote', 'add', 'origin', remote]);
  return repo;
}

const pgAvailable = await checkPgAvailable('projects.test.ts');
const pg = pgAvailable ? await createTestDatabase() : undefined;

afterAll(async () => {
  await removeRepos();
  await pg?.drop();
});

const backends = [
  ['SQLite', () => undefined],
  ['PostgreSQL', () => pg?.url],
] as const;

for (const [name, url] of backends) {
  describe.skipIf(name === 'PostgreSQL' && !pg)(`two repositories on one ${name} database`, () => {
    it('keep their releases, items, versions and environments apart', async () => {
      const first = await makeRepo();
      const db = url() ?? first.db;
      const a = await repoWithRemote('git@github.com:Acme/App.git', { GONOGO_DB: db });
      const b = await repoWithRemote('https://ci-token:x@github.com/acme/web.git', {
        GONOGO_DB: db,
      });
      await a.ok(['release', 'start', '1.0.0']);
      // The same version in the second repository is its own release, not a conflict.
      await b.ok(['release', 'start', 'v1.0.0']);
      await a.ok(['item', 'done', '1']);
      await a.ok(['deploy', 'staging']);

      const [inA] = await a.json<Release[]>(['release', 'list']);
      const [inB] = await b.json<Release[]>(['release', 'list']);
      expect(inA).toMatchObject({ version: '1.0.0', project: 'github.com/Acme/App' });
      // The remote's user and password never become part of the project's name.
      expect(inB).toMatchObject({ version: '1.0.0', project: 'github.com/acme/web' });

      const items = await b.json<{ items: { number: number; state: string }[] }>([
        'release',
        'show',
      ]);
      expect(items.items.find((i) => i.number === 1)?.state).toBe('pending');
      const envB = await b.json<{ environment: string; current?: unknown }[]>(['env']);
      expect(envB.every((e) => e.current === undefined)).toBe(true);
      const envA = await a.json<{ environment: string; current?: { version: string } }[]>(['env']);
      expect(envA.find((e) => e.environment === 'staging')?.current?.version).toBe('1.0.0');

      // --project and the playbook's project: key name the project explicitly.
      const named = await a.json<Release[]>([
        'release',
        'list',
        '--project',
        'github.com/acme/web',
      ]);
      expect(named.map((r) => r.project)).toEqual(['github.com/acme/web']);
      writeFileSync(path.join(b.dir, 'gonogo.yaml'), `project: acme/app\n${playbook}`);
      const viaKey = await b.json<Release[]>(['release', 'list']);
      expect(viaKey).toEqual([]);
      await b.ok(['release', 'start', '2.0.0']);
      expect((await b.json<Release[]>(['release', 'list'])).map((r) => r.project)).toEqual([
        'acme/app',
      ]);
    });
  });
}

describe('a database made by gonogo 0.1.0', () => {
  it('is adopted by the repository that opens it: its releases, history and audit intact', async () => {
    const repo = await repoWithRemote('git@github.com:acme/legacy-app.git', {});
    copyFileSync(legacyDb, repo.db);
    const releases = await repo.json<Release[]>(['release', 'list']);
    expect(releases.map((r) => [r.version, r.project])).toEqual([
      ['1.1.0', 'github.com/acme/legacy-app'],
      ['1.0.0', 'github.com/acme/legacy-app'],
    ]);
    const shown = await repo.json<{ items: { number: number; state: string }[] }>([
      'release',
      'show',
      '1.0.0',
    ]);
    expect(shown.items.slice(0, 2).map((i) => i.state)).toEqual(['done', 'waived']);
    const log = await repo.json<{ type: string; payload: { to?: string } }[]>(['log', '1.0.0']);
    expect(log.at(-1)).toMatchObject({
      type: 'release.project-changed',
      payload: { to: 'github.com/acme/legacy-app' },
    });
    const audit = await repo.run(['audit', 'verify']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    // A second repository on the same file starts empty: nothing left to adopt.
    const other = await repoWithRemote('git@github.com:acme/other.git', { GONOGO_DB: repo.db });
    expect(await other.json<Release[]>(['release', 'list'])).toEqual([]);
  });
});
