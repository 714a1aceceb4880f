/**
 * A team release end to end against a real `gonogo serve`, the same test body on SQLite and on
 * PostgreSQL: the administrator through set-up, a project with seed 001 as its playbook (a
 * four-eyes gate added in front of the deployment phase), a release manager, a second release
 * manager, a QA lead, a developer and a viewer; the release started with a token; an item ticked
 * and the QA sign-off made while a viewer's SSE client watches both arrive in seq order; the
 * starter's go refused by four eyes; NO-GO with its blockers, then GO; production deployed;
 * `audit verify` clean through the API.
 */
import { describe, expect, it } from 'vitest';
import { seedsDir } from './cli-helper.ts';
import {
  addUser,
  adminPassword,
  apiClient,
  makeToken,
  passwordOf,
  projectPath,
  readSeed001,
  seed001,
  setUp,
  startServe,
  watch,
  makeServerWorkspace,
} from './server-helper.ts';
import type { Served } from './server-helper.ts';

if (!seed001) console.warn(`server scenario skipped: no seed 001_* in ${seedsDir}`);
const { dir, cleanups, databases } = await makeServerWorkspace('server scenario', 'team.db');

interface Item {
  number: number;
  kind: string;
  phase: string;
  rollback: boolean;
  state: string;
  spec: { sign?: string };
}
interface Blocker {
  kind: string;
  message: string;
}

