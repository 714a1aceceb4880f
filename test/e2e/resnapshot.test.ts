/**
 * A playbook fixed in the middle of a release, through the built CLI: seed 002 imported, a
 * release started and worked on, the YAML edited (an item retitled, one dropped, one added, a
 * check changed, a role added to the gate) and re-snapshot with `gonogo release resnapshot`:
 * states kept or reset, numbers kept or new, the gate's sign-off stale, the log verified. And
 * `gonogo check` without refs on a seed release runs the checks in front of the next gate only;
 * a check's URL per environment follows the release's deployments.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { hasSeeds, hashDb, makeRepo, mondayNow, removeRepos, seedsDir } from './cli-helper.ts';

// A seed release is a few dozen CLI runs: slow on a loaded machine, never timed here.
vi.setConfig({ testTimeout: 180_000 });

const seed002 = hasSeeds ? path.join(seedsDir, '002_ae4e30d95b0f67c6.txt') : '';
if (!hasSeeds) console.warn(`resnapshot.test.ts: seed tests skipped, no seeds at ${seedsDir}`);

interface Item {
  number: number;
  id: string;
  title: string;
  phase: string;
  kind: string;
  state: string;
  note?: string;
}
interface ShowJson {
  release: { playbookHash: string };
  items: Item[];
  signoffs: { role: string; stale: boolean; staleSince?: number }[];
}
interface ResnapshotJson {
  same: boolean;
  recorded: boolean;
  seq?: number;
  from: string;
  to: string;
  diff: {
    added: { item: number; id: string }[];
    removed: { item: number; id: string; state: string }[];
    changed: { item: number; id: string; fields: string[]; from: string; to: string }[];
    gates: { id: string; roles: { from: string[]; to: string[] } }[];
    unchanged: number;
  };
  retitled: { removed: number; added: number; id: string }[];
  staleSignoffs: { role: string }[];
}
interface StatusJson {
  gate: { id: string; outcome: string; blockers: { kind: string; item?: number; role?: string }[] };
}

afterAll(removeRepos);

/** Replaces each `from` in the file once, failing loudly when the seed import changed. */
function edit(file: string, changes: [string, string][]): void {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of changes) {
    if (!text.includes(from)) throw new Error(`the imported playbook no longer has: ${from}`);
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
}

