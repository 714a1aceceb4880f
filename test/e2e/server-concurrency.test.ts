/**
 * Fifty clients change one release at once through a real `gonogo serve`, on SQLite and on
 * PostgreSQL: each reads the release (its ETag), and all write together with `If-Match` from
 * their own read, re-reading and retrying on 409. Nothing is lost: every acknowledged write is
 * in the log exactly once, every stale write got 409 and changed nothing, `audit verify` is
 * clean.
 */
import { describe, expect, it } from 'vitest';
import {
  apiClient,
  makeServerWorkspace,
  projectPath,
  startServe,
  startTeamRelease,
} from './server-helper.ts';

const { dir, cleanups, databases } = await makeServerWorkspace('server concurrency', 'race.db');

const clients = 50;
/** A playbook with one item per client (and a few more nobody touches). */
const playbookYaml = `name: Many hands\nphases:\n  - id: work\n    items:\n${Array.from(
  { length: clients + 5 },
  (_, i) => `      - title: Task ${i + 1}\n`,
).join('')}`;

describe.each(databases)('50 clients on one release on $name', ({ ok, db }) => {
  it.skipIf(!ok)(
    'lose nothing: acknowledged writes logged once, stale ones 409, audit clean',
    async () => {
      const served = await startServe(await db(), dir);
      cleanups.push(() => served.kill());
      const api = apiClient(served.base);
      const project = 'github.com/acme/race';
      const { bearer, rel } = await startTeamRelease(api, served.setupCode!, project, playbookYaml);

      // Every client reads first, then all write on what they read.
      const firstReads = await Promise.all(
        Array.from({ length: clients }, () => api(rel, { headers: bearer })),
      );
      const statuses: number[] = [];
      const acknowledged: number[] = [];
      const client = async (i: number) => {
        let etag = firstReads[i]!.headers.get('etag')!;
        for (let attempt = 0; attempt < clients * 4; attempt++) {
          const res = await api(`${rel}/items/actions`, {
            method: 'POST',
            headers: { ...bearer, 'if-match': etag },
            json: { refs: [String(i + 1)], action: 'done', note: `client ${i}` },
          });
          statuses.push(res.status);
          if (res.status === 200) {
            acknowledged.push(i + 1);
            return;
          }
          if (res.status !== 409) throw new Error(`client ${i}: ${res.status} ${res.text}`);
          etag = (await api(rel, { headers: bearer })).headers.get('etag')!;
        }
        throw new Error(`client ${i} never got its write in`);
      };
      await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));

      expect(acknowledged.sort((a, b) => a - b)).toEqual(
        Array.from({ length: clients }, (_, i) => i + 1),
      );
      // All fifty first writes carried the same ETag: exactly one of them could apply.
      const conflicts = statuses.filter((s) => s === 409).length;
      expect(conflicts).toBeGreaterThanOrEqual(clients - 1);
      expect(statuses.length).toBe(clients + conflicts);

      const { body } = await api<{
        events: { seq: number; type: string; payload: { item?: number; note?: string } }[];
      }>(`${rel}/events`, { headers: bearer });
      expect(body.events.map((e) => e.seq)).toEqual(body.events.map((_, i) => i + 1));
      const itemEvents = body.events.filter((e) => e.type === 'item.state');
      expect(itemEvents.map((e) => e.payload.item).sort((a, b) => a! - b!)).toEqual(acknowledged);
      const view = await api<{ items: { number: number; state: string }[] }>(rel, {
        headers: bearer,
      });
      expect(view.body.items.filter((it) => it.state === 'done').map((it) => it.number)).toEqual(
        acknowledged,
      );

      const audit = await api<{ results: { ok: boolean }[] }>(
        `${projectPath(project)}/audit/verify`,
        { method: 'POST', headers: bearer, json: {} },
      );
      expect(audit.body.results).toEqual([expect.objectContaining({ ok: true })]);
      expect(await served.stop()).toBe(0);
    },
    120_000,
  );
});
