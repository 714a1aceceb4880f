/**
 * The log is the source of truth: replaying a release's events rebuilds the rows the other
 * tables should hold (release, items, sign-offs, decisions, deployments, incidents, window
 * overrides and forced deployments); `event-replay-compare.ts` compares them with what the
 * tables hold. Pure: the playbook snapshots come in by hash.
 *
 * One entry per event type in `EventPayloads` (`event-payloads.ts`, what the service records)
 * and in `handlers` here (what it does to the rows).
 */
import { hashValue } from './event-payloads.ts';
import type { EventPayloads, EventType } from './event-payloads.ts';
import { canonicalJson } from './hash.ts';
import type { Playbook } from './playbook.ts';
import { diffPlaybook } from './playbook-diff.ts';
import type { PlaybookDiff } from './playbook-diff.ts';
import type {
  Decision,
  Deployment,
  GateOverride,
  Incident,
  Release,
  ReleaseEvent,
  ReleaseItem,
  Signoff,
} from './release-model.ts';
import { describeItem, expandItems, expandRollbackItems } from './release-rules.ts';

/** A row the log rebuilds, and for each field the event that last set it. */
export interface Replayed<T> {
  row: T;
  /** The event that created the row. */
  seq: number;
  /** Field → the event that last set it (the creating event when absent). */
  since: Partial<Record<keyof T & string, number>>;
  /** Fields the log does not know (written before its events recorded them): not compared. */
  unknown: Set<keyof T & string>;
}

/** The release as its log says it is. */
export interface ReplayedRelease {
  release?: Replayed<ReleaseFields>;
  items: Map<number, Replayed<ReleaseItem>>;
  signoffs: Replayed<Signoff>[];
  decisions: Replayed<DecisionFields>[];
  deployments: Map<string, Replayed<DeploymentFields>>;
  incidents: Map<string, Replayed<Incident>>;
  /** Window overrides and forced deployments. */
  overrides: Replayed<GateOverride>[];
  /** Where the log cannot be replayed, or contradicts itself. */
  problems: { seq: number; message: string }[];
}

/** The release fields the log decides (not its id, project or row version). */
export type ReleaseFields = Pick<
  Release,
  | 'version'
  | 'project'
  | 'type'
  | 'commit'
  | 'commitAt'
  | 'playbookHash'
  | 'state'
  | 'stateReason'
  | 'stateBy'
  | 'stateAt'
  | 'supersedes'
  | 'supersededBy'
  | 'createdAt'
  | 'createdBy'
  | 'updatedAt'
>;
/** A decision with its inputs as a hash (the log keeps the hash, the table the inputs). */
export type DecisionFields = Omit<Decision, 'inputs'> & { inputsHash?: string };
/** A deployment as the log rebuilds it. */
export type DeploymentFields = Deployment;

/** What the tables hold for one release. */
export interface ReleaseTables {
  release: Release;
  items: ReleaseItem[];
  signoffs: Signoff[];
  decisions: Decision[];
  deployments: Deployment[];
  incidents: Incident[];
  overrides: GateOverride[];
}

/** A place where the tables and the log disagree. */
export interface ReplayDifference {
  table:
    | 'releases'
    | 'release_items'
    | 'signoffs'
    | 'decisions'
    | 'deployments'
    | 'incidents'
    | 'gate_overrides';
  /** The row, as a person names it: `item #7 "CHANGELOG updated"`, `deployment 0197…`. */
  row: string;
  /** The field that differs; absent when the whole row is missing on one side. */
  field?: string;
  /** The event where the log last set the field (or created the row); absent for a row no event made. */
  seq?: number;
  message: string;
}

/** Thrown inside a handler for a payload it cannot read; caught per event. */
class ReplayError extends Error {}

