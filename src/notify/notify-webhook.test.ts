import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deploymentMessage,
  incidentMessage,
  sampleMessage,
} from '../core/notify-message.fixture.ts';
import type { WebhookChannelConfig } from '../core/notify-endpoint.ts';
import { deliver } from './notify-deliver.ts';
import { startWebhookReceiver, type HttpReceiver } from './notify-receivers.fixture.ts';

// A Standard Webhooks secret as a receiver would hand it out (base64 of 24 random-looking bytes).
const secret = `whsec_${Buffer.from('gonogo-test-signing-key-0123').toString('base64')}`;
const env = { HOOK_SECRET: secret };
const now = () => new Date();

let receiver: HttpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function start(opts: Parameters<typeof startWebhookReceiver>[0] = { secret }) {
  receiver = await startWebhookReceiver(opts);
  return receiver;
}

const channel = (url: string, extra: Partial<WebhookChannelConfig> = {}): WebhookChannelConfig => ({
  type: 'webhook',
  url,
  secret_env: 'HOOK_SECRET',
  ...extra,
});

describe('deliver to a Standard Webhooks endpoint', () => {
  it('signs the {type, timestamp, data} payload so the receiver verifies it', async () => {
    const hook = await start();
    const message = sampleMessage();
    const attempt = await deliver(channel(hook.url), message, { env, now });
    expect(attempt).toMatchObject({
      outcome: 'delivered',
      retryable: false,
      status: 204,
      messageId: message.id,
    });
    expect(hook.received).toHaveLength(1);
    const got = hook.received[0]!;
    expect(got.verifyError).toBeUndefined();
    expect(got.verified).toBe(true);
    expect(got.headers['webhook-id']).toBe(message.id);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.json).toEqual({
      type: 'decision.go',
      timestamp: message.timestamp,
      data: expect.objectContaining({
        id: message.id,
        subject: message.subject,
        release: message.release,
      }),
    });
    expect(attempt.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('signs with the real time even when the record clock is moved (GONOGO_NOW)', async () => {
    const hook = await start();
    const attempt = await deliver(channel(hook.url), sampleMessage(), {
      env,
      now: () => new Date('2020-01-01T00:00:00.000Z'),
    });
    expect(attempt.at).toBe('2020-01-01T00:00:00.000Z');
    expect(hook.received[0]!.verified).toBe(true);
  });

  it('a receiver with another secret rejects the signature', async () => {
    const hook = await start({
      secret: `whsec_${Buffer.from('another-key-entirely-9876').toString('base64')}`,
    });
    await deliver(channel(hook.url), sampleMessage(), { env, now });
    expect(hook.received[0]!.verified).toBe(false);
  });

  it('retries carry the same webhook-id; 500 is retryable, then delivered', async () => {
    const hook = await start();
    hook.answer('500', '503', 'ok');
    const message = sampleMessage();
    const attempts = [];
    for (let i = 0; i < 3; i++)
      attempts.push(await deliver(channel(hook.url), message, { env, now }));
    expect(attempts.map((a) => [a.outcome, a.retryable, a.status])).toEqual([
      ['failed', true, 500],
      ['failed', true, 503],
      ['delivered', false, 204],
    ]);
    expect(attempts[0]!.error).toBe('answered 500');
    expect(attempts[0]!.response).toBe('answer 500');
    expect(new Set(hook.received.map((r) => r.headers['webhook-id']))).toEqual(
      new Set([message.id]),
    );
    expect(hook.received.every((r) => r.verified)).toBe(true);
  });

  it('410 means gone: disable the endpoint, do not retry', async () => {
    const hook = await start();
    hook.answer('410');
    const attempt = await deliver(channel(hook.url), sampleMessage(), { env, now });
    expect(attempt).toMatchObject({ outcome: 'gone', retryable: false, status: 410 });
    expect(attempt.error).toMatch(/Gone/);
  });

  it.each([
    ['429', true],
    ['400', false],
    ['404', false],
  ] as const)('answer %s: retryable %s', async (answer, retryable) => {
    const hook = await start();
    hook.answer(answer);
    const attempt = await deliver(channel(hook.url), sampleMessage(), { env, now });
    expect(attempt).toMatchObject({ outcome: 'failed', retryable, status: Number(answer) });
  });

  it('does not follow a redirect', async () => {
    const hook = await start();
    hook.answer('redirect');
    const attempt = await deliver(channel(hook.url), sampleMessage(), { env, now });
    expect(attempt).toMatchObject({ outcome: 'failed', retryable: false, status: 302 });
    expect(attempt.error).toMatch(/redirects are not followed/);
    expect(hook.received).toHaveLength(1);
  });

  it('a receiver that does not answer in time: failed, retryable', async () => {
    const hook = await start({ secret, slowMs: 20_000 });
    hook.answer('slow');
    const attempt = await deliver(channel(hook.url, { timeout: '1s' }), sampleMessage(), {
      env,
      now,
    });
    expect(attempt).toMatchObject({
      outcome: 'failed',
      retryable: true,
      error: 'no answer within the timeout',
    });
    expect(attempt.status).toBeUndefined();
  });

  it("the caller's AbortSignal cancels the attempt", async () => {
    const hook = await start({ secret, slowMs: 20_000 });
    hook.answer('slow');
    const controller = new AbortController();
    const pending = deliver(channel(hook.url), sampleMessage(), {
      env,
      now,
      signal: controller.signal,
    });
    await hook.waitFor(1);
    controller.abort();
    expect(await pending).toMatchObject({
      outcome: 'failed',
      retryable: true,
      error: 'the delivery was cancelled',
    });
  });

  it('a refused connection is retryable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const attempt = await deliver(channel(`http://127.0.0.1:${port}/hook`), sampleMessage(), {
      env,
      now,
    });
    expect(attempt).toMatchObject({
      outcome: 'failed',
      retryable: true,
      error: 'connection refused',
    });
  });

  it('a missing secret variable fails for good, names the variable and sends nothing', async () => {
    const hook = await start();
    const attempt = await deliver(channel(hook.url), sampleMessage(), { env: {}, now });
    expect(attempt).toMatchObject({ outcome: 'failed', retryable: false });
    expect(attempt.error).toMatch(/HOOK_SECRET is not set: set HOOK_SECRET to/);
    expect(hook.received).toHaveLength(0);
  });

  it('a secret without the whsec_ prefix fails for good', async () => {
    const hook = await start();
    const attempt = await deliver(channel(hook.url), sampleMessage(), {
      env: { HOOK_SECRET: 'plain-password-value' },
      now,
    });
    expect(attempt).toMatchObject({ outcome: 'failed', retryable: false });
    expect(attempt.error).toMatch(/must start with "whsec_"/);
    expect(attempt.error).not.toContain('plain-password-value');
    expect(hook.received).toHaveLength(0);
  });

  it('an unknown channel type fails for good instead of throwing', async () => {
    const attempt = await deliver({ type: 'pager' } as never, sampleMessage(), { env, now });
    expect(attempt).toMatchObject({ outcome: 'failed', retryable: false });
    expect(attempt.error).toMatch(/unknown channel type "pager"/);
  });

  it('without secret_env the payload goes unsigned', async () => {
    const hook = await start({});
    const attempt = await deliver({ type: 'webhook', url: hook.url }, sampleMessage(), {
      env: {},
      now,
    });
    expect(attempt.outcome).toBe('delivered');
    expect(hook.received[0]!.headers['webhook-signature']).toBeUndefined();
    expect(hook.received[0]!.headers['webhook-id']).toBe(sampleMessage().id);
  });

  it('reads the URL from url_env, masks it, and names the variable when it is missing', async () => {
    const hook = await start();
    const viaEnv = { type: 'webhook' as const, url_env: 'HOOK_URL', secret_env: 'HOOK_SECRET' };
    hook.answer('400');
    const url = `${hook.url}?channel=ops`;
    const attempt = await deliver(viaEnv, sampleMessage(), { env: { ...env, HOOK_URL: url }, now });
    expect(attempt).toMatchObject({ outcome: 'failed', retryable: false, status: 400 });
    expect(hook.received[0]!.verified).toBe(true);
    const missing = await deliver(viaEnv, sampleMessage(), { env, now });
    expect(missing.error).toMatch(/HOOK_URL is not set: set HOOK_URL to the endpoint's URL/);
    const bad = await deliver(viaEnv, sampleMessage(), {
      env: { ...env, HOOK_URL: 'file:///etc/passwd' },
      now,
    });
    expect(bad.error).toMatch(/HOOK_URL is not an http\(s\) URL/);
    expect(JSON.stringify(bad)).not.toContain('/etc/passwd');
    expect(hook.received).toHaveLength(1);
  });

  it('masks secrets in what it returns', async () => {
    receiver = await startWebhookReceiver({ secret });
    const hook = receiver;
    hook.answer('500');
    // The receiver's answer carries nothing secret, so make the message id carry the secret.
    const attempt = await deliver(channel(hook.url), sampleMessage({ id: `id-${secret}` }), {
      env,
      now,
    });
    expect(JSON.stringify(attempt)).not.toContain(secret.slice(6));
    expect(attempt.messageId).toContain('[REDACTED:');
  });

  it('bounds the body: huge release notes are cut to fit 64 kB', async () => {
    const hook = await start();
    const message = sampleMessage({
      notes: `# Notes\n${'- a change worth mentioning\n'.repeat(10_000)}`,
    });
    const attempt = await deliver(channel(hook.url), message, { env, now });
    expect(attempt.outcome).toBe('delivered');
    const got = hook.received[0]!;
    expect(Buffer.byteLength(got.body)).toBeLessThanOrEqual(64 * 1024);
    expect(got.verified).toBe(true);
    const data = (got.json as { data: { notes?: string; subject: string } }).data;
    expect(data.subject).toBe(message.subject);
    expect(data.notes!.length).toBeLessThan(message.notes!.length);
  });
});

