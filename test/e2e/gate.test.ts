/**
 * The gate through the built CLI against the sequences that used to fool it: a GO for an early
 * gate, a GO followed by a no-go or a reopened item, a no-go hidden by a waiver, a go given at
 * another gate, stale sign-offs after a retarget, and overrides or forces by people the
 * playbook does not name. `deploy` re-evaluates every gate in front of the environment and
 * refuses (exit 1, `gate-closed`) unless they all say GO.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { makeRepo, mondayNow, removeRepos, saturdayNow } from './cli-helper.ts';

const playbook = `name: Gate e2e
roles:
  qa-lead: QA Lead
  security: Security
  release-manager: { name: Release Manager, members: [rm@example.com] }
environments: [staging, production]
policy:
  window: { timezone: UTC, deny: [sat, sun], override: [release-manager] }
  force: [release-manager]
phases:
  - id: pre-release
    items:
      - id: changelog
        title: CHANGELOG updated
      - id: security-sign-off
        title: Security sign-off
        sign: security
  - id: qa-gate
    title: QA gate
    gate: [qa-lead]
  - id: staging
    title: Deploy to staging
    items:
      - id: smoke
        title: Smoke test passed on staging
  - id: go-no-go
    title: Go / no-go
    gate: [release-manager, qa-lead]
  - id: production
    title: Deploy to production
    items:
      - id: deployed
        title: Deployed to production
        run: ./deploy.sh production
`;

interface Blocker {
  kind: string;
  message: string;
  role?: string;
  item?: number;
  gate?: string;
}
interface Refusal {
  error: { code: string; message: string; blockers: Blocker[] };
}

const monday = { GONOGO_NOW: mondayNow };
const asRm = { env: { GONOGO_USER: 'rm@example.com' } };

afterAll(removeRepos);

/** A repository with the playbook and release 1.0.0 started on a Monday. */
async function started(yaml = playbook): Promise<Repo> {
  const repo = await makeRepo({ env: monday });
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), yaml);
  await repo.ok(['release', 'start', '1.0.0']);
  return repo;
}

/** Everything both gates need: the items ticked and every role's go where it is asked for. */
async function everythingGo(repo: Repo) {
  await repo.ok(['item', 'done', 'changelog', 'smoke']);
  await repo.ok(['sign', 'security', 'go']);
  await repo.ok(['sign', 'qa-lead', 'go', '--gate', 'qa-gate']);
  await repo.ok(['sign', 'qa-lead', 'go', '--gate', 'go-no-go']);
  await repo.ok(['sign', 'release-manager', 'go'], asRm);
}

/** `deploy ENV --json`, expected to be refused by a closed gate. */
async function refusedDeploy(repo: Repo, env: string, extra: string[] = []): Promise<Refusal> {
  const r = await repo.run(['deploy', env, '--json', ...extra]);
  expect(r.code, r.stderr).toBe(1);
  const out = JSON.parse(r.stdout) as Refusal;
  expect(out.error.code).toBe('gate-closed');
  return out;
}

