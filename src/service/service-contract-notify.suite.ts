/**
 * The contract on notifications (issue 11): part of {@link describeServiceContract}, in its own
 * file. Written against the interface only, so it runs in-process on SQLite and PostgreSQL and
 * over HTTP alike, against a real Standard Webhooks receiver on 127.0.0.1 that verifies every
 * signature.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GonogoError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import type { HttpReceiver } from '../notify/notify-receivers.fixture.ts';
import { startWebhookReceiver } from '../notify/notify-receivers.fixture.ts';
import type { ReleaseService } from './service-contract.ts';

const secretEnv = 'GONOGO_CONTRACT_HOOK_SECRET';
const secret = 'whsec_' + Buffer.from('contract-suite-signing-key-0123').toString('base64');

function notifyYaml(url: string) {
  return `
name: Notify
environments: [staging, production]
notify:
  hooks:
    type: webhook
    url: ${url}
    secret_env: ${secretEnv}
    events: [deployment.succeeded, release.started]
  nowhere:
    type: slack
    url_env: GONOGO_CONTRACT_UNSET_SLACK_URL
phases:
  - id: prepare
    items:
      - title: Tell the team we start
        notify: { to: hooks, message: release-started }
      - title: Tell nobody
        notify: { to: nowhere, message: "{{project}} {{version}} is coming" }
        optional: true
      - title: Notes written
      - title: Say the notes are written
        notify: { to: hooks, message: "Notes for {{version}} are written" }
        when_reached: true
  - id: ship
    items:
      - title: Deploy to production
        deploys: production
`;
}

async function errorOf(p: Promise<unknown>): Promise<GonogoError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(GonogoError);
  return e as GonogoError;
}

/** Registers the notification cases for one implementation. */
export function describeNotifications(t: {
  service(actor: string): ReleaseService;
  setNow(at: Date): void;
}) {
  let hook: HttpReceiver;
  let yaml: string;
  const svc = (actor = 'ana@example.com') => t.service(actor);

  beforeAll(async () => {
    process.env[secretEnv] = secret;
    hook = await startWebhookReceiver({ secret });
    yaml = notifyYaml(hook.url);
  });
  afterAll(async () => {
    await hook?.close();
  });

  it('performs a notify item: delivered and verified, the item done with the delivery as evidence', async () => {
    hook.received.length = 0;
    hook.answer('ok');
    const { playbook } = loadPlaybook(yaml, 'notify.yaml');
    await svc().startRelease({ playbook, version: '3.0.0', commit: 'a'.repeat(40) });
    const r = await svc('bo@example.com').performNotifyItem({ ref: '1' });
    expect(r.item).toMatchObject({ number: 1, state: 'done', updatedBy: 'bo@example.com' });
    expect(r.deliveries).toHaveLength(1);
    const [d] = r.deliveries;
    expect(d).toMatchObject({ channel: 'hooks', status: 'delivered', attempts: 1, item: 1 });
    const evidence = r.item.evidence as { deliveries: { channel: string; messageId: string }[] };
    expect(evidence.deliveries[0]).toMatchObject({ channel: 'hooks', messageId: d!.messageId });
    // The receiver got the item's message (and the subscribed release.started), each signed.
    const mine = hook.received.filter((q) => q.headers['webhook-id'] === d!.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.verified).toBe(true);
    expect(JSON.stringify(mine[0]!.json)).toContain('3.0.0');
    // Done is done: performing it again is refused.
    expect((await errorOf(svc().performNotifyItem({ ref: '1' }))).code).toBe('invalid-transition');
    // A manual item is not a notify item.
    expect((await errorOf(svc().performNotifyItem({ ref: '3' }))).code).toBe('invalid-input');
  });

  it('refuses a channel whose variable is not set before recording anything', async () => {
    const { playbook } = loadPlaybook(yaml, 'notify.yaml');
    await svc().startRelease({ playbook, version: '3.1.0', commit: 'a'.repeat(40) });
    const before = (await svc().getRelease({ version: '3.1.0' })).release.head?.count;
    const e = await errorOf(svc().performNotifyItem({ ref: '2' }));
    expect(e.code).toBe('environment');
    expect(e.message).toContain('GONOGO_CONTRACT_UNSET_SLACK_URL');
    const after = await svc().getRelease({ version: '3.1.0' });
    expect(after.release.head?.count).toBe(before);
    expect(after.items[1]!.state).toBe('pending');
  });

  it('queues subscribed events with the change, sends them when due, retries, and a 410 disables the channel', async () => {
    hook.received.length = 0;
    const { playbook } = loadPlaybook(yaml, 'notify.yaml');
    await svc().startRelease({ playbook, version: '3.2.0', commit: 'a'.repeat(40) });
    // Queued in the transaction of the start, not sent: nothing reached the receiver.
    let log = await svc().listDeliveries({ version: '3.2.0' });
    expect(log.deliveries.map((d) => [d.event, d.status, d.attempts])).toEqual([
      ['release.started', 'queued', 0],
    ]);
    expect(hook.received).toHaveLength(0);
    // A 500: queued again for later, with the error logged.
    hook.answer('500');
    let sent = await svc().sendDueDeliveries({});
    expect(sent.deliveries.map((d) => [d.status, d.attempts, d.lastStatus])).toEqual([
      ['queued', 1, 500],
    ]);
    const retryAt = sent.deliveries[0]!.nextAttemptAt!;
    expect(sent.nextAttemptAt).toBe(retryAt);
    // Not due yet: nothing is sent.
    expect((await svc().sendDueDeliveries({})).attempted).toBe(0);
    t.setNow(new Date(Date.parse(retryAt) + 1000));
    hook.answer('ok');
    sent = await svc().sendDueDeliveries({});
    expect(sent.deliveries.map((d) => [d.status, d.attempts])).toEqual([['delivered', 2]]);
    // Both attempts carried the same webhook-id: the receiver can drop a duplicate.
    expect(new Set(hook.received.map((q) => q.headers['webhook-id'])).size).toBe(1);
    expect(hook.received.every((q) => q.verified)).toBe(true);

    // The endpoint is gone: the delivery ends gone and the channel is disabled.
    hook.answer('410');
    // Staging has no gate in front of it.
    await svc().deploy({ version: '3.2.0', environment: 'staging' });
    sent = await svc().sendDueDeliveries({});
    expect(sent.deliveries.map((d) => [d.event, d.status])).toEqual([
      ['deployment.succeeded', 'gone'],
    ]);
    log = await svc().listDeliveries({});
    expect(log.disabled.map((c) => c.channel)).toEqual(['hooks']);
    // Performing an item to a disabled channel is refused, with nothing recorded.
    expect((await errorOf(svc().performNotifyItem({ version: '3.2.0', ref: '1' }))).code).toBe(
      'invalid-input',
    );
    expect(await svc().enableNotifyChannel({ channel: 'hooks' })).toEqual({
      channel: 'hooks',
      enabled: true,
    });
    expect((await svc().listDeliveries({})).disabled).toEqual([]);
    hook.answer('ok');
  });

  it('performs a when_reached item by itself once everything before it is accepted', async () => {
    hook.answer('ok');
    const { playbook } = loadPlaybook(yaml, 'notify.yaml');
    await svc().startRelease({ playbook, version: '3.3.0', commit: 'a'.repeat(40) });
    await svc().performNotifyItem({ ref: '1' });
    let item = (await svc().getRelease({ version: '3.3.0' })).items[3]!;
    expect(item.state).toBe('pending');
    // #2 is optional; #3 is the last required item before #4: ticking it reaches #4.
    await svc().actOnItems({ refs: ['3'], action: 'done' });
    item = (await svc().getRelease({ version: '3.3.0' })).items[3]!;
    expect(item.state).toBe('running');
    const sent = await svc().sendDueDeliveries({});
    expect(sent.deliveries.filter((d) => d.item === 4).map((d) => d.status)).toEqual(['delivered']);
    item = (await svc().getRelease({ version: '3.3.0' })).items[3]!;
    expect(item.state).toBe('done');
    expect(JSON.stringify(item.evidence)).toContain('hooks');
    const body = hook.received.find((q) => JSON.stringify(q.json).includes('Notes for 3.3.0'));
    expect(body?.verified).toBe(true);
  });
}
