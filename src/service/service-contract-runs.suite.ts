/**
 * The contract on run items and environment locks: part of {@link describeServiceContract}, in
 * its own file to keep each small. Written against the interface only, so it runs in-process on
 * SQLite and PostgreSQL and over HTTP alike.
 */
import { expect, it } from 'vitest';
import { GonogoError } from '../core/errors.ts';
import type { ErrorCode, GateClosedError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import type { ReleaseService } from './service-contract.ts';

const runsYaml = `
name: Runs
roles:
  release-manager: { name: Release Manager, members: [rm@example.com] }
  qa-lead: { name: QA Lead, members: [qa@example.com] }
environments: [staging, production]
policy:
  force: [release-manager]
phases:
  - id: build
    items:
      - title: Tests pass
        check: { command: "npm test" }
      - title: Migrate
        run: [./migrate.sh, up]
        by: [qa-lead]
        timeout: 5m
      - title: Warm the cache
        run: ./warm.sh
  - id: go-no-go
    gate: [release-manager]
`;

const autoYaml = `
name: Auto rollback
environments: [staging, production]
metrics:
  error_rate: { title: Error rate, query: "sum(rate(errors[1m]))" }
policy:
  rollback: { when: ["error_rate > 5%"], auto: true, lock_on_failure: true }
phases:
  - id: ship
    items:
      - title: Deploy to production
        deploys: production
  - id: post
    items:
      - id: errors-low
        title: Error rate stays low
        watch: { metric: error_rate, interval: 1s, count: 1 }
rollback:
  - title: Previous version deployed
    run: ./rollback.sh
`;

async function errorOf(p: Promise<unknown>): Promise<GonogoError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(GonogoError);
  return e as GonogoError;
}

async function rejectsWith(p: Promise<unknown>, code: ErrorCode, message?: RegExp) {
  const e = await errorOf(p);
  expect(e.code).toBe(code);
  if (message) expect(e.message).toMatch(message);
  return e;
}