interface ReplayContext {
  state: ReplayedRelease;
  playbooks: ReadonlyMap<string, Playbook>;
  playbook?: Playbook;
  /** A window override waiting for its decision (logs before `decision.override` existed). */
  pendingOverride?: { gate: string; reason: string; by: string; seq: number };
  /** The highest number of an item a re-snapshot removed: numbers are never given again. */
  highestRemoved?: number;
}

type Handler<T extends EventType> = (
  ctx: ReplayContext,
  e: ReleaseEvent & { type: T },
  p: EventPayloads[T],
) => void;

function set<T>(r: Replayed<T>, seq: number, patch: Partial<T>): void {
  for (const [k, v] of Object.entries(patch)) {
    const key = k as keyof T & string;
    if (v === undefined) delete (r.row as Record<string, unknown>)[key];
    else (r.row as Record<string, unknown>)[key] = v;
    r.since[key] = seq;
    r.unknown.delete(key);
  }
}

const created = <T>(row: T, seq: number, unknown: (keyof T & string)[] = []): Replayed<T> => ({
  row,
  seq,
  since: {},
  unknown: new Set(unknown),
});

/** Reports where the log contradicts itself; the replay goes on with what the event says. */
function contradict(ctx: ReplayContext, e: ReleaseEvent, message: string): void {
  ctx.state.problems.push({ seq: e.seq, message: `event ${e.seq} (${e.type}) ${message}` });
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ReplayError(what);
  return value;
}

const releaseOf = (ctx: ReplayContext) =>
  need(ctx.state.release, 'it comes before the release.started event');

function addItems(ctx: ReplayContext, items: ReleaseItem[], seq: number): void {
  for (const item of items) ctx.state.items.set(item.number, created(item, seq));
}

