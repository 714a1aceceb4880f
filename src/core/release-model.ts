/**
 * The release model shared by every layer: releases, their items, sign-offs, decisions,
 * deployments, incidents and events. Types only; the rules live in `release-rules.ts`,
 * `gate.ts`, `window.ts` and `event-chain.ts`.
 */
import type { ItemKind, PlaybookItem } from './playbook.ts';

export type ItemState = 'pending' | 'running' | 'passed' | 'failed' | 'done' | 'na' | 'waived';
/** States that let a gate through. */
export const acceptedStates: readonly ItemState[] = ['passed', 'done', 'na', 'waived'];

/**
 * A release's life (DESIGN.md §1): `active` (in progress) → `deployed` (production reached,
 * follow-up items may still be open) → `finished`; or `rolled-back`, `abandoned` (with a
 * reason), `superseded` (by a named later release). The first three still take work.
 */
export type ReleaseState =
  'active' | 'deployed' | 'rolled-back' | 'finished' | 'abandoned' | 'superseded';
/** Every state, in the order of a release's life. */
export const releaseStates: readonly ReleaseState[] = [
  'active',
  'deployed',
  'rolled-back',
  'finished',
  'abandoned',
  'superseded',
];
/** States in which a release still takes work: writes act on the newest of these. */
export const openReleaseStates: readonly ReleaseState[] = ['active', 'deployed', 'rolled-back'];
/** Each state as a person reads it. */
export const releaseStateWords: Record<ReleaseState, string> = {
  active: 'in progress',
  deployed: 'deployed',
  'rolled-back': 'rolled back',
  finished: 'finished',
  abandoned: 'abandoned',
  superseded: 'superseded',
};
export type Verdict = 'go' | 'no-go';
export type DeploymentStatus = 'succeeded' | 'failed' | 'rolled-back';
export type IncidentKind = 'rollback' | 'incident';
export type Outcome = 'go' | 'no-go';

/** What a person does to an item from the CLI (`gonogo item ACTION REF`). */
export type ItemAction = 'done' | 'na' | 'waive' | 'fail' | 'reset';

export interface Release {
  id: string;
  project: string;
  version: string;
  type?: string;
  commit?: string;
  /** When the commit was made (from git), for lead time. */
  commitAt?: string;
  playbookHash: string;
  state: ReleaseState;
  /** Why the release reached its state (the rollback's or abandonment's reason), who, when. */
  stateReason?: string;
  stateBy?: string;
  stateAt?: string;
  /** The version this release replaces (`release start 2.0.1 --supersedes 2.0.0`). */
  supersedes?: string;
  /** The version that replaced it, when its state is `superseded`. */
  supersededBy?: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /** Optimistic-concurrency version, +1 on each write. */
  rowVersion: number;
  /**
   * The newest event of the release's log as the release row anchors it (updated with every
   * append, outside the event rows); absent while the log is empty.
   */
  head?: ChainHead;
}

/** Where a release's event log ends: how many events, and the hash of the newest. */
export interface ChainHead {
  count: number;
  hash: string;
}

export interface ReleaseItem {
  releaseId: string;
  /** Short number within the release, from 1, in document order. */
  number: number;
  /** The item id from the playbook, unique within the release. */
  id: string;
  phase: string;
  /** Section id. */
  section: string;
  title: string;
  kind: ItemKind;
  optional: boolean;
  /** Number of the parent item when this is a sub-item. */
  parent?: number;
  /** True for items added by a rollback. */
  rollback: boolean;
  /** The playbook item as it was snapshot (without sub-items). */
  spec: Omit<PlaybookItem, 'items'>;
  state: ItemState;
  note?: string;
  evidence?: Evidence;
  updatedAt: string;
  updatedBy?: string;
  rowVersion: number;
}

/** What a result rests on: links, command output, exit codes, hashes. Free-form by kind. */
export interface Evidence {
  url?: string;
  [key: string]: unknown;
}

/** What a sign-off is for: one gate (a phase or section id) or one `sign` item (its id). */
export interface SignoffTarget {
  kind: 'gate' | 'item';
  id: string;
}

