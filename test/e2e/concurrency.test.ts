/**
 * Several CLI processes writing to one release at the same moment: every write lands, the
 * event log has no gap and no duplicate, and its hash chain holds.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos } from './cli-helper.ts';

const workers = 4;
const perWorker = 6;
const total = workers * perWorker;

afterAll(removeRepos);

describe('concurrent CLI processes on one release', () => {
  it('lose nothing: every item done, events 1..N+1, chain intact', async () => {
    const repo = await makeRepo();
    const items = Array.from(
      { length: total },
      (_, i) => `      - title: Step ${i + 1}\n        id: step-${i + 1}\n`,
    );
    writeFileSync(
      path.join(repo.dir, 'gonogo.yaml'),
      `name: Concurrency\nphases:\n  - id: all\n    items:\n${items.join('')}`,
    );
    await repo.ok(['release', 'start', '1.0.0']);

    // Each worker ticks its own share, one process after another; the workers start together.
    // Half of them name items by number, half by id.
    const results = await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        const codes: number[] = [];
        for (let k = 0; k < perWorker; k++) {
          const n = w + 1 + k * workers;
          const ref = w % 2 === 0 ? String(n) : `step-${n}`;
          const r = await repo.run(['item', 'done', ref, '--note', `worker ${w}`]);
          if (r.code !== 0) throw new Error(`item done ${ref} exited ${r.code}: ${r.stderr}`);
          codes.push(r.code);
        }
        return codes;
      }),
    );
    expect(results.flat()).toHaveLength(total);

    const { items: after } = await repo.json<{
      items: { number: number; state: string; note?: string }[];
    }>(['release', 'show']);
    expect(after).toHaveLength(total);
    expect(after.filter((i) => i.state !== 'done')).toEqual([]);
    for (const i of after) expect(i.note).toBe(`worker ${(i.number - 1) % workers}`);

    const log = await repo.json<
      { seq: number; type: string; payload: { item?: number; from?: string; to?: string } }[]
    >(['log']);
    expect(log).toHaveLength(1 + total);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 1 + total }, (_, i) => i + 1));
    expect(log[0]!.type).toBe('release.started');
    const ticked = log.slice(1);
    expect(
      ticked.every(
        (e) => e.type === 'item.state' && e.payload.from === 'pending' && e.payload.to === 'done',
      ),
    ).toBe(true);
    expect(new Set(ticked.map((e) => e.payload.item)).size).toBe(total);

    const audit = await repo.ok(['audit', 'verify']);
    expect(audit.stdout).toMatch(new RegExp(`1\\.0\\.0: ${1 + total} events, chain intact`));
  });

  it('let exactly one of three racing starts of the same version win', async () => {
    const repo = await makeRepo();
    writeFileSync(
      path.join(repo.dir, 'gonogo.yaml'),
      'name: Race\nphases:\n  - id: all\n    items:\n      - title: Only step\n',
    );
    const runs = await Promise.all([1, 2, 3].map(() => repo.run(['release', 'start', '2.0.0'])));
    expect(runs.map((r) => r.code).sort()).toEqual([0, 2, 2]);
    for (const r of runs.filter((x) => x.code === 2))
      expect(r.stderr).toMatch(/release 2\.0\.0 already exists/);
    const list = await repo.json<{ version: string }[]>(['release', 'list']);
    expect(list.map((r) => r.version)).toEqual(['2.0.0']);
    await repo.ok(['audit', 'verify']);
  });
});
