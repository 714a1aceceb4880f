/**
 * `gonogo run` and `gonogo lock` through the built CLI in a real git repository: a run item's
 * script runs at the release commit and its result is recorded with evidence (done on exit 0,
 * failed on exit 3 or a timeout), a secret it prints is masked in the record, --dry-run records
 * nothing, a confirm: item without a terminal is refused, a dirty tree refuses to run; and a
 * locked environment refuses a deployment (a forced one too) until it is unlocked.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { makeRepo, removeRepos } from './cli-helper.ts';

afterAll(removeRepos);

const playbook = `name: Run e2e
roles:
  release-manager: Release Manager
environments: [staging, production]
policy:
  force: [release-manager]
phases:
  - id: deploy
    items:
      - id: migrate
        title: Migrate the database
        run: [node, scripts/deploy.js, migrate]
      - id: broken
        title: A step that fails
        run: node scripts/deploy.js fail
      - id: slow
        title: A step that hangs
        run: [node, scripts/deploy.js, hang]
        timeout: 2s
      - id: careful
        title: Deploy to production
        run: [node, deploy.js, production]
        cwd: scripts
        confirm: true
`;

const secret = 'dtok-e2e-9c8b7a6f5e';
const script = `const what = process.argv[2];
console.log('step ' + what + ' in ' + process.cwd());
console.log('using token ' + process.env.DEPLOY_TOKEN);
if (what === 'fail') { console.error('migration 42 failed'); process.exit(3); }
if (what === 'hang') setTimeout(() => {}, 600000);
`;

interface ItemShow {
  item: { number: number; state: string; evidence?: Record<string, unknown> };
}

async function makeRunRepo(): Promise<Repo> {
  const repo = await makeRepo({ env: { DEPLOY_TOKEN: secret } });
  await writeFile(path.join(repo.dir, 'gonogo.yaml'), playbook);
  await writeFile(path.join(repo.dir, '.gitignore'), 'gonogo.db*\n');
  await import('node:fs/promises').then((fs) => fs.mkdir(path.join(repo.dir, 'scripts')));
  await writeFile(path.join(repo.dir, 'scripts', 'deploy.js'), script);
  await repo.git(['add', '-A']);
  await repo.commit('release candidate with its deploy script');
  await repo.ok(['release', 'start', '1.0.0']);
  return repo;
}

const show = async (repo: Repo, ref: string) =>
  (await repo.json<ItemShow>(['item', 'show', ref])).item;

describe('gonogo run', () => {
  it('runs a run item at the release commit and records done, failed, timed out, with the secret masked', async () => {
    const repo = await makeRunRepo();

    const ok = await repo.run(['run', 'migrate']);
    expect(ok.code, ok.stderr).toBe(0);
    // Live output reaches the terminal as the script prints it.
    expect(ok.stdout).toContain('step migrate');
    expect(ok.stdout).toMatch(/done #1/);
    const done = await show(repo, 'migrate');
    expect(done.state).toBe('done');
    expect(done.evidence).toMatchObject({
      exitCode: 0,
      command: ['node', 'scripts/deploy.js', 'migrate'],
      end: 'exited',
    });
    expect(typeof done.evidence!.durationMs).toBe('number');
    const stored = JSON.stringify(done.evidence);
    expect(stored).toContain('step migrate');
    expect(stored).not.toContain(secret);

    const failed = await repo.run(['run', 'broken']);
    expect(failed.code).toBe(1);
    const broken = await show(repo, 'broken');
    expect(broken.state).toBe('failed');
    expect(broken.evidence).toMatchObject({ exitCode: 3 });
    expect(JSON.stringify(broken.evidence)).toContain('migration 42 failed');

    const slow = await repo.run(['run', 'slow']);
    expect(slow.code).toBe(1);
    const hung = await show(repo, 'slow');
    expect(hung.state).toBe('failed');
    expect(String(hung.evidence!.summary)).toMatch(/timed out/);

    const audit = await repo.run(['audit', 'verify']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
  });

  it('records nothing on --dry-run, asks before a confirm: item and refuses without a terminal, and refuses a dirty tree', async () => {
    const repo = await makeRunRepo();
    const before = (await repo.json<unknown[]>(['log'])).length;
    const dry = await repo.run(['run', 'careful', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('node deploy.js production');
    expect(dry.stdout).toMatch(/in: +scripts at commit [0-9a-f]{12}/);
    expect(dry.stdout).toContain('timeout: 15m');
    expect(dry.stdout).not.toContain('step production');
    expect((await repo.json<unknown[]>(['log'])).length).toBe(before);
    expect((await show(repo, 'careful')).state).toBe('pending');

    const refused = await repo.run(['run', 'careful']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no terminal.*--yes/);
    expect((await show(repo, 'careful')).state).toBe('pending');

    const yes = await repo.run(['run', 'careful', '--yes']);
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toMatch(/step production in .*scripts/);

    await writeFile(path.join(repo.dir, 'scripts', 'deploy.js'), `${script}\n// edited\n`);
    const dirty = await repo.run(['run', 'migrate']);
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toMatch(/nothing was run/);
    expect((await show(repo, 'migrate')).state).toBe('pending');
  });
});

describe('gonogo lock', () => {
  it('refuses a deployment to a locked environment, forced too, until it is unlocked', async () => {
    const repo = await makeRunRepo();
    await repo.ok(['lock', 'production', '--reason', 'incident 42: payments down']);
    const env = await repo.run(['env']);
    expect(env.stdout).toMatch(/production.*LOCKED by e2e@example\.com.*incident 42/);
    const status = await repo.run(['status']);
    expect(status.stdout).toMatch(/production is LOCKED by e2e@example\.com/);

    const refused = await repo.run(['deploy', 'production']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/production is locked: locked by e2e@example\.com/);
    expect(refused.stderr).toContain('gonogo unlock production');
    const forced = await repo.run(['deploy', 'production', '--force', '--reason', 'ship it']);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(/production is locked/);
    // Another environment is not locked.
    await repo.ok(['deploy', 'staging']);

    await repo.ok(['unlock', 'production', '--reason', 'payments back']);
    // The run items are still open, so the gate says NO-GO: forcing it now gets through.
    await repo.ok(['deploy', 'production', '--force', '--reason', 'ship it']);
    const log = await repo.run(['log']);
    expect(log.stdout).toMatch(/locked production/);
    expect(log.stdout).toMatch(/unlocked production/);
    await repo.ok(['audit', 'verify']);
  });
});