describe('CDEvents on a webhook channel with cdevents: true', () => {
  it('sends a production deployment as a signed dev.cdevents.service.deployed CloudEvent', async () => {
    const hook = await start();
    const message = deploymentMessage();
    const attempt = await deliver(channel(hook.url, { cdevents: true }), message, { env, now });
    expect(attempt.outcome).toBe('delivered');
    const got = hook.received[0]!;
    expect(got.verified).toBe(true);
    expect(got.headers['content-type']).toBe('application/cloudevents+json');
    const event = got.json as Record<string, unknown> & {
      data: { context: Record<string, unknown>; subject: Record<string, unknown> };
    };
    expect(event).toMatchObject({
      specversion: '1.0',
      id: message.id,
      type: 'dev.cdevents.service.deployed.0.2.0',
      source: '/gonogo/shop',
      subject: 'shop/production',
      time: message.timestamp,
    });
    expect(event.data.context).toMatchObject({
      version: '0.4.1',
      id: message.id,
      type: event.type,
    });
    expect(event.data.subject).toMatchObject({
      id: 'shop/production',
      type: 'service',
      content: {
        environment: { id: 'production', source: '/gonogo/shop' },
        artifactId: 'pkg:generic/shop@2.4.0?vcs_commit=0123456789abcdef0123456789abcdef01234567',
      },
    });
  });

  it('sends incidents as incident.detected / incident.resolved', async () => {
    const hook = await start();
    await deliver(channel(hook.url, { cdevents: true }), incidentMessage(), { env, now });
    await deliver(
      channel(hook.url, { cdevents: true }),
      incidentMessage('2026-12-01T11:00:00.000Z'),
      { env, now },
    );
    const types = hook.received.map((r) => (r.json as { type: string }).type);
    expect(types).toEqual([
      'dev.cdevents.incident.detected.0.2.0',
      'dev.cdevents.incident.resolved.0.2.0',
    ]);
    const subject = (
      hook.received[0]!.json as {
        data: { subject: { id: string; content: Record<string, unknown> } };
      }
    ).data.subject;
    expect(subject.id).toBe('inc_5');
    expect(subject.content).toMatchObject({
      description: 'error rate above 5%',
      service: { id: 'shop' },
    });
  });

  it('other events keep the Standard Webhooks payload', async () => {
    const hook = await start();
    await deliver(channel(hook.url, { cdevents: true }), sampleMessage(), { env, now });
    expect(hook.received[0]!.json).toMatchObject({
      type: 'decision.go',
      data: { id: sampleMessage().id },
    });
  });
});
