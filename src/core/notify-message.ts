/**
 * The message a channel delivers: pure data built from the release record, the same for every
 * channel (webhook JSON, Slack blocks, e-mail, CDEvents are renderings of it, see
 * notify-render.ts). Its `id` is stable for one event, so a retried delivery carries the same
 * `webhook-id` and a receiver can drop duplicates.
 */
import { sha256 } from './hash.ts';
import type { EventName } from './notify-channel.ts';
import type {
  Blocker,
  BlockerKind,
  Decision,
  Deployment,
  Incident,
  Release,
} from './release-model.ts';
import { releaseStateWords } from './release-model.ts';
import { sanitizeText } from './text-safety.ts';

export interface NotifyRelease {
  project: string;
  version: string;
  id: string;
  /** The release state (`active`, `deployed`, …). */
  state: string;
  commit?: string;
  /** The release's page, when a server URL is known. */
  url?: string;
}

export interface NotifyBlocker {
  ref: string;
  title: string;
  why: string;
}

export interface NotifyDeployment {
  environment: string;
  version: string;
  commit?: string;
  /** ISO time the deployment was recorded. */
  at: string;
  id: string;
}

export interface NotifyIncident {
  id: string;
  /** `rollback` or `incident`. */
  kind: string;
  reason: string;
  openedAt: string;
  resolvedAt?: string;
}

export interface NotifyLink {
  label: string;
  url: string;
}

export interface NotifyMessage {
  /** Stable id, also the `webhook-id` (idempotency across retries). */
  id: string;
  type: EventName;
  /** ISO time of the event. */
  timestamp: string;
  /** One line: "shop 2.4.0: GO for production". */
  subject: string;
  /** Plain text body (already masked, no control characters). */
  text: string;
  release: NotifyRelease;
  decision?: { outcome: 'go' | 'no-go'; gate?: string };
  blockers?: NotifyBlocker[];
  deployment?: NotifyDeployment;
  incident?: NotifyIncident;
  links?: NotifyLink[];
  /** Release notes Markdown (from `gonogo notes`), optional. */
  notes?: string;
}

const cutText = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/**
 * Smaller forms of a message, for a channel with a size limit: `level` 0 is the message itself;
 * 1 cuts the notes, the body and the blocker list; 2 drops the notes and keeps 5 blockers. The
 * id, type, subject, release, decision, deployment and incident are always kept.
 *
 * @example shrinkMessage(message, 2).notes // undefined
 */
export function shrinkMessage(message: NotifyMessage, level: 0 | 1 | 2): NotifyMessage {
  if (level === 0) return message;
  const [notes, text, blockers] = level === 1 ? [8_000, 4_000, 20] : [0, 1_000, 5];
  const out: NotifyMessage = { ...message, text: cutText(message.text, text) };
  if (message.notes !== undefined) {
    if (notes === 0) delete out.notes;
    else out.notes = cutText(message.notes, notes);
  }
  if (message.blockers && message.blockers.length > blockers) {
    const more = message.blockers.length - blockers;
    out.blockers = message.blockers.slice(0, blockers);
    out.text = `${out.text}\n(${more} more blockers not listed)`;
  }
  if (message.links && message.links.length > 20) out.links = message.links.slice(0, 20);
  return out;
}

/**
 * The largest form of `message` whose rendering `measure` says fits in `maxBytes`, or undefined
 * when even the smallest does not.
 */
export function fitMessage(
  message: NotifyMessage,
  maxBytes: number,
  measure: (m: NotifyMessage) => number,
): NotifyMessage | undefined {
  for (const level of [0, 1, 2] as const) {
    const m = shrinkMessage(message, level);
    if (measure(m) <= maxBytes) return m;
  }
  return undefined;
}

/** What a message is built from: the event and the parts of the record it tells about. */
export interface NotifyMessageInput {
  type: EventName;
  /** The id of the event (or outbox entry) told about: the message id derives from it. */
  eventId: string;
  /** ISO time of the event. */
  at: string;
  release: Pick<Release, 'id' | 'project' | 'version' | 'state' | 'commit'>;
  /** The release's page on the server, when one is known. */
  releaseUrl?: string;
  decision?: Pick<Decision, 'outcome' | 'gate' | 'blockers'>;
  /** Blockers to list (default: the decision's). */
  blockers?: Blocker[];
  deployment?: Pick<
    Deployment,
    'id' | 'environment' | 'version' | 'commit' | 'startedAt' | 'finishedAt'
  >;
  incident?: Pick<Incident, 'id' | 'kind' | 'reason' | 'openedAt' | 'resolvedAt'>;
  signoff?: { role: string; verdict: 'go' | 'no-go'; by: string; gate?: string; comment?: string };
  /** The item told about: a `notify` item performed, a failed watch. */
  item?: { ref: string; title: string; detail?: string };
  /** More text for the body (a `notify` item's message). */
  text?: string;
  links?: NotifyLink[];
  notes?: string;
  /** Masks secrets in every text (createRedactor from redact.ts); default none. */
  redact?: (text: string) => string;
}

const blockerWords: Record<BlockerKind, string> = {
  'item-open': 'not done yet',
  'item-failed': 'failed',
  'signoff-missing': 'sign-off missing',
  'signoff-stale': 'sign-off given for an earlier commit',
  'signoff-four-eyes': 'needs a second person',
  'signoff-no-go': 'a no-go stands',
  'window-day': 'outside the release window (day)',
  'window-hours': 'outside the release window (hours)',
  'window-freeze': 'in a freeze',
  'environment-locked': 'environment locked',
};

