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
