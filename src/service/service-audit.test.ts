/**
 * The audit against a real store (SQLite and PostgreSQL): a whole release written by the
 * service replays to exactly its tables, and each way of changing the record behind the
 * service's back (an edited, deleted or added event; a row edited or inserted in a table) is
 * reported with its place. Tampering is raw SQL on the database, as an attacker would do it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GonogoError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import { openStore } from '../store/open-store.ts';
import { checkPgAvailable, createTestDatabase } from '../store/store-pg.fixture.ts';
import type { Store } from '../store/store.ts';
import { createReleaseService } from './create-service.ts';
import type { AuditResult, ReleaseService } from './service-contract.ts';
import { contractYaml } from './service-contract.suite.ts';

const { playbook } = loadPlaybook(contractYaml, 'test.yaml');

const saturday = new Date('2026-11-28T09:00:00Z');
const commitA = 'a'.repeat(40);
const commitB = 'b'.repeat(40);

/** A raw SQL statement on the database under the store (`?` placeholders). */
type RawSql = (text: string, params?: (string | number)[]) => Promise<number>;

interface Setup {
  name: string;
  open(n: number): Promise<{ store: Store; sql: RawSql }>;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'gonogo-audit-'));
const setups: Setup[] = [
  {
    name: 'SQLite',
    async open(n) {
      const file = join(dir, `a${n}.db`);
      const store = await openStore(file);
      const sql: RawSql = async (text, params = []) => {
        const db = new DatabaseSync(file);
        try {
          return Number(db.prepare(text).run(...params).changes);
        } finally {
          db.close();
        }
      };
      return { store, sql };
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  },
];
const pgDb = (await checkPgAvailable('service-audit.test.ts'))
  ? await createTestDatabase()
  : undefined;
if (pgDb) {
  setups.push({
    name: 'PostgreSQL',
    async open(n) {
      const schema = `audit_${n}`;
      const u = new URL(pgDb.url);
      u.searchParams.set('schema', schema);
      const store = await openStore(u.toString());
      const sql: RawSql = async (text, params = []) => {
        const client = new pg.Client({
          connectionString: pgDb.url,
          options: `-c search_path=${schema}`,
        });
        await client.connect();
        try {
          let i = 0;
          const result = await client.query(
            text.replace(/\?/g, () => `$${++i}`),
            params,
          );
          return result.rowCount ?? 0;
        } finally {
          await client.end();
        }
      };
      return { store, sql };
    },
    close: () => pgDb.drop(),
  });
}

afterAll(async () => {
  for (const s of setups) await s.close();
});

let opened = 0;

for (const setup of setups) {
  describe(`audit on ${setup.name}`, () => {
    let store: Store;
    let sql: RawSql;
    let now: Date;
    let clockOverridden = false;
    const svc = (actor = 'ana@example.com'): ReleaseService =>
      createReleaseService({
        store,
        actor,
        project: 'acme/app',
        now: () => now,
        ...(clockOverridden ? { realNow: () => new Date('2026-12-01T08:00:00.000Z') } : {}),
      });
    const audit = async (version = '1.0.0'): Promise<AuditResult> =>
      (await svc().verifyAudit({ version }))[0]!;
    const messages = async () => (await audit()).problems.map((p) => p.message);
    /** Moves the clock one minute on per step, so rows have distinct times. */
    const tick = () => void (now = new Date(now.getTime() + 60_000));
    const releaseId = async () => (await svc().getRelease({ version: '1.0.0' })).release.id;

    beforeEach(async () => {
      ({ store, sql } = await setup.open(++opened));
      now = new Date('2026-11-23T09:00:00Z');
      clockOverridden = false;
      return () => store.close();
    });

    /** A release through its whole life: every kind of event the service writes. */
    async function wholeRelease() {
      await svc().startRelease({
        playbook,
        version: '1.0.0',
        type: 'minor',
        commit: commitA,
        commitAt: '2026-11-20T08:00:00.000Z',
      });
      tick();
      const plan = await svc().planChecks({});
      await svc().recordCheckResults({
        results: [
          {
            item: 1,
            result: 'passed',
            summary: '12 tests passed',
            evidence: { exitCode: 0, command: ['npm', 'test'] },
            durationMs: 1234.5,
            itemVersion: plan.items[0]!.rowVersion,
          },
        ],
      });
      tick();
      await svc().actOnItems({
        refs: ['2'],
        action: 'done',
        note: 'in the wiki',
        evidence: 'https://ci.example.com/1',
      });
      tick();
      await svc().actOnItems({ refs: ['3'], action: 'na', note: 'no user-facing change' });
      tick();
      await svc().actOnItems({ refs: ['5'], action: 'fail', note: 'script missing' });
      // A check result that arrives after a person acted is logged beside the item only.
      await svc().recordCheckResults({
        results: [
          {
            item: 1,
            result: 'failed',
            summary: 'late result',
            evidence: {},
            durationMs: 5,
            itemVersion: 0,
          },
        ],
      });
      tick();
      await svc('rm@example.com').actOnItems({
        refs: ['5'],
        action: 'waive',
        note: 'deployed by hand',
      });
      tick();
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go', comment: 'green' });
      tick();
      await svc().retarget({ commit: commitB, commitAt: '2026-11-22T08:00:00.000Z' });
      tick();
      await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
      tick();
      await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
      now = saturday;
      await svc('rm@example.com').decide({ overrideWindow: { reason: 'security fix' } });
      tick();
      await svc().deploy({ environment: 'staging' });
      tick();
      await svc().deploy({ environment: 'production' });
      tick();
      await svc().rollback({ environment: 'production', reason: 'error rate 7%' });
      tick();
      await svc().actOnItems({ refs: ['6', '7'], action: 'done' });
    }

    it('finds a whole release written by the service equal to its log', async () => {
      await wholeRelease();
      const view = await svc().getRelease({ version: '1.0.0' });
      // The release went all the way: rolled back, with its procedure done and incident resolved.
      expect(view.release.state).toBe('rolled-back');
      expect(view.incidents[0]?.resolvedAt).toBeDefined();
      const events = await svc().listEvents({ version: '1.0.0' });
      expect(new Set(events.map((e) => e.type))).toEqual(
        new Set([
          'release.started',
          'item.state',
          'check.result',
          'signoff.recorded',
          'release.retargeted',
          'window.overridden',
          'decision.recorded',
          'deployment.recorded',
          'rollback.recorded',
          'release.finished',
          'release.state',
          'rollback.completed',
        ]),
      );
      const result = await audit();
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ ok: true, checked: events.length, clockOverrides: 0 });
      expect(result.head).toEqual({ count: events.length, hash: events.at(-1)!.hash });
      expect(view.release.head).toEqual(result.head);
    });

    it('names an event edited in the database, and the table row that no longer agrees', async () => {
      await wholeRelease();
      const id = await releaseId();
      const events = await svc().listEvents({ version: '1.0.0' });
      const noted = events.find((e) => (e.payload as { note?: string }).note === 'in the wiki')!;
      const forged = JSON.stringify({ ...(noted.payload as object), note: 'approved by the CTO' });
      expect(
        await sql('UPDATE events SET payload = ? WHERE release_id = ? AND seq = ?', [
          forged,
          id,
          noted.seq,
        ]),
      ).toBe(1);
      const result = await audit();
      expect(result.ok).toBe(false);
      expect(result.problems.filter((p) => p.kind === 'chain')).toEqual([
        {
          kind: 'chain',
          seq: noted.seq,
          message: expect.stringMatching(/does not match its hash: it was edited/),
        },
      ]);
      expect(result.problems.filter((p) => p.kind === 'record')).toEqual([
        expect.objectContaining({
          table: 'release_items',
          field: 'note',
          seq: noted.seq,
          message: `item #2 "CHANGELOG updated": the table says note "in the wiki", the log says note "approved by the CTO" since event ${noted.seq}`,
        }),
      ]);
    });

    it('reports an event whose stored payload is not JSON any more, instead of failing', async () => {
      await wholeRelease();
      const id = await releaseId();
      expect(
        await sql('UPDATE events SET payload = ? WHERE release_id = ? AND seq = ?', [
          '{"note": "half',
          id,
          3,
        ]),
      ).toBe(1);
      const result = await audit();
      expect(result.ok).toBe(false);
      expect(result.problems).toContainEqual(
        expect.objectContaining({
          kind: 'chain',
          seq: 3,
          message: expect.stringMatching(/does not match its hash: it was edited/),
        }),
      );
    });

    it('names a deleted newest event against the anchored head, and refuses to write past it', async () => {
      await wholeRelease();
      const id = await releaseId();
      const events = await svc().listEvents({ version: '1.0.0' });
      const last = events.at(-1)!;
      expect(await sql('DELETE FROM events WHERE release_id = ? AND seq = ?', [id, last.seq])).toBe(
        1,
      );
      const result = await audit();
      expect(result.problems.filter((p) => p.kind === 'chain')).toEqual([
        {
          kind: 'chain',
          seq: last.seq,
          message: expect.stringMatching(
            new RegExp(`ends at event ${last.seq - 1}, .* event ${last.seq} is missing`),
          ),
        },
      ]);
      // The incident it resolved is now resolved without a reason in the log.
      expect(last.type).toBe('rollback.completed');
      expect(await messages()).toContainEqual(
        expect.stringMatching(
          /^incident .* \(rollback\): the table says 2026-.*, the log says nothing since event/,
        ),
      );
      // Appending would hide the gap: the next write is refused, and writes nothing.
      await sql("UPDATE releases SET state = 'active' WHERE id = ?", [id]);
      const error = await svc()
        .actOnItems({ refs: ['2'], action: 'reset' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GonogoError);
      expect(error).toMatchObject({
        code: 'integrity',
        hint: { action: 'audit.verify', refs: ['1.0.0'] },
      });
      expect((error as Error).message).toMatch(
        new RegExp(`ends at event ${last.seq - 1}, but the release anchors ${last.seq} events`),
      );
      expect((error as Error).message).not.toMatch(/--[a-z]|`gonogo /);
      expect((await svc().listEvents({ version: '1.0.0' })).length).toBe(events.length - 1);
    });

    it('names a deleted middle event where the chain breaks', async () => {
      await wholeRelease();
      const id = await releaseId();
      await sql('DELETE FROM events WHERE release_id = ? AND seq = ?', [id, 5]);
      const chain = (await audit()).problems.filter((p) => p.kind === 'chain');
      expect(new Set(chain.map((p) => p.seq))).toEqual(new Set([6]));
      expect(chain.map((p) => p.message).join('\n')).toMatch(/event 5 belongs/);
    });

    it('names an item state edited in its table, with the event where the log set it', async () => {
      await wholeRelease();
      const id = await releaseId();
      const events = await svc().listEvents({ version: '1.0.0' });
      const done = events.find(
        (e) => e.type === 'item.state' && (e.payload as { item: number }).item === 2,
      )!;
      await sql("UPDATE release_items SET state = 'pending' WHERE release_id = ? AND number = 2", [
        id,
      ]);
      const result = await audit();
      expect(result.problems).toEqual([
        expect.objectContaining({
          kind: 'record',
          seq: done.seq,
          message: `item #2 "CHANGELOG updated": the table says pending, the log says done since event ${done.seq}`,
        }),
      ]);
    });

    it('names a sign-off row inserted without an event', async () => {
      await wholeRelease();
      const id = await releaseId();
      await sql(
        "INSERT INTO signoffs (id, release_id, role, verdict, commit_sha, actor, at, comment) VALUES ('forged', ?, 'qa-lead', 'go', ?, 'mallory@example.com', '2026-11-29T00:00:00.000Z', NULL)",
        [id, commitB],
      );
      expect(await messages()).toEqual([
        "sign-off of qa-lead by mallory@example.com at 2026-11-29T00:00:00.000Z is in the table, but no event records it: it was written behind the log's back",
      ]);
    });

    it('names a decision edited and a deployment inserted in their tables', async () => {
      await wholeRelease();
      const id = await releaseId();
      await sql("UPDATE decisions SET inputs = '{}' WHERE release_id = ?", [id]);
      await sql(
        "INSERT INTO deployments (id, project, release_id, version, commit_sha, environment, status, started_at, finished_at, actor) VALUES ('forged', 'acme/app', ?, '1.0.0', ?, 'production', 'succeeded', '2026-11-29T00:00:00.000Z', NULL, 'mallory@example.com')",
        [id, commitB],
      );
      const record = (await audit()).problems.filter((p) => p.kind === 'record');
      expect(record.map((p) => [p.table, p.field])).toEqual([
        ['decisions', 'inputsHash'],
        ['deployments', undefined],
      ]);
      expect(record[1]!.message).toMatch(/deployment forged \(production\) is in the table/);
    });

    it('records an overridden clock in each event beside the real time, and reports it', async () => {
      clockOverridden = true;
      await svc().startRelease({ playbook, version: '1.0.0', commit: commitA });
      await svc().actOnItems({ refs: ['2'], action: 'done' });
      const events = await svc().listEvents({ version: '1.0.0' });
      expect(events.map((e) => [e.at, e.realAt])).toEqual([
        ['2026-11-23T09:00:00.000Z', '2026-12-01T08:00:00.000Z'],
        ['2026-11-23T09:00:00.000Z', '2026-12-01T08:00:00.000Z'],
      ]);
      const result = await audit();
      expect(result).toMatchObject({
        ok: true,
        clockOverrides: 2,
        firstClockOverride: {
          seq: 1,
          at: '2026-11-23T09:00:00.000Z',
          realAt: '2026-12-01T08:00:00.000Z',
        },
      });
      // Removing the real time to hide the override breaks the chain there.
      const id = await releaseId();
      await sql('UPDATE events SET real_at = NULL WHERE release_id = ? AND seq = 2', [id]);
      expect((await audit()).problems).toEqual([
        expect.objectContaining({ kind: 'chain', seq: 2 }),
      ]);
    });

    it('keeps where each change came from in its event, covered by the hash', async () => {
      // Written locally first: events without an origin, as every event before it existed.
      await svc().startRelease({ playbook, version: '1.0.0', commit: commitA });
      await svc().actOnItems({ refs: ['2'], action: 'done' });
      // A token's shape, put together here so no scanner takes this file for a leak.
      const secret = ['gng', 'Zk3pQ9vT2mWx8LbN4cR7yH1sD6fJ0aEuKoPiVgTqXw5'].join('_');
      const fromCi = createReleaseService({
        store,
        actor: 'ci@example.com',
        project: 'acme/app',
        now: () => now,
        origin: () => ({
          address: '203.0.113.7',
          userAgent: `gonogo/0.3\u001b[2J (ci) ${secret}`,
          tokenId: '0197a3c2-1b2c-7d3e-8f40-123456789abc',
        }),
      });
      const plan = await fromCi.planChecks({ refs: ['1'] });
      const result1 = {
        item: 1,
        result: 'passed' as const,
        summary: 'exit 0',
        evidence: {},
        durationMs: 5,
        itemVersion: plan.items[0]!.rowVersion,
      };
      // Applied (item.state), then the same run again, stale: only logged (check.result).
      await fromCi.recordCheckResults({ results: [result1] });
      await fromCi.recordCheckResults({ results: [result1] });
      const events = await svc().listEvents({ version: '1.0.0' });
      expect(events.slice(0, 2).map((e) => e.origin)).toEqual([undefined, undefined]);
      const posted = events.slice(2);
      expect(posted.map((e) => [e.type, e.actor])).toEqual([
        ['item.state', 'ci@example.com'],
        ['check.result', 'ci@example.com'],
      ]);
      for (const e of posted) {
        expect(e.origin).toMatchObject({
          address: '203.0.113.7',
          tokenId: '0197a3c2-1b2c-7d3e-8f40-123456789abc',
        });
        // The client's text as data: no escape sequence, no secret.
        expect(e.origin?.userAgent).toMatch(/^gonogo\/0\.3 \(ci\) /);
        expect(e.origin?.userAgent).not.toContain(secret);
      }
      expect(await audit()).toMatchObject({ ok: true, checked: 4, problems: [] });

      // Pointing the change at another token, or erasing where it came from, breaks the chain.
      const id = await releaseId();
      const other = JSON.stringify({ ...posted[0]!.origin, tokenId: 'someone-else' });
      expect(
        await sql('UPDATE events SET origin = ? WHERE release_id = ? AND seq = ?', [other, id, 3]),
      ).toBe(1);
      await sql('UPDATE events SET origin = NULL WHERE release_id = ? AND seq = ?', [id, 4]);
      const result = await audit();
      expect(result.ok).toBe(false);
      expect(result.problems.filter((p) => p.kind === 'chain')).toEqual([
        expect.objectContaining({
          seq: 3,
          message: expect.stringMatching(/does not match its hash/),
        }),
        expect.objectContaining({
          seq: 4,
          message: expect.stringMatching(/does not match its hash/),
        }),
      ]);
    });

    it('refuses an actor name with a control character, writing nothing', async () => {
      await svc().startRelease({ playbook, version: '1.0.0', commit: commitA });
      const error = await svc('ann@example.com\n   2 item.state forged')
        .actOnItems({ refs: ['2'], action: 'done' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'invalid-input', field: 'actor' });
      expect((error as Error).message).toMatch(/contains a line break/);
      expect(await svc().listEvents({ version: '1.0.0' })).toHaveLength(1);
    });
  });
}