export interface Signoff {
  /** Its own id (time-ordered), so a page or a client can address it; absent before storing. */
  id?: string;
  releaseId: string;
  role: string;
  verdict: Verdict;
  /**
   * The gate or sign item it was given for. Absent only on sign-offs recorded before
   * sign-offs named a target: those count for no gate, but a no-go among them still stands.
   */
  target?: SignoffTarget;
  commit?: string;
  actor: string;
  at: string;
  comment?: string;
  /**
   * The version of the release it was given in, when it was carried over to this release
   * (`release start --supersedes`, same commit).
   */
  carriedFrom?: string;
  /**
   * The event (seq) of the re-snapshot that changed the gate or sign item it was given for:
   * from then on it counts no more for that target (it was given for another checklist). A
   * no-go still stands until the same role says go again.
   */
  staleSince?: number;
}

/**
 * A sign-off as it counts now: the latest of its role for its target, `stale` when given for
 * another commit than the release's, or before a re-snapshot changed its target.
 */
export interface SignoffView extends Signoff {
  stale: boolean;
}

/**
 * A recorded exception to a gate: `window` lets one gate through the release window at one
 * commit; `force` lets one deployment through the gates in front of it. Either is given by a
 * holder of a role the playbook's policy names, with a reason.
 */
export interface GateOverride {
  releaseId: string;
  kind: 'window' | 'force';
  /** The gate, for a window override. */
  gate?: string;
  /** The environment, for a forced deployment. */
  environment?: string;
  commit?: string;
  /** The role the override was given as (one the policy names). */
  role: string;
  actor: string;
  at: string;
  reason: string;
  /** What it let through, as evaluated when it was given. */
  blockers: Blocker[];
}

export type BlockerKind =
  | 'item-open'
  | 'item-failed'
  | 'signoff-missing'
  | 'signoff-stale'
  | 'signoff-four-eyes'
  | 'signoff-no-go'
  | 'window-day'
  | 'window-hours'
  | 'window-freeze'
  | 'environment-locked';

export interface Blocker {
  kind: BlockerKind;
  /** Human sentence: what blocks and why. */
  message: string;
  /** Item number, for item blockers. */
  item?: number;
  /** Role id, for sign-off blockers. */
  role?: string;
  /** The gate it belongs to, where blockers of several gates are listed together. */
  gate?: string;
}

export interface Decision {
  /** Its own id (time-ordered), so a page or a client can address it; absent before storing. */
  id?: string;
  releaseId: string;
  /** Id of the phase or section whose gate was evaluated, or `release` for the whole release. */
  gate: string;
  outcome: Outcome;
  blockers: Blocker[];
  /** Everything the decision was computed from, to be able to show why later. */
  inputs: unknown;
  commit?: string;
  actor: string;
  at: string;
  /** Set when a window override recorded for this gate and commit let the window through. */
  override?: { reason: string; by: string };
}

export interface Deployment {
  id: string;
  project: string;
  releaseId: string;
  version: string;
  commit?: string;
  environment: string;
  status: DeploymentStatus;
  startedAt: string;
  finishedAt?: string;
  actor: string;
}

export interface Incident {
  id: string;
  deploymentId: string;
  kind: IncidentKind;
  reason: string;
  openedAt: string;
  resolvedAt?: string;
  actor: string;
}

/**
 * Where a change came from, beside who made it (server mode): the client's address and user
 * agent as it gave them, and the API token it acted with, by id (never its secret).
 */
export interface EventOrigin {
  address?: string;
  userAgent?: string;
  tokenId?: string;
}

export interface ReleaseEvent {
  releaseId: string;
  /** 1-based position in the release's log. */
  seq: number;
  /** When it happened, by the clock the service was given (an override in tests and demos). */
  at: string;
  /** The real time, present only when the clock was overridden: an override is never silent. */
  realAt?: string;
  actor: string;
  /** Where the change came from (the server's client and token), when known; see `event-origin.ts`. */
  origin?: EventOrigin;
  type: string;
  payload: unknown;
  /** Hash of the event before (64 zeros for the first). */
  prevHash: string;
  hash: string;
}

/** The outcome of one automated check, as the service records it on the item. */
export interface CheckOutcome {
  /** Item number. */
  item: number;
  result: 'passed' | 'failed' | 'error';
  summary: string;
  fix?: string;
  evidence: Evidence;
  durationMs: number;
}

/**
 * A lock on an environment of the project: every deployment to it is refused (forced ones too)
 * until someone unlocks it. Recorded as an event on the log of the project's newest release.
 */
export interface EnvironmentLock {
  project: string;
  environment: string;
  reason: string;
  /** Who locked it, and when. */
  actor: string;
  at: string;
  /** The release on whose log the lock was recorded. */
  version?: string;
}
