/**
 * Durability of a real `gonogo serve`: a few clients write to one release as fast as they can,
 * the server is killed with SIGKILL in the middle of it, and a new server on the same database
 * finds every write it had acknowledged (2xx) in the log, and `audit verify` clean. On a SQLite
 * file, and on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import {
  apiClient,
  makeServerWorkspace,
  projectPath,
  startServe,
  startTeamRelease,
} from './server-helper.ts';

const { dir, cleanups, databases } = await makeServerWorkspace('server durability', 'load.db');

const writers = 4;
/** Acknowledged writes after which the server is killed (the writers keep going meanwhile). */
const killAfter = 60;
const playbookYaml = `name: Load\nphases:\n  - id: work\n    items:\n${Array.from(
  { length: writers },
  (_, i) => `      - title: Task ${i + 1}\n`,
).join('')}`;

describe.each(databases)('SIGKILL during a write load on $name', ({ ok, db }) => {
  it.skipIf(!ok)(
    'keeps every acknowledged write, and the log verifies',
    async () => {
      const database = await db();
      const first = await startServe(database, dir);
      cleanups.push(() => first.kill());
      const api = apiClient(first.base);
      const project = 'github.com/acme/load';
      const { bearer, rel } = await startTeamRelease(api, first.setupCode!, project, playbookYaml);

      // Each writer toggles its own item with a unique note, until the connection fails.
      const acknowledged: string[] = [];
      let killed: Promise<void> | undefined;
      let failures = 0;
      const writer = async (i: number) => {
        for (let n = 0; ; n++) {
          const note = `writer ${i} write ${n}`;
          let status: number;
          try {
            status = (
              await api(`${rel}/items/actions`, {
                method: 'POST',
                headers: bearer,
                json: { refs: [String(i + 1)], action: n % 2 ? 'reset' : 'done', note },
              })
            ).status;
          } catch {
            failures++;
            return; // the server is gone
          }
          if (status !== 200) throw new Error(`${note}: ${status}`);
          acknowledged.push(note);
          if (acknowledged.length === killAfter) killed = first.kill();
        }
      };
      await Promise.all(Array.from({ length: writers }, (_, i) => writer(i)));
      await killed;
      expect(first.spawned.child.signalCode).toBe('SIGKILL');
      expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);
      expect(failures).toBe(writers);

      const second = await startServe(database, dir);
      cleanups.push(() => second.kill());
      const again = apiClient(second.base);
      const { status, body } = await again<{
        events: { seq: number; type: string; payload: { note?: string } }[];
      }>(`${rel}/events`, { headers: bearer });
      expect(status).toBe(200);
      const notes = new Set(body.events.map((e) => e.payload.note));
      expect(acknowledged.filter((note) => !notes.has(note))).toEqual([]);
      expect(body.events.map((e) => e.seq)).toEqual(body.events.map((_, i) => i + 1));
      // Writes sent but never answered may or may not have landed; nothing else is there.
      const logged = body.events.filter((e) => e.type === 'item.state').length;
      expect(logged).toBeGreaterThanOrEqual(acknowledged.length);
      expect(logged).toBeLessThanOrEqual(acknowledged.length + writers);

      const audit = await again<{ results: { ok: boolean }[] }>(
        `${projectPath(project)}/audit/verify`,
        { method: 'POST', headers: bearer, json: {} },
      );
      expect(audit.body.results).toEqual([expect.objectContaining({ ok: true })]);
      expect(await second.stop()).toBe(0);
    },
    90_000,
  );
});
