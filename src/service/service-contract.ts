/**
 * The service contract: every use case of gonogo with named input and result types. The CLI
 * calls an in-process implementation (`create-service.ts`, local mode); the HTTP client will be
 * a second implementation of the same interface, and one contract test suite runs against both
 * (`service-contract.suite.ts`). Inputs are plain data (JSON-serialisable), so they can cross a
 * network as they are; identity and time are never inputs: they come from the implementation.
 */
import type {
  DeploymentCommitsInput,
  ImportDeploymentsRequest,
  ImportDeploymentsResult,
  MetricsQuery,
  MetricsReport,
} from '../api/api-metrics.ts';
import type { GateTarget } from '../core/gate.ts';
import type { SkippedItemRef } from '../core/item-action-plan.ts';
import type { FollowUp } from '../core/release-life.ts';
import type { PlaybookDiff, RetitledItem } from '../core/playbook-diff.ts';
import type { Playbook } from '../core/playbook.ts';
import type { EventPayloads } from '../core/event-payloads.ts';
import type { ProviderValue } from '../core/watch-analysis.ts';
import type { WatchTarget } from '../core/watch-spec.ts';
import type { WatchView } from '../core/watch-state.ts';
import type { AnalyticsInput, AnalyticsReport } from '../core/release-analytics.ts';
import type {
  Blocker,
  ChainHead,
  CheckOutcome,
  Decision,
  Deployment,
  EnvironmentLock,
  Evidence,
  GateOverride,
  Incident,
  ItemAction,
  Outcome,
  Release,
  ReleaseEvent,
  ReleaseItem,
  Signoff,
  SignoffView,
  Verdict,
} from '../core/release-model.ts';
import type { DisabledChannel, NotifyDelivery } from '../core/notify-delivery.ts';

/**
 * Selects a release of the project by version (`1.4.0` or `v1.4.0`). Without one, writes act on
 * the newest release in progress and reads on the newest release, finished or not.
 */
export type { EnvironmentLock } from '../core/release-model.ts';
export type { AnalyticsInput, AnalyticsReport } from '../core/release-analytics.ts';

export interface ReleaseRef {
  version?: string;
}

/**
 * The state of a release a write was decided on: its event count (`head.count`, the HTTP ETag),
 * as the client last saw it. Every change to a release or anything in it is one event, so the
 * count is the version of the release as a whole. An object, so a later precondition (the head
 * hash) can join without renaming the input.
 */
export interface ReleaseExpectation {
  events: number;
}

/**
 * The release a write acts on, and optionally the state it expects it in: when the release has
 * moved since (another event was recorded), the write is refused with `conflict`, carrying the
 * release as it is now, and nothing is written. Without `expect` the write acts on the release
 * as it finds it (the CLI, which reads and writes in one command).
 */
export interface ReleaseWriteRef extends ReleaseRef {
  expect?: ReleaseExpectation;
}

/** A release with everything recorded about it. */
export interface ReleaseView {
  release: Release;
  playbook: Playbook;
  items: ReleaseItem[];
  signoffs: SignoffView[];
  decisions: Decision[];
  deployments: Deployment[];
  /** Window overrides and forced deployments, oldest first. */
  overrides: GateOverride[];
  /** Rollbacks and incidents of the release's deployments, oldest first. */
  incidents: Incident[];
}

export interface StartReleaseInput {
  /** The compiled playbook; the service snapshots it under its own content hash. */
  playbook: Playbook;
  version: string;
  type?: string;
  commit?: string;
  /** When the commit was made (ISO time), for lead time. */
  commitAt?: string;
  /**
   * The version of a release in progress (or deployed, or rolled back) this one replaces: it
   * becomes `superseded`, and its sign-offs at the same commit carry over.
   */
  supersedes?: string;
}

export interface AbandonInput extends ReleaseWriteRef {
  reason: string;
}

export interface RetargetInput extends ReleaseWriteRef {
  commit: string;
  commitAt?: string;
}

export interface ResnapshotInput extends ReleaseWriteRef {
  /** The edited playbook, compiled; the service snapshots it under its own content hash. */
  playbook: Playbook;
  /** Say what would change, record nothing. */
  dryRun?: boolean;
}

