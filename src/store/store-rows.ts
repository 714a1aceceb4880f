/**
 * The tables as Kysely sees them (snake_case rows, times as ISO text, JSON as text) and how a
 * row becomes the camelCase model of `core/release-model.ts`, with optional fields absent (not
 * null) when empty.
 */
import type { ColumnType, Selectable } from 'kysely';
import type {
  Decision,
  Deployment,
  EventOrigin,
  GateOverride,
  Incident,
  Release,
  ReleaseEvent,
  ReleaseItem,
  Signoff,
} from '../core/release-model.ts';
import type { AccountTables } from './store-accounts.ts';
import type { JobTables } from './store-jobs.ts';

export type BooleanColumn = ColumnType<boolean | number, boolean, boolean>;

export interface PlaybookRow {
  hash: string;
  name: string;
  body: string;
  created_at: string;
}

export interface ReleaseRow {
  id: string;
  project: string;
  version: string;
  type: string | null;
  commit_sha: string | null;
  commit_at: string | null;
  playbook_hash: string;
  state: Release['state'];
  created_at: string;
  created_by: string;
  updated_at: string;
  row_version: number;
  /** The anchored head of the release's log: its event count (0 while empty) and last hash. */
  event_count: number;
  head_hash: string | null;
  state_reason: string | null;
  state_by: string | null;
  state_at: string | null;
  supersedes: string | null;
  superseded_by: string | null;
}

export interface ReleaseItemRow {
  release_id: string;
  number: number;
  item_id: string;
  phase: string;
  section: string;
  title: string;
  kind: ReleaseItem['kind'];
  optional: BooleanColumn;
  parent: number | null;
  rollback: BooleanColumn;
  spec: string;
  state: ReleaseItem['state'];
  note: string | null;
  evidence: string | null;
  updated_at: string;
  updated_by: string | null;
  row_version: number;
}

export interface SignoffRow {
  id: string;
  release_id: string;
  role: string;
  verdict: Signoff['verdict'];
  target_kind: 'gate' | 'item' | null;
  target: string | null;
  commit_sha: string | null;
  actor: string;
  at: string;
  comment: string | null;
  carried_from: string | null;
  /** The re-snapshot event from which it counts no more for its target; null while it counts. */
  stale_since: number | null;
}

export interface DecisionRow {
  id: string;
  release_id: string;
  gate: string;
  outcome: Decision['outcome'];
  blockers: string;
  inputs: string;
  commit_sha: string | null;
  actor: string;
  at: string;
  override: string | null;
}

export interface GateOverrideRow {
  id: string;
  release_id: string;
  kind: GateOverride['kind'];
  gate: string | null;
  environment: string | null;
  commit_sha: string | null;
  role: string;
  actor: string;
  at: string;
  reason: string;
  blockers: string;
}

export interface DeploymentRow {
  id: string;
  project: string;
  release_id: string;
  version: string;
  commit_sha: string | null;
  environment: string;
  status: Deployment['status'];
  started_at: string;
  finished_at: string | null;
  actor: string;
}

export interface IncidentRow {
  id: string;
  deployment_id: string;
  kind: Incident['kind'];
  reason: string;
  opened_at: string;
  resolved_at: string | null;
  actor: string;
}

export interface EventRow {
  release_id: string;
  seq: number;
  at: string;
  actor: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
  /** Set only when the event's time came from an overridden clock. */
  real_at: string | null;
  /** Where the change came from (JSON of an `EventOrigin`), when known. */
  origin: string | null;
}

export interface EnvironmentLockRow {
  project: string;
  environment: string;
  reason: string;
  actor: string;
  at: string;
  /** The release on whose log it was recorded. */
  version: string | null;
}

export interface ProjectPlaybookRow {
  project: string;
  hash: string;
  stored_by: string;
  stored_at: string;
}

export interface ProjectRow {
  id: string;
  created_at: string;
}

/** The tables as Kysely sees them. */
export interface StoreTables extends AccountTables, JobTables {
  projects: ProjectRow;
  project_playbooks: ProjectPlaybookRow;
  playbooks: PlaybookRow;
  releases: ReleaseRow;
  release_items: ReleaseItemRow;
  signoffs: SignoffRow;
  decisions: DecisionRow;
  gate_overrides: GateOverrideRow;
  deployments: DeploymentRow;
  incidents: IncidentRow;
  events: EventRow;
  environment_locks: EnvironmentLockRow;
}

