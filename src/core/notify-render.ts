/**
 * The renderings of one {@link NotifyMessage}: plain text and HTML (e-mail), Slack Block Kit,
 * the Standard Webhooks JSON payload and, for deployments, rollbacks and incidents, a CDEvent in
 * CloudEvents JSON form. Pure, so the outbox and the web can preview what a channel would get.
 *
 * Text is data: every text from the record is cleaned of control characters, HTML-escaped in
 * HTML, and escaped by Slack's rules in mrkdwn (`&`, `<`, `>`), so a release title cannot inject
 * markup, a link or an `<!channel>` mention. Links are kept only when they are http(s) URLs. The
 * HTML has no images, no external resources and no rewritten links (no tracking).
 */
import { sanitizeText } from './text-safety.ts';
import type { EventName } from './notify-channel.ts';
import type { NotifyMessage } from './notify-message.ts';
import { escapeHtml, escapeSlack } from './text-safety.ts';
export { escapeHtml, escapeSlack } from './text-safety.ts';

export type NotifyFormat = 'text' | 'html' | 'slack-blocks' | 'webhook-json' | 'cdevent';

/** A Slack incoming-webhook message: a fallback `text` and Block Kit `blocks`. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}
export type SlackText = { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean };
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };

/** The Standard Webhooks payload: `{type, timestamp, data}`. */
export interface WebhookPayload {
  type: EventName;
  timestamp: string;
  data: Omit<NotifyMessage, 'type' | 'timestamp'>;
}

/** A CDEvent (CDEvents 0.4) wrapped in a CloudEvent 1.0, structured JSON form. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: CdEvent;
}
export interface CdEvent {
  context: { version: string; id: string; source: string; type: string; timestamp: string };
  subject: {
    id: string;
    source: string;
    type?: 'service' | 'incident';
    content: Record<string, unknown>;
  };
  customData?: Record<string, unknown>;
  customDataContentType?: 'application/json';
}

export interface RenderedFormats {
  text: string;
  html: string;
  'slack-blocks': SlackMessage;
  'webhook-json': WebhookPayload;
  /** Undefined when the event has no CDEvent (only deployments, rollbacks and incidents do). */
  cdevent: CloudEvent | undefined;
}

export interface RenderOptions {
  /** The CDEvents/CloudEvents `source` (a URI reference); default `/gonogo/<project>`. */
  source?: string;
}

/** The CDEvents specification version the events follow. */
export const cdeventsSpecVersion = '0.4.1';

/** Characters of release notes kept in a rendering; the rest is cut with a mark. */
export const maxNotesChars = 20_000;
/** Blockers listed in a rendering; the rest are counted. */
export const maxListedBlockers = 20;

const line = (text: string) => sanitizeText(text, { oneLine: true });
const block = (text: string) => sanitizeText(text).replace(/\r/g, '');

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** True for an absolute http(s) URL: the only links a rendering keeps. */
export function isWebUrl(url: string): boolean {
  try {
    const p = new URL(url).protocol;
    return p === 'https:' || p === 'http:';
  } catch {
    return false;
  }
}

/** The links of a message worth showing: the release page first, then its own, http(s) only. */
function linksOf(m: NotifyMessage): { label: string; url: string }[] {
  const out: { label: string; url: string }[] = [];
  // URLs in their normal form: `<`, `>`, spaces and quotes percent-encoded.
  const add = (label: string, url: string) => {
    if (!isWebUrl(url)) return;
    const href = new URL(url).href;
    if (!out.some((o) => o.url === href)) out.push({ label, url: href });
  };
  if (m.release.url) add('Release', m.release.url);
  for (const l of m.links ?? []) add(l.label, l.url);
  return out;
}

function factsOf(m: NotifyMessage): [string, string][] {
  const facts: [string, string][] = [
    ['Release', `${m.release.project} ${m.release.version}`],
    ['State', m.release.state],
  ];
  if (m.release.commit) facts.push(['Commit', m.release.commit.slice(0, 12)]);
  if (m.decision) {
    const gate = m.decision.gate ? ` (gate ${m.decision.gate})` : '';
    facts.push(['Decision', `${m.decision.outcome === 'go' ? 'GO' : 'NO-GO'}${gate}`]);
  }
  if (m.deployment) {
    const d = m.deployment;
    facts.push(['Deployment', `${d.version} to ${d.environment} at ${d.at}`]);
  }
  if (m.incident) {
    const i = m.incident;
    const resolved = i.resolvedAt ? `, resolved ${i.resolvedAt}` : '';
    facts.push(['Incident', `${i.kind}: ${i.reason} (opened ${i.openedAt}${resolved})`]);
  }
  return facts.map(([k, v]) => [k, line(v)]);
}

