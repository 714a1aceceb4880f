/**
 * The contract test suite: what every implementation of {@link ReleaseService} must do, written
 * against the interface only (no store, no transport), so the in-process service and the HTTP
 * client run the same tests. An implementation passes a `setup` that gives services for an actor
 * and project over one shared record, and a clock the suite can move.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../core/errors.ts';
import { GonogoError } from '../core/errors.ts';
import type { GateClosedError, InputError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import type { ReleaseService } from './service-contract.ts';
import { describeExpectedWrites } from './service-contract-writes.suite.ts';
import { describeRunsAndLocks } from './service-contract-runs.suite.ts';
import { describeAnalytics } from './service-contract-analytics.suite.ts';
import { describeNotifications } from './service-contract-notify.suite.ts';
import { describeMetricsContract } from './service-contract-metrics.suite.ts';

export interface ContractSetup {
  /** A service acting as `actor` in `project` (default one fixed project), over one record. */
  service(actor: string, project?: string): ReleaseService;
  /** Sets the clock every service reads from now on. */
  setNow(at: Date): void;
  /** A fresh, empty record for the next test. */
  reset(): Promise<void>;
}

export const contractYaml = `
name: Service test
roles:
  release-manager: { name: Release Manager, members: [rm@example.com] }
  qa-lead: { name: QA Lead, members: [qa@example.com] }
environments: [staging, production]
types: [minor, major]
policy:
  window: { timezone: Europe/Berlin, deny: [sat, sun], override: [release-manager] }
  force: [release-manager]
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

/** A playbook whose parents have sub-items of every kind a person or a machine settles. */
export const parentsYaml = `
name: Parents
roles:
  qa-lead: { name: QA Lead, members: [qa@example.com] }
phases:
  - id: verify
    items:
      - title: Verified on staging
        items:
          - title: Smoke test
          - title: Tests green
            check: { command: "npm test" }
          - title: QA approval
            sign: qa-lead
      - title: Notes written
        items:
          - title: Release notes