/** What a re-snapshot changed (or, in a dry run, would change). */
export interface ResnapshotResult {
  /** The release as it is after (before, in a dry run). */
  release: Release;
  /** The hash of the playbook the release had, and of the new one. */
  from: string;
  to: string;
  /** The release has this playbook already: nothing to do, nothing recorded. */
  same: boolean;
  /** Whether it was recorded (false for a dry run or the same playbook). */
  recorded: boolean;
  /** The position of its event in the release's log, when recorded. */
  seq?: number;
  diff: PlaybookDiff;
  /** Removed and added items that look like one item retitled without an id. */
  retitled: RetitledItem[];
  /** The sign-offs that count no more since (or would, in a dry run). */
  staleSignoffs: Signoff[];
  /** Standing no-gos whose role no gate or sign item of the new playbook names: they still block. */
  strandedNoGos: { role: string; actor: string; comment?: string }[];
}

export interface ItemActionInput extends ReleaseWriteRef {
  /**
   * Item refs (`core/item-refs.ts`): numbers (`12`), ranges (`9-14`), ids (`changelog`,
   * `pre-release/changelog`), sections or phases (`code-quality`, `pre-release/code-quality`).
   * Items named one by one are all or none; a section or phase takes the items the action fits.
   */
  refs: string[];
  action: ItemAction;
  /** The reason or remark; n/a, waive and fail need one. */
  note?: string;
  /** A link to what shows it. */
  evidence?: string;
  /**
   * Apply the action to what it fits and report the rest (refs that name nothing, items whose
   * kind or state refuse it) instead of refusing all. A malformed or ambiguous ref, a missing
   * reason or role still refuses all, and so does finding nothing to change.
   */
  skipUnmatched?: boolean;
}

/** What a person's action did. */
export interface ItemActionResult {
  /** The items it changed, as they are now, in the order the refs named them. */
  items: ReleaseItem[];
  /** Refs and items it left out, each with why. */
  skipped: SkippedItemRef[];
  /** Parents that moved to follow their sub-items (done when all are accepted), as they are now. */
  followed: ReleaseItem[];
}

export interface ItemRefInput extends ReleaseRef {
  ref: string;
}

/** An item with its history (its `item.state` and check events, oldest first). */
export interface ItemDetail {
  release: Release;
  item: ReleaseItem;
  history: ReleaseEvent[];
}

/** Progress of one phase: its items by how far they are. */
export interface PhaseProgress {
  phase: string;
  title: string;
  total: number;
  accepted: number;
  failed: number;
}

/** Where a release stands: its record, the next gate's evaluation now, progress per phase. */
export interface StatusView {
  view: ReleaseView;
  gate: GateTarget;
  outcome: Outcome;
  blockers: Blocker[];
  phases: PhaseProgress[];
  /** Its life past the gates: production deployment, follow-ups, rollback. */
  life: ReleaseLife;
  /** The project's locked environments (deployments there are refused until unlocked). */
  locks?: EnvironmentLock[];
}

/** A watch measurement due now, and what to measure it with. */
export interface WatchDue {
  item: number;
  title: string;
  target: WatchTarget;
  slot: number;
  dueAt: string;
  /** Slots whose time passed without a measurement: this one stands for them (late). */
  skipped: number;
}

export type PlanWatchesInput = ReleaseRef;

/** The release's watch windows now, and the measurements due. Records nothing. */
export interface WatchPlan {
  release: Release;
  /** When production got the release; absent before. */
  deployedAt?: string;
  /** The environment watches measure: the playbook's last (production). */
  environment?: string;
  watches: WatchView[];
  due: WatchDue[];
  /** The earliest time a measurement of a running window is due next (after `due`). */
  nextDueAt?: string;
  /** Where metric queries go, from the playbook. */
  prometheus?: { url: string; timeout?: string };
  /** Metrics with a query: what a baseline captures. */
  metrics: { metric: string; query: string }[];
  /**
   * The rollback procedure's run items a watch runs by itself, in order: after a failed watch
   * recorded the rollback (`policy.rollback.auto`), those still open up to the first that is
   * neither open nor accepted (a failed one stops the procedure for a person).
   */
  rollbackRuns?: { item: number; title: string }[];
}

