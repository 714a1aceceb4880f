/**
 * The store interface: the only door to the database. Two implementations share it (and one
 * test suite): SQLite through `node:sqlite` (embedded default) and PostgreSQL through `pg`,
 * both behind Kysely with the same queries and migrations.
 */
import type {
  EnvironmentLock,
  ChainHead,
  Decision,
  Deployment,
  GateOverride,
  Incident,
  Release,
  ReleaseEvent,
  ReleaseItem,
  Signoff,
  SignoffTarget,
} from '../core/release-model.ts';
import type { Playbook } from '../core/playbook.ts';
import type {
  ApiToken,
  ApiTokenRecord,
  Membership,
  Session,
  UserRecord,
} from '../core/account-model.ts';
import type { UserPatch } from './store-accounts.ts';
import type { ScheduledJob } from './store-jobs.ts';
import type { ReleaseHistories, ReleaseHistoryQuery } from './store-analytics.ts';
import type { DisabledChannel, NotifyDelivery } from '../core/notify-delivery.ts';
import type { DeliveryFilter, DeliveryPatch } from './store-notify.ts';
import type { ImportedDeployment } from './store-metrics.ts';
import type { DeploymentCommit, MetricsFacts } from '../core/metrics-report.ts';

export type { UserPatch } from './store-accounts.ts';
export type { DeliveryFilter, DeliveryPatch } from './store-notify.ts';

export type Dialect = 'sqlite' | 'postgres';

/** How many events {@link StoreReader.listEventsSince} returns unless told. */
export const defaultEventPage = 500;
/** The most events one {@link StoreReader.listEventsSince} call returns, whatever it is told. */
export const maxEventPage = 5000;

/** The fields of a release that change after it starts. */
export type ReleasePatch = Partial<
  Pick<
    Release,
    | 'commit'
    | 'commitAt'
    | 'state'
    | 'stateReason'
    | 'stateBy'
    | 'stateAt'
    | 'supersedes'
    | 'supersededBy'
    | 'playbookHash'
    | 'updatedAt'
  >
>;

/** What a re-snapshot of the playbook may change on an item that stays in the release. */
export type ItemSnapshotPatch = Partial<
  Pick<
    ReleaseItem,
    | 'title'
    | 'kind'
    | 'optional'
    | 'phase'
    | 'section'
    | 'parent'
    | 'rollback'
    | 'spec'
    | 'state'
    | 'note'
    | 'evidence'
    | 'updatedAt'
    | 'updatedBy'
  >
>;

