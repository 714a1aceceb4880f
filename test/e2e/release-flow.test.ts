/**
 * A release's life through the CLI beyond the happy path: a new candidate commit makes
 * sign-offs stale, a rollback brings in the rollback procedure and takes the version out of
 * production; and the CLI's contracts: `--json` is JSON only, `NO_COLOR` means no ANSI
 * escapes, `--version` is the package's.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { cliPath, makeRepo, removeRepos, repoRoot, run } from './cli-helper.ts';

const playbook = `name: Web app
roles:
  qa-lead: QA Lead
  release-manager: Release Manager
environments: [staging, production]
phases:
  - id: pre-release
    items:
      - id: changelog
        title: CHANGELOG updated
      - id: migrations
        title: Database migrations reviewed
        optional: true
  - id: go-no-go
    gate: [qa-lead, release-manager]
rollback:
  - title: Previous version deployed
  - title: Incident channel informed
    items:
      - title: Status page updated
`;

interface View {
  release: { version: string; state: string; commit: string };
  items: { number: number; title: string; state: string; rollback: boolean; parent?: number }[];
  signoffs: { role: string; stale: boolean }[];
}
interface EnvView {
  environment: string;
  current?: { version: string };
  last?: { version: string; status: string };
}

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[/;

/** Ticks the pre-release item, says go for both gate roles, decides GO. */
async function readyToShip(repo: Repo) {
  await repo.ok(['item', 'done', 'changelog']);
  await repo.ok(['sign', 'qa-lead', 'go']);
  await repo.ok(['sign', 'release-manager', 'go']);
  await repo.ok(['decide']);
}

let repo: Repo;

beforeAll(async () => {
  repo = await makeRepo();
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
});

afterAll(removeRepos);