/** A measurement taken by a client: what the provider said and what it looked at. */
export interface RecordWatchMeasurementInput extends ReleaseWriteRef {
  item: number;
  value: ProviderValue;
  evidence?: Evidence;
}

export interface RecordWatchMeasurementResult {
  measurement: EventPayloads['watch.measured'];
  watch: WatchView;
  item: ReleaseItem;
  /** The rollback this failure recorded by itself (`policy.rollback.auto`). */
  rollback?: RollbackResult;
  /** The lock this failure took by itself (`policy.rollback.lock_on_failure`). */
  lock?: EnvironmentLock;
}

export interface CaptureBaselineInput extends ReleaseWriteRef {
  /** The environment the values were read in (for people; queries name their own). */
  environment?: string;
  values: { metric: string; value?: number; error?: string }[];
}

/** What a release's life adds to its status once production got it or it was rolled back. */
export interface ReleaseLife {
  /** When production got the release (its newest deployment there, not rolled back). */
  deployedAt?: string;
  /** Open items once production runs the release, with when each is due: not blockers. */
  followUps: FollowUp[];
  /** The newest rollback of the release, and what runs in its environment now. */
  rollback?: { incident: Incident; deployment: Deployment; runsNow?: Deployment };
  /** The rollback procedure's open items (while a rollback is not resolved). */
  rollbackOpen: Blocker[];
  /** The release's watch windows: countdown, latest value, criteria, outcome. */
  watches?: WatchView[];
  /** A watch failed: roll back (the evidence is the watch's latest measurement). */
  rollbackRecommended?: { item: number; title: string; evidence: string }[];
  /** Watches that ended inconclusive: a person decides (ticks or fails the item). */
  undecided?: { item: number; title: string; reason: string }[];
}

export interface StatusInput extends ReleaseRef {
  /** A gate, phase or section id; default: the next gate without a GO. */
  gate?: string;
}

export interface PlanChecksInput extends ReleaseRef {
  refs?: string[];
  phase?: string;
  /** Every check of the release, those after the next gate and the deployment too. */
  all?: boolean;
  /**
   * The environment a check with a URL per environment is run for; default: the one the release
   * deploys to next.
   */
  environment?: string;
}

/**
 * Which checks a plan holds: the items named, one phase, every check, or (the default) those in
 * front of the next gate that does not say GO (`gate`; the whole release once every gate does).
 */
export type CheckScope =
  | { kind: 'refs' }
  | { kind: 'phase'; phase: string }
  | { kind: 'all' }
  | {
      kind: 'gate';
      gate: string;
      title: string;
      /** How many checks of the release it leaves for later (after that gate). */
      later: number;
    };

/** The check items to run, each with its row version when planned (see {@link CheckResultInput}). */
export interface CheckPlan {
  view: ReleaseView;
  items: ReleaseItem[];
  scope: CheckScope;
  /**
   * The environment the checks are for: the one asked for, else the first in promotion order
   * without a succeeded deployment of this release (the last when every one has one).
   */
  environment?: string;
}

/**
 * A check result to record. `itemVersion` is the item's row version when the run began: when a
 * person changed the item since, their state stands and the result is only logged beside it.
 */
export interface CheckResultInput extends CheckOutcome {
  itemVersion?: number;
}

export interface RecordCheckResultsInput extends ReleaseWriteRef {
  results: CheckResultInput[];
}

export interface RecordCheckResultsResult {
  /** The items as they are after recording. */
  items: ReleaseItem[];
  /** Item numbers whose result was logged but not applied (a person acted meanwhile). */
  skipped: number[];
}

export interface PlanRunInput extends ReleaseRef {
  /** One run item: its number (`12`) or id (`deploy/migrate`). */
  ref: string;
}

/**
 * A run item the actor may run now: the item as the release holds it (its `spec` names the
 * command, `timeout`, `cwd`, `confirm`), and the commit the working tree must be at.
 */