/** Reads. Outside a transaction they see committed data; inside, the transaction's view. */
export interface StoreReader {
  /** Project keys, oldest first. */
  listProjects(): Promise<{ id: string; createdAt: string }[]>;
  getPlaybook(hash: string): Promise<Playbook | undefined>;
  /**
   * A playbook of the project by hash: one the project stored, or one a release of the
   * project runs; undefined for any other (a hash alone opens no other project's playbook).
   */
  getProjectPlaybook(project: string, hash: string): Promise<Playbook | undefined>;
  /** The hash of the playbook the project stored last, or undefined when it stored none. */
  latestProjectPlaybook(project: string): Promise<string | undefined>;
  getRelease(id: string): Promise<Release | undefined>;
  findRelease(project: string, version: string): Promise<Release | undefined>;
  /** Newest first (by createdAt, then id). */
  listReleases(
    project: string,
    opts?: { states?: readonly Release['state'][]; limit?: number },
  ): Promise<Release[]>;
  /** Ordered by number. */
  listItems(releaseId: string): Promise<ReleaseItem[]>;
  /** Oldest first. */
  listSignoffs(releaseId: string): Promise<Signoff[]>;
  /** Oldest first. */
  listDecisions(releaseId: string): Promise<Decision[]>;
  /** Window overrides and forced deployments, oldest first. */
  listOverrides(releaseId: string): Promise<GateOverride[]>;
  /** The project's environment locks standing now, by environment. */
  listEnvironmentLocks(project: string): Promise<EnvironmentLock[]>;
  /** The earliest due time of a waiting scheduled job (SQLite scheduler), or undefined. */
  nextScheduledJobAt(): Promise<string | undefined>;
  /** Scheduled jobs of a key (or all), oldest due first: waiting, running and ran. */
  listScheduledJobs(key?: string): Promise<ScheduledJob[]>;
  /** Oldest first (startedAt, then id). Filters combine with AND. */
  listDeployments(filter: {
    project?: string;
    releaseId?: string;
    environment?: string;
  }): Promise<Deployment[]>;
  /**
   * The facts of DORA's four keys for one period [since, until) in epoch seconds, of one
   * project's environment; `weeks` are week bounds in epoch seconds (store-metrics.ts).
   */
  readMetricsFacts(q: {
    project: string;
    environment: string;
    since: number;
    until: number;
    weeks: number[];
  }): Promise<MetricsFacts>;
  /** Oldest first. */
  listIncidents(filter: { deploymentId?: string; project?: string }): Promise<Incident[]>;
  /** Ordered by seq. */
  listEvents(releaseId: string): Promise<ReleaseEvent[]>;
  /**
   * The events after `afterSeq` (0 for all), ordered by seq, at most `limit` of them
   * ({@link defaultEventPage} unless told, never more than {@link maxEventPage}): how a watcher
   * that saw up to `afterSeq` resumes, a page at a time.
   */
  listEventsSince(releaseId: string, afterSeq: number, limit?: number): Promise<ReleaseEvent[]>;
  lastEvent(releaseId: string): Promise<ReleaseEvent | undefined>;
  /**
   * The newest `item.state` event of item `number` (its payload's `item`), found by the
   * database, so that a question about one item does not read the whole log.
   */
  lastItemStateEvent(releaseId: string, number: number): Promise<ReleaseEvent | undefined>;
  /**
   * The project's releases started in a period (bounded, newest kept) with their events of the
   * types asked for, item evidence left out: what the process analytics read
   * (`store-analytics.ts`).
   */
  readReleaseHistories(project: string, query: ReleaseHistoryQuery): Promise<ReleaseHistories>;

  // Accounts (the team server). Records with a hash are for the checks that compare it only.
  /** `admin: true`: server administrators only (the first-administrator set-up is open until one exists). */
  countUsers(filter?: { admin?: boolean }): Promise<number>;
  getUser(id: string): Promise<UserRecord | undefined>;
  /** By the normalised (lower-case) address. */
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  /** By its id, the SHA-256 of the session secret. */
  getSession(id: string): Promise<Session | undefined>;
  findApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  getApiToken(id: string): Promise<ApiToken | undefined>;
  /** A user's tokens, oldest first; never their hashes. */
  listApiTokens(userId: string): Promise<ApiToken[]>;
  getMembership(project: string, userId: string): Promise<Membership | undefined>;
  /** Ordered by project, then user id. Filters combine with AND. */
  listMemberships(filter: { project?: string; userId?: string }): Promise<Membership[]>;

  // Notifications: the outbox and its delivery log (store-notify.ts).
  /** Oldest first; with `limit`, the newest that many, oldest first. */
  listDeliveries(filter: DeliveryFilter): Promise<NotifyDelivery[]>;
  /** The earliest next attempt of a queued delivery of the project (of any project without one). */
  nextDeliveryAt(project?: string): Promise<string | undefined>;
  listDisabledChannels(project: string): Promise<DisabledChannel[]>;
}

