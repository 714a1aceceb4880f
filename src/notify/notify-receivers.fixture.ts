/**
 * Real receivers on 127.0.0.1 for the notification tests (unit and e2e): a Standard Webhooks
 * endpoint that verifies each signature with the `standardwebhooks` package and can be told to
 * answer 500, 410, 429, a redirect or nothing for a while; a Slack-shaped incoming webhook that
 * checks the Block Kit JSON; and an SMTP server (`smtp-server`) that keeps each message as it
 * arrived, with a small MIME reader for its text and HTML parts.
 *
 * @example
 * const hook = await startWebhookReceiver({ secret: 'whsec_…' });
 * hook.answer('500');           // every request from now on gets a 500
 * // … deliver to hook.url …
 * hook.received[0].verified     // true when the signature verified
 * await hook.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

/** How a receiver answers: `ok` (200/204), a status, a redirect, or `slow` (no answer for `slowMs`). */
export type ReceiverAnswer =
  'ok' | '500' | '503' | '410' | '429' | '400' | '404' | 'redirect' | 'slow';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, undefined when it is not JSON. */
  json: unknown;
  /** Standard Webhooks signature verified with the receiver's secret (webhook receiver only). */
  verified?: boolean;
  verifyError?: string;
  /** What is wrong with the Block Kit message (Slack receiver only); empty when nothing. */
  problems?: string[];
  /** How the receiver answered it. */
  answer: ReceiverAnswer;
}

export interface HttpReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Sets how the following requests are answered; a list is used in turn, its last one stays. */
  answer(...answers: ReceiverAnswer[]): void;
  /** Resolves once `count` requests have arrived; rejects after `timeoutMs` (default 10 s). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Polls `done` until it holds; for tests that wait on a worker delivering in the background. */
async function waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface HttpReceiverOptions {
  /** How long `slow` holds the answer back (default 30 s; the client's timeout ends it first). */
  slowMs?: number;
  inspect?: (req: ReceivedRequest) => void;
  okStatus?: number;
  okBody?: string;
}

const maxBody = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