/**
 * The stable id of the message about event `eventId` of kind `type`: the same for every retry
 * and every channel, different for different events.
 *
 * @example notifyMessageId('evt_12', 'decision.go') // 'ntf_…' (32 hex digits)
 */
export function notifyMessageId(eventId: string, type: EventName): string {
  return `ntf_${sha256(`${type}\u0000${eventId}`).slice(0, 32)}`;
}

function subjectOf(i: NotifyMessageInput, name: string, blockers: number): string {
  const gate =
    i.decision?.gate && i.decision.gate !== 'release' ? ` at gate ${i.decision.gate}` : '';
  const env = i.deployment ? ` in ${i.deployment.environment}` : '';
  switch (i.type) {
    case 'release.started':
      return `${name}: release started`;
    case 'blocker.appeared':
      return `${name}: ${blockers === 1 ? 'a new blocker' : `${blockers} blockers`}`;
    case 'signoff.given':
      return i.signoff
        ? `${name}: ${i.signoff.role} said ${i.signoff.verdict === 'go' ? 'go' : 'no-go'}`
        : `${name}: sign-off given`;
    case 'decision.go':
      return `${name}: GO${gate}`;
    case 'decision.no-go':
      return `${name}: NO-GO${gate}${blockers > 0 ? ` (${blockers} blocker${blockers === 1 ? '' : 's'})` : ''}`;
    case 'deployment.succeeded':
      return `${name} deployed${i.deployment ? ` to ${i.deployment.environment}` : ''}`;
    case 'watch.failed':
      return `${name}: watch failed${i.item ? `: ${i.item.title}` : ''}`;
    case 'rollback.started':
      return `${name}: rollback started${env}`;
    case 'rollback.finished':
      return `${name}: rolled back${env}`;
    case 'release.finished':
      return `${name}: release finished`;
    case 'incident.opened':
      return `${name}: incident opened${env}`;
    case 'incident.resolved':
      return `${name}: incident resolved${env}`;
    case 'notify.item':
      return `${name}: ${i.item?.title ?? 'notification'}`;
  }
}

/**
 * A message from the record, every text cleaned of control characters and masked with
 * `input.redact`. Pure: the time comes in with the input.
 *
 * @example
 * buildNotifyMessage({ type: 'decision.go', eventId: 'evt_9', at: '2026-12-01T10:00:00Z',
 *   release: { id: 'rel_7', project: 'shop', version: '2.4.0', state: 'active' },
 *   decision: { outcome: 'go', gate: 'go-no-go', blockers: [] } }).subject
 * // 'shop 2.4.0: GO at gate go-no-go'
 */
export function buildNotifyMessage(input: NotifyMessageInput): NotifyMessage {
  const mask = input.redact ?? ((t: string) => t);
  const one = (t: string) => mask(sanitizeText(t, { oneLine: true }));
  const many = (t: string) => mask(sanitizeText(t).replace(/\r/g, ''));
  const r = input.release;
  const name = `${one(r.project)} ${one(r.version)}`;
  const blockerList = input.blockers ?? input.decision?.blockers ?? [];
  const blockers: NotifyBlocker[] = blockerList.map((b) => ({
    ref: one(b.item !== undefined ? String(b.item) : (b.role ?? b.gate ?? b.kind)),
    title: one(b.message),
    why: blockerWords[b.kind] ?? b.kind,
  }));
  const lines: string[] = [];
  if (input.signoff) {
    const s = input.signoff;
    lines.push(
      `${one(s.by)} (${one(s.role)}) said ${s.verdict}${s.gate ? ` for gate ${one(s.gate)}` : ''}.`,
    );
    if (s.comment) lines.push(many(s.comment));
  }
  if (input.item?.detail) lines.push(many(input.item.detail));
  if (input.incident)
    lines.push(
      `${input.incident.kind === 'rollback' ? 'Rollback' : 'Incident'}: ${one(input.incident.reason)}`,
    );
  if (input.text) lines.push(many(input.text));
  lines.push(
    `State: ${releaseStateWords[r.state as keyof typeof releaseStateWords] ?? one(r.state)}.`,
  );
  const message: NotifyMessage = {
    id: notifyMessageId(input.eventId, input.type),
    type: input.type,
    timestamp: input.at,
    subject: one(subjectOf(input, name, blockers.length)).slice(0, 250),
    text: lines.join('\n'),
    release: {
      project: one(r.project),
      version: one(r.version),
      id: r.id,
      state: r.state,
      ...(r.commit ? { commit: r.commit } : {}),
      ...(input.releaseUrl ? { url: input.releaseUrl } : {}),
    },
  };
  if (input.decision) {
    message.decision = {
      outcome: input.decision.outcome,
      ...(input.decision.gate ? { gate: one(input.decision.gate) } : {}),
    };
  }
  if (blockers.length > 0) message.blockers = blockers;
  const d = input.deployment;
  if (d) {
    message.deployment = {
      environment: one(d.environment),
      version: one(d.version),
      ...(d.commit ? { commit: d.commit } : {}),
      at: d.finishedAt ?? d.startedAt,
      id: d.id,
    };
  }
  const inc = input.incident;
  if (inc) {
    message.incident = {
      id: inc.id,
      kind: inc.kind,
      reason: one(inc.reason),
      openedAt: inc.openedAt,
      ...(inc.resolvedAt ? { resolvedAt: inc.resolvedAt } : {}),
    };
  }
  if (input.links?.length)
    message.links = input.links.map((l) => ({ label: one(l.label), url: mask(l.url) }));
  if (input.notes) message.notes = many(input.notes);
  return message;
}
