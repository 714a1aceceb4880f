/**
 * Seed 001 with every communication line performed by gonogo (issue 11): notify-notes' importer
 * makes those lines notify items with channels that read their URL from environment variables;
 * here every channel points at one real webhook receiver on 127.0.0.1. A release is run to the
 * end and each notify item ends `done` with its delivery as evidence; a second release is
 * rolled back, and the rollback procedure's communication goes out by itself (the test marks
 * the procedure's notify items `when_reached: true`, the edit a team makes for that).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { HttpReceiver } from '../../src/notify/notify-receivers.fixture.ts';
import { startWebhookReceiver } from '../../src/notify/notify-receivers.fixture.ts';
import type { Repo } from './cli-helper.ts';
import { makeRepo, mondayNow, removeRepos, seedsDir } from './cli-helper.ts';
import { seed001 } from './server-helper.ts';

interface Item {
  number: number;
  title: string;
  kind: string;
  state: string;
  rollback: boolean;
  parent?: number;
  spec: { sign?: string[]; notify?: { to: string[] } };
  evidence?: { deliveries?: { channel: string; status: string; messageId: string }[] };
}
interface Blocker {
  kind: string;
  item?: number;
  role?: string;
}

const accepted = ['done', 'passed', 'na', 'waived'];
let hook: HttpReceiver | undefined;
afterAll(async () => {
  await hook?.close();
  await removeRepos();
});

const items = async (repo: Repo, version: string) =>
  (await repo.json<{ items: Item[] }>(['release', 'show', version])).items;

/** Settles one open item as a team would: send it, run or waive its check, sign it, tick it. */
async function settle(repo: Repo, item: Item, all: Item[]): Promise<void> {
  if (all.some((i) => i.parent === item.number)) return; // a parent follows its sub-items
  if (item.kind === 'notify') await repo.ok(['notify', String(item.number)]);
  else if (item.kind === 'check')
    await repo.ok(['item', 'waive', String(item.number), '--note', 'e2e: no such thing here']);
  else if (item.kind === 'sign') await repo.ok(['sign', item.spec.sign![0]!, 'go']);
  else await repo.ok(['item', 'done', String(item.number)]);
}

/** Moves the release to GO and deploys production. */
async function ship(repo: Repo, version: string): Promise<void> {
  for (let round = 0; round < 6; round++) {
    const status = await repo.json<{ gate: { blockers: Blocker[] } }>(['status']);
    const blockers = status.gate.blockers.filter((b) => !b.kind.startsWith('window'));
    if (!blockers.length) break;
    const all = await items(repo, version);
    for (const b of blockers) {
      const item = all.find((i) => i.number === b.item);
      if (item && !accepted.includes(item.state)) await settle(repo, item, all);
      else if (!item && b.role) await repo.ok(['sign', b.role, 'go']);
    }
  }
  await repo.ok(['decide']);
  await repo.ok(['deploy', 'production']);
}

describe.skipIf(!seed001)('seed 001: communication performed by gonogo', () => {
  it('sends every communication item of a release run to the end, and the rollback communication when it rolls back', async () => {
    hook = await startWebhookReceiver();
    const env: Record<string, string> = { GONOGO_NOW: mondayNow };
    const repo = await makeRepo({ env });
    await repo.ok(['playbook', 'import', path.join(seedsDir, seed001!), '-o', 'gonogo.yaml']);
    const yamlPath = path.join(repo.dir, 'gonogo.yaml');
    let yaml = readFileSync(yamlPath, 'utf8');
    // Every channel the importer declared reads its URL from a variable: all point here.
    const vars = [...yaml.matchAll(/url_env: ([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(vars.length).toBeGreaterThan(0);
    for (const v of vars) env[v] = hook.url;
    // The rollback procedure's messages go out by themselves once the rollback reaches them.
    const rollbackAt = yaml.indexOf('\nrollback:');
    yaml =
      yaml.slice(0, rollbackAt) +
      yaml
        .slice(rollbackAt)
        .replace(/( +)notify:\n/g, (m, indent: string) => `${indent}when_reached: true\n${m}`);
    writeFileSync(yamlPath, yaml);
    await repo.ok(['playbook', 'lint']);
    const run = (args: string[]) => repo.ok(args, { env });

    // Release 1.0.0, run to the end.
    await run(['release', 'start', '1.0.0']);
    const withEnv: Repo = {
      ...repo,
      ok: (a, o = {}) => repo.ok(a, { ...o, env: { ...env, ...o.env } }),
      json: (a, o = {}) => repo.json(a, { ...o, env: { ...env, ...o.env } }),
    };
    await ship(withEnv, '1.0.0');
    for (let round = 0; round < 4; round++) {
      const all = await items(withEnv, '1.0.0');
      const open = all.filter((i) => !i.rollback && !accepted.includes(i.state));
      if (!open.length) break;
      for (const item of open) await settle(withEnv, item, all);
    }
    const shown = await withEnv.json<{ release: { state: string } }>(['release', 'show', '1.0.0']);
    expect(shown.release.state).toBe('finished');
    const notifyItems = (await items(withEnv, '1.0.0')).filter(
      (i) => i.kind === 'notify' && !i.rollback,
    );
    expect(notifyItems.length).toBeGreaterThan(5);
    for (const item of notifyItems) {
      if (item.state === 'na') continue;
      expect(item.state, item.title).toBe('done');
      const ds = item.evidence?.deliveries ?? [];
      expect(
        ds.map((d) => [d.channel, d.status]),
        item.title,
      ).toEqual(item.spec.notify!.to.map((c) => [c, 'delivered']));
      for (const d of ds)
        expect(
          hook.received.some((r) => r.headers['webhook-id'] === d.messageId),
          item.title,
        ).toBe(true);
    }

    // Release 1.0.1 is rolled back: the rollback communication goes out once reached.
    await withEnv.ok(['release', 'start', '1.0.1']);
    await ship(withEnv, '1.0.1');
    await withEnv.ok(['rollback', 'production', '--reason', 'e2e: error rate up']);
    const procedure = (await items(withEnv, '1.0.1')).filter((i) => i.rollback);
    const messages = procedure.filter((i) => i.kind === 'notify');
    expect(messages.length).toBeGreaterThan(0);
    // Work the procedure in order; the background sender performs its notify items.
    for (const item of procedure) {
      if (item.kind === 'notify') {
        for (;;) {
          const now = (await items(withEnv, '1.0.1')).find((i) => i.number === item.number)!;
          if (now.state === 'done') break;
          expect(now.state, now.title).not.toBe('failed');
          await sleep(200);
        }
      } else await withEnv.ok(['item', 'done', String(item.number)]);
    }
    const after = await items(withEnv, '1.0.1');
    for (const m of messages) {
      const item = after.find((i) => i.number === m.number)!;
      expect(item.state).toBe('done');
      const [d] = item.evidence!.deliveries!;
      const got = hook.received.find((r) => r.headers['webhook-id'] === d!.messageId);
      expect(got?.json).toMatchObject({ type: 'notify.item' });
    }
    const first = after.find((i) => i.number === messages[0]!.number)!;
    const sent = hook.received.find(
      (r) => r.headers['webhook-id'] === first.evidence!.deliveries![0]!.messageId,
    );
    expect(JSON.stringify(sent?.json)).toMatch(/rolled back|rollback started/i);
    // What the sender recorded (running, done, evidence) replays from the log.
    expect((await withEnv.ok(['audit', 'verify'])).stdout).toMatch(/chain intact/);
  }, 300_000);
});