async function startHttpReceiver(opts: HttpReceiverOptions): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  let queue: ReceiverAnswer[] = ['ok'];
  const pending = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const answer = queue.length > 1 ? queue.shift()! : queue[0]!;
      const entry: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: headersOf(req),
        body,
        json,
        answer,
      };
      opts.inspect?.(entry);
      received.push(entry);
      if (answer === 'slow') {
        pending.add(res);
        const t = setTimeout(() => {
          timers.delete(t);
          pending.delete(res);
          res.writeHead(200).end('late');
        }, opts.slowMs ?? 30_000);
        timers.add(t);
        res.on('close', () => {
          clearTimeout(t);
          timers.delete(t);
          pending.delete(res);
        });
        return;
      }
      if (answer === 'ok') {
        res
          .writeHead(opts.okStatus ?? 200, { 'content-type': 'text/plain' })
          .end(opts.okBody ?? 'ok');
      } else if (answer === 'redirect') {
        res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end();
      } else {
        res.writeHead(Number(answer), { 'content-type': 'text/plain' }).end(`answer ${answer}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer(...answers) {
      queue = answers.length > 0 ? answers : ['ok'];
    },
    async waitFor(count, timeoutMs = 10_000) {
      await waitUntil(() => received.length >= count, `${count} request(s)`, timeoutMs);
      return received;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A Standard Webhooks endpoint on 127.0.0.1. With `secret` (`whsec_…`), each request's
 * signature is verified with `new Webhook(secret).verify(body, headers)`; the result is in
 * `received[i].verified`.
 */
export async function startWebhookReceiver(
  opts: { secret?: string; slowMs?: number } = {},
): Promise<HttpReceiver> {
  const hook = opts.secret ? new Webhook(opts.secret) : undefined;
  return startHttpReceiver({
    slowMs: opts.slowMs,
    okStatus: 204,
    okBody: '',
    inspect(req) {
      if (!hook) return;
      try {
        hook.verify(req.body, {
          'webhook-id': req.headers['webhook-id'] ?? '',
          'webhook-timestamp': req.headers['webhook-timestamp'] ?? '',
          'webhook-signature': req.headers['webhook-signature'] ?? '',
        });
        req.verified = true;
      } catch (e) {
        req.verified = false;
        req.verifyError = (e as Error).message;
      }
    },
  });
}

const blockTypes = new Set(['header', 'section', 'context', 'divider', 'actions']);

/** Text in Slack mrkdwn that is not escaped by Slack's rules: a `<` or `>` outside a link, a bare `&`. */
function mrkdwnProblems(text: string, where: string): string[] {
  const problems: string[] = [];
  // Links gonogo writes are <http(s)://…|label>; anything else between < and > is a control sequence.
  const withoutLinks = text.replace(/<https?:\/\/[^<>|\s]+\|[^<>|]*>/g, '');
  if (/[<>]/.test(withoutLinks)) problems.push(`${where}: unescaped < or > in mrkdwn`);
  if (/&(?!amp;|lt;|gt;)/.test(text)) problems.push(`${where}: unescaped & in mrkdwn`);
  return problems;
}

/** Checks a Block Kit message as Slack would take it; returns what is wrong. */
export function checkSlackMessage(json: unknown): string[] {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null) return ['body is not a JSON object'];
  const msg = json as { text?: unknown; blocks?: unknown };
  if (typeof msg.text !== 'string' || msg.text === '') problems.push('no fallback text');
  if (!Array.isArray(msg.blocks) || msg.blocks.length === 0)
    return [...problems, 'no blocks array'];
  if (msg.blocks.length > 50) problems.push('more than 50 blocks');
  msg.blocks.forEach((b: unknown, i: number) => {
    const block = b as {
      type?: string;
      text?: { type?: string; text?: string };
      fields?: unknown[];
      elements?: unknown[];
    };
    if (!block.type || !blockTypes.has(block.type))
      problems.push(`block ${i}: unknown type ${block.type}`);
    const texts: { type?: string; text?: string }[] = [];
    if (block.text) texts.push(block.text);
    for (const f of (block.fields ?? []) as { type?: string; text?: string }[]) texts.push(f);
    for (const el of (block.elements ?? []) as { type?: string; text?: string }[]) texts.push(el);
    if (block.type === 'header' && block.text?.type !== 'plain_text')
      problems.push(`block ${i}: header text must be plain_text`);
    if (block.type === 'section' && !block.text && !block.fields)
      problems.push(`block ${i}: empty section`);
    if (
      block.type === 'context' &&
      (!block.elements || block.elements.length === 0 || block.elements.length > 10)
    )
      problems.push(`block ${i}: context needs 1-10 elements`);
    if ((block.fields?.length ?? 0) > 10) problems.push(`block ${i}: more than 10 fields`);
    for (const t of texts) {
      if (typeof t.text !== 'string' || t.text === '') problems.push(`block ${i}: empty text`);
      else if (t.text.length > 3000) problems.push(`block ${i}: text longer than 3000`);
      if (t.type === 'mrkdwn' && typeof t.text === 'string')
        problems.push(...mrkdwnProblems(t.text, `block ${i}`));
    }
  });
  return problems;
}

/** A Slack-compatible incoming webhook on 127.0.0.1: answers `ok` and records Block Kit problems. */
export async function startSlackReceiver(opts: { slowMs?: number } = {}): Promise<HttpReceiver> {
  return startHttpReceiver({
    slowMs: opts.slowMs,
    okBody: 'ok',
    inspect(req) {
      req.problems = checkSlackMessage(req.json);
    },
  });
}

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as it arrived (headers and body). */
  raw: string;
  /** Authenticated user, when the client logged in. */
  user?: string;
}

export interface SmtpReceiver {
  /** `smtp://127.0.0.1:PORT` (with `user:pass@` when started with `auth`). */
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Rejects the following messages with this SMTP reply code (e.g. 451, 550); undefined accepts. */
  reject(code: number | undefined): void;
  /** Resolves once `count` messages have arrived; rejects after `timeoutMs` (default 10 s). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 (no TLS: loopback only), optionally requiring a login. */
export async function startSmtpReceiver(
  opts: { auth?: { user: string; pass: string } } = {},
): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  let rejectCode: number | undefined;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    // No reverse DNS of 127.0.0.1 on each connection: it only slows the tests.
    disableReverseLookup: true,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (rejectCode !== undefined) {
          const err = Object.assign(new Error(`rejected with ${rejectCode}`), {
            responseCode: rejectCode,
          });
          callback(err);
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const auth = opts.auth
    ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@`
    : '';
  return {
    url: `smtp://${auth}127.0.0.1:${port}`,
    port,
    received,
    reject(code) {
      rejectCode = code;
    },
    async waitFor(count, timeoutMs = 10_000) {
      await waitUntil(() => received.length >= count, `${count} message(s)`, timeoutMs);
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ParsedMail {
  headers: Record<string, string>;
  subject: string;
  text?: string;
  html?: string;
  /** Content types of every leaf part, in order. */
  parts: string[];
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const l of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = l.indexOf(':');
    if (colon > 0) headers[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const soft = body.replace(/=\r?\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft[i] === '=' ? /^[0-9A-F]{2}$/i.exec(soft.slice(i + 1, i + 3)) : null;
      if (hex) {
        bytes.push(parseInt(hex[0], 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(soft[i]!, 'utf8'));
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}

function decodeWords(text: string): string {
  return text.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, kind: string, data: string) => {
    if (kind.toLowerCase() === 'b') return Buffer.from(data, 'base64').toString('utf8');
    return decodeBody(data.replace(/_/g, ' '), 'quoted-printable');
  });
}

/**
 * A received message's headers (lower-case names), subject and its text and HTML parts,
 * decoded (7bit, quoted-printable, base64), from `multipart/*` or a single part.
 */
export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitHeaders(raw);
  const out: ParsedMail = { headers, subject: decodeWords(headers.subject ?? ''), parts: [] };
  const walk = (h: Record<string, string>, b: string) => {
    const type = (h['content-type'] ?? 'text/plain').toLowerCase();
    const boundary = /boundary="?([^";]+)"?/i.exec(h['content-type'] ?? '')?.[1];
    if (type.startsWith('multipart/') && boundary) {
      const sections = b.split(`--${boundary}`).slice(1);
      for (const s of sections) {
        if (s.startsWith('--')) break;
        const part = splitHeaders(s.replace(/^\r?\n/, ''));
        walk(part.headers, part.body);
      }
      return;
    }
    out.parts.push(type.split(';')[0]!);
    const text = decodeBody(b, h['content-transfer-encoding']);
    if (type.startsWith('text/plain') && out.text === undefined) out.text = text;
    if (type.startsWith('text/html') && out.html === undefined) out.html = text;
  };
  walk(headers, body);
  return out;
}
