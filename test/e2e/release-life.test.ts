/**
 * A release's whole life through the CLI, with the real checklist of seed 001 where it is
 * there: deployed with follow-ups that are not blockers, rolled back (what `status`, `env` and
 * `release list` then say), abandoned, superseded with its sign-offs carried over at the same
 * commit; and due points and deploy items from a playbook that names them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { hasSeeds, makeRepo, mondayNow, removeRepos, seedsDir } from './cli-helper.ts';
import { readdirSync } from 'node:fs';

interface Item {
  number: number;
  id: string;
  title: string;
  kind: string;
  state: string;
  phase: string;
  rollback: boolean;
  optional: boolean;
  note?: string;
  evidence?: Record<string, unknown>;
}
interface View {
  release: {
    version: string;
    state: string;
    stateReason?: string;
    stateBy?: string;
    supersedes?: string;
    supersededBy?: string;
    commit: string;
  };
  playbook: { roles: Record<string, string> };
  items: Item[];
  signoffs: { role: string; verdict: string; carriedFrom?: string; actor: string }[];
  incidents: { reason: string; resolvedAt?: string }[];
}
interface Status {
  state: string;
  gate: { outcome: string; blockers: { item?: number }[] };
  life: {
    deployedAt?: string;
    followUps: {
      item: number;
      due?: string;
      dueAt?: string;
      overdue: boolean;
      beforeDeployment: boolean;
    }[];
    rollback?: { incident: { reason: string }; runsNow?: { version: string } };
    rollbackOpen: { item?: number }[];
  };
  next: string[];
}
interface EnvView {
  environment: string;
  current?: { version: string };
  rolledBack?: { deployment: { version: string }; incident: { reason: string; openedAt: string } };
}

afterAll(removeRepos);

const at = (iso: string) => ({ env: { GONOGO_NOW: iso } });

/**
 * Ticks every pending manual item of the release outside `skipPhase`, in one command; notify
 * items too (no channel is pointed anywhere here: a person says they told people by hand).
 */
async function tickManual(repo: Repo, version: string, skipPhase?: string) {
  const view = await repo.json<View>(['release', 'show', version]);
  const refs = view.items
    .filter(
      (i) => (i.kind === 'manual' || i.kind === 'notify') && !i.rollback && i.state === 'pending',
    )
    .filter((i) => i.phase !== skipPhase)
    .map((i) => String(i.number));
  if (refs.length) await repo.ok(['item', 'done', ...refs, '--release', version], at(mondayNow));
}

/** Every role of the playbook says go (each sign-off goes to the role's next open target). */
async function signAll(repo: Repo, version: string, times = 2) {
  const view = await repo.json<View>(['release', 'show', version]);
  for (let n = 0; n < times; n++)
    for (const role of Object.keys(view.playbook.roles))
      await repo.run(['sign', role, 'go', '--release', version], at(mondayNow));
}

const seed001 = hasSeeds ? readdirSync(seedsDir).find((s) => s.startsWith('001_')) : undefined;
if (!seed001)
  console.warn(`release-life.test.ts: seed 001 scenarios skipped, no seeds at ${seedsDir}`);