/** Writes, only inside {@link Store.transaction}. */
export interface StoreWriter extends StoreReader {
  /**
   * Serialises writers of one release: call it first in a transaction that reads the
   * release's state (e.g. `lastEvent`) and then writes from it. PostgreSQL takes a row lock
   * (`SELECT ... FOR UPDATE`) held to the end of the transaction and returns the release as
   * it is under the lock; on SQLite it does nothing and returns undefined, since BEGIN
   * IMMEDIATE already holds the whole database's write lock: what the transaction read is
   * current.
   */
  lockRelease(id: string): Promise<Release | undefined>;
  /** Adds the project when it is new; idempotent. */
  ensureProject(id: string, at: string): Promise<void>;
  /**
   * Moves every release and deployment of project `from` to project `to` (which must have no
   * releases yet), and the project row with them.
   */
  renameProject(from: string, to: string): Promise<void>;
  /** Idempotent: the same hash is stored once. */
  putPlaybook(hash: string, playbook: Playbook): Promise<void>;
  /** Stores the playbook and files it under the project; idempotent. */
  putProjectPlaybook(
    project: string,
    hash: string,
    playbook: Playbook,
    by: string,
    at: string,
  ): Promise<void>;
  /** Throws ConflictError when (project, version) exists. */
  insertRelease(release: Release): Promise<void>;
  /**
   * Writes the changed fields and bumps rowVersion. Throws ConflictError when the stored
   * rowVersion is not `expectedVersion` (a concurrent write won).
   */
  updateRelease(id: string, patch: ReleasePatch, expectedVersion: number): Promise<void>;
  /**
   * Moves the head of the release's log (the count and hash the release row anchors) from
   * `expected` to `head`, in the transaction that appended the event. It does not bump
   * rowVersion: appends are already serialised by {@link lockRelease}, and the optimistic
   * version guards what people change (state, commit), which an event does not. Returns false,
   * writing nothing, when the stored head is not `expected` (the log was changed outside the
   * store's writers).
   */
  updateReleaseHead(id: string, head: ChainHead, expected: ChainHead): Promise<boolean>;
  insertItems(items: ReleaseItem[]): Promise<void>;
  /** Same optimistic rule as updateRelease, keyed by (releaseId, number). */
  updateItem(
    releaseId: string,
    number: number,
    patch: Partial<Pick<ReleaseItem, 'state' | 'note' | 'evidence' | 'updatedAt' | 'updatedBy'>>,
    expectedVersion: number,
  ): Promise<void>;
  /**
   * Rewrites an item from a new playbook snapshot (a key present with `undefined` clears that
   * field), bumping rowVersion, under the same optimistic rule as updateItem.
   */
  updateItemSnapshot(
    releaseId: string,
    number: number,
    patch: ItemSnapshotPatch,
    expectedVersion: number,
  ): Promise<void>;
  /** Removes items from a release (a re-snapshot dropped them; their last state is in its event). */
  deleteItems(releaseId: string, numbers: number[]): Promise<void>;
  insertSignoff(signoff: Signoff): Promise<void>;
  /**
   * Marks the release's sign-offs for `targets` that still count as stale since event `seq`
   * (a re-snapshot changed those gates or sign items); returns the sign-offs it marked.
   */
  markSignoffsStale(releaseId: string, targets: SignoffTarget[], seq: number): Promise<Signoff[]>;
  insertDecision(decision: Decision): Promise<void>;
  insertOverride(override: GateOverride): Promise<void>;
  insertDeployment(deployment: Deployment): Promise<void>;
  updateDeployment(
    id: string,
    patch: Partial<Pick<Deployment, 'status' | 'finishedAt'>>,
  ): Promise<void>;
  insertIncident(incident: Incident): Promise<void>;
  /**
   * The commits a deployment shipped, each kept once per environment with the first deployment
   * that contained it; how many it was given (distinct).
   */
  insertDeploymentCommits(
    deploymentId: string,
    commits: readonly DeploymentCommit[],
    truncated: boolean,
  ): Promise<number>;
  /** Deployments read from git tags, marked imported; versions the environment has are skipped. */
  insertImportedDeployments(
    project: string,
    environment: string,
    deployments: readonly ImportedDeployment[],
  ): Promise<{ imported: number; skipped: number; commits: number }>;
  /** Throws ConflictError when the environment is locked already. */
  insertEnvironmentLock(lock: EnvironmentLock): Promise<void>;
  /** Whether there was a lock to remove. */
  deleteEnvironmentLock(project: string, environment: string): Promise<boolean>;
  /** Schedules `key` at `runAt`: moves its waiting job, or adds one. */
  putScheduledJob(
    job: { key: string; kind: string; payload: unknown; runAt: string },
    at: string,
  ): Promise<ScheduledJob>;
  /** Claims up to `limit` waiting jobs due at `now` (they turn `running`, with their lateness). */
  claimDueJobs(now: string, limit: number): Promise<ScheduledJob[]>;
  /** Records how a claimed run ended. */
  finishScheduledJob(
    id: string,
    end: { state: 'done' | 'failed'; at: string; outcome?: string },
  ): Promise<void>;
  /** Marks runs a stopped process left `running` as failed; how many. */
  failInterruptedJobs(at: string): Promise<number>;
  updateIncident(id: string, patch: Partial<Pick<Incident, 'resolvedAt'>>): Promise<void>;
  /** Throws ConflictError when (releaseId, seq) exists. */
  appendEvent(event: ReleaseEvent): Promise<void>;