/** Registers the run and lock cases for one implementation. */
export function describeRunsAndLocks(t: { service(actor: string): ReleaseService }) {
  const { playbook } = loadPlaybook(runsYaml, 'runs.yaml');
  const svc = (actor = 'ana@example.com') => t.service(actor);

  it('plans a run item for a holder of its by: role only, and records its result with evidence', async () => {
    await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
    await rejectsWith(svc().planRun({ ref: '1' }), 'invalid-input', /not a run item/);
    await rejectsWith(svc().planRun({ ref: '2' }), 'forbidden', /qa-lead/);
    const plan = await svc('qa@example.com').planRun({ ref: 'migrate' });
    expect(plan.item.number).toBe(2);
    expect(plan.item.spec.run).toEqual(['./migrate.sh', 'up']);
    expect(plan.item.spec.by).toEqual(['qa-lead']);
    expect(plan.roles).toEqual(['qa-lead']);
    // Anyone may run an item without by:, and a result is refused to someone outside by:.
    expect((await svc().planRun({ ref: '3' })).roles).toEqual([]);
    await rejectsWith(
      svc().recordRunResult({
        item: 2,
        result: 'done',
        summary: 'x',
        evidence: {},
        durationMs: 1,
      }),
      'forbidden',
    );

    const failed = await svc('qa@example.com').recordRunResult({
      item: 2,
      result: 'failed',
      summary: './migrate.sh up failed with exit code 3',
      evidence: {
        command: ['./migrate.sh', 'up'],
        exitCode: 3,
        output: { head: ['token ghp_R8x2Kq7Lm4Zt9Vw3Np6Hs1Jd5Fg0Ya8Ub2Ce'], tail: [], lines: 1 },
      },
      durationMs: 1234,
      itemVersion: plan.item.rowVersion,
    });
    expect(failed.applied).toBe(true);
    expect(failed.item.state).toBe('failed');
    expect(failed.item.evidence).toMatchObject({ exitCode: 3, result: 'failed', durationMs: 1234 });
    // What a client posts is masked before it is stored, whichever transport it came through.
    expect(JSON.stringify(failed.item.evidence)).not.toContain('R8x2Kq7Lm4');

    const done = await svc('qa@example.com').recordRunResult({
      item: 2,
      result: 'done',
      summary: './migrate.sh up exited 0',
      evidence: { exitCode: 0 },
      durationMs: 10,
    });
    expect(done.item.state).toBe('done');
    const history = (await svc().getItem({ ref: '2' })).history;
    expect(history.map((e) => (e.payload as { action?: string }).action)).toEqual(['run', 'run']);
    expect((await svc().verifyAudit())[0]!.ok).toBe(true);
  });

  it("logs a run's result beside an item a person changed while it ran, without applying it", async () => {
    await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
    const plan = await svc().planRun({ ref: '3' });
    await svc('bob@example.com').actOnItems({ refs: ['3'], action: 'done', note: 'by hand' });
    const r = await svc().recordRunResult({
      item: 3,
      result: 'failed',
      summary: 'failed',
      evidence: {},
      durationMs: 5,
      itemVersion: plan.item.rowVersion,
    });
    expect(r.applied).toBe(false);
    expect(r.item.state).toBe('done');
    const events = await svc().listEvents();
    expect(events.at(-1)!.type).toBe('run.result');
    expect((await svc().verifyAudit())[0]!.ok).toBe(true);
  });

  it('refuses every deployment to a locked environment, a forced one too, until it is unlocked', async () => {
    await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
    const rm = svc('rm@example.com');
    await rejectsWith(
      rm.lockEnvironment({ environment: 'production', reason: ' ' }),
      'invalid-input',
    );
    await rejectsWith(
      rm.lockEnvironment({ environment: 'prod', reason: 'x' }),
      'invalid-input',
      /did you mean "production"/,
    );
    const lock = await rm.lockEnvironment({ environment: 'production', reason: 'incident 42' });
    expect(lock).toMatchObject({
      environment: 'production',
      reason: 'incident 42',
      actor: 'rm@example.com',
      version: '1.0.0',
    });
    await rejectsWith(
      rm.lockEnvironment({ environment: 'production', reason: 'again' }),
      'invalid-transition',
      /locked already.*rm@example\.com/,
    );
    const envs = await rm.listEnvironments({ playbook });
    expect(envs.find((e) => e.environment === 'production')!.lock).toMatchObject({
      actor: 'rm@example.com',
      reason: 'incident 42',
    });
    expect(envs.find((e) => e.environment === 'staging')!.lock).toBeUndefined();
    expect((await rm.getStatus()).locks?.map((l) => l.environment)).toEqual(['production']);

    const refused = (await rejectsWith(
      rm.deploy({ environment: 'production', force: { reason: 'ship it' } }),
      'gate-closed',
      /production is locked.*incident 42/,
    )) as GateClosedError;
    expect(refused.blockers.map((b) => b.kind)).toEqual(['environment-locked']);
    // Another environment is not locked.
    expect((await rm.deploy({ environment: 'staging' })).status).toBe('succeeded');

    await rejectsWith(rm.unlockEnvironment({ environment: 'staging' }), 'invalid-transition');
    const lifted = await rm.unlockEnvironment({ environment: 'production', reason: 'fixed' });
    expect(lifted).toMatchObject({
      environment: 'production',
      reason: 'fixed',
      lock: { reason: 'incident 42' },
    });
    const forced = await rm.deploy({ environment: 'production', force: { reason: 'ship it' } });
    expect(forced.status).toBe('succeeded');
    expect((await rm.listEnvironments({ playbook })).every((e) => !e.lock)).toBe(true);

    const types = (await rm.listEvents()).map((e) => e.type);
    expect(types).toContain('environment.locked');
    expect(types).toContain('environment.unlocked');
    const audit = await rm.verifyAudit();
    expect(audit.every((a) => a.ok)).toBe(true);
  });

  it('a failed watch rolls production back by itself to the version before, and locks it', async () => {
    const { playbook: auto } = loadPlaybook(autoYaml, 'auto.yaml');
    const rm = svc('rm@example.com');
    await rm.startRelease({ playbook: auto, version: '1.0.0', commit: 'a'.repeat(40) });
    await rm.deploy({ environment: 'production' });
    const healthy = await rm.recordWatchMeasurement({
      item: 2,
      value: { kind: 'value', value: 0 },
    });
    expect(healthy.measurement.outcome).toBe('passed');
    expect(healthy.rollback).toBeUndefined();
    expect(healthy.lock).toBeUndefined();

    await rm.startRelease({ playbook: auto, version: '1.1.0', commit: 'b'.repeat(40) });
    await rm.deploy({ environment: 'production' });
    const failed = await rm.recordWatchMeasurement({
      item: 2,
      value: { kind: 'value', value: 0.31 },
    });
    expect(failed.measurement.outcome).toBe('failed');
    expect(failed.rollback?.deployment).toMatchObject({ version: '1.1.0', status: 'rolled-back' });
    expect(failed.rollback?.runsAgain?.version).toBe('1.0.0');
    expect(failed.rollback?.incident.reason).toMatch(
      /^watch #2 "Error rate stays low" failed: metric error_rate = 0\.31/,
    );
    expect(failed.lock).toMatchObject({ environment: 'production', actor: 'watch errors-low' });
    expect(failed.lock?.reason).toMatch(/^metric error_rate = 0\.31 \(/);

    const plan = await rm.planWatches();
    expect(plan.rollbackRuns?.map((r) => r.title)).toEqual(['Previous version deployed']);
    const step = plan.rollbackRuns![0]!.item;
    await rm.recordRunResult({
      version: '1.1.0',
      item: step,
      result: 'done',
      summary: './rollback.sh exited 0',
      durationMs: 12,
      evidence: { command: ['./rollback.sh'], exitCode: 0 },
    });
    expect((await rm.planWatches()).rollbackRuns).toBeUndefined();
    const status = await rm.getStatus({ version: '1.1.0' });
    expect(status.view.release.state).toBe('rolled-back');
    expect(status.life.rollback?.incident.resolvedAt).toBeDefined();
    expect(status.life.watches?.[0]?.outcome).toBe('failed');

    const production = (await rm.listEnvironments({ playbook: auto })).find(
      (e) => e.environment === 'production',
    )!;
    expect(production.current?.version).toBe('1.0.0');
    expect(production.lock?.actor).toBe('watch errors-low');
    await rejectsWith(
      rm.deploy({ environment: 'production', version: '1.1.0' }),
      'gate-closed',
      /production is locked: locked by watch errors-low/,
    );
    const words = (await rm.listEvents({ version: '1.1.0' })).map((e) => e.type);
    expect(words).toEqual(expect.arrayContaining(['rollback.recorded', 'environment.locked']));
    expect((await rm.verifyAudit()).every((a) => a.ok)).toBe(true);
  });
}