describe.skipIf(!hasSeeds)('gonogo release resnapshot on seed 002', () => {
  let repo: Repo;
  let yaml: string;
  const env = { GONOGO_NOW: mondayNow };
  const show = () => repo.json<ShowJson>(['release', 'show'], { env });
  const byId = (items: Item[], id: string) => {
    const item = items.find((i) => i.id === id);
    if (!item) throw new Error(`no item ${id}`);
    return item;
  };

  beforeAll(async () => {
    repo = await makeRepo({ user: 'rm@example.com' });
    yaml = path.join(repo.dir, 'gonogo.yaml');
    await repo.ok(['playbook', 'import', seed002, '-o', 'gonogo.yaml']);
    await repo.ok(['release', 'start', '1.0.0', '--type', 'minor'], { env });
  });

  it('keeps states and numbers of what did not change, and makes the changed gate sign again', async () => {
    const before = await show();
    const n = (id: string) => String(byId(before.items, id).number);
    const reviewed = n('code-reviewed-by-at-least-one-other-developer');
    const comments = n('all-pr-comments-addressed');
    const migrations = n('database-migrations-tested-in-staging');
    const indexes = n('indexes-added-for-new-queries');
    const coverage = n('code-coverage-80');
    const highest = Math.max(...before.items.map((i) => i.number));
    await repo.ok(['item', 'done', reviewed, comments, migrations, indexes], { env });
    // No coverage report in a temp repository: the check fails or cannot run.
    expect((await repo.run(['check', coverage], { env })).code).toBe(1);
    await repo.ok(['sign', 'release-manager', 'go'], { env });

    edit(yaml, [
      [
        'title: Code reviewed by at least one other developer',
        'title: Code reviewed by two other developers',
      ],
      ['          - title: Indexes added for new queries\n', ''],
      [
        '            check:\n              coverage: 80',
        '            check:\n              coverage: 85',
      ],
      [
        '          - title: CORS settings verified\n',
        '          - title: CORS settings verified\n          - title: Feature flags reviewed\n',
      ],
      ['    gate: [release-manager]', '    gate: [release-manager, team-lead]'],
    ]);

    // A dry run says what would change, and that a retitled item without an id is new.
    const dbBefore = hashDb(repo.db);
    const dry = await repo.run(['release', 'resnapshot', '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/dry run: nothing recorded/);
    expect(dry.stdout).toContain(`#${reviewed} "Code reviewed by at least one other developer"`);
    expect(dry.stdout).toContain('id: code-reviewed-by-at-least-one-other-developer');
    expect(dry.stdout).toMatch(/release-manager's go for gate deployment-checklist/);
    expect(hashDb(repo.db)).toBe(dbBefore);

    // The person follows the hint: an id keeps the retitled item's number.
    edit(yaml, [
      [
        '          - title: Code reviewed by two other developers\n',
        '          - id: code-reviewed-by-at-least-one-other-developer\n            title: Code reviewed by two other developers\n',
      ],
    ]);
    const r = await repo.json<ResnapshotJson>(['release', 'resnapshot'], { env });
    expect(r.recorded).toBe(true);
    expect(r.retitled).toEqual([]);
    expect(r.diff.added.map((a) => [a.item, a.id])).toEqual([
      [highest + 1, 'feature-flags-reviewed'],
    ]);
    expect(r.diff.removed.map((x) => [String(x.item), x.id, x.state])).toEqual([
      [indexes, 'indexes-added-for-new-queries', 'done'],
    ]);
    expect(r.diff.changed.map((c) => [String(c.item), c.fields, c.from, c.to])).toEqual([
      [coverage, ['check'], 'failed', 'pending'],
      [reviewed, ['title'], 'done', 'pending'],
    ]);
    expect(r.diff.gates.map((g) => [g.id, g.roles.to])).toEqual([
      ['deployment-checklist', ['release-manager', 'team-lead']],
    ]);
    expect(r.staleSignoffs.map((s) => s.role)).toEqual(['release-manager']);

    const after = await show();
    expect(after.release.playbookHash).toBe(r.to);
    expect(after.items.some((i) => String(i.number) === indexes)).toBe(false);
    expect(byId(after.items, 'all-pr-comments-addressed')).toMatchObject({ state: 'done' });
    expect(byId(after.items, 'database-migrations-tested-in-staging').state).toBe('done');
    expect(byId(after.items, 'code-reviewed-by-at-least-one-other-developer')).toMatchObject({
      number: Number(reviewed),
      title: 'Code reviewed by two other developers',
      state: 'pending',
    });
    expect(after.items.length).toBe(before.items.length);
    expect(after.signoffs.map((s) => [s.role, s.stale, s.staleSince])).toEqual([
      ['release-manager', true, r.seq],
    ]);
    const shown = await repo.ok(['release', 'show'], { env });
    // The new item is listed in its section, not at the end of the release.
    const lines = shown.stdout.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at('Feature flags reviewed')).toBe(at('CORS settings verified') + 1);

    const status = await repo.json<StatusJson>(['status'], { env });
    const kinds = status.gate.blockers.map((b) => [b.kind, b.item ?? b.role]);
    expect(kinds).toContainEqual(['signoff-stale', 'release-manager']);
    expect(kinds).toContainEqual(['signoff-missing', 'team-lead']);
    expect(kinds).toContainEqual(['item-open', highest + 1]);
    expect(kinds.some(([, x]) => String(x) === indexes)).toBe(false);
    expect((await repo.run(['item', 'show', indexes], { env })).code).toBe(2);
    await repo.ok(['sign', 'release-manager', 'go', '--gate', 'deployment-checklist'], { env });
    const signed = await repo.json<StatusJson>(['status'], { env });
    expect(signed.gate.blockers.some((b) => b.kind === 'signoff-stale')).toBe(false);

    // The log says it in words, replays to the tables; the same playbook again changes nothing.
    const log = await repo.ok(['log'], { env });
    expect(log.stdout).toMatch(
      /re-snapshot the playbook \([0-9a-f]{12} → [0-9a-f]{12}\): 1 added, 1 removed, 2 changed \(2 back to open\), 1 gate changed/,
    );
    await repo.ok(['audit', 'verify']);
    const again = await repo.run(['release', 'resnapshot'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already has this playbook: nothing changed|nothing changed/);
  });

  it('refuses a broken playbook with its place, writing nothing', async () => {
    const good = readFileSync(yaml, 'utf8');
    try {
      edit(yaml, [['    gate: [release-manager, team-lead]', '    gate: [release-manager, qa]']]);
      const db = hashDb(repo.db);
      const r = await repo.run(['release', 'resnapshot'], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/gonogo\.yaml:\d+:\d+ unknown role "qa"/);
      expect(hashDb(repo.db)).toBe(db);
    } finally {
      writeFileSync(yaml, good);
    }
  });

  it('finds an items table edited after the re-snapshot', async () => {
    await repo.ok(['audit', 'verify']);
    const db = new DatabaseSync(repo.db);
    try {
      db.prepare(
        "UPDATE release_items SET state = 'done' WHERE item_id = 'feature-flags-reviewed'",
      ).run();
    } finally {
      db.close();
    }
    const r = await repo.run(['audit', 'verify', '--json']);
    expect(r.code).toBe(1);
    const problems = (
      JSON.parse(r.stdout) as { releases: { problems: { table?: string; message: string }[] }[] }
    ).releases[0]!.problems;
    expect(problems.map((p) => p.table)).toEqual(['release_items']);
    expect(problems[0]!.message).toMatch(
      /"Feature flags reviewed": the table says done, the log says pending since event \d+/,
    );
  });
});

describe.skipIf(!hasSeeds)('gonogo check without refs on seed 002', () => {
  it('runs the checks in front of the next gate, not those after the deployment', async () => {
    const repo = await makeRepo();
    await repo.ok(['playbook', 'import', seed002, '-o', 'gonogo.yaml']);
    await repo.ok(['release', 'start', '1.0.0', '--type', 'minor']);
    const { items } = await repo.json<{ items: Item[] }>(['release', 'show']);
    const checks = items.filter((i) => i.kind === 'check');
    const inFront = checks.filter((i) => i.phase === 'pre-release-checklist');
    // The seed has checks on both sides of its gate: the http health checks come after it.
    expect(inFront.length).toBeGreaterThan(0);
    expect(checks.length).toBeGreaterThan(inFront.length);
    const r = await repo.run(['check', '--json']);
    const run = JSON.parse(r.stdout) as {
      scope: { kind: string; gate: string; later: number };
      results: { item: number }[];
    };
    expect(run.scope).toEqual({
      kind: 'gate',
      gate: 'deployment-checklist',
      title: 'Deployment Checklist',
      later: checks.length - inFront.length,
    });
    expect(run.results.map((x) => x.item).sort((a, b) => a - b)).toEqual(
      inFront.map((i) => i.number),
    );
    const human = await repo.run(['check', String(inFront[0]!.number)]);
    expect(human.stdout).toMatch(/running 1 check of release 1\.0\.0: the items named/);
  });
});

describe('a check with a URL per environment', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/ok' ? 200 : 503);
      res.end(req.url);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const playbook = (urls: string) => `name: URLs
environments: [staging, production]
phases:
  - id: smoke
    items:
      - title: Service healthy
        check: { http: { url: ${urls} } }
`;

  it('uses the URL of the environment the release deploys to next, or the one named', async () => {
    const repo = await makeRepo();
    const file = path.join(repo.dir, 'gonogo.yaml');
    writeFileSync(file, playbook(`{ staging: "${base}/ok", production: "${base}/down" }`));
    await repo.ok(['release', 'start', '1.0.0']);
    type Run = { environment: string; results: { result: string; summary: string }[] };
    const first = await repo.json<Run>(['check']);
    expect(first.environment).toBe('staging');
    expect(first.results[0]?.result).toBe('passed');
    await repo.ok(['deploy', 'staging']);
    const next = await repo.run(['check', '--json']);
    expect(next.code).toBe(1);
    expect((JSON.parse(next.stdout) as Run).environment).toBe('production');
    const human = await repo.run(['check', '--env', 'staging']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/URLs for staging/);
    const typo = await repo.run(['check', '--env', 'prod']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean "production"/);
  });

  it('says it could not run when the map has no URL for the environment, and lints its keys', async () => {
    const repo = await makeRepo();
    const file = path.join(repo.dir, 'gonogo.yaml');
    writeFileSync(file, playbook(`{ staging: "${base}/ok" }`));
    await repo.ok(['release', 'start', '1.0.0']);
    const r = await repo.run(['check', '--env', 'production', '--json']);
    expect(r.code).toBe(1);
    const run = JSON.parse(r.stdout) as { results: { result: string; summary: string }[] };
    expect(run.results[0]).toMatchObject({
      result: 'error',
      summary: 'could not run: no URL for production (the check has one for staging)',
    });
    writeFileSync(file, playbook(`{ stagin: "${base}/ok" }`));
    const lint = await repo.run(['playbook', 'lint']);
    expect(lint.code).toBe(2);
    expect(lint.stdout).toMatch(
      /gonogo\.yaml:7:\d+ unknown environment "stagin" in url \(did you mean "staging"\?\)/,
    );
  });
});