  /**
   * Serialises account writes that read first ("no users yet" before the first administrator):
   * PostgreSQL takes a transaction-scoped advisory lock; SQLite's BEGIN IMMEDIATE already holds.
   */
  lockAccounts(): Promise<void>;
  /** Throws ConflictError when the e-mail is taken. */
  insertUser(user: UserRecord): Promise<void>;
  updateUser(id: string, patch: UserPatch): Promise<void>;
  insertSession(session: Session): Promise<void>;
  /** Sets last_seen_at to `at` only when it is before `ifSeenBefore`; true when it wrote. */
  touchSession(id: string, at: string, ifSeenBefore: string): Promise<boolean>;
  /** Revokes one session or every session of a user that is not yet revoked; returns how many. */
  revokeSessions(filter: { userId: string } | { id: string }, at: string): Promise<number>;
  /** Throws ConflictError when the hash exists. */
  insertApiToken(token: ApiTokenRecord): Promise<void>;
  /** Sets last_used_at to `at` unless it is already at or after `ifUsedBefore`; true when it wrote. */
  touchApiToken(id: string, at: string, ifUsedBefore: string): Promise<boolean>;
  /** False when it does not exist or is revoked already. */
  revokeApiToken(id: string, at: string): Promise<boolean>;
  /**
   * Writes a membership and returns it with its new rowVersion. `expectedVersion` undefined:
   * create or replace; 0: create only; n: replace version n only. A ConflictError otherwise.
   */
  putMembership(
    membership: Omit<Membership, 'rowVersion'>,
    expectedVersion?: number,
  ): Promise<Membership>;

  // Notifications (store-notify.ts).
  /** Adds deliveries, skipping ids already there; returns those added. */
  insertDeliveries(deliveries: NotifyDelivery[]): Promise<NotifyDelivery[]>;
  /**
   * Claims queued deliveries of the project due at `now` (or those `ids` names): one more
   * attempt each, held until `leaseUntil`.
   */
  claimDeliveries(claim: {
    project: string;
    now: string;
    leaseUntil: string;
    limit: number;
    ids?: string[];
  }): Promise<NotifyDelivery[]>;
  /** Records an attempt on a delivery claimed at `attempts`; false when it moved since. */
  finishDelivery(id: string, attempts: number, patch: DeliveryPatch): Promise<boolean>;
  disableChannel(state: DisabledChannel): Promise<void>;
  /** False when it was not disabled. */
  enableChannel(project: string, channel: string): Promise<boolean>;
}

export interface Store extends StoreReader {
  readonly dialect: Dialect;
  /**
   * Runs `fn` in one write transaction: everything or nothing. On SQLite it takes the write
   * lock at the start (BEGIN IMMEDIATE) and waits for a busy database, so two processes
   * changing one release serialise instead of failing.
   */
  transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
