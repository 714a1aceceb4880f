/**
 * E-mail over SMTP with nodemailer: one message with a plain-text and an HTML part (the same
 * content; the HTML has no images, no external resources, no rewritten links: no tracking), the
 * release link in both. The SMTP server comes from the variable the channel names (default
 * GONOGO_SMTP_URL) as `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…`
 * (TLS from the start); certificates are always verified.
 *
 * The Message-ID is derived from the message id, so a retried send carries the same one and a
 * mail client shows it once.
 */
import nodemailer from 'nodemailer';
import {
  defaultSmtpEnv,
  channelTimeoutMs,
  type EmailChannelConfig,
} from '../core/notify-endpoint.ts';
import { fitMessage, type NotifyMessage } from '../core/notify-message.ts';
import { renderMessage } from '../core/notify-render.ts';
import { sanitizeText } from '../core/text-safety.ts';
import {
  configFailure,
  createDeliveryRedactor,
  missingEnvError,
  startAttempt,
} from './notify-attempt.ts';
import type { DeliverOptions, DeliveryAttempt } from './notify-types.ts';

/** Largest text + HTML an e-mail carries before the message is shortened. */
export const maxEmailBytes = 256 * 1024;

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * Whether a failed send is worth trying again: SMTP 4xx replies and connection troubles yes;
 * 5xx replies (a refused recipient or message), a refused login and TLS failures no.
 */
export function isRetryableSmtpError(e: SmtpError): boolean {
  if (e.responseCode !== undefined) return e.responseCode >= 400 && e.responseCode < 500;
  if (e.code === 'EAUTH' || e.code === 'ETLS' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE')
    return false;
  return true;
}

function smtpFix(e: SmtpError, env: string): string {
  if (e.code === 'EAUTH') return ` (check the user and password in ${env})`;
  if (e.code === 'ETLS') return ` (the server's TLS failed; check the host and port in ${env})`;
  return '';
}

/** A Message-ID local part from a message id: letters, digits, `.`, `_`, `-` only. */
const messageIdOf = (id: string, domain: string) =>
  `<${id.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 120) || 'gonogo'}@${domain}>`;

export async function deliverEmail(
  channel: EmailChannelConfig,
  message: NotifyMessage,
  opts: DeliverOptions,
): Promise<DeliveryAttempt> {
  const clock = startAttempt(opts.now);
  const envName = channel.smtp_env ?? defaultSmtpEnv;
  const smtpUrl = opts.env[envName];
  let parsed: URL | undefined;
  try {
    parsed = smtpUrl ? new URL(smtpUrl) : undefined;
  } catch {
    parsed = undefined;
  }
  const password = parsed?.password ? decodeURIComponent(parsed.password) : undefined;
  const redact = createDeliveryRedactor(opts.env, [smtpUrl, password, parsed?.password]);
  if (!smtpUrl) {
    return configFailure(
      clock,
      missingEnvError(envName, 'the SMTP server as smtp://user:pass@host:587'),
      redact,
    );
  }
  if (
    !parsed ||
    (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') ||
    !parsed.hostname
  ) {
    return configFailure(
      clock,
      `the value of ${envName} is not an SMTP URL: write it as smtp://user:pass@host:587 (or smtps://… for TLS from the start)`,
      redact,
    );
  }
  const secure = parsed.protocol === 'smtps:';
  const timeoutMs = channelTimeoutMs(channel);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const from = channel.from ?? `gonogo@${/^[\d.:]+$/.test(host) ? 'localhost' : host}`;
  const transport = nodemailer.createTransport({
    host,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username
      ? { auth: { user: decodeURIComponent(parsed.username), pass: password ?? '' } }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const fitted =
    fitMessage(
      message,
      maxEmailBytes,
      (m) =>
        Buffer.byteLength(renderMessage(m, 'text')) + Buffer.byteLength(renderMessage(m, 'html')),
    ) ?? message;
  const send = transport.sendMail({
    from,
    to: channel.to,
    subject: sanitizeText(message.subject, { oneLine: true }).slice(0, 250),
    text: renderMessage(fitted, 'text'),
    html: renderMessage(fitted, 'html'),
    messageId: messageIdOf(message.id, from.split('@')[1] ?? 'gonogo'),
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Gonogo-Event': message.type },
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    if (!opts.signal) return;
    onAbort = () => {
      transport.close();
      reject(Object.assign(new Error('the delivery was cancelled'), { code: 'EABORT' }));
    };
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const info = await Promise.race([send, aborted]);
    const rejected = (info.rejected ?? []).map(String);
    const status = Number(/^\d{3}/.exec(info.response ?? '')?.[0]) || undefined;
    return clock.finish(
      {
        outcome: 'delivered',
        retryable: false,
        ...(status !== undefined ? { status } : {}),
        messageId: info.messageId,
        response:
          rejected.length > 0 ? `${info.response}; refused: ${rejected.join(', ')}` : info.response,
      },
      redact,
    );
  } catch (err) {
    const e = err as SmtpError;
    const what =
      e.code === 'ETIMEDOUT' ? 'no answer within the timeout' : (e.message ?? String(err));
    return clock.finish(
      {
        outcome: 'failed',
        retryable: isRetryableSmtpError(e),
        ...(e.responseCode !== undefined ? { status: e.responseCode } : {}),
        ...(e.response ? { response: e.response } : {}),
        error: `${what}${smtpFix(e, envName)}`,
      },
      redact,
    );
  } finally {
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    send.catch(() => undefined);
    transport.close();
  }
}
