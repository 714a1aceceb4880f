import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmailChannelConfig } from '../core/notify-endpoint.ts';
import { hostileMessage, sampleMessage } from '../core/notify-message.fixture.ts';
import { deliver } from './notify-deliver.ts';
import { parseMail, startSmtpReceiver, type SmtpReceiver } from './notify-receivers.fixture.ts';

const now = () => new Date();
const channel: EmailChannelConfig = {
  type: 'email',
  to: ['ops@example.org', 'qa@example.org'],
  from: 'gonogo@example.org',
};

let smtp: SmtpReceiver | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

describe('deliver by e-mail (nodemailer to a real SMTP server)', () => {
  it('sends plain text and HTML with the release link, and returns the Message-ID', async () => {
    smtp = await startSmtpReceiver();
    const message = sampleMessage();
    const attempt = await deliver(channel, message, { env: { GONOGO_SMTP_URL: smtp.url }, now });
    expect(attempt).toMatchObject({ outcome: 'delivered', retryable: false, status: 250 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('gonogo@example.org');
    expect(mail.to).toEqual(['ops@example.org', 'qa@example.org']);
    const parsed = parseMail(mail.raw);
    expect(parsed.headers['message-id']).toBe(attempt.messageId);
    expect(attempt.messageId).toBe('<msg_01J9ZK3T7Q-decision-go@example.org>');
    expect(parsed.subject).toBe('shop 2.4.0: GO for production');
    expect(parsed.headers['auto-submitted']).toBe('auto-generated');
    expect(parsed.parts).toEqual(['text/plain', 'text/html']);
    expect(parsed.text).toContain('Decision: GO (gate go-no-go)');
    expect(parsed.text).toContain(
      'Release: https://gonogo.example.org/projects/shop/releases/2.4.0',
    );
    expect(parsed.html).toContain(
      '<a href="https://gonogo.example.org/projects/shop/releases/2.4.0">Release</a>',
    );
  });

  it('has no tracking: no images, no external resources, only the links the message names', async () => {
    smtp = await startSmtpReceiver();
    const message = hostileMessage();
    await deliver(channel, message, { env: { GONOGO_SMTP_URL: smtp.url }, now });
    const parsed = parseMail(smtp.received[0]!.raw);
    const html = parsed.html!;
    expect(html).not.toMatch(/<(img|script|link|iframe|object|embed|style)\b/i);
    expect(html).not.toMatch(/<[^>]*\s(src|background)=/i);
    expect(html).not.toMatch(/url\(/i);
    const allowed = new Set([
      message.release.url,
      'https://wiki.example.org/runbook?a=1&b=%3C2%3E',
    ]);
    const linked = [...html.matchAll(/href="([^"]*)"/g)].map((m) =>
      m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
    );
    expect(linked.length).toBeGreaterThan(0);
    for (const href of linked) expect(allowed).toContain(href);
    expect(linked).not.toContain('javascript:alert(1)');
    // Text from the record is escaped: the title's markup shows as text.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=https://tracker.example/p.gif&gt;');
    // The text part lists the message's web links, and no other scheme.
    expect(parsed.text).toContain(
      'Release: https://gonogo.example.org/projects/shop/releases/2.4.0',
    );
    expect(parsed.text).toContain('Runbook | <x>: https://wiki.example.org/runbook?a=1&b=%3C2%3E');
    expect(parsed.text).not.toContain('javascript:');
    expect(parsed.text).not.toContain('\u001b');
    expect(parsed.subject).toContain('<!channel>');
  });

  it('logs in with the credentials of the SMTP URL and masks the password', async () => {
    smtp = await startSmtpReceiver({ auth: { user: 'mailer', pass: 'pa55-w0rd:secret' } });
    const ok = await deliver({ ...channel, smtp_env: 'MAIL_URL' }, sampleMessage(), {
      env: { MAIL_URL: smtp.url },
      now,
    });
    expect(ok.outcome).toBe('delivered');
    expect(smtp.received[0]!.user).toBe('mailer');
    const wrong = smtp.url.replace(encodeURIComponent('pa55-w0rd:secret'), 'wrong-passw0rd');
    const attempt = await deliver({ ...channel, smtp_env: 'MAIL_URL' }, sampleMessage(), {
      env: { MAIL_URL: wrong },
      now,
    });
    expect(attempt).toMatchObject({ outcome: 'failed', retryable: false });
    expect(attempt.error).toMatch(/check the user and password in MAIL_URL/);
    expect(JSON.stringify(attempt)).not.toContain('wrong-passw0rd');
  });

  it('a 4xx reply is retried, a 5xx reply is not', async () => {
    smtp = await startSmtpReceiver();
    const opts = { env: { GONOGO_SMTP_URL: smtp.url }, now };
    smtp.reject(451);
    expect(await deliver(channel, sampleMessage(), opts)).toMatchObject({
      outcome: 'failed',
      retryable: true,
      status: 451,
    });
    smtp.reject(550);
    expect(await deliver(channel, sampleMessage(), opts)).toMatchObject({
      outcome: 'failed',
      retryable: false,
      status: 550,
    });
    expect(smtp.received).toHaveLength(0);
  });

  it('a refused connection is retryable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const attempt = await deliver(channel, sampleMessage(), {
      env: { GONOGO_SMTP_URL: `smtp://127.0.0.1:${port}` },
      now,
    });
    expect(attempt).toMatchObject({ outcome: 'failed', retryable: true });
    expect(attempt.error).toMatch(/ECONNREFUSED|connect/i);
  });

  it("a server that never greets: the caller's AbortSignal ends the attempt, retryable", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const controller = new AbortController();
    const pending = deliver(channel, sampleMessage(), {
      env: { GONOGO_SMTP_URL: `smtp://127.0.0.1:${port}` },
      now,
      signal: controller.signal,
    });
    while (sockets.length === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    expect(await pending).toMatchObject({
      outcome: 'failed',
      retryable: true,
      error: 'the delivery was cancelled',
    });
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('a missing or malformed SMTP variable fails for good and names it', async () => {
    const missing = await deliver(channel, sampleMessage(), { env: {}, now });
    expect(missing).toMatchObject({ outcome: 'failed', retryable: false });
    expect(missing.error).toMatch(
      /GONOGO_SMTP_URL is not set: set GONOGO_SMTP_URL to the SMTP server/,
    );
    const bad = await deliver(channel, sampleMessage(), {
      env: { GONOGO_SMTP_URL: 'https://u:hunter22x@mail' },
      now,
    });
    expect(bad.error).toMatch(/GONOGO_SMTP_URL is not an SMTP URL/);
    expect(JSON.stringify(bad)).not.toContain('hunter22x');
  });
});
