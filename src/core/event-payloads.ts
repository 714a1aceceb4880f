/**
 * What the service records in a release's log: the payload of each event type. One entry here
 * per event type, and one handler in `event-replay.ts` that says what it does to the rows.
 */
import { canonicalJson, sha256 } from './hash.ts';
import type { PlaybookDiff } from './playbook-diff.ts';
import type {
  Blocker,
  DeploymentStatus,
  Evidence,
  ItemState,
  Outcome,
  ReleaseState,
  SignoffTarget,
  Verdict,
} from './release-model.ts';
import type { MeasurementPhase, WatchOutcome } from './watch-analysis.ts';

/**
 * The payload of each event type, as the service records it. Fields marked optional were added
 * later: a log written before them replays without them, and what they would have said is not
 * compared.
 */
export interface EventPayloads {
  'release.started': {
    version: string;
    project?: string;
    type: string | null;
    commit: string | null;
    commitAt?: string | null;
    playbook: { name: string; hash: string };
    /** How many items the release started with. */
    items: number;
    /** The version of the release this one replaces. */
    supersedes?: string;
  };
  /**
   * The release moved to another state of its life (deployed, rolled back, abandoned,
   * superseded), with the reason where one was given.
   */
  'release.state': {
    from: ReleaseState;
    to: ReleaseState;
    reason?: string;
    /** For `superseded`: the version that replaced it. */
    supersededBy?: string;
  };
  /** A rollback's procedure is complete: its incidents are resolved (time to restore ends). */
  'rollback.completed': { resolvedIncidents: string[] };
  /** An incident linked to a deployment of the release (not a rollback): a change failure. */
  'incident.opened': { incident: string; deployment: string; environment: string; reason: string };
  /**
   * Incidents of the release's deployments resolved (time to restore ends): by a person, or by
   * a later good deployment to the environment (`deployment`, its id, and `version`).
   */
  'incident.resolved': { incidents: string[]; deployment?: string; version?: string };
  'release.retargeted': {
    from: string | null;
    to: string;
    staleSignoffs: string[];
    /** Present when the commit time was given with the new commit. */
    commitAt?: string;
  };
  'item.state': {
    item: number;
    id: string;
    from: ItemState;
    to: ItemState;
    action?: string;
    note?: string;
    evidence?: Evidence;
  };
  'signoff.recorded': {
    role: string;
    verdict: Verdict;
    /** The gate or sign item it is for. */
    target?: SignoffTarget;
    commit: string | null;
    comment: string | null;
    /**
     * Carried over from the release this one supersedes (same commit): the row keeps its
     * signer and time.
     */
    carried?: { from: string; actor: string; at: string };
  };
  /** A window override for one gate at one commit (a row of `gate_overrides` since `role`). */
  'window.overridden': {
    gate: string;
    reason: string;
    commit?: string | null;
    /** The role it was given as, one `policy.window.override` names. */
    role?: string;
    /** The window blockers it let through when given. */
    blockers?: Blocker[];
  };
  /** A deployment forced past gates that said NO-GO (a row of `gate_overrides`). */
  'deployment.forced': {
    environment: string;
    commit: string | null;
    role: string;
    reason: string;
    blockers: Blocker[];
  };
  'decision.recorded': {
    gate: string;
    outcome: Outcome;
    blockers: Blocker[];
    commit: string | null;
    /** SHA-256 of the canonical JSON of the decision's inputs (they are large). */
    inputsHash?: string;
    override?: { reason: string; by: string } | null;
  };
  'deployment.recorded': {
    id: string;
    environment: string;
    status: DeploymentStatus;
    commit: string | null;
    /** The gates in front of the environment and their outcome when it was deployed. */
    gates?: { id: string; outcome: Outcome }[];
    /** The reason given to deploy without a GO. */
    forced?: string;
  };
  'rollback.recorded': {
    deployment: string;
    environment: string;
    reason: string;
    incident: string;
    /** Numbers of the rollback items added to the release (none when it already had them). */
    items: number[];
    /**
     * The release's state when it was rolled back. Logs that say it record any change of state
     * as a `release.state` event of its own; older ones put the release back in progress.
     */
    from?: ReleaseState;
    /** The version rolled back (logs before it said only the deployment). */
    fromVersion?: string;
    /** The version the environment runs again; null when nothing ran there before. */
    toVersion?: string | null;
    /** The watch whose failure recorded the rollback by itself (`policy.rollback.auto`). */
    watch?: { item: number; id: string };
  };
  'release.project-changed': { from: string; to: string };
  /** A check result logged beside its item but not applied (a person changed the item meanwhile). */
  'check.result': {
    item: number;
    id: string;
    result: 'passed' | 'failed' | 'error';
    summary: string;
    applied: false;
    reason: string;
  };
  /** A run item's result logged beside it but not applied (a person changed the item meanwhile). */
  'run.result': {
    item: number;
    id: string;
    result: 'done' | 'failed';
    summary: string;
    applied: false;
    reason: string;
  };
  /**
   * An environment was locked: deployments to it are refused until it is unlocked. Recorded on
   * the log of the project's newest release; the lock holds for the whole project.
   */
  'environment.locked': {
    environment: string;
    reason: string;
    /** The watch whose failure locked it by itself (`policy.rollback.lock_on_failure`). */
    watch?: { item: number; id: string };
  };
  /** An environment's lock was lifted. */
  'environment.unlocked': {
    environment: string;
    reason?: string;
    lockedBy: string;
    lockedAt: string;
  };
  /**
   * One measurement of a watch window: the slot it was due for (a late one stands for `skipped`
   * slots before it), what the provider said, its phase under the criteria and the window's
   * outcome after it. The item's state changes, when the outcome decides one, by an
   * `item.state` event of its own.
   */
  'watch.measured': {
    item: number;
    id: string;
    slot: number;
    dueAt: string;
    skipped: number;
    phase: MeasurementPhase;
    value?: number;
    message?: string;
    baseline?: number;
    evidence?: Evidence;
    outcome: WatchOutcome;
    reason?: string;
  };
  /** Each metric's value before the deploy, for criteria that say `2x baseline`. */
  'baseline.captured': {
    environment?: string;
    values: { metric: string; value?: number; error?: string }[];
  };
  'release.finished': {
    version: string;
    /** The state it finished from; logs that say it also record who finished it and when. */
    from?: ReleaseState;
    /** Incidents the finish resolved (their rollback procedure is complete). */
    resolvedIncidents?: string[];
  };
  /**
   * A person re-snapshot the release's playbook: the difference it made (items added, removed
   * with their last state, changed with the state they had; gates changed; the gates and sign
   * items whose earlier sign-offs count no more).
   */
  'release.resnapshot': {
    /** The playbook the release had. */
    from: { hash: string };
    /** The playbook it has since (its snapshot is stored under this hash). */
    playbook: { name: string; hash: string };
  } & PlaybookDiff;
}

export type EventType = keyof EventPayloads;

/**
 * SHA-256 of a value's canonical JSON: how a large field (decision inputs) is recorded in an
 * event and compared with its row.
 *
 * @example hashValue({ b: 1, a: 2 }) === hashValue({ a: 2, b: 1 }) // true
 */
export function hashValue(value: unknown): string {
  return sha256(canonicalJson(value ?? null));
}
