/**
 * `gonogo serve --demo` on an empty database: the demo project, its team and a release in
 * progress that says NO-GO, made through the services (the log replays clean, each change is
 * its team member's); the set-up code still makes the newcomer's own administrator, who sees
 * the demo; a second start with --demo changes nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  adminPassword,
  apiClient,
  makeServerWorkspace,
  projectPath,
  sessionHeaders,
  startServe,
} from './server-helper.ts';
import type { Served } from './server-helper.ts';

const { dir, cleanups, databases } = await makeServerWorkspace('serve --demo', 'demo.db');
const rel = `${projectPath('demo/shop')}/releases/2.4.0`;

interface Status {
  outcome: string;
  blockers: { kind: string; message: string; item?: number; role?: string }[];
  view: {
    release: { state: string; version: string };
    items: { title: string; state: string; updatedBy?: string; evidence?: unknown }[];
    signoffs: { role: string; verdict: string; actor: string }[];
  };
}

async function start(db: string): Promise<Served> {
  const served = await startServe(db, dir, ['--demo']);
  cleanups.push(() => served.kill());
  return served;
}

describe.each(databases)('serve --demo on $name', ({ ok, db: makeDb }) => {
  it.skipIf(!ok)(
    'fills an empty database once; the set-up admin sees the NO-GO release',
    async () => {
      const db = await makeDb();
      const first = await start(db);
      const out = first.stdout();
      // The ready line stays first and exact; then what was made and what to open.
      expect(out).toMatch(/^gonogo listening on http:\/\/127\.0\.0\.1:\d+\n/);
      expect(out).toMatch(
        /^demo: project demo\/shop \(enterprise template\) with a team of 4 and release 2\.4\.0 in progress: NO-GO, \d+ blockers$/m,
      );
      expect(out).toContain(
        `open ${first.base} and create your administrator with the set-up code ${first.setupCode}`,
      );
      // The team's passwords are for show: never printed or logged.
      expect(`${out}${first.stderr()}`).not.toMatch(/password"?\s*[:=]/i);

      const api = apiClient(first.base);
      const admin = sessionHeaders(
        await api('/setup', {
          method: 'POST',
          json: { setupToken: first.setupCode, email: 'me@example.com', password: adminPassword },
        }),
      );
      // A server administrator sees and manages every project, the demo's too.
      const projects = await api<{ projects: { id: string }[] }>('/projects', { headers: admin });
      expect(projects.body.projects.map((p) => p.id)).toEqual(['demo/shop']);
      const members = await api<{ members: { user: { email: string }; roles: string[] }[] }>(
        `${projectPath('demo/shop')}/members`,
        { headers: admin },
      );
      expect(Object.fromEntries(members.body.members.map((m) => [m.user.email, m.roles]))).toEqual({
        'maria.rossi@shop.example': ['release-manager', 'release-manager'],
        'sam.okafor@shop.example': ['member', 'qa-lead'],
        'priya.nair@shop.example': ['member', 'product-owner'],
        'lee.chen@shop.example': ['member', 'security', 'technical-lead'],
      });

      const status = await api<Status>(`${rel}/status`, { headers: admin });
      expect(status.status, status.text).toBe(200);
      expect(status.body.outcome).toBe('no-go');
      expect(status.body.view.release).toMatchObject({ state: 'active', version: '2.4.0' });
      const states = status.body.view.items.map((i) => i.state);
      expect(states.filter((s) => s === 'done').length).toBeGreaterThanOrEqual(6);
      expect(states).toContain('passed');
      expect(states).toContain('failed');
      expect(states).toContain('na');
      expect(states).toContain('pending');
      const audit = status.body.view.items.find(
        (i) => i.title === 'No known vulnerabilities in dependencies',
      )!;
      expect(audit).toMatchObject({ state: 'failed', updatedBy: 'lee.chen@shop.example' });
      expect(JSON.stringify(audit.evidence)).toContain('GHSA-35jh-r3h4-6jhm');
      expect(status.body.view.signoffs).toMatchObject([
        { role: 'qa-lead', verdict: 'go', actor: 'sam.okafor@shop.example' },
      ]);
      // Blockers: the failed check, items still open, and sign-offs not given yet.
      const blockers = status.body.blockers;
      expect(blockers.some((b) => b.message.includes('No known vulnerabilities'))).toBe(true);
      expect(blockers.some((b) => b.role === 'release-manager')).toBe(true);
      expect(blockers.some((b) => b.role === 'qa-lead')).toBe(false);

      // Every change is its team member's, in a log that replays to the record.
      const events = await api<{ events: { actor: string }[] }>(`${rel}/events`, {
        headers: admin,
      });
      expect(new Set(events.body.events.map((e) => e.actor))).toEqual(
        new Set(['maria.rossi@shop.example', 'lee.chen@shop.example', 'sam.okafor@shop.example']),
      );
      const verified = await api<{ results: { ok: boolean }[] }>(
        `${projectPath('demo/shop')}/audit/verify`,
        { method: 'POST', headers: admin, json: {} },
      );
      expect(verified.status, verified.text).toBe(200);
      expect(verified.body.results).toMatchObject([{ ok: true }]);
      expect(await first.stop()).toBe(0);

      // A second start with --demo: one line says so, nothing changes, the set-up is closed.
      const second = await start(db);
      expect(second.stdout()).toMatch(
        /^demo: the database has a project already, so --demo changed nothing$/m,
      );
      expect(second.stdout()).toContain(`open ${second.base} and sign in`);
      expect(second.setupCode).toBeUndefined();
      const again = apiClient(second.base);
      const me = sessionHeaders(
        await again('/session', {
          method: 'POST',
          json: { email: 'me@example.com', password: adminPassword },
        }),
      );
      const after = await again<Status>(`${rel}/status`, { headers: me });
      // The same gate, but the window's words name the time of the read: a minute may pass.
      const untimed = (s: Status) =>
        JSON.parse(JSON.stringify(s).replace(/\b\d\d:\d\d in /g, 'HH:MM in ')) as Status;
      expect(untimed(after.body)).toEqual(untimed(status.body));
      const eventsAfter = await again<{ events: unknown[] }>(`${rel}/events`, { headers: me });
      expect(eventsAfter.body.events).toHaveLength(events.body.events.length);
      const membersAfter = await again<{ members: unknown[] }>(
        `${projectPath('demo/shop')}/members`,
        { headers: me },
      );
      expect(membersAfter.body.members).toHaveLength(4);
      expect(await second.stop()).toBe(0);
    },
    60_000,
  );
});