describe.skipIf(!seed001)('seed 001 from deployment to rollback, abandon and supersede', () => {
  let repo: Repo;
  const postPhase = 'post-release-activities';

  it('after the production deployment, what remains are follow-ups, not NO-GO blockers', async () => {
    repo = await makeRepo({ user: 'rm@example.com' });
    await repo.ok(['playbook', 'import', path.join(seedsDir, seed001!), '-o', 'gonogo.yaml']);
    // 0.9.0 ships first, so production has something to run again after 1.0.0's rollback.
    for (const version of ['0.9.0', '1.0.0']) {
      await repo.ok(['release', 'start', version], at(mondayNow));
      await tickManual(repo, version, postPhase);
      await signAll(repo, version);
      await repo.ok(['deploy', 'production', '--release', version], at(mondayNow));
    }
    const view = await repo.json<View>(['release', 'show', '1.0.0']);
    expect(view.release.state).toBe('deployed');
    const status = await repo.json<Status>(['status'], at('2026-11-23T11:00:00.000Z'));
    expect(status.state).toBe('deployed');
    expect(status.gate.blockers).toEqual([]);
    const open = view.items.filter(
      (i) => !i.rollback && !['done', 'passed', 'na', 'waived'].includes(i.state),
    );
    expect(status.life.followUps.map((f) => f.item).sort((a, b) => a - b)).toEqual(
      open.map((i) => i.number),
    );
    const human = await repo.ok(['status'], at('2026-11-23T11:00:00.000Z'));
    expect(human.stdout).toMatch(/^DEPLOYED to production 2026-11-23 10:00 by rm@example\.com$/m);
    expect(human.stdout).toMatch(/^Follow-ups: \d+ open/m);
    expect(human.stdout).not.toMatch(/NO-GO/);
    expect(human.stdout).toMatch(/Next:\n {2}gonogo /);
  });

  it('a rollback leads status, env says what runs again, and the procedure comes next', async () => {
    const rb = await repo.ok(
      ['rollback', 'production', '--reason', 'error rate 7% after the deploy'],
      at('2026-11-23T14:02:00.000Z'),
    );
    expect(rb.stdout).toMatch(/rolled production back from 1\.0\.0 to 0\.9\.0/);
    const view = await repo.json<View>(['release', 'show', '1.0.0']);
    expect(view.release).toMatchObject({
      state: 'rolled-back',
      stateReason: 'error rate 7% after the deploy',
      stateBy: 'rm@example.com',
    });
    const procedure = view.items.filter((i) => i.rollback).map((i) => i.number);
    expect(procedure.length).toBeGreaterThan(0);
    // The imported rollback procedure tells people (notify items): gonogo sends those.
    const tells = view.items.filter((i) => i.rollback && i.kind === 'notify').map((i) => i.number);
    expect(tells.length).toBeGreaterThan(0);

    const status = await repo.ok(['status'], at('2026-11-23T14:05:00.000Z'));
    const lines = status.stdout.split('\n');
    expect(lines[0]).toMatch(/1\.0\.0 {2}rolled back: error rate 7% after the deploy/);
    expect(status.stdout).toMatch(
      /^ROLLED BACK from production 2026-11-23 14:02 by rm@example\.com: error rate 7% after the deploy$/m,
    );
    expect(status.stdout).toMatch(/production runs 0\.9\.0 again .*since 2026-11-23 14:02/);
    expect(status.stdout).toMatch(new RegExp(`rollback procedure: ${procedure.length} items open`));
    // Next points at the procedure, not at the monitoring items of the version just removed.
    const next = status.stdout.slice(status.stdout.indexOf('Next:'));
    for (const n of tells) expect(next).toMatch(new RegExp(`gonogo notify ${n} `));
    const byHand = procedure.filter((n) => !tells.includes(n));
    const doneLine = /gonogo item done ([\d -]+?) {3}#/.exec(next)?.[1] ?? '';
    const listed = doneLine.split(' ').flatMap((r) => {
      const [a, b = a] = r.split('-').map(Number);
      return Array.from({ length: b! - a! + 1 }, (_, k) => a! + k);
    });
    expect(listed, next).toEqual(byHand);
    expect(status.stdout).not.toMatch(/Follow-ups/);

    const envs = await repo.json<EnvView[]>(['env']);
    const production = envs.find((e) => e.environment === 'production')!;
    expect(production.current?.version).toBe('0.9.0');
    expect(production.rolledBack).toMatchObject({
      deployment: { version: '1.0.0' },
      incident: { reason: 'error rate 7% after the deploy', openedAt: '2026-11-23T14:02:00.000Z' },
    });
    const env = await repo.ok(['env']);
    expect(env.stdout).toMatch(
      /^production\s+0\.9\.0\s+\S+\s+since 2026-11-23 14:02\s+by rm@example\.com after 1\.0\.0 was rolled back at 2026-11-23 14:02/m,
    );
    const list = await repo.ok(['release', 'list']);
    expect(list.stdout).toMatch(/^1\.0\.0\s+rolled back: error rate 7% after the deploy/m);
    expect(list.stdout).toMatch(/^0\.9\.0\s+deployed/m);

    // The procedure done: the incident is resolved, the release stays rolled back.
    await repo.ok(
      ['item', 'done', ...procedure.map(String), '--release', '1.0.0'],
      at('2026-11-23T15:30:00.000Z'),
    );
    const after = await repo.json<View>(['release', 'show', '1.0.0']);
    expect(after.release.state).toBe('rolled-back');
    expect(after.incidents).toEqual([
      expect.objectContaining({ resolvedAt: '2026-11-23T15:30:00.000Z' }),
    ]);
    expect((await repo.ok(['status', '1.0.0'])).stdout).toMatch(
      /rollback procedure complete 2026-11-23 15:30/,
    );
    await repo.ok(['audit', 'verify']);
  });

  it('abandons a release with a reason, and refuses changes to it afterwards', async () => {
    await repo.ok(['release', 'start', '1.1.0'], at(mondayNow));
    const bare = await repo.run(['release', 'abandon', '1.1.0']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/needs a reason/);
    const out = await repo.ok(['release', 'abandon', '1.1.0', '--reason', 'scope moved to 1.2.0']);
    expect(out.stdout).toMatch(/release 1\.1\.0 is abandoned: scope moved to 1\.2\.0/);
    const refused = await repo.run(['item', 'done', '1', '--release', '1.1.0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/1\.1\.0 is abandoned \(scope moved to 1\.2\.0\)/);
    // Production runs 0.9.0: it is not abandoned but rolled back or finished.
    const running = await repo.run(['release', 'abandon', '0.9.0', '--reason', 'x']);
    expect(running.code).toBe(2);
    expect(running.stderr).toMatch(/runs in production; roll it back first/);
    const status = await repo.ok(['status', '1.1.0']);
    expect(status.stdout).toMatch(/^ABANDONED .* by rm@example\.com: scope moved to 1\.2\.0$/m);
    expect(status.stdout).not.toMatch(/Next:/);
    await repo.ok(['audit', 'verify']);
  });

  it('supersedes a release: sign-offs carry over at the same commit, a no-go with them', async () => {
    await repo.ok(['release', 'start', '2.0.0'], at(mondayNow));
    await repo.ok(['sign', 'qa-lead', 'go', '--release', '2.0.0'], at(mondayNow));
    await repo.ok(
      ['sign', 'product-owner', 'no-go', '-m', 'pricing copy wrong', '--release', '2.0.0'],
      at(mondayNow),
    );
    const started = await repo.ok(['release', 'start', '2.0.1', '--supersedes', '2.0.0']);
    expect(started.stdout).toMatch(/supersedes 2\.0\.0 \(now superseded\); 2 sign-offs carried/);
    const old = await repo.json<View>(['release', 'show', '2.0.0']);
    expect(old.release).toMatchObject({ state: 'superseded', supersededBy: '2.0.1' });
    const next = await repo.json<View>(['release', 'show', '2.0.1']);
    expect(next.release.supersedes).toBe('2.0.0');
    expect(next.signoffs.map((s) => [s.role, s.verdict, s.carriedFrom, s.actor])).toEqual([
      ['product-owner', 'no-go', '2.0.0', 'rm@example.com'],
      ['qa-lead', 'go', '2.0.0', 'rm@example.com'],
    ]);
    // Item states are never carried: the new release is checked afresh.
    expect(next.items.every((i) => i.state === 'pending' || i.kind === 'sign')).toBe(true);
    const decide = await repo.run(['decide', '--release', '2.0.1'], at(mondayNow));
    expect(decide.code).toBe(1);
    expect(decide.stdout).toMatch(/pricing copy wrong/);
    expect((await repo.ok(['status', '2.0.0'])).stdout).toMatch(/^SUPERSEDED by 2\.0\.1 /m);

    // A new candidate commit carries nothing over; a superseded release cannot be superseded.
    await repo.commit('the fix');
    const fresh = await repo.ok(['release', 'start', '2.0.2', '--supersedes', '2.0.1']);
    expect(fresh.stdout).toMatch(/no sign-offs carried over/);
    const again = await repo.run(['release', 'start', '2.0.3', '--supersedes', '2.0.0']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/2\.0\.0 is superseded by 2\.0\.1/);
    // Nothing of the refused start was written.
    expect((await repo.run(['release', 'show', '2.0.3'])).code).toBe(2);
    await repo.ok(['audit', 'verify']);
  });
});

const followUpPlaybook = `name: Follow-ups
roles:
  release-manager: Release Manager
environments: [staging, production]
phases:
  - id: pre-release
    items:
      - title: CHANGELOG updated
  - id: deploy-production
    title: Deploy to production
    gate: [release-manager]
    items:
      - title: Deploy the application
        deploys: production
      - title: Smoke tests pass
  - id: monitoring
    title: Post-deployment monitoring
    sections:
      - title: First hour
        due: +1h
        items:
          - title: Error rate normal
      - title: First week
        due: 1w
        items:
          - title: Weekly metrics reviewed
      - title: Retrospective
        items:
          - title: Retro held
            optional: true
`;

describe('due points and deploy items from the playbook', () => {
  it('ticks the deploy item, shows follow-ups with due times, and finishes when they are done', async () => {
    const repo = await makeRepo({ user: 'rm@example.com' });
    writeFileSync(path.join(repo.dir, 'gonogo.yaml'), followUpPlaybook);
    await repo.ok(['release', 'start', '3.0.0'], at(mondayNow));
    await repo.ok(['item', 'done', '1'], at(mondayNow));
    await repo.ok(['sign', 'release-manager', 'go'], at(mondayNow));
    const deployed = await repo.ok(['deploy', 'production'], at('2026-11-23T10:00:00.000Z'));
    expect(deployed.stdout).toMatch(/ticked #2 "Deploy the application" with the deployment/);
    expect(deployed.stdout).toMatch(/release deployed: what remains are its follow-ups/);

    const view = await repo.json<View>(['release', 'show']);
    const deployItem = view.items.find((i) => i.title === 'Deploy the application')!;
    expect(deployItem).toMatchObject({
      state: 'done',
      note: 'deployed 3.0.0 to production',
      evidence: { environment: 'production', version: '3.0.0' },
    });
    expect(view.release.state).toBe('deployed');

    const status = await repo.json<Status>(['status'], at('2026-11-23T12:00:00.000Z'));
    expect(status.gate.blockers).toEqual([]);
    expect(status.life.followUps.map((f) => [f.item, f.due, f.dueAt, f.overdue])).toEqual([
      [4, '+1h', '2026-11-23T11:00:00.000Z', true],
      [5, '+1w', '2026-11-30T10:00:00.000Z', false],
      [3, undefined, undefined, false],
      [6, undefined, undefined, false],
    ]);
    const human = await repo.ok(['status'], at('2026-11-23T12:00:00.000Z'));
    expect(human.stdout).toMatch(
      /#4 "Error rate normal" {2}overdue since 2026-11-23 11:00 \(\+1h\)/,
    );
    expect(human.stdout).toMatch(/#5 "Weekly metrics reviewed" {2}due 2026-11-30 10:00 \(\+1w\)/);
    expect(human.stdout).toMatch(/#6 "Retro held" {2}no due time \(optional\)/);

    await repo.ok(['item', 'done', '3', '4', '5'], at('2026-11-30T11:00:00.000Z'));
    const done = await repo.json<View>(['release', 'show']);
    expect(done.release).toMatchObject({ state: 'finished', stateBy: 'rm@example.com' });
    await repo.ok(['audit', 'verify']);
  });
});

const seed002 = hasSeeds ? readdirSync(seedsDir).find((s) => s.startsWith('002_')) : undefined;

describe.skipIf(!seed002)('seed 002 after the production deployment', () => {
  it('lists its monitoring items as follow-ups due +15m, +1h, +24h, +1w, and what was left open', async () => {
    const repo = await makeRepo({ user: 'rm@example.com' });
    await repo.ok(['playbook', 'import', path.join(seedsDir, seed002!), '-o', 'gonogo.yaml']);
    await repo.ok(['release', 'start', '1.0.0', '--type', 'minor'], at(mondayNow));
    // The whole pre-release phase by its id: manual items ticked, the checks waived.
    await repo.ok(['item', 'done', 'pre-release-checklist'], at(mondayNow));
    await repo.ok(
      ['item', 'waive', 'pre-release-checklist', '--note', 'CI pipeline 4711', '--skip-unmatched'],
      at(mondayNow),
    );
    await repo.ok(['sign', 'release-manager', 'go'], at(mondayNow));
    await repo.ok(['deploy', 'staging'], at(mondayNow));
    const deployed = await repo.ok(['deploy', 'production'], at('2026-11-23T10:00:00.000Z'));
    expect(deployed.stdout).toMatch(/ticked #\d+ "Deploy Application" with the deployment/);

    const status = await repo.json<Status>(['status'], at('2026-11-23T10:20:00.000Z'));
    expect(status.state).toBe('deployed');
    expect(status.gate.blockers).toEqual([]);
    const dues = new Set(status.life.followUps.map((f) => f.due).filter(Boolean));
    expect([...dues]).toEqual(expect.arrayContaining(['+15m', '+1h', '+24h', '+1w']));
    const week = status.life.followUps.find((f) => f.due === '+1w')!;
    expect(week.dueAt).toBe('2026-11-30T10:00:00.000Z');
    expect(status.life.followUps.filter((f) => f.overdue).every((f) => f.due === '+15m')).toBe(
      true,
    );
    const human = await repo.ok(['status'], at('2026-11-23T10:20:00.000Z'));
    expect(human.stdout).toMatch(/overdue since 2026-11-23 10:15 \(\+15m\)/);
    expect(human.stdout).toMatch(/^Left open before the deployment: \d+ items? \(#/m);
    expect(human.stdout).not.toMatch(/NO-GO/);
    await repo.ok(['audit', 'verify']);
  });
});