describe('a release through the CLI', () => {
  it('retargeting to a new commit makes the sign-offs stale: NO-GO names the roles', async () => {
    await repo.ok(['release', 'start', '0.9.0']);
    await repo.ok(['item', 'done', 'changelog']);
    await repo.ok(['sign', 'qa-lead', 'go']);
    await repo.ok(['sign', 'release-manager', 'go']);
    const status = await repo.json<{ gate: { outcome: string } }>(['status']);
    expect(status.gate.outcome).toBe('go');

    const sha = await repo.commit('fix found in QA');
    const retarget = await repo.ok(['release', 'retarget', sha]);
    expect(retarget.stdout).toMatch(/stale/);
    const view = await repo.json<View>(['release', 'show']);
    expect(view.release.commit).toBe(sha);
    expect(view.signoffs.map((s) => [s.role, s.stale])).toEqual([
      ['qa-lead', true],
      ['release-manager', true],
    ]);

    const decide = await repo.run(['decide']);
    expect(decide.code).toBe(1);
    expect(decide.stdout).toMatch(/^NO-GO for gate .*: 2 blockers/);
    expect(decide.stdout).toMatch(/qa-lead \(QA Lead\)'s go .*was for commit/);
    expect(decide.stdout).toMatch(/release-manager \(Release Manager\)'s go/);
    const recorded = await repo.json<{
      decisions: {
        outcome: string;
        blockers: { kind: string; role?: string; message: string }[];
      }[];
    }>(['release', 'show']);
    const nogo = recorded.decisions.at(-1)!;
    expect(nogo.outcome).toBe('no-go');
    expect(nogo.blockers.map((b) => [b.kind, b.role])).toEqual([
      ['signoff-stale', 'qa-lead'],
      ['signoff-stale', 'release-manager'],
    ]);
    expect(nogo.blockers[0]!.message).toMatch(
      new RegExp(`not the current commit ${sha.slice(0, 7)}: it must be given again`),
    );
    // Production is refused: the gate in front of it says NO-GO for this commit.
    const deploy = await repo.run(['deploy', 'production']);
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toMatch(/may not go to production/);

    // Signed again for the new commit: GO, and the release ships and finishes.
    await repo.ok(['sign', 'qa-lead', 'go']);
    await repo.ok(['sign', 'release-manager', 'go']);
    const go = await repo.ok(['decide']);
    expect(go.stdout).toMatch(new RegExp(`^GO .* at commit ${sha.slice(0, 12)}`));
    await repo.ok(['deploy', 'production']);
    const shipped = await repo.json<View>(['release', 'show', '0.9.0']);
    expect(shipped.release.state).toBe('finished');
  });

  it('a rollback adds the rollback procedure and takes the version out of production', async () => {
    await repo.ok(['release', 'start', '1.0.0']);
    await readyToShip(repo);
    await repo.ok(['deploy', 'staging']);
    await repo.ok(['deploy', 'production']);
    let envs = await repo.json<EnvView[]>(['env']);
    expect(envs.map((e) => [e.environment, e.current?.version])).toEqual([
      ['staging', '1.0.0'],
      ['production', '1.0.0'],
    ]);
    // Shipped with nothing required left open: the release is finished.
    const before = await repo.json<View>(['release', 'show', '1.0.0']);
    expect(before.release.state).toBe('finished');
    expect(before.items.some((i) => i.rollback)).toBe(false);

    const rb = await repo.ok(['rollback', 'production', '--reason', 'error rate 9%']);
    expect(rb.stdout).toMatch(/rolled production back from 1\.0\.0 to 0\.9\.0: error rate 9%/);
    expect(rb.stdout).toMatch(/Previous version deployed/);

    const after = await repo.json<View>(['release', 'show', '1.0.0']);
    expect(after.release).toMatchObject({ state: 'rolled-back', stateReason: 'error rate 9%' });
    const procedure = after.items.filter((i) => i.rollback);
    expect(procedure.map((i) => i.title)).toEqual([
      'Previous version deployed',
      'Incident channel informed',
      'Status page updated',
    ]);
    expect(procedure.every((i) => i.state === 'pending')).toBe(true);
    expect(procedure[0]!.number).toBe(before.items.at(-1)!.number + 1);
    expect(procedure[2]!.parent).toBe(procedure[1]!.number);

    envs = await repo.json<EnvView[]>(['env']);
    const production = envs.find((e) => e.environment === 'production')!;
    expect(production.current?.version).toBe('0.9.0');
    expect(production.last).toMatchObject({ version: '1.0.0', status: 'rolled-back' });
    expect(envs.find((e) => e.environment === 'staging')!.current?.version).toBe('1.0.0');
    const human = await repo.ok(['env']);
    expect(human.stdout).toMatch(
      /^production\s+0\.9\.0 .* after 1\.0\.0 was rolled back at .*: error rate 9%/m,
    );
    // status leads with the rollback, and what to do next is the procedure.
    const status = await repo.ok(['status']);
    expect(status.stdout).toMatch(/rolled back: error rate 9%/);
    expect(status.stdout).toMatch(/^ROLLED BACK from production .*: error rate 9%$/m);
    expect(status.stdout).toMatch(/production runs 0\.9\.0 again/);
    expect(status.stdout).toMatch(
      new RegExp(`Next:\\n  gonogo item done ${procedure[0]!.number}-${procedure.at(-1)!.number} `),
    );

    // Working through the procedure resolves the incident; the release stays rolled back.
    for (const i of procedure) await repo.ok(['item', 'done', String(i.number)]);
    const done = await repo.json<View>(['release', 'show', '1.0.0']);
    expect(done.release.state).toBe('rolled-back');
    expect((await repo.ok(['status'])).stdout).toMatch(/rollback procedure complete/);
    await repo.ok(['audit', 'verify']);
  });
});

describe('the CLI contracts', () => {
  it('prints JSON and nothing else on stdout for --json, and no ANSI escapes anywhere', async () => {
    const commands = [
      ['release', 'start', '2.0.0'],
      ['status'],
      ['status', '0.9.0'],
      ['release', 'list'],
      ['release', 'show', '1.0.0'],
      ['item', 'show', 'changelog', '--release', '1.0.0'],
      ['log', '0.9.0'],
      ['env'],
      ['playbook', 'show'],
      ['playbook', 'lint'],
      ['templates'],
      ['audit', 'verify'],
      ['export', '--release', '1.0.0'],
      ['item', 'na', 'migrations', '--note', 'no schema change'],
      ['decide'],
    ];
    for (const args of commands) {
      const r = await repo.run([...args, '--json']);
      expect([0, 1], `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
      expect(
        () => JSON.parse(r.stdout),
        `${args.join(' ')} --json printed:\n${r.stdout}`,
      ).not.toThrow();
      expect(r.stdout).not.toMatch(ansi);
    }
    // The same commands for people, with NO_COLOR: readable text, no escapes.
    for (const args of commands.slice(1, 13)) {
      const r = await repo.run(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(r.stdout + r.stderr).not.toMatch(ansi);
    }
  });

  it('honours NO_COLOR on a terminal', async (ctx) => {
    // A pseudo-terminal through util-linux `script`, where colour would otherwise be on.
    const hasScript = (() => {
      try {
        return /util-linux/.test(execFileSync('script', ['--version'], { encoding: 'utf8' }));
      } catch {
        return false;
      }
    })();
    if (!hasScript) {
      console.warn(
        'release-flow.test.ts: no util-linux `script`, NO_COLOR not checked on a terminal',
      );
      ctx.skip();
    }
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, cliPath, 'status', '0.9.0'].map(quote).join(' ');
    const onTty = (env: Record<string, string | undefined>) =>
      execFileSync('script', ['-qec', command, '/dev/null'], {
        cwd: repo.dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          ...repo.env,
          TERM: 'xterm-256color',
          FORCE_COLOR: undefined,
          ...env,
        },
      });
    expect(onTty({ NO_COLOR: undefined })).toMatch(ansi);
    const plain = onTty({ NO_COLOR: '1' });
    expect(plain).toMatch(/Web app 0\.9\.0/);
    expect(plain).not.toMatch(ansi);
  });

  it('prints the package version for --version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    const r = await run(['--version'], { cwd: repo.dir });
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});