describe('deploy re-evaluates the gates in front of the environment', () => {
  it('a GO for the early gate does not let production through a later gate', async () => {
    const repo = await started();
    await repo.ok(['item', 'done', 'changelog']);
    await repo.ok(['sign', 'security', 'go']);
    const qa = await repo.ok(['sign', 'qa-lead', 'go']);
    // Without --gate, qa-lead's go goes to its next open target: the QA gate.
    expect(qa.stdout).toMatch(/^qa-lead: go for gate "QA gate" by e2e@example\.com/);
    const decide = await repo.ok(['decide']);
    expect(decide.stdout).toMatch(/^GO for gate "QA gate"/);
    // Staging stands behind the QA gate only.
    await repo.ok(['deploy', 'staging']);

    const refused = await refusedDeploy(repo, 'production');
    expect(refused.error.blockers.map((b) => [b.gate, b.kind, b.role ?? b.item])).toEqual([
      ['go-no-go', 'item-open', 3],
      ['go-no-go', 'signoff-missing', 'release-manager'],
      ['go-no-go', 'signoff-missing', 'qa-lead'],
    ]);
    // qa-lead's go at the QA gate is named as not counting here.
    expect(refused.error.blockers[2]!.message).toMatch(
      /a go counts only where it was given; qa-lead said go for gate "QA gate"/,
    );
    const human = await repo.run(['deploy', 'production']);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(
      /release 1\.0\.0 may not go to production: gate "Go \/ no-go" says NO-GO/,
    );
    expect(human.stderr).toMatch(/Go \/ no-go/);
    expect(human.stderr).toMatch(/#3 "Smoke test passed on staging" is pending/);
    const envs = await repo.json<{ environment: string; current?: { version: string } }[]>(['env']);
    expect(envs.find((e) => e.environment === 'production')?.current).toBeUndefined();
  });

  it('a recorded GO stops counting once a role says no-go, and status names who and why', async () => {
    const repo = await started();
    await everythingGo(repo);
    await repo.ok(['decide', '--phase', 'go-no-go']);
    const nogo = await repo.ok([
      'sign',
      'security',
      'no-go',
      '--comment',
      'CVE-2026-1234 unpatched',
    ]);
    // Nothing left open for security: its no-go goes where it signed last.
    expect(nogo.stdout).toMatch(/security: no-go for #2 "Security sign-off"/);

    const refused = await refusedDeploy(repo, 'production');
    const standing = refused.error.blockers.filter((b) => b.kind === 'signoff-no-go');
    expect(standing.map((b) => [b.gate, b.role])).toEqual([
      ['qa-gate', 'security'],
      ['go-no-go', 'security'],
    ]);
    expect(standing[0]!.message).toMatch(
      /security \(Security\) said no-go for #2 "Security sign-off" \(e2e@example\.com\): CVE-2026-1234 unpatched/,
    );
    const status = await repo.run(['status']);
    expect(status.stdout).toMatch(/said no-go .*CVE-2026-1234/);
    const json = await repo.json<{ gate: { blockers: Blocker[] } }>(['status']);
    expect(json.gate.blockers).toContainEqual(
      expect.objectContaining({ kind: 'signoff-no-go', role: 'security' }),
    );

    // Only the same role saying go again lifts it.
    await repo.ok(['sign', 'security', 'go']);
    await repo.ok(['deploy', 'production']);
  });

  it('a recorded GO stops counting once an item is reopened', async () => {
    const repo = await started();
    await everythingGo(repo);
    await repo.ok(['decide', '--phase', 'go-no-go']);
    await repo.ok(['item', 'reset', 'changelog']);
    const refused = await refusedDeploy(repo, 'production');
    expect(refused.error.blockers).toContainEqual(
      expect.objectContaining({ gate: 'go-no-go', kind: 'item-open', item: 1 }),
    );
    // Staging is refused too: the QA gate covers the reopened item.
    await refusedDeploy(repo, 'staging');
    await repo.ok(['item', 'done', 'changelog']);
    await repo.ok(['deploy', 'production']);
  });

  it('a no-go stays standing after its sign item is waived', async () => {
    const repo = await started();
    await everythingGo(repo);
    await repo.ok(['sign', 'security', 'no-go', '--gate', 'security-sign-off', '-m', 'pen test']);
    const show = await repo.json<{ items: { id: string; state: string }[] }>(['release', 'show']);
    expect(show.items.find((i) => i.id === 'security-sign-off')?.state).toBe('failed');
    await repo.ok(['item', 'waive', 'security-sign-off', '--note', 'we accept the risk'], asRm);

    const decide = await repo.run(['decide', '--phase', 'go-no-go', '--json']);
    expect(decide.code).toBe(1);
    const d = JSON.parse(decide.stdout) as { outcome: string; blockers: Blocker[] };
    expect(d.outcome).toBe('no-go');
    expect(d.blockers.map((b) => [b.kind, b.role])).toEqual([['signoff-no-go', 'security']]);
    await refusedDeploy(repo, 'production');
  });

  it('a go at one gate does not count at another', async () => {
    const repo = await started();
    await repo.ok(['item', 'done', 'changelog', 'smoke']);
    await repo.ok(['sign', 'security', 'go']);
    await repo.ok(['sign', 'release-manager', 'go'], asRm);
    await repo.ok(['sign', 'qa-lead', 'go', '--gate', 'qa-gate']);
    const decide = await repo.run(['decide', '--phase', 'go-no-go']);
    expect(decide.code).toBe(1);
    expect(decide.stdout).toMatch(/no go from qa-lead \(QA Lead\) for this gate yet/);
    // A gate that does not name the role is refused, with what the role can sign.
    const wrong = await repo.run(['sign', 'security', 'go', '--gate', 'qa-gate']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /gate "QA gate" is signed by qa-lead, not security.*security can sign: #2 "Security sign-off"/,
    );
    await refusedDeploy(repo, 'production');
  });

  it('a retarget makes every sign-off stale, and the deployment is refused', async () => {
    const repo = await started();
    await everythingGo(repo);
    await repo.ok(['decide', '--phase', 'go-no-go']);
    const sha = await repo.commit('fix found in QA');
    await repo.ok(['release', 'retarget', sha]);
    const refused = await refusedDeploy(repo, 'production');
    expect(
      refused.error.blockers.filter((b) => b.kind === 'signoff-stale').map((b) => b.role),
    ).toEqual(['qa-lead', 'release-manager', 'qa-lead']);
    // The security sign item is pending again: its go was for the old commit.
    expect(refused.error.blockers).toContainEqual(
      expect.objectContaining({ kind: 'item-open', item: 2 }),
    );
  });
});

describe('who may override the window or force a deployment comes from the playbook', () => {
  const saturday = { env: { GONOGO_NOW: saturdayNow } };
  const rmSaturday = { env: { GONOGO_NOW: saturdayNow, GONOGO_USER: 'rm@example.com' } };

  it('refuses a window override by a role the policy does not name, accepts one that it names', async () => {
    const repo = await started();
    await everythingGo(repo);
    const closed = await repo.run(['deploy', 'production', '--json'], saturday);
    expect(closed.code).toBe(1);
    expect(JSON.parse(closed.stdout).error.blockers.map((b: Blocker) => b.kind)).toEqual([
      'window-day',
      'window-day',
    ]);
    const denied = await repo.run(
      ['decide', '--phase', 'go-no-go', '--override-window', '--reason', 'hotfix'],
      saturday,
    );
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/release-manager/);
    expect(denied.stderr).toMatch(/e2e@example\.com/);

    // Each gate in front of production needs its own override.
    for (const gate of ['qa-gate', 'go-no-go']) {
      const r = await repo.ok(
        ['decide', '--phase', gate, '--override-window', '--reason', 'outage fix'],
        rmSaturday,
      );
      expect(r.stdout).toMatch(/window overridden: outage fix/);
    }
    await repo.ok(['deploy', 'production'], saturday);
    const show = await repo.json<{ overrides: { kind: string; gate: string; role: string }[] }>([
      'release',
      'show',
    ]);
    expect(show.overrides.map((o) => [o.kind, o.gate, o.role])).toEqual([
      ['window', 'qa-gate', 'release-manager'],
      ['window', 'go-no-go', 'release-manager'],
    ]);
  });

  it('a playbook that names nobody lets nobody override or force, and says which key to add', async () => {
    const repo = await started(
      playbook
        .replace(', override: [release-manager]', '')
        .replace('  force: [release-manager]\n', ''),
    );
    await everythingGo(repo);
    const override = await repo.run(
      ['decide', '--override-window', '--reason', 'hotfix'],
      rmSaturday,
    );
    expect(override.code).toBe(2);
    expect(override.stderr).toMatch(/policy\.window\.override/);
    const force = await repo.run(
      ['deploy', 'production', '--force', '--reason', 'hotfix'],
      rmSaturday,
    );
    expect(force.code).toBe(2);
    expect(force.stderr).toMatch(/policy\.force/);
  });

  it('refuses a force without a reason or by someone who does not hold a force role', async () => {
    const repo = await started();
    const bare = await repo.run(['deploy', 'production', '--force']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/reason/);
    const blank = await repo.run(['deploy', 'production', '--force', '--reason', '  '], asRm);
    expect(blank.code).toBe(2);
    const notHolder = await repo.run(['deploy', 'production', '--force', '--reason', 'urgent']);
    expect(notHolder.code).toBe(2);
    expect(notHolder.stderr).toMatch(/e2e@example\.com.*release-manager/);
    const envs = await repo.json<{ environment: string; last?: unknown }[]>(['env']);
    expect(envs.every((e) => e.last === undefined)).toBe(true);

    // The role holder forces it with a reason: recorded as an override with what it let through.
    const forced = await repo.ok(['deploy', 'production', '--force', '--reason', 'outage'], asRm);
    expect(forced.stdout).toMatch(/forced past \d+ blockers?: outage/);
    const show = await repo.json<{
      overrides: { kind: string; environment: string; reason: string; blockers: Blocker[] }[];
    }>(['release', 'show']);
    expect(show.overrides).toHaveLength(1);
    expect(show.overrides[0]).toMatchObject({
      kind: 'force',
      environment: 'production',
      reason: 'outage',
    });
    expect(show.overrides[0]!.blockers.length).toBeGreaterThan(0);
    const human = await repo.ok(['release', 'show']);
    expect(human.stdout).toMatch(
      /forced to production past \d+ blockers by rm@example\.com as release-manager — outage/,
    );
    const log = await repo.json<{ type: string }[]>(['log']);
    expect(log.map((e) => e.type)).toContain('deployment.forced');
    await repo.ok(['audit', 'verify']);
  });
});