describe.skipIf(!seed001).each(databases)('a team release on $name', ({ ok, db }) => {
  it.skipIf(!ok)(
    'runs from set-up to a production deployment, watched over SSE, with four eyes',
    async () => {
      const served: Served = await startServe(await db(), dir);
      cleanups.push(() => served.kill());
      const api = apiClient(served.base);
      const project = 'github.com/acme/shop';
      const p = projectPath(project);
      const admin = await setUp(api, served.setupCode!, project);

      // Seed 001 as the playbook, with four eyes on the gate in front of the deployment phase.
      const imported = await api<{ yaml: string }>('/playbooks/import', {
        method: 'POST',
        headers: admin,
        json: { text: readSeed001(), file: seed001 },
      });
      expect(imported.status).toBe(200);
      const gated = imported.body.yaml.replace(
        /^( +)gate: \[\]$/m,
        '$1gate: [release-manager]\n$1four_eyes: true',
      );
      expect(gated).toContain('four_eyes: true');
      const lint = await api<{ ok?: boolean; problems?: unknown[] }>('/playbooks/lint', {
        method: 'POST',
        headers: admin,
        json: { text: gated },
      });
      expect(lint.status, lint.text).toBe(200);

      const rm = await addUser(api, admin, project, 'rm@example.com', ['release-manager']);
      const rm2 = await addUser(api, admin, project, 'rm2@example.com', ['release-manager']);
      const qa = await addUser(api, admin, project, 'qa@example.com', ['member', 'qa-lead']);
      const dev = await addUser(api, admin, project, 'dev@example.com', [
        'member',
        'product-owner',
        'technical-lead',
      ]);
      const viewer = await addUser(api, admin, project, 'viewer@example.com', ['viewer']);
      const token = await makeToken(api, rm, project, ['release-manager']);

      const start = await api(`${p}/releases`, {
        method: 'POST',
        headers: token.bearer,
        json: { version: '2.0.0', commit: 'c'.repeat(40), playbookYaml: gated },
      });
      expect(start.status, start.text).toBe(201);
      const rel = `${p}/releases/2.0.0`;

      // The viewer watches from after the start; a developer ticks, the QA lead signs.
      const watcher = await watch(served.base, rel, viewer, 1);
      cleanups.push(async () => watcher.close());
      const tick = await api(`${rel}/items/actions`, {
        method: 'POST',
        headers: dev,
        json: { refs: ['1'], action: 'done' },
      });
      expect(tick.status, tick.text).toBe(200);
      const sign = await api(`${rel}/signoffs`, {
        method: 'POST',
        headers: qa,
        json: { role: 'qa-lead', verdict: 'go' },
      });
      expect(sign.status, sign.text).toBe(201);
      await watcher.until(() =>
        ['dev@example.com', 'qa@example.com'].every((a) =>
          watcher.received.some((e) => e.actor === a),
        ),
      );
      const seqs = watcher.received.map((e) => e.seq);
      expect(seqs[0]).toBe(2);
      expect(seqs).toEqual(seqs.map((_, i) => i + 2));
      const firstDev = watcher.received.findIndex((e) => e.actor === 'dev@example.com');
      const firstQa = watcher.received.findIndex((e) => e.actor === 'qa@example.com');
      expect(firstDev).toBeLessThan(firstQa);
      expect(watcher.received.find((e) => e.actor === 'qa@example.com')!.type).toMatch(/sign/);

      // The viewer reads and watches but cannot write.
      expect(
        (
          await api(`${rel}/items/actions`, {
            method: 'POST',
            headers: viewer,
            json: { refs: ['2'], action: 'done' },
          })
        ).status,
      ).toBe(403);

      // NO-GO with its blockers while the preparation is open.
      const nogo = await api<{ decision: { outcome: string; blockers: Blocker[] } }>(
        `${rel}/decisions`,
        { method: 'POST', headers: token.bearer, json: {} },
      );
      expect(nogo.status, nogo.text).toBe(201);
      expect(nogo.body.decision.outcome).toBe('no-go');
      const kinds = nogo.body.decision.blockers.map((b) => b.kind);
      expect(kinds).toContain('item-open');
      expect(kinds).toContain('signoff-missing');

      // The developer does the preparation; sign items are signed by their roles.
      const view = await api<{ items: Item[] }>(rel, { headers: viewer });
      const firstPhase = view.body.items[0]!.phase;
      const prep = view.body.items.filter((i) => i.phase === firstPhase && !i.rollback);
      const plain = prep.filter((i) => !i.spec.sign && i.state === 'pending');
      const done = await api(`${rel}/items/actions`, {
        method: 'POST',
        headers: dev,
        json: { refs: plain.map((i) => String(i.number)), action: 'done' },
      });
      expect(done.status, done.text).toBe(200);
      for (const role of ['product-owner', 'technical-lead']) {
        const s = await api(`${rel}/signoffs`, {
          method: 'POST',
          headers: dev,
          json: { role, verdict: 'go' },
        });
        expect(s.status, s.text).toBe(201);
      }
      const optionalSigns = prep.filter((i) => i.spec.sign === 'security');
      if (optionalSigns.length) {
        const na = await api(`${rel}/items/actions`, {
          method: 'POST',
          headers: dev,
          json: {
            refs: optionalSigns.map((i) => String(i.number)),
            action: 'na',
            note: 'no security change',
          },
        });
        expect(na.status, na.text).toBe(200);
      }

      // Four eyes: the release manager who started the release cannot give the gate's go.
      const own = await api<{ error: { code: string; message: string } }>(`${rel}/signoffs`, {
        method: 'POST',
        headers: rm,
        json: { role: 'release-manager', verdict: 'go', gate: 'deployment-execution' },
      });
      expect(own.status, own.text).toBe(403);
      expect(own.body.error.code).toBe('forbidden');
      expect(own.body.error.message).toMatch(/four eyes/);
      expect(own.body.error.message).toMatch(/rm@example\.com started the release/);

      // The other release manager signs the final approval and the gate: GO.
      for (const gate of [undefined, 'deployment-execution']) {
        const s = await api(`${rel}/signoffs`, {
          method: 'POST',
          headers: rm2,
          json: { role: 'release-manager', verdict: 'go', ...(gate ? { gate } : {}) },
        });
        expect(s.status, s.text).toBe(201);
      }
      const go = await api<{ decision: { outcome: string; blockers: Blocker[] } }>(
        `${rel}/decisions`,
        { method: 'POST', headers: token.bearer, json: { gate: 'deployment-execution' } },
      );
      expect(go.status, go.text).toBe(201);
      expect(go.body.decision).toMatchObject({ outcome: 'go', blockers: [] });

      // A developer cannot deploy; the release manager's token can.
      const devDeploy = await api(`${rel}/deployments`, {
        method: 'POST',
        headers: dev,
        json: { environment: 'production' },
      });
      expect(devDeploy.status).toBe(403);
      const deploy = await api<{ environment: string; releaseState: string }>(
        `${rel}/deployments`,
        { method: 'POST', headers: token.bearer, json: { environment: 'production' } },
      );
      expect(deploy.status, deploy.text).toBe(201);
      expect(deploy.body).toMatchObject({ environment: 'production', releaseState: 'deployed' });
      await watcher.until(() => watcher.received.some((e) => /deploy/.test(e.type)));

      const audit = await api<{ results: { ok: boolean }[] }>(`${p}/audit/verify`, {
        method: 'POST',
        headers: viewer,
        json: {},
      });
      expect(audit.status, audit.text).toBe(200);
      expect(audit.body.results.length).toBeGreaterThan(0);
      expect(audit.body.results.every((r) => r.ok)).toBe(true);

      watcher.close();
      expect(await served.stop()).toBe(0);
      // No password or token secret in the server's log.
      const log = served.stderr();
      expect(log).toMatch(/"path":/);
      const emails = ['rm', 'rm2', 'qa', 'dev', 'viewer'].map((u) => `${u}@example.com`);
      for (const secret of [adminPassword, token.secret, ...emails.map(passwordOf)]) {
        expect(log.includes(secret), 'the log holds a secret').toBe(false);
      }
    },
    90_000,
  );
});