export interface RunPlan {
  release: Release;
  item: ReleaseItem;
  /** The roles of which the actor holds one, when the item names `by:`. */
  roles: string[];
}

/**
 * The result of running a run item where the repository is (the CLI), to record on the item:
 * `done` for exit code 0, else `failed`, with the evidence (exit code, duration, masked output,
 * masked command line). `itemVersion` is the item's row version when the run began: when a person
 * changed the item since, their state stands and the result is only logged beside it.
 */
export interface RecordRunResultInput extends ReleaseWriteRef {
  item: number;
  result: 'done' | 'failed';
  summary: string;
  evidence: Evidence;
  durationMs: number;
  itemVersion?: number;
}

export interface RecordRunResultResult {
  item: ReleaseItem;
  /** Whether the result was applied (false when a person changed the item while it ran). */
  applied: boolean;
}

export interface SignInput extends ReleaseWriteRef {
  role: string;
  verdict: Verdict;
  comment?: string;
  /** The gate (phase or section id) or sign item the verdict is for; default: the next one. */
  gate?: string;
}

/** A recorded sign-off with what it was given for, in words. */
export interface SignResult extends SignoffView {
  /** `gate "Go / no-go"` or `#7 "QA sign-off"`. */
  label: string;
}

export interface DecideInput extends ReleaseWriteRef {
  gate?: string;
  /** Let the gate through outside the release window; a role the policy names, with a reason. */
  overrideWindow?: { reason: string };
}

export interface DecideResult {
  decision: Decision;
  gateTitle: string;
}

export interface DeployInput extends ReleaseWriteRef {
  environment: string;
  status?: 'succeeded' | 'failed';
  /** Deploy although a gate says NO-GO; a role the policy names, with a reason. */
  force?: { reason: string };
  /**
   * The commits the deployment ships (the CLI reads them from git: those after the commit the
   * environment ran before), for lead time; at most `maxDeploymentCommits`.
   */
  commits?: DeploymentCommitsInput;
}

/** `gonogo incident open ENV --reason T`: an incident on what runs in ENV now. */
export interface OpenIncidentInput {
  environment: string;
  reason: string;
}

/** `gonogo incident resolve [ID]`: the incident named, or the newest open one (in the environment). */
export interface ResolveIncidentInput {
  id?: string;
  environment?: string;
}

/** A recorded deployment, with the gates in front of it as they were evaluated. */
export interface DeployResult extends Deployment {
  /** The gates in front of the environment, and their outcome when it was deployed. */
  gates: { id: string; title: string; outcome: Outcome }[];
  /** The forced deployment's override, when a gate said NO-GO and a role holder forced it. */
  override?: GateOverride;
  /** The items that say they deploy to the environment, ticked with the deployment. */
  ticked: { number: number; title: string }[];
  /** The release's state after the deployment (`deployed` once production has it). */
  releaseState: Release['state'];
}

export interface RollbackInput extends ReleaseWriteRef {
  environment: string;
  reason: string;
}

export interface RollbackResult {
  deployment: Deployment;
  incident: Incident;
  /** The rollback procedure's items added to the release (none when already there). */
  items: ReleaseItem[];
  /** What the environment runs again: its newest earlier succeeded deployment, if any. */
  runsAgain?: Deployment;
}

export interface EnvironmentView {
  environment: string;
  /** What runs there now: the newest succeeded deployment not rolled back. */
  current?: Deployment;
  /** The newest deployment attempt of any status. */
  last?: Deployment;
  /**
   * The newest deployment here when it was rolled back after `current` was deployed: what runs
   * now runs again since `incident.openedAt`.
   */
  rolledBack?: { deployment: Deployment; incident: Incident };
  /** The lock that refuses deployments here, when there is one. */
  lock?: EnvironmentLock;
}

export interface LockInput {
  environment: string;
  reason: string;
}

export interface UnlockInput {
  environment: string;
  reason?: string;
}

/** A lifted lock: who lifted it, when, why, and the lock it was. */
export interface UnlockResult {
  environment: string;
  actor: string;
  at: string;
  reason?: string;
  lock: EnvironmentLock;
}

