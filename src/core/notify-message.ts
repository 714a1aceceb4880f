/**
 * The message a channel delivers: pure data built from the release record, the same for every
 * channel (webhook JSON, Slack blocks, e-mail, CDEvents are renderings of it, see
 * notify-render.ts). Its `id` is stable for one event, so a retried delivery carries the same
 * `webhook-id` and a receiver can drop duplicates.
 */
import type { EventName } from './notify-channel.ts';

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
