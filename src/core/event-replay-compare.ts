/**
 * Comparing what the log rebuilds (`replayEvents`) with what the tables hold: every row, field
 * and value where they part, with the event that last set it. Pure.
 */
import { hashValue } from './event-payloads.ts';
import { canonicalJson } from './hash.ts';
import type {
  DecisionFields,
  DeploymentFields,
  ReleaseFields,
  ReleaseTables,
  Replayed,
  ReplayedRelease,
  ReplayDifference,
} from './event-replay.ts';
import type { GateOverride, Incident, ReleaseItem, Signoff } from './release-model.ts';
import { describeItem } from './release-rules.ts';

/** How a value reads in a message: states and names bare, text quoted, long values cut. */
function show(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string' && /^[\w.@/+:-]{1,64}$/.test(value)) return value;
  const text = typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

const equal = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** How one table is compared: its rows' key and name, and the fields to compare. */
interface TableSpec<T> {
  table: ReplayDifference['table'];
  /** The field a message names without saying which ("the table says done"). */
  main: keyof T & string;
  fields: (keyof T & string)[];
  name(row: T): string;
}

function compareRow<T>(
  spec: TableSpec<T>,
  actual: T,
  expected: Replayed<T>,
  out: ReplayDifference[],
): void {
  for (const field of spec.fields) {
    if (expected.unknown.has(field)) continue;
    const a = (actual as Record<string, unknown>)[field];
    const x = (expected.row as Record<string, unknown>)[field];
    if (equal(a, x)) continue;
    const seq = expected.since[field] ?? expected.seq;
    const label = field === spec.main ? '' : `${field} `;
    const row = spec.name(expected.row);
    out.push({
      table: spec.table,
      row,
      field,
      seq,
      message: `${row}: the table says ${label}${show(a)}, the log says ${label}${show(x)} since event ${seq}`,
    });
  }
}

function reportExtra<T>(spec: TableSpec<T>, row: T, out: ReplayDifference[]): void {
  const name = spec.name(row);
  out.push({
    table: spec.table,
    row: name,
    message: `${name} is in the table, but no event records it: it was written behind the log's back`,
  });
}

function reportMissing<T>(spec: TableSpec<T>, r: Replayed<T>, out: ReplayDifference[]): void {
  const name = spec.name(r.row);
  out.push({
    table: spec.table,
    row: name,
    seq: r.seq,
    message: `${name} is recorded by event ${r.seq}, but the table does not have it: it was deleted`,
  });
}

/** Compares rows with a key: each side's extra rows are reported, pairs field by field. */
function compareKeyed<T>(
  spec: TableSpec<T>,
  actual: T[],
  expected: Map<string | number, Replayed<T>>,
  keyOf: (row: T) => string | number,
  out: ReplayDifference[],
): void {
  const seen = new Set<string | number>();
  for (const row of actual) {
    const key = keyOf(row);
    const x = expected.get(key);
    if (!x || seen.has(key)) reportExtra(spec, row, out);
    else compareRow(spec, row, x, out);
    seen.add(key);
  }
  for (const [key, x] of expected) if (!seen.has(key)) reportMissing(spec, x, out);
}

/**
 * Compares rows without an id of their own (sign-offs, decisions): equal rows pair first, then
 * rows that agree on `pairKey` (the same role or gate at the same time) are compared field by
 * field, and what is left is extra or missing.
 */
function compareUnkeyed<T>(
  spec: TableSpec<T>,
  actual: T[],
  expected: Replayed<T>[],
  pairKey: (row: T) => string,
  out: ReplayDifference[],
): void {
  // Equal on every field the log knows of the replayed row.
  const same = (row: T, x: Replayed<T>) =>
    spec.fields.every(
      (f) =>
        x.unknown.has(f) ||
        equal((row as Record<string, unknown>)[f], (x.row as Record<string, unknown>)[f]),
    );
  const left = [...expected];
  const unmatched: T[] = [];
  for (const row of actual) {
    const i = left.findIndex((x) => same(row, x));
    if (i >= 0) left.splice(i, 1);
    else unmatched.push(row);
  }
  for (const row of unmatched) {
    const i = left.findIndex((x) => pairKey(x.row) === pairKey(row));
    if (i >= 0) compareRow(spec, row, left.splice(i, 1)[0]!, out);
    else reportExtra(spec, row, out);
  }
  for (const x of left) reportMissing(spec, x, out);
}

const itemSpec: TableSpec<ReleaseItem> = {
  table: 'release_items',
  main: 'state',
  fields: [
    'state',
    'note',
    'evidence',
    'updatedBy',
    'updatedAt',
    'id',
    'title',
    'phase',
    'section',
    'kind',
    'optional',
    'parent',
    'rollback',
    'spec',
  ],
  name: (i) => `item ${describeItem(i)}`,
};

const releaseSpec: TableSpec<ReleaseFields> = {
  table: 'releases',
  main: 'state',
  fields: [
    'state',
    'version',
    'project',
    'type',
    'commit',
    'commitAt',
    'playbookHash',
    'stateReason',
    'stateBy',
    'stateAt',
    'supersedes',
    'supersededBy',
    'createdAt',
    'createdBy',
    'updatedAt',
  ],
  name: (r) => `release ${r.version}`,
};

const signoffSpec: TableSpec<Signoff> = {
  table: 'signoffs',
  main: 'verdict',
  fields: [
    'verdict',
    'role',
    'target',
    'commit',
    'actor',
    'at',
    'comment',
    'carriedFrom',
    'staleSince',
  ],
  name: (s) => `sign-off of ${s.role} by ${s.actor} at ${s.at}`,
};

const decisionSpec: TableSpec<DecisionFields> = {
  table: 'decisions',
  main: 'outcome',
  fields: ['outcome', 'gate', 'blockers', 'commit', 'actor', 'at', 'override', 'inputsHash'],
  name: (d) => `decision on ${d.gate} at ${d.at}`,
};

const deploymentSpec: TableSpec<DeploymentFields> = {
  table: 'deployments',
  main: 'status',
  fields: [
    'status',
    'environment',
    'project',
    'version',
    'commit',
    'releaseId',
    'startedAt',
    'finishedAt',
    'actor',
  ],
  name: (d) => `deployment ${d.id} (${d.environment})`,
};

const overrideSpec: TableSpec<GateOverride> = {
  table: 'gate_overrides',
  main: 'reason',
  fields: ['reason', 'kind', 'gate', 'environment', 'commit', 'role', 'actor', 'at', 'blockers'],
  name: (o) =>
    o.kind === 'window'
      ? `window override of ${o.gate} by ${o.actor} at ${o.at}`
      : `forced deployment to ${o.environment} by ${o.actor} at ${o.at}`,
};

const incidentSpec: TableSpec<Incident> = {
  table: 'incidents',
  main: 'resolvedAt',
  fields: ['resolvedAt', 'deploymentId', 'kind', 'reason', 'openedAt', 'actor'],
  name: (i) => `incident ${i.id} (${i.kind})`,
};

/**
 * Every difference between the tables and the replayed log, each with the row, the field and
 * the event where they part.
 *
 * @example
 * compareReplay(replayEvents(events, playbooks), tables)[0]?.message
 * // 'item #7 "CHANGELOG updated": the table says done, the log says pending since event 12'
 */
export function compareReplay(
  replayed: ReplayedRelease,
  tables: ReleaseTables,
): ReplayDifference[] {
  const out: ReplayDifference[] = [];
  if (replayed.release) compareRow(releaseSpec, tables.release, replayed.release, out);
  compareKeyed(itemSpec, tables.items, replayed.items, (i) => i.number, out);
  compareUnkeyed(signoffSpec, tables.signoffs, replayed.signoffs, (s) => `${s.role} ${s.at}`, out);
  const decisions = tables.decisions.map(({ inputs, ...d }): DecisionFields => ({
    ...d,
    inputsHash: hashValue(inputs),
  }));
  compareUnkeyed(decisionSpec, decisions, replayed.decisions, (d) => `${d.gate} ${d.at}`, out);
  compareKeyed(deploymentSpec, tables.deployments, replayed.deployments, (d) => d.id, out);
  compareKeyed(incidentSpec, tables.incidents, replayed.incidents, (i) => i.id, out);
  compareUnkeyed(
    overrideSpec,
    tables.overrides,
    replayed.overrides,
    (o) => `${o.kind} ${o.gate ?? o.environment} ${o.at}`,
    out,
  );
  return out;
}