export interface EnvironmentsInput {
  /** The playbook whose environments to list first (in promotion order). */
  playbook?: Playbook;
}

export interface AuditProblem {
  /**
   * Where it was found: `chain` the hash chain or its anchored head (an event edited, deleted
   * or added), `replay` the log itself (an event that cannot be replayed or contradicts the
   * ones before), `record` a table that says other than the log.
   */
  kind: 'chain' | 'replay' | 'record';
  /** The event where the record and the log part, when there is one. */
  seq?: number;
  message: string;
  /** For `record`: the table, the row as a person names it, and the field. */
  table?: string;
  row?: string;
  field?: string;
}

export interface AuditResult {
  version: string;
  ok: boolean;
  /** Events checked. */
  checked: number;
  problems: AuditProblem[];
  /** The head the release row anchors (what an export names too). */
  head: ChainHead;
  /** How many events were written under an overridden clock. */
  clockOverrides: number;
  /** The first of them: the time it was given and the real time. */
  firstClockOverride?: { seq: number; at: string; realAt: string };
}

// Notifications (issue 11): service-notify.ts.

/** A notify item to perform now: its number (`12`) or id. */
export type PerformNotifyItemInput = ItemRefInput & ReleaseWriteRef;

export interface NotifyItemResult {
  /** The item after: `done` with the deliveries as evidence, or `failed` with the error. */
  item: ReleaseItem;
  deliveries: NotifyDelivery[];
}

export interface ListDeliveriesInput extends ReleaseRef {
  /** The newest this many (50 unless told). */
  limit?: number;
}

/** The delivery log: deliveries oldest first, the disabled channels, the next attempt due. */
export interface DeliveryLog {
  deliveries: NotifyDelivery[];
  disabled: DisabledChannel[];
  nextAttemptAt?: string;
}

export interface SendDueInput {
  /** Deliveries to take at most (50 unless told). */
  limit?: number;
}

export interface SendDueResult {
  attempted: number;
  delivered: number;
  /** The deliveries attempted, as they are after. */
  deliveries: NotifyDelivery[];
  /** When the next queued delivery of the project is due. */
  nextAttemptAt?: string;
}

export interface NotifyChannelInput {
  channel: string;
}

export interface NotifyChannelResult {
  channel: string;
  /** False when the channel was not disabled. */
  enabled: boolean;
}

/**
 * Every use case of gonogo. Implementations: in-process over a store (`createReleaseService`)
 * and, next, the HTTP client. Errors are `GonogoError`s with a stable `code` and a hint.
 *
 * @example
 * const svc: ReleaseService = createReleaseService({ store, actor: 'ana@example.com', project: 'acme/app' });
 * const { outcome, blockers } = await svc.getStatus();
 */
export interface ReleaseService {
  /** The project this service acts in. */
  readonly project: string;

  startRelease(input: StartReleaseInput): Promise<ReleaseView>;
  getRelease(input?: ReleaseRef): Promise<ReleaseView>;
  /** Newest first. */
  listReleases(): Promise<Release[]>;
  /** Moves the release to a new candidate commit; earlier sign-offs become stale. */
  retarget(input: RetargetInput): Promise<Release>;
  /** Ends a release that will not ship, with a reason; it takes no more changes. */
  abandonRelease(input: AbandonInput): Promise<Release>;
  /** The release's event log, oldest first. */
  listEvents(input?: ReleaseRef): Promise<ReleaseEvent[]>;
  /**
   * Re-snapshots an edited playbook into a release in progress, recorded as one event with the
   * difference; sign-offs of the gates and sign items it changed count no more.
   */
  resnapshot(input: ResnapshotInput): Promise<ResnapshotResult>;

  /**
   * A person's action on one or more items: all or none for items named one by one, the items
   * it fits in a section or phase; with `skipUnmatched`, what it can, reporting the rest.
   */
  actOnItems(input: ItemActionInput): Promise<ItemActionResult>;
  getItem(input: ItemRefInput): Promise<ItemDetail>;
  /** The next gate's evaluation now (nothing recorded), with progress per phase. */
  getStatus(input?: StatusInput): Promise<StatusView>;

