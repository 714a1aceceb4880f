/**
 * Deliveries never block a command, and nothing queued is lost (issue 11), with the CLI as
 * users run it and notify-channels' real receivers on 127.0.0.1: a deploy returns while the
 * webhook receiver holds its request unanswered; the delivery is queued, tried, logged and
 * delivered later with the same webhook-id; a 410 disables the channel until a person enables
 * it; and a queued delivery survives `gonogo serve` stopping and starting, delivered once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HttpReceiver } from '../../src/notify/notify-receivers.fixture.ts';
import { startWebhookReceiver } from '../../src/notify/notify-receivers.fixture.ts';
import type { Repo } from './cli-helper.ts';
import { makeRepo, mondayNow, removeRepos } from './cli-helper.ts';
import { makeServerWorkspace, startServe } from './server-helper.ts';

const { databases } = await makeServerWorkspace('notify restart', 'outbox.db');

const secret = 'whsec_' + Buffer.from('e2e-outbox-signing-key-0123456').toString('base64');

interface Delivery {
  id: string;
  event: string;
  item?: number;
  status: string;
  attempts: number;
  lastError?: string;
  lastStatus?: number;
}
interface Log {
  deliveries: Delivery[];
  disabled: { channel: string; reason: string }[];
}

function playbook(url: string, timeout = '1s') {
  return `name: Outbox
environments: [production]
notify:
  hooks:
    type: webhook
    url: ${url}
    secret_env: HOOK_SECRET
    timeout: ${timeout}
    events: [deployment.succeeded]
phases:
  - id: ship
    items:
      - title: Deploy to production
        deploys: production
`;
}

/** Polls `read` until `done` says yes (the test's own timeout bounds it). */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    await sleep(100);
  }
}

const receivers: HttpReceiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await removeRepos();
});

async function setUp(hook: HttpReceiver, extra: Record<string, string> = {}): Promise<Repo> {
  const repo = await makeRepo({ env: { HOOK_SECRET: secret, GONOGO_NOW: mondayNow, ...extra } });
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook(hook.url));
  await repo.ok(['release', 'start', '1.0.0']);
  return repo;
}

const log = (repo: Repo) => repo.json<Log>(['notify', '--log']);

describe('deliveries never block a command', () => {
  it('returns from deploy while the receiver holds the request; the delivery is tried, logged and delivered later with the same id', async () => {
    // The receiver takes the request and does not answer (for ten minutes).
    const hook = await startWebhookReceiver({ secret, slowMs: 600_000 });
    receivers.push(hook);
    hook.answer('slow');
    const repo = await setUp(hook);

    const deploy = await repo.ok(['deploy', 'production']);
    expect(deploy.stdout).toMatch(/production/);
    // The deploy is recorded and the command has ended; the receiver has answered nothing.
    const env = await repo.json<{ environment: string; current?: { version: string } }[]>(['env']);
    expect(env.find((e) => e.environment === 'production')?.current?.version).toBe('1.0.0');
    expect(hook.received.every((r) => r.answer === 'slow')).toBe(true);

    // The background sender gets to the receiver, times out, and queues it again: logged.
    await until(
      () => Promise.resolve(hook.received.length),
      (n) => n >= 1,
    );
    const tried = await until(
      () => log(repo),
      (l) => l.deliveries.some((d) => d.attempts === 1 && d.lastError !== undefined),
    );
    const [d] = tried.deliveries;
    expect(d).toMatchObject({ event: 'deployment.succeeded', status: 'queued', attempts: 1 });
    expect(d!.lastError).toMatch(/time|abort/i);
    const human = await repo.ok(['notify', '--log']);
    expect(human.stdout).toMatch(/deployment\.succeeded\s+hooks\s+queued\s+1 attempt\s+next /);

    // The receiver is back; once the retry is due, the next sender delivers it.
    hook.answer('ok');
    const later = new Date(Date.parse(mondayNow) + 60 * 60_000).toISOString();
    await repo.ok(['notify', '--send-queued'], { env: { GONOGO_NOW: later } });
    const after = await log(repo);
    expect(after.deliveries.map((x) => [x.status, x.attempts, x.lastStatus])).toEqual([
      ['delivered', 2, 204],
    ]);
    expect(hook.received).toHaveLength(2);
    expect(new Set(hook.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([d!.id]));
    expect(hook.received.every((r) => r.verified)).toBe(true);
  });

  it('disables a channel whose endpoint answers 410 until a person enables it', async () => {
    const hook = await startWebhookReceiver({ secret });
    receivers.push(hook);
    hook.answer('410');
    const repo = await setUp(hook, { GONOGO_NOTIFY_SENDER: 'off' });
    await repo.ok(['deploy', 'production']);
    // No sender ran (it is off): the delivery waits, queued.
    expect((await log(repo)).deliveries.map((x) => x.status)).toEqual(['queued']);
    await repo.ok(['notify', '--send-queued']);
    const gone = await log(repo);
    expect(gone.deliveries.map((x) => [x.status, x.lastStatus])).toEqual([['gone', 410]]);
    expect(gone.disabled.map((c) => c.channel)).toEqual(['hooks']);
    const human = await repo.ok(['notify', '--log']);
    expect(human.stdout).toContain('channel hooks is disabled since');
    expect((await repo.ok(['notify', '--enable', 'hooks'])).stdout).toContain(
      'enabled channel hooks',
    );
    expect((await log(repo)).disabled).toEqual([]);
  });
});

describe.each(databases)('nothing is lost across a restart on $name', ({ ok, db }) => {
  it.skipIf(!ok)(
    'keeps a delivery queued while the server is down and delivers it once after it starts again',
    async () => {
      const url = await db();
      const hook = await startWebhookReceiver({ secret });
      receivers.push(hook);
      // The receiver is down (it answers 503).
      hook.answer('503');
      // No local sender: the server sends. The server reads the real clock.
      const repo = await makeRepo({
        env: { HOOK_SECRET: secret, GONOGO_NOTIFY_SENDER: 'off', GONOGO_DB: url },
      });
      writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook(hook.url));
      await repo.ok(['release', 'start', '1.0.0']);
      await repo.ok(['deploy', 'production']);
      // The server reads the channel's secret from its own environment at delivery time.
      process.env.HOOK_SECRET = secret;
      let served = await startServe(url, repo.dir);
      try {
        // The server's scheduler tried it: 503, queued for a retry.
        await until(
          () => log(repo),
          (l) => l.deliveries.some((d) => d.attempts >= 1 && d.lastStatus === 503),
        );
      } finally {
        expect(await served.stop()).toBe(0);
      }
      expect((await log(repo)).deliveries.map((d) => d.status)).toEqual(['queued']);

      // The receiver is up again; a new server finds the queued delivery and sends it when due.
      hook.answer('ok');
      served = await startServe(url, repo.dir);
      try {
        const done = await until(
          () => log(repo),
          (l) => l.deliveries.every((d) => d.status === 'delivered'),
        );
        expect(done.deliveries.map((d) => [d.status, d.lastStatus])).toEqual([['delivered', 204]]);
      } finally {
        expect(await served.stop()).toBe(0);
      }
      // Started once more, the server sends nothing again: delivered exactly once.
      served = await startServe(url, repo.dir);
      await served.stop();
      const id = (await log(repo)).deliveries[0]!.id;
      const answers = hook.received
        .filter((r) => r.headers['webhook-id'] === id)
        .map((r) => r.answer);
      expect(answers.filter((a) => a === 'ok')).toHaveLength(1);
      expect(hook.received.every((r) => r.headers['webhook-id'] === id && r.verified)).toBe(true);
    },
    120_000,
  );
});