export function toRelease(row: ReleaseRow): Release {
  const release: Release = {
    id: row.id,
    project: row.project,
    version: row.version,
    playbookHash: row.playbook_hash,
    state: row.state,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    rowVersion: Number(row.row_version),
  };
  if (row.type !== null) release.type = row.type;
  if (row.commit_sha !== null) release.commit = row.commit_sha;
  if (row.commit_at !== null) release.commitAt = row.commit_at;
  if (row.state_reason !== null) release.stateReason = row.state_reason;
  if (row.state_by !== null) release.stateBy = row.state_by;
  if (row.state_at !== null) release.stateAt = row.state_at;
  if (row.supersedes !== null) release.supersedes = row.supersedes;
  if (row.superseded_by !== null) release.supersededBy = row.superseded_by;
  const count = Number(row.event_count);
  if (count > 0 && row.head_hash !== null) release.head = { count, hash: row.head_hash };
  return release;
}

export function toItem(row: Selectable<ReleaseItemRow>): ReleaseItem {
  const item: ReleaseItem = {
    releaseId: row.release_id,
    number: Number(row.number),
    id: row.item_id,
    phase: row.phase,
    section: row.section,
    title: row.title,
    kind: row.kind,
    optional: Boolean(row.optional),
    rollback: Boolean(row.rollback),
    spec: JSON.parse(row.spec) as ReleaseItem['spec'],
    state: row.state,
    updatedAt: row.updated_at,
    rowVersion: Number(row.row_version),
  };
  if (row.parent !== null) item.parent = Number(row.parent);
  if (row.note !== null) item.note = row.note;
  if (row.evidence !== null) item.evidence = JSON.parse(row.evidence) as ReleaseItem['evidence'];
  if (row.updated_by !== null) item.updatedBy = row.updated_by;
  return item;
}

export function toSignoff(row: SignoffRow): Signoff {
  const signoff: Signoff = {
    id: row.id,
    releaseId: row.release_id,
    role: row.role,
    verdict: row.verdict,
    actor: row.actor,
    at: row.at,
  };
  if (row.target_kind !== null && row.target !== null)
    signoff.target = { kind: row.target_kind, id: row.target };
  if (row.commit_sha !== null) signoff.commit = row.commit_sha;
  if (row.comment !== null) signoff.comment = row.comment;
  if (row.carried_from !== null) signoff.carriedFrom = row.carried_from;
  if (row.stale_since !== null && row.stale_since !== undefined)
    signoff.staleSince = Number(row.stale_since);
  return signoff;
}

export function toOverride(row: GateOverrideRow): GateOverride {
  const override: GateOverride = {
    releaseId: row.release_id,
    kind: row.kind,
    role: row.role,
    actor: row.actor,
    at: row.at,
    reason: row.reason,
    blockers: JSON.parse(row.blockers) as GateOverride['blockers'],
  };
  if (row.gate !== null) override.gate = row.gate;
  if (row.environment !== null) override.environment = row.environment;
  if (row.commit_sha !== null) override.commit = row.commit_sha;
  return override;
}

export function toDecision(row: DecisionRow): Decision {
  const decision: Decision = {
    id: row.id,
    releaseId: row.release_id,
    gate: row.gate,
    outcome: row.outcome,
    blockers: JSON.parse(row.blockers) as Decision['blockers'],
    inputs: JSON.parse(row.inputs) as unknown,
    actor: row.actor,
    at: row.at,
  };
  if (row.commit_sha !== null) decision.commit = row.commit_sha;
  if (row.override !== null) decision.override = JSON.parse(row.override) as Decision['override'];
  return decision;
}

export function toDeployment(row: DeploymentRow): Deployment {
  const deployment: Deployment = {
    id: row.id,
    project: row.project,
    releaseId: row.release_id,
    version: row.version,
    environment: row.environment,
    status: row.status,
    startedAt: row.started_at,
    actor: row.actor,
  };
  if (row.commit_sha !== null) deployment.commit = row.commit_sha;
  if (row.finished_at !== null) deployment.finishedAt = row.finished_at;
  return deployment;
}

export function toIncident(row: IncidentRow): Incident {
  const incident: Incident = {
    id: row.id,
    deploymentId: row.deployment_id,
    kind: row.kind,
    reason: row.reason,
    openedAt: row.opened_at,
    actor: row.actor,
  };
  if (row.resolved_at !== null) incident.resolvedAt = row.resolved_at;
  return incident;
}

export function toEvent(row: EventRow): ReleaseEvent {
  const event: ReleaseEvent = {
    releaseId: row.release_id,
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    type: row.type,
    payload: parseStored(row.payload),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.real_at !== null) event.realAt = row.real_at;
  if (row.origin !== null) event.origin = parseStored(row.origin) as EventOrigin;
  return event;
}

/**
 * A JSON column as stored; text that is not JSON (a row edited outside gonogo) is kept as the
 * text itself, so the chain check reports the event instead of every read failing on it.
 */
function parseStored(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