  planChecks(input: PlanChecksInput): Promise<CheckPlan>;
  recordCheckResults(input: RecordCheckResultsInput): Promise<RecordCheckResultsResult>;

  /**
   * The run item `ref` names, when the actor may run it now: it is a run item of a release in
   * progress and the actor holds one of the roles its `by:` names. Records nothing.
   */
  planRun(input: PlanRunInput): Promise<RunPlan>;
  /** Records a run item's result (done or failed) with its evidence, checking the roles again. */
  recordRunResult(input: RecordRunResultInput): Promise<RecordRunResultResult>;

  /** The watch windows of the release and the measurements due now; records nothing. */
  planWatches(input?: PlanWatchesInput): Promise<WatchPlan>;
  /**
   * Records a measurement of a watch that is due now, judged by its criteria; when it decides
   * the window, sets the item (passed → done, failed → failed; inconclusive leaves it open).
   */
  recordWatchMeasurement(input: RecordWatchMeasurementInput): Promise<RecordWatchMeasurementResult>;
  /** Records each metric's value now as the release's baseline. */
  captureBaseline(input: CaptureBaselineInput): Promise<CaptureBaselineInput['values']>;

  /** A sign-off for one gate or sign item, pinned to the release commit. */
  sign(input: SignInput): Promise<SignResult>;
  /** GO or NO-GO for a gate, recorded with its inputs. */
  decide(input: DecideInput): Promise<DecideResult>;

  /**
   * Records a deployment; re-evaluates every gate in front of the environment in the same
   * transaction and refuses with `gate-closed` and every blocker unless forced.
   */
  deploy(input: DeployInput): Promise<DeployResult>;
  rollback(input: RollbackInput): Promise<RollbackResult>;
  /**
   * Locks an environment: deployments to it are refused, forced ones too, until it is unlocked.
   * Refused when it is locked already (the lock standing is named).
   */
  lockEnvironment(input: LockInput): Promise<EnvironmentLock>;
  /** Lifts an environment's lock; refused when it is not locked. */
  unlockEnvironment(input: UnlockInput): Promise<UnlockResult>;
  /** What runs in each environment, since when, from which release, and its lock. */
  listEnvironments(input?: EnvironmentsInput): Promise<EnvironmentView[]>;

  /** Replays the log of one release (or all of the project) against the record. */
  verifyAudit(input?: ReleaseRef): Promise<AuditResult[]>;

  /**
   * Process analytics of the project's releases started in a period: cycle time, time per
   * phase, sign-off waits, the slowest items and the items most often waived or n/a.
   */
  analytics(input?: AnalyticsInput): Promise<AnalyticsReport>;
  // Notifications (issue 11).
  /**
   * Performs a notify item now: sends its message to each channel it names; the item becomes
   * `done` with the deliveries as evidence, or `failed` with the error.
   */
  performNotifyItem(input: PerformNotifyItemInput): Promise<NotifyItemResult>;
  /** The delivery log of one release, or the project's newest deliveries. */
  listDeliveries(input?: ListDeliveriesInput): Promise<DeliveryLog>;
  /** Sends the queued deliveries that are due (the scheduler, `gonogo notify --send-queued`). */
  sendDueDeliveries(input?: SendDueInput): Promise<SendDueResult>;
  /** Enables a channel that an endpoint's 410 Gone disabled. */
  enableNotifyChannel(input: NotifyChannelInput): Promise<NotifyChannelResult>;
  /** DORA's four keys of an environment over a period, against the period before (docs/metrics.md). */
  getMetrics(input?: MetricsQuery): Promise<MetricsReport>;
  /** Opens an incident on the deployment running in an environment: it becomes a change failure. */
  openIncident(input: OpenIncidentInput): Promise<Incident>;
  /** Resolves an incident: its deployment's recovery time ends. */
  resolveIncident(input?: ResolveIncidentInput): Promise<Incident>;
  /** Records deployments read from git tags, marked imported; versions already there are skipped. */
  importDeployments(input: ImportDeploymentsRequest): Promise<ImportDeploymentsResult>;
}