`;

// Monday 2026-11-23 10:00 in Berlin; Saturday 2026-11-28 for the window test.
const monday = new Date('2026-11-23T09:00:00Z');
const saturday = new Date('2026-11-28T09:00:00Z');

/** Expects a rejection with a GonogoError of `code` whose message names no CLI flag. */
async function rejectsWith(p: Promise<unknown>, code: ErrorCode, message?: RegExp) {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} error`).toBeInstanceOf(GonogoError);
  const e = error as GonogoError;
  expect(e.code).toBe(code);
  // Neutral messages: a web page shows them as they are.
  expect(e.message).not.toMatch(/--[a-z]|`gonogo /);
  if (message) expect(e.message).toMatch(message);
  return e;
}

/**
 * Registers the contract tests for one implementation.
 *
 * @example describeServiceContract('in-process on SQLite', async () => sqliteSetup());
 */
export function describeServiceContract(name: string, makeSetup: () => ContractSetup) {
  describe(`service contract: ${name}`, () => {
    const { playbook } = loadPlaybook(contractYaml, 'test.yaml');
    const { playbook: withParents } = loadPlaybook(parentsYaml, 'parents.yaml');
    const t = makeSetup();
    const svc = (actor = 'ana@example.com', project?: string) => t.service(actor, project);

    beforeEach(async () => {
      await t.reset();
      t.setNow(monday);
    });

    it('starts a release, expands items by type, and refuses a duplicate or a bad version', async () => {
      const view = await svc().startRelease({
        playbook,
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
      const dup = await rejectsWith(
        svc().startRelease({ playbook, version: 'v1.2.0', commit: 'b'.repeat(40) }),
        'conflict',
      );
      expect(dup.hint).toEqual({ action: 'release.show', refs: ['1.2.0'] });
      await rejectsWith(svc().startRelease({ playbook, version: 'bad..version' }), 'invalid-input');
      await rejectsWith(
        svc().startRelease({ playbook, version: '1.3.0', type: 'majr' }),
        'invalid-input',
        /did you mean "major"/,
      );
      expect((await svc().listReleases()).map((r) => r.version)).toEqual(['1.2.0']);
      const major = await svc().startRelease({ playbook, version: '2.0.0', type: 'major' });
      expect(major.items.some((i) => i.title === 'Load test')).toBe(true);
      // `v1.2.0` names the release 1.2.0.
      expect((await svc().getRelease({ version: 'v1.2.0' })).release.version).toBe('1.2.0');
    });

    it('enforces item rules with neutral messages and hints', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
      const check = await rejectsWith(
        svc().actOnItems({ refs: ['1'], action: 'done' }),
        'invalid-transition',
      );
      expect(check.hint).toEqual({ action: 'check.run', refs: ['1'] });
      const na = await rejectsWith(
        svc().actOnItems({ refs: ['docs-updated-if-applicable'], action: 'na' }),
        'invalid-input',
      );
      expect(na.hint).toEqual({ action: 'item.na', refs: ['3'], needs: ['note'] });
      expect(na.field).toBe('note');
      const {
        items: [done],
      } = await svc().actOnItems({
        refs: ['pre-release/docs-updated-if-applicable'],
        action: 'na',
        note: 'no user-facing change',
      });
      expect(done?.state).toBe('na');
      await rejectsWith(
        svc('mallory@example.com').actOnItems({ refs: ['1'], action: 'waive', note: 'trust me' }),
        'forbidden',
      );
      const {
        items: [waived],
      } = await svc('rm@example.com').actOnItems({
        refs: ['1'],
        action: 'waive',
        note: 'flaky CI, run locally',
      });
      expect(waived?.state).toBe('waived');
      await rejectsWith(
        svc().actOnItems({ refs: ['chnagelog-updated'], action: 'done' }),
        'not-found',
        /did you mean/,
      );
      await rejectsWith(
        svc().actOnItems({ refs: ['2'], action: 'done', note: 'x'.repeat(4001) }),
        'invalid-input',
        /limit is 4000/,
      );
      const events = await svc().listEvents();
      expect(events.map((e) => e.type)).toEqual(['release.started', 'item.state', 'item.state']);
    });

    it('acts on several items all or none, and keeps each item history', async () => {
      await svc().startRelease({ playbook, version: '1.0.0' });
      // Item 1 is a check: `done` is refused for it, so item 2 must stay pending too.
      await rejectsWith(
        svc().actOnItems({ refs: ['2', '1'], action: 'done' }),
        'invalid-transition',
      );
      expect((await svc().getRelease()).items.find((i) => i.number === 2)?.state).toBe('pending');
      const { items: done } = await svc().actOnItems({
        refs: ['2', 'pre-release/docs-updated-if-applicable', '2'],
        action: 'done',
      });
      expect(done.map((i) => [i.number, i.state])).toEqual([
        [2, 'done'],
        [3, 'done'],
      ]);
      await svc().actOnItems({ refs: ['2'], action: 'reset' });
      const detail = await svc().getItem({ ref: 'changelog-updated' });
      expect(detail.item.number).toBe(2);
      expect(detail.history.map((e) => (e.payload as { to: string }).to)).toEqual([
        'done',
        'pending',
      ]);
    });

    it('takes ranges, sections and phases; skips what does not match only when asked', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
      const state = async (n: number) =>
        (await svc().getRelease()).items.find((i) => i.number === n)?.state;
      // Items named one by one are all or none: #1 is a check, so #2 and #3 stay pending.
      await rejectsWith(svc().actOnItems({ refs: ['1-3'], action: 'done' }), 'invalid-transition');
      const all = await rejectsWith(
        svc().actOnItems({ refs: ['1-3', '99'], action: 'done' }),
        'invalid-input',
        /^nothing was marked done: 2 problems\n/,
      );
      expect((all as InputError).problems.map((p) => p.message)).toEqual([
        'nothing was marked done: 2 problems',
        expect.stringMatching(/^no item #99 /),
        expect.stringMatching(/^#1 "Tests pass" is a check/),
      ]);
      expect(all.hint).toEqual({
        action: 'item.done',
        refs: ['1-3', '99'],
        needs: ['skipUnmatched'],
      });
      expect(await state(2)).toBe('pending');
      await rejectsWith(
        svc().actOnItems({ refs: ['3-1'], action: 'done', skipUnmatched: true }),
        'invalid-input',
        /runs backwards/,
      );

      const some = await svc().actOnItems({
        refs: ['1-3', '99'],
        action: 'done',
        skipUnmatched: true,
      });
      expect(some.items.map((i) => [i.number, i.state])).toEqual([
        [2, 'done'],
        [3, 'done'],
      ]);
      expect(some.skipped).toEqual([
        { ref: '99', reason: expect.stringMatching(/^no item #99/), code: 'not-found' },
        {
          ref: '1-3',
          item: 1,
          reason: expect.stringMatching(/is a check/),
          code: 'invalid-transition',
        },
      ]);
      expect(some.followed).toEqual([]);

      // A phase takes what the action fits, and says what it left.
      const reset = await svc().actOnItems({ refs: ['pre-release'], action: 'reset' });
      expect(reset.items.map((i) => i.number)).toEqual([2, 3]);
      expect(reset.skipped.map((x) => x.item)).toEqual([1, 4]);
      const ticked = await svc().actOnItems({ refs: ['Pre-Release/'], action: 'done' });
      expect(ticked.items.map((i) => i.number)).toEqual([2, 3]);
      expect(ticked.skipped.map((x) => [x.item, x.reason])).toEqual([
        [1, expect.stringMatching(/is a check/)],
        [4, expect.stringMatching(/is a sign-off/)],
      ]);
      await rejectsWith(
        svc().actOnItems({ refs: ['pre-release'], action: 'done' }),
        'invalid-transition',
        /^nothing to be marked done in pre-release/,
      );
      const detail = await svc().getItem({ ref: 'deploy' });
      expect(detail.item.number).toBe(5);
      await rejectsWith(svc().getItem({ ref: '2-3' }), 'invalid-input', /names 2 items/);
      const events = await svc().listEvents();
      expect(events.filter((e) => e.type === 'item.state')).toHaveLength(6);
      expect((await svc().verifyAudit({ version: '1.0.0' }))[0]?.ok).toBe(true);
    });

    it('makes a parent done when its sub-items are all accepted, by any path, and undoes only that', async () => {
      await svc().startRelease({ playbook: withParents, version: '1.0.0', commit: 'a'.repeat(40) });
      const item = async (n: number) =>
        (await svc().getRelease()).items.find((i) => i.number === n)!;
      // #1 follows #2 (manual), #3 (check), #4 (sign); #5 follows #6.
      expect((await svc().actOnItems({ refs: ['2'], action: 'done' })).followed).toEqual([]);
      const check = (result: 'passed' | 'failed') =>
        svc().recordCheckResults({
          results: [{ item: 3, result, summary: result, evidence: {}, durationMs: 1 }],
        });
      await check('passed');
      expect((await item(1)).state).toBe('pending');
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go', gate: 'qa-approval' });
      const parent = await item(1);
      expect(parent).toMatchObject({
        state: 'done',
        updatedBy: 'qa@example.com',
        note: 'follows its sub-items: all 3 accepted',
      });
      // A failed sub-item takes back what the rule gave.
      await check('failed');
      expect(await item(1)).toMatchObject({
        state: 'pending',
        note: 'follows its sub-items: #3 "Tests green" is failed',
      });
      await check('passed');
      expect((await item(1)).state).toBe('done');

      // What a person gave a parent stands; resetting one that would be done again at once is refused.
      const ticked = await svc().actOnItems({ refs: ['5', '6'], action: 'done' });
      expect(ticked.followed).toEqual([]);
      await rejectsWith(
        svc().actOnItems({ refs: ['5'], action: 'reset' }),
        'invalid-transition',
        /follows its sub-items, which are all accepted/,
      );
      await svc().actOnItems({ refs: ['6'], action: 'reset' });
      expect((await item(5)).state).toBe('done');
      // A person's reset of a sub-item reopens a parent the rule made done, in the same call.
      const reopened = await svc().actOnItems({ refs: ['smoke-test'], action: 'reset' });
      expect(reopened.followed.map((i) => [i.number, i.state])).toEqual([[1, 'pending']]);
      const refilled = await svc().actOnItems({ refs: ['verify'], action: 'done' });
      expect(refilled.items.map((i) => i.number)).toEqual([2, 6]);
      expect(refilled.followed.map((i) => [i.number, i.state])).toEqual([[1, 'done']]);

      const moves = (await svc().listEvents()).filter(
        (e) => e.type === 'item.state' && (e.payload as { action?: string }).action === 'sub-items',
      );
      expect(
        moves.map((e) => [(e.payload as { item: number }).item, (e.payload as { to: string }).to]),
      ).toEqual([
        [1, 'done'],
        [1, 'pending'],
        [1, 'done'],
        [1, 'pending'],
        [1, 'done'],
      ]);
      expect((await svc().verifyAudit({ version: '1.0.0' }))[0]).toMatchObject({
        ok: true,
        problems: [],
      });
    });

    it('decides GO only with every required item, the gate role, and the window', async () => {
      const commit = 'c'.repeat(40);
      await svc().startRelease({ playbook, version: '1.0.0', commit });
      let d = (await svc().decide({})).decision;
      expect(d.outcome).toBe('no-go');
      expect(d.gate).toBe('go-no-go');
      const kinds = d.blockers.map((b) => b.kind).sort();
      expect(kinds).toEqual(['item-open', 'item-open', 'item-open', 'signoff-missing']);

      await svc('rm@example.com').actOnItems({
        refs: ['1'],
        action: 'waive',
        note: 'checked by hand',
      });
      await svc().actOnItems({ refs: ['2'], action: 'done' });
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
      expect((await svc().getRelease()).items.find((i) => i.kind === 'sign')?.state).toBe('passed');
      await rejectsWith(
        svc('ana@example.com').sign({ role: 'release-manager', verdict: 'go' }),
        'forbidden',
      );
      await rejectsWith(
        svc('qa@example.com').sign({ role: 'qa-led', verdict: 'go' }),
        'invalid-input',
        /did you mean "qa-lead"/,
      );
      await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
      const status = await svc().getStatus();
      expect(status.outcome).toBe('go');
      expect(status.phases.find((p) => p.phase === 'pre-release')).toMatchObject({
        total: 4,
        accepted: 3,
        failed: 0,
      });
      d = (await svc().decide({})).decision;
      expect(d.blockers).toEqual([]);
      expect(d.outcome).toBe('go');

      // A new candidate commit makes the sign-offs stale.
      await svc().retarget({ commit: 'd'.repeat(40) });
      d = (await svc().decide({ gate: 'go-no-go' })).decision;
      expect(d.outcome).toBe('no-go');
      expect(d.blockers.map((b) => b.kind)).toContain('signoff-stale');
      expect((await svc().getRelease()).items.find((i) => i.kind === 'sign')?.state).toBe(
        'pending',
      );
    });

    it('applies the release window and lets only a named role override it', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: 'e'.repeat(40) });
      await svc('rm@example.com').actOnItems({ refs: ['1'], action: 'waive', note: 'x' });
      await svc().actOnItems({ refs: ['2'], action: 'done' });
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
      await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
      t.setNow(saturday);
      const d = (await svc().decide({})).decision;
      expect(d.outcome).toBe('no-go');
      expect(d.blockers.map((b) => b.kind)).toEqual(['window-day']);
      await rejectsWith(svc().decide({ overrideWindow: { reason: 'security fix' } }), 'forbidden');
      await rejectsWith(
        svc('rm@example.com').decide({ overrideWindow: { reason: ' ' } }),
        'invalid-input',
      );
      const o = (await svc('rm@example.com').decide({ overrideWindow: { reason: 'security fix' } }))
        .decision;
      expect(o.outcome).toBe('go');
      expect(o.override).toEqual({ reason: 'security fix', by: 'rm@example.com' });
      // Decisions and sign-offs carry their own ids, so a page can address them.
      expect(o.id).toEqual(expect.any(String));
      const signed = await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
      expect(signed.id).toEqual(expect.any(String));
      expect((await svc().getRelease()).signoffs.map((x) => x.id)).toContain(signed.id);
      expect((await svc().listEvents()).map((e) => e.type)).toContain('window.overridden');
    });

    it('records deployments, knows what runs where, and rolls back with the procedure', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: 'f'.repeat(40) });
      const closed = await rejectsWith(svc().deploy({ environment: 'production' }), 'gate-closed');
      expect((closed as GateClosedError).blockers.map((b) => b.gate)).toContain('go-no-go');
      await rejectsWith(
        svc().deploy({ environment: 'prod' }),
        'invalid-input',
        /did you mean "production"/,
      );
      await svc().deploy({ environment: 'staging' });
      await svc('rm@example.com').actOnItems({ refs: ['1'], action: 'waive', note: 'x' });
      await svc().actOnItems({ refs: ['2'], action: 'done' });
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
      await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
      expect((await svc().decide({})).decision.outcome).toBe('go');
      await svc().deploy({ environment: 'production' });
      let envs = await svc().listEnvironments({ playbook });
      expect(envs.map((e) => [e.environment, e.current?.version])).toEqual([
        ['staging', '1.0.0'],
        ['production', '1.0.0'],
      ]);

      await rejectsWith(svc().rollback({ environment: 'production', reason: '' }), 'invalid-input');
      const rb = await svc().rollback({ environment: 'production', reason: 'error rate 7%' });
      expect(rb.items.map((i) => [i.number, i.title, i.rollback])).toEqual([
        [6, 'Previous version deployed', true],
        [7, 'Health checks passing', true],
      ]);
      envs = await svc().listEnvironments({ playbook });
      expect(envs.find((e) => e.environment === 'production')?.current).toBeUndefined();
      expect(envs.find((e) => e.environment === 'production')?.last?.status).toBe('rolled-back');
      await rejectsWith(
        svc().rollback({ environment: 'production', reason: 'again' }),
        'invalid-transition',
      );

      // Rolled back from production: that is the release's state, with the reason and who.
      let view = await svc().getRelease({ version: '1.0.0' });
      expect(view.release).toMatchObject({
        state: 'rolled-back',
        stateReason: 'error rate 7%',
        stateBy: 'ana@example.com',
      });
      let status = await svc().getStatus();
      expect(status.life.rollback?.incident.reason).toBe('error rate 7%');
      expect(status.life.rollbackOpen.map((b) => b.item)).toEqual([6, 7]);
      // Working through the procedure resolves the incident; the release stays rolled back.
      await svc().actOnItems({ refs: ['5', '6', '7'], action: 'done' });
      view = await svc().getRelease({ version: '1.0.0' });
      expect(view.release.state).toBe('rolled-back');
      expect(view.incidents).toEqual([
        expect.objectContaining({ reason: 'error rate 7%', resolvedAt: expect.any(String) }),
      ]);
      status = await svc().getStatus();
      expect(status.life.rollbackOpen).toEqual([]);
      // Abandoned, it takes no more writes; reads default to the newest release, ended or not.
      await rejectsWith(svc().abandonRelease({ reason: ' ' }), 'invalid-input');
      await svc().abandonRelease({ reason: 'fixed forward in 1.0.1' });
      await rejectsWith(svc().actOnItems({ refs: ['2'], action: 'reset' }), 'not-found');
      expect((await svc().getRelease()).release.version).toBe('1.0.0');
      expect((await svc().getStatus()).view.release).toMatchObject({
        state: 'abandoned',
        stateReason: 'fixed forward in 1.0.1',
      });
    });

    it('applies a check result only when nobody changed the item while it ran', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
      const plan = await svc().planChecks({});
      expect(plan.items.map((i) => i.number)).toEqual([1]);
      const started = plan.items[0]!.rowVersion;
      // A person fails the item while the check runs: their state stands.
      await svc().actOnItems({ refs: ['1'], action: 'fail', note: 'broken on staging' });
      const recorded = await svc().recordCheckResults({
        results: [
          {
            item: 1,
            result: 'passed',
            summary: 'exit 0',
            evidence: {},
            durationMs: 12,
            itemVersion: started,
          },
        ],
      });
      expect(recorded.skipped).toEqual([1]);
      expect(recorded.items[0]?.state).toBe('failed');
      const history = (await svc().getItem({ ref: '1' })).history;
      expect(history.at(-1)).toMatchObject({
        type: 'check.result',
        payload: { applied: false, result: 'passed' },
      });
      // A result for the version it started from is applied.
      const again = await svc().planChecks({ refs: ['1'] });
      const applied = await svc().recordCheckResults({
        results: [
          {
            item: 1,
            result: 'passed',
            summary: 'exit 0',
            evidence: {},
            durationMs: 9,
            itemVersion: again.items[0]!.rowVersion,
          },
        ],
      });
      expect(applied.skipped).toEqual([]);
      expect(applied.items[0]?.state).toBe('passed');
    });

    it('keeps projects apart on one record', async () => {
      const a = svc('ana@example.com', 'github.com/acme/a');
      const b = svc('ana@example.com', 'github.com/acme/b');
      await a.startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
      await b.startRelease({ playbook, version: '1.0.0', commit: 'b'.repeat(40) });
      await a.actOnItems({ refs: ['2'], action: 'done' });
      expect((await b.getRelease()).items.find((i) => i.number === 2)?.state).toBe('pending');
      await a.deploy({ environment: 'staging' });
      expect((await b.listEnvironments()).map((e) => e.current)).toEqual([]);
      expect((await a.listReleases()).map((r) => r.project)).toEqual(['github.com/acme/a']);
      expect(a.project).toBe('github.com/acme/a');
    });

    it('masks secrets in what people write before anything is stored', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
      // Split so that this file does not itself hold a token-shaped string.
      const token = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
      const {
        items: [item],
      } = await svc().actOnItems({
        refs: ['2'],
        action: 'done',
        note: `ran with ${token}`,
        evidence: 'https://ci:hunter2hunter2@ci.example.com/run/1',
      });
      expect(item?.note).toMatch(/^ran with ghp_…\[REDACTED:/);
      expect(JSON.stringify(item?.evidence)).not.toContain('hunter2hunter2');
      const log = JSON.stringify(await svc().listEvents());
      expect(log).not.toContain(token);
      expect(log).not.toContain('hunter2hunter2');
    });

    it('re-snapshots an edited playbook: states kept, new numbers, changed gates signed again', async () => {
      const commit = 'c'.repeat(40);
      await svc().startRelease({ playbook, version: '1.0.0', type: 'minor', commit });
      await svc('rm@example.com').actOnItems({ refs: ['1'], action: 'waive', note: 'by hand' });
      await svc().actOnItems({ refs: ['2'], action: 'done', note: 'see PR 12' });
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
      await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
      expect((await svc().getStatus()).outcome).toBe('go');
      const events = (await svc().listEvents()).length;

      const { playbook: edited } = loadPlaybook(
        contractYaml
          .replace('      - title: Docs updated (if applicable)\n        optional: true\n', '')
          .replace(
            '      - title: QA sign-off',
            '      - title: Smoke test\n      - title: QA sign-off',
          )
          .replace('gate: [release-manager]', 'gate: [release-manager, qa-lead]'),
        'edited.yaml',
      );
      const dry = await svc().resnapshot({ playbook: edited, dryRun: true });
      expect(dry).toMatchObject({ recorded: false, same: false });
      expect((await svc().listEvents()).length).toBe(events);
      expect((await svc().getRelease()).items.map((i) => i.number)).toEqual([1, 2, 3, 4, 5]);

      const done = await svc().resnapshot({ playbook: edited });
      expect(done.recorded).toBe(true);
      expect(done.diff.added).toEqual([
        {
          item: 6,
          id: 'smoke-test',
          title: 'Smoke test',
          phase: 'pre-release',
          section: 'pre-release-2',
        },
      ]);
      expect(done.diff.removed.map((r) => [r.item, r.state])).toEqual([[3, 'pending']]);
      expect(done.diff.gates.map((g) => [g.id, g.roles.to, g.items])).toEqual([
        ['go-no-go', ['release-manager', 'qa-lead'], { added: [6], removed: [3], changed: [] }],
      ]);
      expect(done.staleSignoffs.map((x) => [x.role, x.target?.id, x.staleSince])).toEqual([
        ['release-manager', 'go-no-go', done.seq],
      ]);
      expect((await svc().listEvents()).at(-1)).toMatchObject({
        seq: done.seq,
        type: 'release.resnapshot',
        payload: { from: { hash: dry.from }, playbook: { hash: dry.to } },
      });
      const view = await svc().getRelease();
      expect(view.release.playbookHash).toBe(done.to);
      expect(view.items.map((i) => [i.number, i.state])).toEqual([
        [1, 'waived'],
        [2, 'done'],
        [4, 'passed'],
        [5, 'pending'],
        [6, 'pending'],
      ]);
      expect(view.items.find((i) => i.number === 2)?.note).toBe('see PR 12');
      // The release manager's go was for the gate before it changed; qa-lead's for the item.
      expect(view.signoffs.map((x) => [x.role, x.stale])).toEqual([
        ['qa-lead', false],
        ['release-manager', true],
      ]);
      let status = await svc().getStatus();
      expect(status.outcome).toBe('no-go');
      expect(status.blockers.map((b) => [b.kind, b.item ?? b.role])).toEqual([
        ['item-open', 6],
        ['signoff-stale', 'release-manager'],
        ['signoff-missing', 'qa-lead'],
      ]);
      await svc().actOnItems({ refs: ['6'], action: 'done' });
      await svc('rm@example.com').sign({
        role: 'release-manager',
        verdict: 'go',
        gate: 'go-no-go',
      });
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go', gate: 'go-no-go' });
      status = await svc().getStatus();
      expect(status.outcome).toBe('go');
      expect((await svc().verifyAudit({ version: '1.0.0' }))[0]).toMatchObject({ ok: true });

      // The same playbook again changes nothing and records nothing.
      const again = await svc().resnapshot({ playbook: edited });
      expect(again).toMatchObject({ same: true, recorded: false, diff: { unchanged: 5 } });
      expect((await svc().listEvents()).at(-1)?.type).not.toBe('release.resnapshot');
    });

    it('never lifts a no-go by a re-snapshot, records what it drops, and never reuses a number', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
      await svc().actOnItems({ refs: ['2'], action: 'fail', note: 'changelog is wrong' });
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'no-go', comment: 'bugs' });
      // Drop the failing item and the only place qa-lead signs.
      const { playbook: dropped } = loadPlaybook(
        contractYaml
          .replace('      - title: CHANGELOG updated\n', '')
          .replace('      - title: QA sign-off\n        sign: qa-lead\n', ''),
        'dropped.yaml',
      );
      const r = await svc().resnapshot({ playbook: dropped });
      expect(r.diff.removed.map((x) => [x.item, x.id, x.state, x.note])).toEqual([
        [2, 'changelog-updated', 'failed', 'changelog is wrong'],
        [4, 'qa-sign-off', 'failed', undefined],
      ]);
      expect(r.strandedNoGos).toEqual([
        { role: 'qa-lead', actor: 'qa@example.com', comment: 'bugs' },
      ]);
      const status = await svc().getStatus();
      expect(status.blockers.map((b) => b.kind)).toContain('signoff-no-go');
      expect(status.blockers.some((b) => b.item === 2)).toBe(false);
      await rejectsWith(svc().actOnItems({ refs: ['2'], action: 'reset' }), 'not-found');

      // The highest number (#5) leaves and an item comes: it gets #6, never #5 again.
      const { playbook: noDeploy } = loadPlaybook(
        contractYaml
          .replace('      - title: CHANGELOG updated\n', '')
          .replace('      - title: QA sign-off\n        sign: qa-lead\n', '')
          .replace(
            '      - title: Deploy to production\n        run: ./deploy.sh production\n',
            '      - title: Tell the team\n',
          ),
        'no-deploy.yaml',
      );
      await svc().resnapshot({ playbook: noDeploy });
      const { playbook: back } = loadPlaybook(
        contractYaml
          .replace('      - title: CHANGELOG updated\n', '')
          .replace('      - title: QA sign-off\n        sign: qa-lead\n', ''),
        'back.yaml',
      );
      const last = await svc().resnapshot({ playbook: back });
      expect(last.diff.added.map((a) => [a.item, a.id])).toEqual([[7, 'deploy-to-production']]);
      expect((await svc().getRelease()).items.map((i) => i.number)).toEqual([1, 3, 7]);
      expect((await svc().verifyAudit({ version: '1.0.0' }))[0]).toMatchObject({ ok: true });
    });

    it('follows a gate whose roles a re-snapshot removed, recorded, and a no-go still blocks', async () => {
      await svc().startRelease({
        playbook,
        version: '1.0.0',
        type: 'minor',
        commit: 'b'.repeat(40),
      });
      await svc('rm@example.com').actOnItems({ refs: ['1'], action: 'waive', note: 'by hand' });
      await svc().actOnItems({ refs: ['2'], action: 'done' });
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
      await svc('rm@example.com').sign({
        role: 'release-manager',
        verdict: 'no-go',
        comment: 'not this week',
      });
      // Taking the release manager off the gate does not take the no-go away.
      const { playbook: noRoles } = loadPlaybook(
        contractYaml.replace('gate: [release-manager]', 'gate: []'),
        'no-roles.yaml',
      );
      const r = await svc().resnapshot({ playbook: noRoles });
      expect(r.diff.gates).toMatchObject([
        { id: 'go-no-go', change: 'changed', roles: { from: ['release-manager'], to: [] } },
      ]);
      expect(r.staleSignoffs.map((x) => [x.role, x.verdict])).toEqual([
        ['release-manager', 'no-go'],
      ]);
      expect(r.strandedNoGos).toEqual([
        { role: 'release-manager', actor: 'rm@example.com', comment: 'not this week' },
      ]);
      let status = await svc().getStatus();
      expect(status.gate.roles).toEqual([]);
      expect(status.blockers.map((b) => [b.kind, b.role])).toEqual([
        ['signoff-no-go', 'release-manager'],
      ]);
      // Only the role saying go lifts it: the playbook has to name the role somewhere again.
      await rejectsWith(
        svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' }),
        'invalid-input',
        /nothing for it to sign/,
      );
      await svc().resnapshot({ playbook });
      await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
      status = await svc().getStatus();
      expect(status.outcome).toBe('go');
      const types = (await svc().listEvents()).map((e) => e.type);
      expect(types.filter((t) => t === 'release.resnapshot')).toHaveLength(2);
      expect((await svc().verifyAudit({ version: '1.0.0' }))[0]).toMatchObject({ ok: true });
    });

    it('re-snapshots a deployed release, and refuses a finished one', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: 'd'.repeat(40) });
      await svc('rm@example.com').actOnItems({ refs: ['1'], action: 'waive', note: 'by hand' });
      await svc().actOnItems({ refs: ['2'], action: 'done' });
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
      await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
      await svc().deploy({ environment: 'production' });
      expect((await svc().getRelease()).release.state).toBe('deployed');
      const { playbook: more } = loadPlaybook(
        contractYaml.replace(
          '        run: ./deploy.sh production\n',
          '        run: ./deploy.sh production\n      - title: Error rates watched\n',
        ),
        'more.yaml',
      );
      const r = await svc().resnapshot({ playbook: more });
      expect(r.diff.added.map((a) => [a.item, a.id])).toEqual([[6, 'error-rates-watched']]);
      // After the gate: its sign-offs still count.
      expect(r.diff.gates).toEqual([]);
      expect(r.staleSignoffs).toEqual([]);
      expect(r.release.state).toBe('deployed');
      await svc().actOnItems({ refs: ['5', '6'], action: 'done' });
      expect((await svc().getRelease()).release.state).toBe('finished');
      await rejectsWith(
        svc().resnapshot({ playbook, version: '1.0.0' }),
        'invalid-transition',
        /finished/,
      );
      await rejectsWith(
        svc().resnapshot({ playbook, version: '1.0.0', dryRun: true }),
        'invalid-transition',
      );
      expect((await svc().verifyAudit({ version: '1.0.0' }))[0]).toMatchObject({ ok: true });
    });

    it('lets a parent follow its sub-items after a re-snapshot adds or drops one', async () => {
      const yaml = (extra: string) => `name: Parents
phases:
  - id: pre-release
    items:
      - title: Smoke tests
        items:
          - title: Login works
          - title: Export works
${extra}`;
      const { playbook: two } = loadPlaybook(yaml(''), 'two.yaml');
      await svc().startRelease({ playbook: two, version: '1.0.0' });
      await svc().actOnItems({ refs: ['2', '3'], action: 'done' });
      expect((await svc().getRelease()).items[0]?.state).toBe('done');
      const { playbook: three } = loadPlaybook(
        yaml('          - title: Search works\n'),
        'three.yaml',
      );
      await svc().resnapshot({ playbook: three });
      let items = (await svc().getRelease()).items;
      expect(items.map((i) => [i.number, i.parent, i.state])).toEqual([
        [1, undefined, 'pending'],
        [2, 1, 'done'],
        [3, 1, 'done'],
        [4, 1, 'pending'],
      ]);
      expect((await svc().listEvents()).slice(-2).map((e) => e.type)).toEqual([
        'release.resnapshot',
        'item.state',
      ]);
      // Dropping the open sub-item again lets the parent follow the two that are done.
      await svc().resnapshot({ playbook: two });
      items = (await svc().getRelease()).items;
      expect(items.map((i) => [i.number, i.state])).toEqual([
        [1, 'done'],
        [2, 'done'],
        [3, 'done'],
      ]);
      expect((await svc().verifyAudit({ version: '1.0.0' }))[0]).toMatchObject({ ok: true });
    });

    it('refuses a playbook the release cannot take, writing nothing', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', type: 'minor' });
      const { playbook: noMinor } = loadPlaybook(
        contractYaml
          .replace('types: [minor, major]', 'types: [major]')
          .replace('when: { type: major }', 'when: { type: major }'),
        'no-minor.yaml',
      );
      await rejectsWith(svc().resnapshot({ playbook: noMinor }), 'invalid-input', /type "minor"/);
      const { playbook: onlyMajor } = loadPlaybook(
        `name: Major only\ntypes: [minor, major]\nphases:\n  - id: big\n    when: { type: major }\n    items:\n      - title: Big thing\n`,
        'major.yaml',
      );
      await rejectsWith(svc().resnapshot({ playbook: onlyMajor }), 'invalid-input', /no items/);
      expect((await svc().listEvents()).map((e) => e.type)).toEqual(['release.started']);
    });

    it('asks for four eyes where a gate says so: no go from who started or worked on it', async () => {
      const { playbook: fourEyes } = loadPlaybook(
        contractYaml
          .replace(
            'release-manager: { name: Release Manager, members: [rm@example.com] }',
            'release-manager: { name: Release Manager, members: [rm@example.com, ro@example.com] }',
          )
          .replace(
            '    gate: [release-manager]',
            '    gate: [release-manager]\n    four_eyes: true',
          ),
        'four-eyes.yaml',
      );
      await svc('rm@example.com').startRelease({
        playbook: fourEyes,
        version: '1.0.0',
        commit: 'a'.repeat(40),
      });
      await svc('ana@example.com').actOnItems({ refs: ['2'], action: 'done' });
      await svc('rm@example.com').actOnItems({ refs: ['1'], action: 'waive', note: 'CI green' });
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
      // The release manager started it: their go is refused, with why; a no-go is welcome.
      await rejectsWith(
        svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go', gate: 'go-no-go' }),
        'forbidden',
        /four eyes: rm@example\.com started the release, so another holder of release-manager/,
      );
      expect((await svc().getStatus()).blockers.map((b) => b.kind)).toEqual(['signoff-missing']);
      // Another release manager who did not work on it gives the go: GO.
      await svc('ro@example.com').sign({ role: 'release-manager', verdict: 'go' });
      expect((await svc().getStatus()).outcome).toBe('go');
      // Once ro works on an item, their go no longer counts.
      await svc('ro@example.com').actOnItems({ refs: ['3'], action: 'na', note: 'no docs' });
      const after = await svc().getStatus();
      expect(after.outcome).toBe('no-go');
      expect(after.blockers).toEqual([
        expect.objectContaining({
          kind: 'signoff-four-eyes',
          role: 'release-manager',
          message: expect.stringMatching(/ro@example\.com marked #3 n\/a/),
        }),
      ]);
      await rejectsWith(svc('rm@example.com').deploy({ environment: 'production' }), 'gate-closed');
    });

    it('keeps a hash chain that verifies', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
      await svc().actOnItems({
        refs: ['2'],
        action: 'done',
        evidence: 'https://ci.example.com/1',
      });
      await svc().actOnItems({ refs: ['2'], action: 'reset' });
      const [result] = await svc().verifyAudit({ version: '1.0.0' });
      expect(result).toMatchObject({ version: '1.0.0', ok: true, checked: 3 });
    });

    describeExpectedWrites(t);
    describeRunsAndLocks(t);
    describeAnalytics(t, playbook);
    describeNotifications(t);
    describeMetricsContract(t);
  });
}
