/**
 * The record proves itself, end to end: releases recorded by the CLI, then changed behind its
 * back directly in the SQLite file (an event edited, deleted from the end or the middle, a table
 * row edited or inserted), and `gonogo audit verify` naming each place. Exports carry the log's
 * head, and a clock override (`GONOGO_NOW`) shows wherever it touched the record.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { hashDb, makeRepo, removeRepos } from './cli-helper.ts';

const playbook = `name: Audit
roles:
  qa-lead: QA Lead
phases:
  - id: pre-release
    items:
      - id: changelog
        title: CHANGELOG updated
      - id: notes
        title: Release notes written
  - id: go-no-go
    gate: [qa-lead]
`;

interface VerifyJson {
  ok: boolean;
  releases: {
    version: string;
    ok: boolean;
    checked: number;
    head: { count: number; hash: string };
    clockOverrides: number;
    problems: { kind: string; seq?: number; message: string; table?: string; field?: string }[];
  }[];
}

/** Every release gets the same five events: started, two items done, a sign-off, a decision. */
const versions = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0'];
const overridden = '2.0.0';
const gonogoNow = '2026-11-23T10:00:00.000Z';

let repo: Repo;

/** Runs SQL on the repository's database file directly, as someone with the file would. */
function tamper<T>(fn: (db: DatabaseSync, releaseId: string) => T, version: string): T {
  const db = new DatabaseSync(repo.db);
  try {
    const { id } = db.prepare('SELECT id FROM releases WHERE version = ?').get(version) as {
      id: string;
    };
    return fn(db, id);
  } finally {
    db.close();
  }
}

const verify = async (version: string) => {
  const r = await repo.run(['audit', 'verify', version, '--json']);
  return { code: r.code, result: (JSON.parse(r.stdout) as VerifyJson).releases[0]! };
};

beforeAll(async () => {
  repo = await makeRepo();
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
  for (const version of versions) {
    const on = ['--release', version];
    await repo.ok(['release', 'start', version]);
    await repo.ok(['item', 'done', 'changelog', ...on]);
    await repo.ok(['item', 'done', 'notes', '--note', 'in the wiki', ...on]);
    await repo.ok(['sign', 'qa-lead', 'go', ...on]);
    await repo.ok(['decide', ...on]);
  }
  // One release recorded under an overridden clock.
  const env = { GONOGO_NOW: gonogoNow };
  await repo.ok(['release', 'start', overridden], { env });
  await repo.ok(['item', 'done', 'changelog', '--release', overridden], { env });
}, 120_000);

afterAll(removeRepos);