function blockersOf(m: NotifyMessage): {
  shown: { ref: string; title: string; why: string }[];
  more: number;
} {
  const all = m.blockers ?? [];
  const shown = all.slice(0, maxListedBlockers).map((b) => ({
    ref: line(b.ref),
    title: cut(line(b.title), 300),
    why: cut(line(b.why), 300),
  }));
  return { shown, more: all.length - shown.length };
}

function notesOf(m: NotifyMessage): string | undefined {
  if (!m.notes) return undefined;
  const notes = block(m.notes);
  return notes.length > maxNotesChars ? `${notes.slice(0, maxNotesChars)}\n… (cut)` : notes;
}

function renderText(m: NotifyMessage): string {
  const parts: string[] = [line(m.subject), ''];
  const body = block(m.text).trim();
  if (body) parts.push(body, '');
  for (const [k, v] of factsOf(m)) parts.push(`${k}: ${v}`);
  const { shown, more } = blockersOf(m);
  if (shown.length > 0) {
    parts.push('', 'Blockers:');
    for (const b of shown) parts.push(`- ${b.ref} ${b.title}: ${b.why}`);
    if (more > 0) parts.push(`- and ${more} more`);
  }
  const links = linksOf(m);
  if (links.length > 0) {
    parts.push('');
    for (const l of links) parts.push(`${line(l.label)}: ${l.url}`);
  }
  const notes = notesOf(m);
  if (notes) parts.push('', 'Release notes:', '', notes);
  return `${parts.join('\n').trimEnd()}\n`;
}

function renderHtml(m: NotifyMessage): string {
  const e = escapeHtml;
  const rows = factsOf(m)
    .map(([k, v]) => `<tr><th align="left">${e(k)}</th><td>${e(v)}</td></tr>`)
    .join('\n');
  const { shown, more } = blockersOf(m);
  const blockers =
    shown.length === 0
      ? ''
      : `<h2>Blockers</h2>\n<ul>\n${shown
          .map((b) => `<li><code>${e(b.ref)}</code> ${e(b.title)}: ${e(b.why)}</li>`)
          .join('\n')}${more > 0 ? `\n<li>and ${more} more</li>` : ''}\n</ul>`;
  const links = linksOf(m);
  const linkList =
    links.length === 0
      ? ''
      : `<p>${links.map((l) => `<a href="${e(l.url)}">${e(line(l.label))}</a>`).join(' · ')}</p>`;
  const body = block(m.text).trim();
  const notes = notesOf(m);
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><title>' + e(line(m.subject)) + '</title></head>',
    '<body>',
    `<h1>${e(line(m.subject))}</h1>`,
    body ? `<p style="white-space:pre-wrap">${e(body)}</p>` : '',
    `<table>\n${rows}\n</table>`,
    blockers,
    linkList,
    notes ? `<h2>Release notes</h2>\n<pre style="white-space:pre-wrap">${e(notes)}</pre>` : '',
    '</body></html>',
    '',
  ]
    .filter((p) => p !== '')
    .join('\n');
}

/** A Slack link `<url|label>`; `|` and `>` in the URL percent-encoded so it ends where it should. */
function slackLink(url: string, label: string): string {
  const safeUrl = escapeSlack(url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C'));
  const safeLabel = escapeSlack(line(label)).replace(/\|/g, '¦');
  return `<${safeUrl}|${safeLabel}>`;
}

// Slack's limits: 3000 characters in a section's text, 150 in a header, 50 blocks.
const slackSectionMax = 3000;

function renderSlack(m: NotifyMessage): SlackMessage {
  const s = (t: string) => escapeSlack(t);
  const subject = line(m.subject);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(subject, 150), emoji: false } },
  ];
  const body = block(m.text).trim();
  if (body)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(s(body), slackSectionMax) } });
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: `*${s(m.release.project)} ${s(m.release.version)}*` },
    fields: factsOf(m)
      .slice(0, 10)
      .map(([k, v]) => ({ type: 'mrkdwn', text: cut(`*${k}*\n${s(v)}`, 2000) })),
  });
  const { shown, more } = blockersOf(m);
  if (shown.length > 0) {
    const lines = shown.map((b) => `• \`${s(b.ref)}\` ${s(b.title)}: ${s(b.why)}`);
    if (more > 0) lines.push(`• and ${more} more`);
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: cut(`*Blockers*\n${lines.join('\n')}`, slackSectionMax) },
    });
  }
  const links = linksOf(m);
  const context: SlackText[] = [];
  if (links.length > 0) {
    context.push({
      type: 'mrkdwn',
      text: cut(links.map((l) => slackLink(l.url, l.label)).join(' · '), slackSectionMax),
    });
  }
  context.push({ type: 'mrkdwn', text: `${s(m.type)} · ${s(m.timestamp)}` });
  blocks.push({ type: 'context', elements: context });
  return { text: s(subject), blocks };
}

