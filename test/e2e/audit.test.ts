/**
 * The tamper-evident event log, end to end: a release recorded by the CLI, one event row
 * edited behind its back directly in the SQLite file, and `gonogo audit verify` naming it.
 */
import { writeFileSync } from 'node:fs';
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
    problems: { seq: number; message: string }[];
  }[];
}

let repo: Repo;

beforeAll(async () => {
  repo = await makeRepo();
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
  // Two releases: 1.0.0 will be tampered with, 1.1.0 not.
  for (const version of ['1.0.0', '1.1.0']) {
    const on = ['--release', version];
    await repo.ok(['release', 'start', version]);
    await repo.ok(['item', 'done', 'changelog', ...on]);
    await repo.ok(['item', 'done', 'notes', '--note', 'in the wiki', ...on]);
    await repo.ok(['sign', 'qa-lead', 'go', ...on]);
    await repo.ok(['decide', ...on]);
  }
});

afterAll(removeRepos);

describe('gonogo audit verify', () => {
  it('finds an untouched log intact', async () => {
    const r = await repo.ok(['audit', 'verify']);
    expect(r.stdout).toMatch(/1\.0\.0: \d+ events, chain intact/);
    expect(r.stdout).toMatch(/1\.1\.0: \d+ events, chain intact/);
    const log = await repo.json<{ seq: number; type: string }[]>(['log', '1.0.0']);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log[2]!.type).toBe('item.state');
  });

  it('names the event that was edited in the database file, and exits 1', async () => {
    const db = new DatabaseSync(repo.db);
    try {
      const { id } = db.prepare('SELECT id FROM releases WHERE version = ?').get('1.0.0') as {
        id: string;
      };
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
    } finally {
      db.close();
    }

    const r = await repo.run(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TAMPERED\s+1\.0\.0/);
    expect(r.stdout).toMatch(/event #3: .*edited/);
    expect(r.stdout).not.toMatch(/event #[124]:/);
    expect(r.stdout).toMatch(/ok\s+1\.1\.0: \d+ events, chain intact/);

    const one = await repo.run(['audit', 'verify', '1.0.0', '--json']);
    expect(one.code).toBe(1);
    const result = JSON.parse(one.stdout) as VerifyJson;
    expect(result.ok).toBe(false);
    expect(result.releases).toHaveLength(1);
    expect(result.releases[0]!.problems.map((p) => p.seq)).toEqual([3]);

    // The untouched release still verifies on its own, and verifying writes nothing.
    const hash = hashDb(repo.db);
    await repo.ok(['audit', 'verify', '1.1.0']);
    expect(hashDb(repo.db)).toBe(hash);
  });

  it('names a forged hash too: the edited event and the one chained to it', async () => {
    const db = new DatabaseSync(repo.db);
    try {
      const { id } = db.prepare('SELECT id FROM releases WHERE version = ?').get('1.1.0') as {
        id: string;
      };
      db.prepare('UPDATE events SET hash = ? WHERE release_id = ? AND seq = 2').run(
        'f'.repeat(64),
        id,
      );
    } finally {
      db.close();
    }
    const r = await repo.run(['audit', 'verify', '1.1.0', '--json']);
    expect(r.code).toBe(1);
    const seqs = (JSON.parse(r.stdout) as VerifyJson).releases[0]!.problems.map((p) => p.seq);
    expect(seqs).toContain(2);
    expect(seqs.every((s) => s === 2 || s === 3)).toBe(true);
  });
});