describe('gonogo audit verify', () => {
  it('finds untouched logs intact and their tables equal to the log', async () => {
    const r = await repo.ok(['audit', 'verify']);
    for (const v of [...versions, overridden])
      expect(r.stdout).toMatch(
        new RegExp(
          `ok\\s+${v.replace(/\./g, '\\.')}: \\d+ events, chain intact, head [0-9a-f]{12}, tables match the log`,
        ),
      );
    const log = await repo.json<{ seq: number; type: string }[]>(['log', '1.0.0']);
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log[2]!.type).toBe('item.state');
  });

  it('names the event that was edited in the database file, and the row it no longer explains', async () => {
    tamper((db, id) => {
      const row = db
        .prepare('SELECT payload FROM events WHERE release_id = ? AND seq = 3')
        .get(id) as { payload: string };
      const payload = JSON.parse(row.payload) as { note?: string };
      expect(payload.note).toBe('in the wiki');
      // Someone rewrites history: the note now says something else.
      const forged = JSON.stringify({ ...payload, note: 'approved by the CTO' });
      const changed = db
        .prepare('UPDATE events SET payload = ? WHERE release_id = ? AND seq = 3')
        .run(forged, id);
      expect(changed.changes).toBe(1);
    }, '1.0.0');

    const r = await repo.run(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TAMPERED\s+1\.0\.0/);
    expect(r.stdout).toMatch(/event #3: .*edited/);
    expect(r.stdout).toContain(
      'record: item #2 "Release notes written": the table says note "in the wiki", the log says note "approved by the CTO" since event 3',
    );
    expect(r.stdout).not.toMatch(/event #[124]:/);
    expect(r.stdout).toMatch(/ok\s+1\.1\.0: \d+ events, chain intact/);

    const one = await repo.run(['audit', 'verify', '1.0.0', '--json']);
    expect(one.code).toBe(1);
    const result = JSON.parse(one.stdout) as VerifyJson;
    expect(result.ok).toBe(false);
    expect(result.releases).toHaveLength(1);
    const problems = result.releases[0]!.problems;
    expect(problems.filter((p) => p.kind === 'chain').map((p) => p.seq)).toEqual([3]);
    expect(problems.filter((p) => p.kind === 'record')).toEqual([
      expect.objectContaining({ table: 'release_items', field: 'note', seq: 3 }),
    ]);

    // The untouched release still verifies on its own, and verifying writes nothing.
    const hash = hashDb(repo.db);
    await repo.ok(['audit', 'verify', '1.1.0']);
    expect(hashDb(repo.db)).toBe(hash);
  });

  it('names a forged hash too: the edited event and the one chained to it', async () => {
    tamper(
      (db, id) =>
        db
          .prepare('UPDATE events SET hash = ? WHERE release_id = ? AND seq = 2')
          .run('f'.repeat(64), id),
      '1.1.0',
    );
    const { code, result } = await verify('1.1.0');
    expect(code).toBe(1);
    const seqs = result.problems.map((p) => p.seq);
    expect(seqs).toContain(2);
    expect(seqs.every((s) => s === 2 || s === 3)).toBe(true);
  });

  it('names a deleted newest event against the head the release anchors, and refuses to write past it', async () => {
    const { result: before } = await verify('1.2.0');
    expect(before.head.count).toBe(5);
    tamper(
      (db, id) => db.prepare('DELETE FROM events WHERE release_id = ? AND seq = 5').run(id),
      '1.2.0',
    );
    const r = await repo.run(['audit', 'verify', '1.2.0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /event #5: the log ends at event 4, but the release anchors 5 events ending in hash [0-9a-f]{12}: event 5 is missing/,
    );
    // The decision that event recorded is still in its table, now unexplained.
    expect(r.stdout).toMatch(/record: decision on go-no-go at .* no event records it/);

    // Appending now would hide the gap: the write is refused, names the way out, writes nothing.
    const hash = hashDb(repo.db);
    const write = await repo.run(['item', 'reset', 'changelog', '--release', '1.2.0']);
    expect(write.code).toBe(2);
    expect(write.stderr).toMatch(
      /the event log of release 1\.2\.0 ends at event 4, but the release anchors 5 events/,
    );
    expect(write.stderr).toContain('try: gonogo audit verify 1.2.0');
    expect(hashDb(repo.db)).toBe(hash);
  });

  it('names a deleted middle event where the chain breaks', async () => {
    tamper(
      (db, id) => db.prepare('DELETE FROM events WHERE release_id = ? AND seq = 3').run(id),
      '1.3.0',
    );
    const { code, result } = await verify('1.3.0');
    expect(code).toBe(1);
    const chain = result.problems.filter((p) => p.kind === 'chain');
    expect(new Set(chain.map((p) => p.seq))).toEqual(new Set([4]));
    expect(chain.map((p) => p.message).join('\n')).toMatch(/event 3 belongs/);
  });

  it('names an item state edited in its table, with the event where the log set it', async () => {
    tamper(
      (db, id) =>
        db
          .prepare(
            "UPDATE release_items SET state = 'pending' WHERE release_id = ? AND item_id = 'changelog'",
          )
          .run(id),
      '1.4.0',
    );
    const r = await repo.run(['audit', 'verify', '1.4.0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'record: item #1 "CHANGELOG updated": the table says pending, the log says done since event 2',
    );
    expect(r.stdout).toMatch(/TAMPERED\s+1\.4\.0: 1 problem in 5 events/);
  });

  it('names a sign-off row inserted without an event', async () => {
    tamper(
      (db, id) =>
        db
          .prepare(
            "INSERT INTO signoffs (id, release_id, role, verdict, commit_sha, actor, at, comment) VALUES ('forged', ?, 'qa-lead', 'no-go', NULL, 'mallory@example.com', '2030-01-01T00:00:00.000Z', NULL)",
          )
          .run(id),
      '1.5.0',
    );
    const r = await repo.run(['audit', 'verify', '1.5.0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "record: sign-off of qa-lead by mallory@example.com at 2030-01-01T00:00:00.000Z is in the table, but no event records it: it was written behind the log's back",
    );
  });
});

describe('the log head in every export', () => {
  it('names the head count and hash in Markdown, GitHub and JSON, as audit verify anchors it', async () => {
    const { result } = await verify(overridden);
    const { count, hash } = result.head;
    expect(count).toBe(2);
    const line = `Event log: 2 events, head hash ${hash}.`;
    const md = await repo.ok(['export', '--release', overridden, '--format', 'md']);
    expect(md.stdout).toContain(line);
    const gh = await repo.ok(['export', '--release', overridden, '--format', 'github']);
    expect(gh.stdout).toContain(line);
    const out = path.join(repo.dir, 'export.json');
    await repo.ok(['export', '--release', overridden, '--format', 'json', '-o', out]);
    const json = JSON.parse(readFileSync(out, 'utf8')) as {
      head: { count: number; hash: string };
      events: { hash: string }[];
    };
    expect(json.head).toEqual({ count, hash });
    expect(json.events.at(-1)!.hash).toBe(hash);
  });
});

describe('a clock override is never silent', () => {
  it('is recorded in each event beside the real time', async () => {
    const events = await repo.json<{ at: string; realAt?: string }[]>(['log', overridden]);
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e.at).toBe(gonogoNow);
      expect(e.realAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(e.realAt).not.toBe(gonogoNow);
    }
    // Events recorded with the real clock carry no real time of their own.
    const plain = await repo.json<{ realAt?: string }[]>(['log', '1.5.0']);
    expect(plain.every((e) => e.realAt === undefined)).toBe(true);
  });

  it('shows in log, status and audit verify', async () => {
    const note = new RegExp(`clock overridden: GONOGO_NOW=${gonogoNow} \\(real time \\d{4}-`);
    const log = await repo.ok(['log', overridden]);
    expect(log.stdout.split('\n').filter((l) => note.test(l))).toHaveLength(2);
    expect((await repo.ok(['log', '1.5.0'])).stdout).not.toMatch(/clock overridden/);

    const status = await repo.ok(['status', overridden], { env: { GONOGO_NOW: gonogoNow } });
    expect(status.stdout).toMatch(note);
    expect((await repo.ok(['status', overridden])).stdout).not.toMatch(/clock overridden/);
    const json = await repo.json<{ clock?: { overridden: boolean; at: string } }>(
      ['status', overridden],
      { env: { GONOGO_NOW: gonogoNow } },
    );
    expect(json.clock).toMatchObject({ overridden: true, at: gonogoNow });

    const audit = await repo.ok(['audit', 'verify', overridden]);
    expect(audit.stdout).toMatch(
      /2 events written under an overridden clock, the first is event 1 — /,
    );
    expect(audit.stdout).toMatch(note);
  });
});

describe('a change posted with an API token', () => {
  // The server that takes such changes is not built yet: the service it will call records the
  // change here, with the origin the server will give it, on the database the CLI uses.
  it('is named with its token in item show, verified by audit verify, and an edited origin is found', async () => {
    const version = '3.0.0';
    await repo.ok(['release', 'start', version]);
    const project = tamper(
      (db, id) =>
        (db.prepare('SELECT project FROM releases WHERE id = ?').get(id) as { project: string })
          .project,
      version,
    );
    const { openStore } = await import('../../src/store/open-store.ts');
    const { createReleaseService } = await import('../../src/service/create-service.ts');
    const store = await openStore(repo.db);
    try {
      const svc = createReleaseService({
        store,
        actor: 'ci@example.com',
        project,
        origin: () => ({
          address: '203.0.113.7',
          userAgent: 'gonogo-ci/1.0',
          tokenId: 'tok-e2e-1',
        }),
      });
      await svc.actOnItems({ version, refs: ['changelog'], action: 'done', note: 'from CI' });
    } finally {
      await store.close();
    }

    const shown = await repo.ok(['item', 'show', 'changelog', '--release', version]);
    expect(shown.stdout).toMatch(/pending → done by ci@example\.com \(token tok-e2e-1\) — from CI/);
    const json = await repo.json<{ history: { origin?: unknown }[] }>([
      'item',
      'show',
      'changelog',
      '--release',
      version,
    ]);
    expect(json.history.at(-1)?.origin).toEqual({
      address: '203.0.113.7',
      userAgent: 'gonogo-ci/1.0',
      tokenId: 'tok-e2e-1',
    });
    // A change made on the command line names no token.
    await repo.ok(['item', 'done', 'notes', '--release', version]);
    const local = await repo.ok(['item', 'show', 'notes', '--release', version]);
    expect(local.stdout).toMatch(/pending → done by e2e@example\.com\n/);
    await repo.ok(['audit', 'verify', version]);

    // Pointing the change at another token is an edit the chain shows.
    tamper(
      (db, id) =>
        db
          .prepare('UPDATE events SET origin = ? WHERE release_id = ? AND seq = 2')
          .run(JSON.stringify({ tokenId: 'tok-someone-else' }), id),
      version,
    );
    const { code, result } = await verify(version);
    expect(code).toBe(1);
    expect(result.problems).toEqual([
      expect.objectContaining({ kind: 'chain', seq: 2, message: expect.stringMatching(/edited/) }),
    ]);
  });
});