/** What each event type does to the rows: one entry per type. */
const handlers: { [T in EventType]: Handler<T> } = {
  'release.started'(ctx, e, p) {
    if (ctx.state.release) throw new ReplayError('the release was already started');
    const hash = need(p.playbook?.hash, 'it names no playbook hash');
    const playbook = need(
      ctx.playbooks.get(hash),
      `its playbook ${hash.slice(0, 12)} is not in the store`,
    );
    ctx.playbook = playbook;
    const row: ReleaseFields = {
      version: p.version,
      // Unknown (and not compared) when the log is older than the field.
      project: p.project ?? '',
      playbookHash: hash,
      state: 'active',
      createdAt: e.at,
      createdBy: e.actor,
      updatedAt: e.at,
    };
    if (p.type !== null && p.type !== undefined) row.type = p.type;
    if (p.commit !== null && p.commit !== undefined) row.commit = p.commit;
    if (p.commitAt !== null && p.commitAt !== undefined) row.commitAt = p.commitAt;
    if (p.supersedes !== undefined) row.supersedes = p.supersedes;
    // What a log from before these fields were recorded cannot say.
    const unknown: (keyof ReleaseFields & string)[] = [];
    if (!('commitAt' in p)) unknown.push('commitAt');
    if (p.project === undefined) unknown.push('project');
    ctx.state.release = created(row, e.seq, unknown);
    const items = expandItems(playbook, {
      releaseId: e.releaseId,
      now: e.at,
      ...(row.type !== undefined ? { type: row.type } : {}),
    });
    if (typeof p.items === 'number' && p.items !== items.length) {
      contradict(
        ctx,
        e,
        `says the release started with ${p.items} items, but its playbook gives ${items.length}`,
      );
    }
    addItems(ctx, items, e.seq);
  },

  'release.retargeted'(ctx, e, p) {
    const release = releaseOf(ctx);
    set(release, e.seq, {
      commit: need(p.to, 'it names no commit'),
      updatedAt: e.at,
      ...(p.commitAt !== undefined ? { commitAt: p.commitAt } : {}),
    });
  },

  'release.state'(ctx, e, p) {
    const release = releaseOf(ctx);
    if (p.from !== release.row.state) {
      contradict(
        ctx,
        e,
        `moves the release from ${p.from}, but the log has it ${release.row.state} since event ${release.since.state ?? release.seq}`,
      );
    }
    set(release, e.seq, {
      state: p.to,
      stateReason: p.reason,
      stateBy: e.actor,
      stateAt: e.at,
      updatedAt: e.at,
      ...(p.supersededBy !== undefined ? { supersededBy: p.supersededBy } : {}),
    });
  },

  'rollback.completed'(ctx, e, p) {
    releaseOf(ctx);
    for (const id of p.resolvedIncidents) {
      const incident = need(
        ctx.state.incidents.get(id),
        `it resolves incident ${id}, which the log never opened`,
      );
      set(incident, e.seq, { resolvedAt: e.at });
    }
  },

  'incident.opened'(ctx, e, p) {
    releaseOf(ctx);
    need(
      ctx.state.deployments.get(p.deployment),
      `it opens an incident on deployment ${p.deployment}, which the log never recorded`,
    );
    if (ctx.state.incidents.has(p.incident))
      throw new ReplayError(`incident ${p.incident} was already opened`);
    ctx.state.incidents.set(
      p.incident,
      created<Incident>(
        {
          id: p.incident,
          deploymentId: p.deployment,
          kind: 'incident',
          reason: p.reason,
          openedAt: e.at,
          actor: e.actor,
        },
        e.seq,
      ),
    );
  },

  'incident.resolved'(ctx, e, p) {
    releaseOf(ctx);
    for (const id of p.incidents) {
      const incident = need(
        ctx.state.incidents.get(id),
        `it resolves incident ${id}, which the log never opened`,
      );
      set(incident, e.seq, { resolvedAt: e.at });
    }
  },

  'item.state'(ctx, e, p) {
    const item = need(
      ctx.state.items.get(p.item),
      `it changes item #${p.item}, which the log never added`,
    );
    if (p.from !== item.row.state) {
      contradict(
        ctx,
        e,
        `moves ${describeItem(item.row)} from ${p.from}, but the log has it ${item.row.state} since event ${item.since.state ?? item.seq}`,
      );
    }
    set(item, e.seq, {
      state: p.to,
      updatedAt: e.at,
      updatedBy: e.actor,
      ...(p.note !== undefined ? { note: p.note } : {}),
      ...(p.evidence !== undefined ? { evidence: p.evidence } : {}),
    });
  },

  'signoff.recorded'(ctx, e, p) {
    releaseOf(ctx);
    const row: Signoff = {
      releaseId: e.releaseId,
      role: p.role,
      verdict: p.verdict,
      actor: e.actor,
      at: e.at,
    };
    if (p.target) row.target = p.target;
    if (p.commit) row.commit = p.commit;
    if (p.comment) row.comment = p.comment;
    if (p.carried) {
      row.actor = p.carried.actor;
      row.at = p.carried.at;
      row.carriedFrom = p.carried.from;
    }
    // A log from before sign-offs named their target says nothing of it.
    ctx.state.signoffs.push(created(row, e.seq, 'target' in p ? [] : ['target']));
  },

  'window.overridden'(ctx, e, p) {
    releaseOf(ctx);
    ctx.pendingOverride = { gate: p.gate, reason: p.reason, by: e.actor, seq: e.seq };
    // Before overrides had a table of their own (and a role), the decision row kept them.
    if (p.role === undefined) return;
    const row: GateOverride = {
      releaseId: e.releaseId,
      kind: 'window',
      gate: p.gate,
      role: p.role,
      actor: e.actor,
      at: e.at,
      reason: p.reason,
      blockers: p.blockers ?? [],
    };
    if (p.commit) row.commit = p.commit;
    ctx.state.overrides.push(created(row, e.seq));
  },

  'deployment.forced'(ctx, e, p) {
    releaseOf(ctx);
    const row: GateOverride = {
      releaseId: e.releaseId,
      kind: 'force',
      environment: p.environment,
      role: p.role,
      actor: e.actor,
      at: e.at,
      reason: p.reason,
      blockers: p.blockers,
    };
    if (p.commit) row.commit = p.commit;
    ctx.state.overrides.push(created(row, e.seq));
  },

  'decision.recorded'(ctx, e, p) {
    releaseOf(ctx);
    const row: DecisionFields = {
      releaseId: e.releaseId,
      gate: p.gate,
      outcome: p.outcome,
      blockers: p.blockers,
      actor: e.actor,
      at: e.at,
    };
    if (p.commit) row.commit = p.commit;
    if (p.inputsHash !== undefined) row.inputsHash = p.inputsHash;
    // A log from before decisions kept their inputs' hash says nothing about the inputs.
    const unknown: (keyof DecisionFields & string)[] =
      p.inputsHash === undefined ? ['inputsHash'] : [];
    const pending = ctx.pendingOverride;
    ctx.pendingOverride = undefined;
    if ('override' in p) {
      if (p.override) row.override = p.override;
    } else if (pending && pending.gate === p.gate && pending.seq === e.seq - 1) {
      // A log from before decisions named their override: the event just before says it.
      row.override = { reason: pending.reason, by: pending.by };
    }
    ctx.state.decisions.push(created(row, e.seq, unknown));
  },

  'deployment.recorded'(ctx, e, p) {
    const release = releaseOf(ctx);
    const row: DeploymentFields = {
      id: need(p.id, 'it names no deployment id'),
      project: release.row.project,
      releaseId: e.releaseId,
      version: release.row.version,
      environment: p.environment,
      status: p.status,
      startedAt: e.at,
      finishedAt: e.at,
      actor: e.actor,
    };
    if (p.commit) row.commit = p.commit;
    if (ctx.state.deployments.has(row.id))
      throw new ReplayError(`deployment ${row.id} was already recorded`);
    const unknown: (keyof DeploymentFields & string)[] = release.unknown.has('project')
      ? ['project']
      : [];
    ctx.state.deployments.set(row.id, created(row, e.seq, unknown));
  },

  'rollback.recorded'(ctx, e, p) {
    const release = releaseOf(ctx);
    const deployment = need(
      ctx.state.deployments.get(p.deployment),
      `it rolls back deployment ${p.deployment}, which the log never recorded`,
    );
    set(deployment, e.seq, { status: 'rolled-back' });
    ctx.state.incidents.set(
      p.incident,
      created<Incident>(
        {
          id: p.incident,
          deploymentId: p.deployment,
          kind: 'rollback',
          reason: p.reason,
          openedAt: e.at,
          actor: e.actor,
        },
        e.seq,
      ),
    );
    if (p.items?.length) {
      const playbook = need(ctx.playbook, 'the release has no playbook');
      const items = expandRollbackItems(playbook, {
        releaseId: e.releaseId,
        now: e.at,
        startNumber: p.items[0]!,
      });
      const got = items.map((i) => i.number);
      if (canonicalJson(got) !== canonicalJson(p.items)) {
        contradict(
          ctx,
          e,
          `adds items ${p.items.join(', ')}, but the playbook's rollback procedure gives ${got.join(', ') || 'none'}`,
        );
      }
      addItems(ctx, items, e.seq);
    }
    if (p.from === undefined && release.row.state !== 'active')
      set(release, e.seq, { state: 'active', updatedAt: e.at });
  },

  'release.project-changed'(ctx, e, p) {
    const release = releaseOf(ctx);
    set(release, e.seq, { project: need(p.to, 'it names no project') });
    // The release's deployments move with it.
    for (const d of ctx.state.deployments.values()) set(d, e.seq, { project: p.to });
  },

  'check.result'(ctx, e, p) {
    // Logged beside the item, not applied to it: the item must exist, its row does not change.
    need(ctx.state.items.get(p.item), `it names item #${p.item}, which the log never added`);
    if (p.applied !== false)
      contradict(ctx, e, 'says it was applied, but no state change came with it');
  },

  'run.result'(ctx, e, p) {
    // Logged beside the item, not applied to it, like a check result.
    need(ctx.state.items.get(p.item), `it names item #${p.item}, which the log never added`);
    if (p.applied !== false)
      contradict(ctx, e, 'says it was applied, but no state change came with it');
  },

  'watch.measured'(ctx, _e, p) {
    // Logged beside the item; an outcome that decides the item comes with its own item.state.
    need(ctx.state.items.get(p.item), `it names item #${p.item}, which the log never added`);
  },
  'baseline.captured'(_ctx, _e, p) {
    need(p.values, 'it records no values');
  },

  // Environment locks hold for the project, not the release: the release's rows do not change.
  // The project's lock table is compared with the fold of every release's lock events
  // (`lockStateOf`, service-audit.ts).
  'environment.locked'(_ctx, _e, p) {
    need(p.environment, 'it names no environment');
  },
  'environment.unlocked'(_ctx, _e, p) {
    need(p.environment, 'it names no environment');
  },

  'release.resnapshot'(ctx, e, p) {
    const release = releaseOf(ctx);
    const hash = need(p.playbook?.hash, 'it names no playbook hash');
    const to = need(
      ctx.playbooks.get(hash),
      `its playbook ${hash.slice(0, 12)} is not in the store`,
    );
    const from = need(ctx.playbook, 'the release has no playbook');
    if (p.from?.hash !== release.row.playbookHash) {
      contradict(
        ctx,
        e,
        `re-snapshots from playbook ${String(p.from?.hash).slice(0, 12)}, but the log has the release on ${release.row.playbookHash.slice(0, 12)}`,
      );
    }
    const items = [...ctx.state.items.values()].map((r) => r.row);
    let highest = ctx.highestRemoved ?? 0;
    for (const i of items) highest = Math.max(highest, i.number);
    const { diff, rows } = diffPlaybook({
      items,
      from,
      to,
      ...(release.row.type !== undefined ? { type: release.row.type } : {}),
      releaseId: e.releaseId,
      at: e.at,
      actor: e.actor,
      nextNumber: highest + 1,
    });
    const recorded = describeDiff(p);
    const replayed = describeDiff(diff);
    if (recorded !== replayed)
      contradict(ctx, e, `records ${recorded}, but its playbook gives ${replayed}`);
    for (const n of rows.remove) {
      ctx.state.items.delete(n);
      ctx.highestRemoved = Math.max(ctx.highestRemoved ?? 0, n);
    }
    for (const row of rows.update) {
      const item = need(ctx.state.items.get(row.number), `item #${row.number} is not there`);
      const { releaseId: _r, number: _n, id: _i, rowVersion: _v, ...fields } = row;
      set(item, e.seq, {
        ...fields,
        parent: row.parent,
        note: row.note,
        evidence: row.evidence,
        updatedBy: row.updatedBy,
      });
    }
    addItems(ctx, rows.insert, e.seq);
    const stale = new Set(diff.stale.map((t) => `${t.kind}:${t.id}`));
    for (const s of ctx.state.signoffs) {
      const t = s.row.target;
      if (t && s.row.staleSince === undefined && stale.has(`${t.kind}:${t.id}`))
        set(s, e.seq, { staleSince: e.seq });
    }
    set(release, e.seq, { playbookHash: hash, updatedAt: e.at });
    ctx.playbook = to;
  },

  'release.finished'(ctx, e, p) {
    const release = releaseOf(ctx);
    set(release, e.seq, {
      state: 'finished',
      updatedAt: e.at,
      ...(p.from !== undefined ? { stateReason: undefined, stateBy: e.actor, stateAt: e.at } : {}),
    });
    let resolved = p.resolvedIncidents;
    if (resolved === undefined) {
      // A log from before the event named them: the finish resolved every open incident of a
      // deployment to the last environment.
      const last = ctx.playbook?.environments.at(-1);
      resolved = [...ctx.state.incidents.values()]
        .filter((i) => i.row.resolvedAt === undefined)
        .filter((i) => ctx.state.deployments.get(i.row.deploymentId)?.row.environment === last)
        .map((i) => i.row.id);
    }
    for (const id of resolved) {
      const incident = need(
        ctx.state.incidents.get(id),
        `it resolves incident ${id}, which the log never opened`,
      );
      set(incident, e.seq, { resolvedAt: e.at });
    }
  },
};

