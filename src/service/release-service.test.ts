import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  TransitionError,
} from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createReleaseService } from './release-service.ts';

const yaml = `
name: Service test
roles:
  release-manager: { name: Release Manager, members: [rm@example.com] }
  qa-lead: { name: QA Lead, members: [qa@example.com] }
environments: [staging, production]
types: [minor, major]
policy:
  window: { timezone: Europe/Berlin, deny: [sat, sun] }
phases:
  - id: pre-release
    items:
      - title: Tests pass
        check: { command: "npm test" }
      - title: CHANGELOG updated
      - title: Load test
        when: { type: major }
      - title: Docs updated (if applicable)
        optional: true
      - title: QA sign-off
        sign: qa-lead
  - id: go-no-go
    gate: [release-manager]
  - id: deploy
    items:
      - title: Deploy to production
        run: ./deploy.sh production
rollback:
  - title: Previous version deployed
  - title: Health checks passing
`;

// Monday 2026-11-23 10:00 in Berlin; Saturday 2026-11-28 for the window test.
const monday = new Date('2026-11-23T09:00:00Z');
const saturday = new Date('2026-11-28T09:00:00Z');

describe('release service on SQLite', () => {
  let dir: string;
  let store: Store;
  let clock: Date;
  const loaded = loadPlaybook(yaml, 'test.yaml');
  const svc = (actor = 'ana@example.com') =>
    createReleaseService({ store, actor, now: () => clock });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gonogo-svc-'));
    store = await openStore(join(dir, 'g.db'));
    clock = monday;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a release, expands items by type, and refuses a duplicate or a bad version', async () => {
    const view = await svc().startRelease({
      loaded,
      version: '1.2.0',
      type: 'minor',
      commit: 'a'.repeat(40),
    });
    expect(view.items.map((i) => i.title)).toEqual([
      'Tests pass',
      'CHANGELOG updated',
      'Docs updated (if applicable)',
      'QA sign-off',
      'Deploy to production',
    ]);
    expect(view.items.map((i) => i.number)).toEqual([1, 2, 3, 4, 5]);
    await expect(
      svc().startRelease({ loaded, version: '1.2.0', commit: 'b'.repeat(40) }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(svc().startRelease({ loaded, version: 'bad..version' })).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(svc().startRelease({ loaded, version: '1.3.0', type: 'majr' })).rejects.toThrow(
      /did you mean "major"/,
    );
    expect((await store.listReleases('default')).map((r) => r.version)).toEqual(['1.2.0']);
    const major = await svc().startRelease({ loaded, version: '2.0.0', type: 'major' });
    expect(major.items.some((i) => i.title === 'Load test')).toBe(true);
  });

  it('enforces item rules: done is not for checks, n/a needs a reason, waive needs a role holder', async () => {
    await svc().startRelease({ loaded, version: '1.0.0', commit: 'a'.repeat(40) });
    await expect(svc().actOnItem({ ref: '1', action: 'done' })).rejects.toBeInstanceOf(
      TransitionError,
    );
    await expect(
      svc().actOnItem({ ref: 'docs-updated-if-applicable', action: 'na' }),
    ).rejects.toBeInstanceOf(InputError);
    const na = await svc().actOnItem({
      ref: 'pre-release/docs-updated-if-applicable',
      action: 'na',
      note: 'no user-facing change',
    });
    expect(na.state).toBe('na');
    await expect(
      svc('mallory@example.com').actOnItem({ ref: '1', action: 'waive', note: 'trust me' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const waived = await svc('rm@example.com').actOnItem({
      ref: '1',
      action: 'waive',
      note: 'flaky CI, run locally',
    });
    expect(waived.state).toBe('waived');
    await expect(svc().actOnItem({ ref: 'chnagelog-updated', action: 'done' })).rejects.toThrow(
      /did you mean/,
    );
    const events = await svc().listEvents();
    expect(events.map((e) => e.type)).toEqual(['release.started', 'item.state', 'item.state']);
  });

  it('decides GO only with every required item, the gate role, and the window', async () => {
    const commit = 'c'.repeat(40);
    await svc().startRelease({ loaded, version: '1.0.0', commit });
    let d = (await svc().decide({})).decision;
    expect(d.outcome).toBe('no-go');
    expect(d.gate).toBe('go-no-go');
    const kinds = d.blockers.map((b) => b.kind).sort();
    expect(kinds).toEqual(['item-open', 'item-open', 'item-open', 'signoff-missing']);

    await svc('rm@example.com').actOnItem({ ref: '1', action: 'waive', note: 'checked by hand' });
    await svc().actOnItem({ ref: '2', action: 'done' });
    await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
    expect((await svc().getRelease()).items.find((i) => i.kind === 'sign')?.state).toBe('passed');
    await expect(
      svc('ana@example.com').sign({ role: 'release-manager', verdict: 'go' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(svc('qa@example.com').sign({ role: 'qa-led', verdict: 'go' })).rejects.toThrow(
      /did you mean "qa-lead"/,
    );
    await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
    d = (await svc().decide({})).decision;
    expect(d.blockers).toEqual([]);
    expect(d.outcome).toBe('go');

    // A new candidate commit makes the sign-offs stale.
    await svc().retarget({ commit: 'd'.repeat(40) });
    d = (await svc().decide({ gate: 'go-no-go' })).decision;
    expect(d.outcome).toBe('no-go');
    expect(d.blockers.map((b) => b.kind)).toContain('signoff-stale');
    expect((await svc().getRelease()).items.find((i) => i.kind === 'sign')?.state).toBe('pending');
  });

  it('applies the release window and lets only a release manager override it', async () => {
    await svc().startRelease({ loaded, version: '1.0.0', commit: 'e'.repeat(40) });
    await svc('rm@example.com').actOnItem({ ref: '1', action: 'waive', note: 'x' });
    await svc().actOnItem({ ref: '2', action: 'done' });
    await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
    await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
    clock = saturday;
    const d = (await svc().decide({})).decision;
    expect(d.outcome).toBe('no-go');
    expect(d.blockers.map((b) => b.kind)).toEqual(['window-day']);
    await expect(
      svc().decide({ overrideWindow: { reason: 'security fix' } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const o = (await svc('rm@example.com').decide({ overrideWindow: { reason: 'security fix' } }))
      .decision;
    expect(o.outcome).toBe('go');
    expect(o.override).toEqual({ reason: 'security fix', by: 'rm@example.com' });
    expect((await svc().listEvents()).map((e) => e.type)).toContain('window.overridden');
  });

  it('records deployments, knows what runs where, and rolls back with the procedure', async () => {
    await svc().startRelease({ loaded, version: '1.0.0', commit: 'f'.repeat(40) });
    await expect(svc().deploy({ environment: 'production' })).rejects.toBeInstanceOf(
      TransitionError,
    );
    await expect(svc().deploy({ environment: 'prod' })).rejects.toThrow(
      /did you mean "production"/,
    );
    await svc().deploy({ environment: 'staging' });
    await svc('rm@example.com').actOnItem({ ref: '1', action: 'waive', note: 'x' });
    await svc().actOnItem({ ref: '2', action: 'done' });
    await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
    await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
    expect((await svc().decide({})).decision.outcome).toBe('go');
    await svc().deploy({ environment: 'production' });
    let envs = await svc().environments({ playbook: loaded.playbook });
    expect(envs.map((e) => [e.environment, e.current?.version])).toEqual([
      ['staging', '1.0.0'],
      ['production', '1.0.0'],
    ]);

    const rb = await svc().rollback({ environment: 'production', reason: 'error rate 7%' });
    expect(rb.items.map((i) => [i.number, i.title, i.rollback])).toEqual([
      [6, 'Previous version deployed', true],
      [7, 'Health checks passing', true],
    ]);
    envs = await svc().environments({ playbook: loaded.playbook });
    expect(envs.find((e) => e.environment === 'production')?.current).toBeUndefined();
    expect(envs.find((e) => e.environment === 'production')?.last?.status).toBe('rolled-back');
    await expect(
      svc().rollback({ environment: 'production', reason: 'again' }),
    ).rejects.toBeInstanceOf(TransitionError);

    // Finishing the procedure and the remaining items finishes the release and restores.
    await svc().actOnItem({ ref: '5', action: 'done' });
    await svc().actOnItem({ ref: '6', action: 'done' });
    await svc().actOnItem({ ref: '7', action: 'done' });
    const view = await svc().getRelease({ version: '1.0.0' });
    expect(view.release.state).toBe('finished');
    const [incident] = await store.listIncidents({ deploymentId: rb.deployment.id });
    expect(incident?.resolvedAt).toBeDefined();
    await expect(svc().getRelease()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps a hash chain that verifies', async () => {
    await svc().startRelease({ loaded, version: '1.0.0', commit: 'a'.repeat(40) });
    await svc().actOnItem({ ref: '2', action: 'done', evidence: 'https://ci.example.com/1' });
    await svc().actOnItem({ ref: '2', action: 'reset' });
    const [result] = await svc().verifyAudit({ version: '1.0.0' });
    expect(result).toMatchObject({ version: '1.0.0', ok: true, checked: 3 });
  });
});

describe('several items at once', () => {
  it('acts on all of them or on none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-svc-'));
    const store = await openStore(join(dir, 'g.db'));
    try {
      const svc = createReleaseService({ store, actor: 'ana@example.com', now: () => monday });
      await svc.startRelease({ loaded: loadPlaybook(yaml, 'test.yaml'), version: '1.0.0' });
      // Item 1 is a check: `done` is refused for it, so item 2 must stay pending too.
      await expect(svc.actOnItems({ refs: ['2', '1'], action: 'done' })).rejects.toBeInstanceOf(
        TransitionError,
      );
      expect((await svc.getRelease()).items.find((i) => i.number === 2)?.state).toBe('pending');
      const done = await svc.actOnItems({
        refs: ['2', 'pre-release/docs-updated-if-applicable', '2'],
        action: 'done',
      });
      expect(done.map((i) => [i.number, i.state])).toEqual([
        [2, 'done'],
        [3, 'done'],
      ]);
      expect((await svc.listEvents()).filter((e) => e.type === 'item.state')).toHaveLength(2);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