function renderWebhook(m: NotifyMessage): WebhookPayload {
  const { type, timestamp, ...data } = m;
  return { type, timestamp, data };
}

/** The CDEvent type of an event, or undefined when it has none. */
export function cdeventTypeOf(event: EventName): string | undefined {
  switch (event) {
    case 'deployment.succeeded':
      return 'dev.cdevents.service.deployed.0.2.0';
    case 'rollback.finished':
      return 'dev.cdevents.service.rolledback.0.2.0';
    case 'incident.opened':
      return 'dev.cdevents.incident.detected.0.2.0';
    case 'incident.resolved':
      return 'dev.cdevents.incident.resolved.0.2.0';
    default:
      return undefined;
  }
}

/**
 * The package URL (purl) of a release's artifact, the CDEvents `artifactId`:
 * `pkg:generic/<project>@<version>`, with the commit as a qualifier when known.
 *
 * @example artifactIdOf('shop', '2.4.0', 'abc123') // 'pkg:generic/shop@2.4.0?vcs_commit=abc123'
 */
export function artifactIdOf(project: string, version: string, commit?: string): string {
  const id = `pkg:generic/${encodeURIComponent(project)}@${encodeURIComponent(version)}`;
  return commit ? `${id}?vcs_commit=${encodeURIComponent(commit)}` : id;
}

function renderCdevent(m: NotifyMessage, opts: RenderOptions): CloudEvent | undefined {
  const type = cdeventTypeOf(m.type);
  if (!type) return undefined;
  const source = opts.source ?? `/gonogo/${encodeURIComponent(m.release.project)}`;
  const d = m.deployment;
  const environment = d ? { id: d.environment, source } : undefined;
  const artifactId = artifactIdOf(
    m.release.project,
    d?.version ?? m.release.version,
    d?.commit ?? m.release.commit,
  );
  let subject: CdEvent['subject'];
  if (type.includes('.service.')) {
    if (!environment) return undefined;
    subject = {
      id: `${m.release.project}/${d!.environment}`,
      source,
      type: 'service',
      content: { environment, artifactId },
    };
  } else {
    const i = m.incident;
    if (!i) return undefined;
    const content: Record<string, unknown> = {
      description: cut(line(i.reason), 500),
      environment: environment ?? { id: 'production', source },
      service: { id: m.release.project, source },
      artifactId,
    };
    subject = { id: i.id, source, type: 'incident', content };
  }
  const data: CdEvent = {
    context: { version: cdeventsSpecVersion, id: m.id, source, type, timestamp: m.timestamp },
    subject,
    customData: {
      gonogo: {
        release: m.release.id,
        version: m.release.version,
        state: m.release.state,
        ...(m.release.url && isWebUrl(m.release.url) ? { url: m.release.url } : {}),
        ...(m.incident ? { incidentKind: m.incident.kind } : {}),
      },
    },
    customDataContentType: 'application/json',
  };
  return {
    specversion: '1.0',
    id: m.id,
    source,
    type,
    subject: subject.id,
    time: m.timestamp,
    datacontenttype: 'application/json',
    data,
  };
}

/**
 * One message rendered for a channel or a preview.
 *
 * @example renderMessage(message, 'text') // 'shop 2.4.0: GO for production\n\nRelease: shop 2.4.0\n…'
 * @example renderMessage(message, 'slack-blocks').blocks[0] // { type: 'header', … }
 */
export function renderMessage<F extends NotifyFormat>(
  message: NotifyMessage,
  format: F,
  opts: RenderOptions = {},
): RenderedFormats[F] {
  const out: { [K in NotifyFormat]: () => RenderedFormats[K] } = {
    text: () => renderText(message),
    html: () => renderHtml(message),
    'slack-blocks': () => renderSlack(message),
    'webhook-json': () => renderWebhook(message),
    cdevent: () => renderCdevent(message, opts),
  };
  return out[format]() as RenderedFormats[F];
}