/** A re-snapshot's effect in a few words, to compare what an event records with its replay. */
function describeDiff(
  d: Partial<Pick<PlaybookDiff, 'added' | 'removed' | 'changed' | 'stale'>>,
): string {
  const list = (ns: (number | string)[]) => (ns.length ? ns.join(', ') : 'none');
  return [
    `added ${list((d.added ?? []).map((a) => `#${a.item} ${a.id}`))}`,
    `removed ${list((d.removed ?? []).map((r) => `#${r.item}`))}`,
    `changed ${list((d.changed ?? []).map((c) => `#${c.item} ${c.from}→${c.to}`))}`,
    `stale ${list((d.stale ?? []).map((t) => `${t.kind} ${t.id}`))}`,
  ].join('; ');
}

/**
 * Replays a release's log (events in log order) into the rows it implies. `playbooks` holds the
 * snapshots the log names by hash ({@link playbookHashesOf}). An event that cannot be replayed
 * (unknown type, unreadable payload, a change that contradicts the log before it) is reported
 * in `problems` and skipped.
 *
 * @example
 * const replayed = replayEvents(events, new Map([[hash, playbook]]));
 * replayed.items.get(7)?.row.state // 'done'
 */
export function replayEvents(
  events: readonly ReleaseEvent[],
  playbooks: ReadonlyMap<string, Playbook>,
): ReplayedRelease {
  const state: ReplayedRelease = {
    items: new Map(),
    signoffs: [],
    decisions: [],
    deployments: new Map(),
    incidents: new Map(),
    overrides: [],
    problems: [],
  };
  const ctx: ReplayContext = { state, playbooks };
  for (const [hash, playbook] of playbooks) {
    if (hashValue(playbook) !== hash) {
      state.problems.push({
        seq: 0,
        message: `the stored snapshot of playbook ${hash.slice(0, 12)} does not match its hash: it was edited after the release started`,
      });
    }
  }
  for (const e of events) {
    const handler = (handlers as Record<string, Handler<EventType> | undefined>)[e.type];
    const label = `event ${e.seq} (${e.type})`;
    if (!handler) {
      state.problems.push({
        seq: e.seq,
        message: `${label} is of a type the replay does not know, so its effect on the tables is not checked`,
      });
      continue;
    }
    if (!e.payload || typeof e.payload !== 'object') {
      state.problems.push({ seq: e.seq, message: `${label} has no payload to replay` });
      continue;
    }
    try {
      handler(ctx, e as ReleaseEvent & { type: EventType }, e.payload as EventPayloads[EventType]);
    } catch (error) {
      if (!(error instanceof ReplayError) && !(error instanceof TypeError)) throw error;
      // A TypeError is a payload of the wrong shape (a forged one, most likely).
      state.problems.push({ seq: e.seq, message: `${label} cannot be replayed: ${error.message}` });
    }
  }
  return state;
}

/**
 * The playbook hashes a log names (the snapshot each `release.started` takes).
 *
 * @example playbookHashesOf(events) // ['3f2a…']
 */
export function playbookHashesOf(events: readonly ReleaseEvent[]): string[] {
  const hashes = new Set<string>();
  for (const e of events) {
    const hash = (e.payload as { playbook?: { hash?: unknown } } | null)?.playbook?.hash;
    if (typeof hash === 'string') hashes.add(hash);
  }
  return [...hashes];
}
