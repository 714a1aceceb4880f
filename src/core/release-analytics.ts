/**
 * Process analytics of a project's releases, from their event logs and playbook snapshots
 * (issue 12, beside the DORA keys): release cycle time, time per phase, time waiting for each
 * sign-off role, the slowest items across releases and the items most often waived or marked
 * n/a. Pure: the events, the snapshots and the bounds come in; no clock is read.
 *
 * The definitions (docs/metrics.md, "Process"):
 * - cycle time: `release.started` → the release's first succeeded deployment to production (the
 *   environment asked for, else the playbook's last); a later rollback does not undo it.
 * - an item's accepted time: when it last entered an accepted state (done, passed, n/a, waived)
 *   and stayed there to the end of the log; none while it is not accepted at the end.
 * - a phase's completion: the latest accepted time of its required items (not optional, not
 *   under an item marked n/a, not rollback items); its ready time: the completion of the phase
 *   before (the release start for the first phase; a phase that never completed passes its own
 *   ready time on); its time: completion − min(ready, first action on one of its items).
 * - a gate's wait for a role: from the moment the items the gate covers were all accepted (the
 *   release start when it covers no required item) to the role's last go for that gate before
 *   the first production deployment (or in the whole log when there was none); 0 when the go
 *   came first. No go: the wait is pending.
 * - an item's time: from its phase's ready time (or its addition by a re-snapshot, if later) to
 *   its accepted time, counted only when it ended done or passed.
 * - waived / n/a: the item's state at the end of the log, as a share of the releases that had
 *   the item at the end, with the reasons given.
 */
import type { Playbook } from './playbook.ts';
import type { EventPayloads } from './event-payloads.ts';
import { guardedItems, listGates } from './gate.ts';
import type { ItemState, Release, ReleaseEvent, ReleaseItem } from './release-model.ts';
import { acceptedStates } from './release-model.ts';
import { expandItems } from './release-rules.ts';

/** The event types the analytics read; the store reads only these. */
export const analyticsEventTypes = [
  'release.started',
  'release.resnapshot',
  'item.state',
  'signoff.recorded',
  'deployment.recorded',
  'rollback.recorded',
] as const satisfies readonly (keyof EventPayloads)[];

/** An event as the analytics need it (no hashes, actors or origins). */
export type AnalyticsEvent = Pick<ReleaseEvent, 'seq' | 'at' | 'type' | 'payload'>;

/** One release and its log (the {@link analyticsEventTypes} events, in log order). */
export interface ReleaseHistory {
  release: Pick<Release, 'id' | 'version' | 'state' | 'createdAt'> & { type?: string };
  events: readonly AnalyticsEvent[];
}

/** A distribution of durations in milliseconds. */
export interface DurationStats {
  count: number;
  /** The middle value (the mean of the two middle ones for an even count). */
  medianMs?: number;
  /** Nearest rank: the smallest value with at least 90 % of the values at or below it. */
  p90Ms?: number;
  maxMs?: number;
}

/** One release's cycle. */
export interface ReleaseCycle {
  version: string;
  state: Release['state'];
  startedAt: string;
  /** Its first succeeded deployment to production. */
  deployedAt?: string;
  cycleMs?: number;
  /** Production was rolled back from this release. */
  rolledBack: boolean;
}

export interface PhaseTime extends DurationStats {
  phase: string;
  title: string;
  /** Releases that had the phase and did not complete it. */
  incomplete: number;
}

export interface SignoffWait extends DurationStats {
  gate: string;
  gateTitle: string;
  role: string;
  /** Releases in which the role has not said go at the gate. */
  pending: number;
}

export interface SlowItem extends DurationStats {
  id: string;
  title: string;
  phase: string;
}

export interface SkippedItem {
  id: string;
  title: string;
  phase: string;
  /** Releases that had the item at the end of their log. */
  releases: number;
  waived: number;
  na: number;
  /** (waived + n/a) / releases. */
  share: number;
  /** The reasons given, newest first, each once (at most five). */
  reasons: string[];
}

/** The process analytics of a set of releases. */
export interface ProcessAnalytics {
  releases: {
    total: number;
    deployed: number;
    rolledBack: number;
    abandoned: number;
  };
  cycleTime: DurationStats;
  /** Every release of the set, oldest first. */
  cycles: ReleaseCycle[];
  phases: PhaseTime[];
  signoffWaits: SignoffWait[];
  /** Slowest first (by median), at most `limit`. */
  slowestItems: SlowItem[];
  /** Most often waived or n/a first (by share, then count), at most `limit`. */
  skippedItems: SkippedItem[];
  /** Logs the analytics could not read all of (a snapshot missing), by version. */
  problems: { version: string; message: string }[];
}

/** What `analytics` is asked (the service contract's input; `GET .../analytics` query). */
export interface AnalyticsInput {
  /**
   * Releases started at or after this: a date (`2026-03-01`, that day's midnight in `tz`) or an
   * ISO-8601 time with an offset. Default: 90 days before `until`.
   */
  since?: string;
  /** Releases started before this; a date includes that whole day. Default: now. */
  until?: string;
  /** The environment that counts as production; default: each playbook's last. */
  env?: string;
  /** The time zone of dates; default UTC. */
  tz?: string;
}

/** The process analytics of a project over a period. */
export interface AnalyticsReport extends ProcessAnalytics {
  project: string;
  /** [since, until) as instants. */
  period: { since: string; until: string };
  /** The environment asked for as production, when one was. */
  environment?: string;
  /** More releases started in the period than one report reads: the oldest were left out. */
  truncated: boolean;
}

export interface AnalyticsOptions {
  /** The environment that counts as production; default: each playbook's last. */
  environment?: string;
  /** How many slowest and skipped items to list; default 10. */
  limit?: number;
}

const accepted = new Set<ItemState>(acceptedStates);

/** An item as a release's log has it, with its times. */
interface Track {
  item: ReleaseItem;
  /** Its addition by a re-snapshot (the start for items it started with). */
  addedAt: string;
  firstActionAt?: string;
  acceptedAt?: string;
  note?: string;
}

/** What one log says, folded. */
interface Folded {
  playbook: Playbook;
  startedAt: string;
  items: Map<string, Track>;
  deployedAt?: string;
  rolledBack: boolean;
  /** `gate\0role` → the times of its go and no-go sign-offs for the gate, in log order. */
  signoffs: Map<string, { at: string; verdict: string }[]>;
}

/**
 * Computes the process analytics of `histories` (one per release, any order) with the playbook
 * snapshots their logs name, by hash.
 *
 * @example
 * const report = computeProcessAnalytics([{ release, events }], new Map([[hash, playbook]]));
 * report.cycleTime.medianMs // 86_400_000: one day from start to production
 */
export function computeProcessAnalytics(
  histories: readonly ReleaseHistory[],
  playbooks: ReadonlyMap<string, Playbook>,
  options: AnalyticsOptions = {},
): ProcessAnalytics {
  const limit = options.limit ?? 10;
  const sorted = [...histories].sort(
    (a, b) =>
      a.release.createdAt.localeCompare(b.release.createdAt) ||
      a.release.id.localeCompare(b.release.id),
  );
  const cycles: ReleaseCycle[] = [];
  const problems: ProcessAnalytics['problems'] = [];
  const phaseTimes = new Map<string, { title: string; ms: number[]; incomplete: number }>();
  const waits = new Map<
    string,
    { gate: string; gateTitle: string; role: string; ms: number[]; pending: number }
  >();
  const itemTimes = new Map<string, { title: string; phase: string; ms: number[] }>();
  const skipped = new Map<
    string,
    {
      title: string;
      phase: string;
      releases: number;
      waived: number;
      na: number;
      reasons: string[];
    }
  >();

  for (const h of sorted) {
    const cycle: ReleaseCycle = {
      version: h.release.version,
      state: h.release.state,
      startedAt: h.release.createdAt,
      rolledBack: false,
    };
    cycles.push(cycle);
    let f: Folded | undefined;
    try {
      f = foldLog(h, playbooks, options.environment);
    } catch (error) {
      if (!(error instanceof AnalyticsLogError)) throw error;
      problems.push({ version: h.release.version, message: error.message });
    }
    if (!f) continue;
    cycle.startedAt = f.startedAt;
    cycle.rolledBack = f.rolledBack;
    if (f.deployedAt) {
      cycle.deployedAt = f.deployedAt;
      cycle.cycleMs = span(f.startedAt, f.deployedAt);
    }
    const items = [...f.items.values()];
    const required = requiredItems(items);

    // Phases, in playbook order; ready times carry forward.
    let ready = f.startedAt;
    const readyOf = new Map<string, string>();
    for (const phase of f.playbook.phases) {
      const mine = items.filter((t) => t.item.phase === phase.id);
      if (mine.length === 0) continue;
      readyOf.set(phase.id, ready);
      const req = mine.filter((t) => required.has(t.item.id));
      // A phase of optional items only has no time of its own.
      if (req.length === 0) continue;
      const done = req.every((t) => t.acceptedAt !== undefined);
      const completion = done
        ? latest(
            req.map((t) => t.acceptedAt!),
            ready,
          )
        : undefined;
      const entry = phaseTimes.get(phase.id) ?? { title: phase.title, ms: [], incomplete: 0 };
      phaseTimes.set(phase.id, entry);
      if (completion === undefined) {
        entry.incomplete++;
        continue;
      }
      const firstAction = earliest(mine.map((t) => t.firstActionAt));
      const start = firstAction !== undefined && firstAction < ready ? firstAction : ready;
      entry.ms.push(Math.max(0, span(start, completion)));
      if (completion > ready) ready = completion;
    }

    // Items: ready → accepted, for items that ended done or passed.
    for (const t of items) {
      if (t.item.rollback) continue;
      const from = later(readyOf.get(t.item.phase) ?? f.startedAt, t.addedAt);
      if (t.acceptedAt !== undefined && (t.item.state === 'done' || t.item.state === 'passed')) {
        const entry = itemTimes.get(t.item.id) ?? {
          title: t.item.title,
          phase: t.item.phase,
          ms: [],
        };
        entry.title = t.item.title;
        entry.ms.push(Math.max(0, span(from, t.acceptedAt)));
        itemTimes.set(t.item.id, entry);
      }
      const s = skipped.get(t.item.id) ?? {
        title: t.item.title,
        phase: t.item.phase,
        releases: 0,
        waived: 0,
        na: 0,
        reasons: [],
      };
      s.title = t.item.title;
      s.releases++;
      if (t.item.state === 'waived') s.waived++;
      if (t.item.state === 'na') s.na++;
      if ((t.item.state === 'waived' || t.item.state === 'na') && t.note) {
        s.reasons = [t.note, ...s.reasons.filter((r) => r !== t.note)].slice(0, 5);
      }
      skipped.set(t.item.id, s);
    }

    // Sign-off waits at each gate, per role.
    const releaseItems = items.map((t) => t.item);
    for (const gate of listGates(f.playbook, releaseItems, h.release.type)) {
      const covered = guardedItems(f.playbook, releaseItems, gate)
        .map((i) => f.items.get(i.id)!)
        .filter((t) => required.has(t.item.id));
      const open = covered.some((t) => t.acceptedAt === undefined);
      const since = open
        ? undefined
        : latest(
            covered.map((t) => t.acceptedAt!),
            f.startedAt,
          );
      for (const role of gate.roles) {
        const key = `${gate.id}\u0000${role}`;
        const entry = waits.get(key) ?? {
          gate: gate.id,
          gateTitle: gate.title,
          role,
          ms: [],
          pending: 0,
        };
        waits.set(key, entry);
        const until = f.deployedAt;
        const go = (f.signoffs.get(key) ?? [])
          .filter((s) => s.verdict === 'go' && (until === undefined || s.at <= until))
          .at(-1);
        if (!go || since === undefined) {
          entry.pending++;
          continue;
        }
        entry.ms.push(Math.max(0, span(since, go.at)));
      }
    }
  }

  const withStats = <T extends object>(base: T, ms: number[]) => ({ ...base, ...stats(ms) });
  const deployedCycles = cycles.filter((c) => c.cycleMs !== undefined).map((c) => c.cycleMs!);
  return {
    releases: {
      total: cycles.length,
      deployed: deployedCycles.length,
      rolledBack: cycles.filter((c) => c.rolledBack).length,
      abandoned: cycles.filter((c) => c.state === 'abandoned').length,
    },
    cycleTime: stats(deployedCycles),
    cycles,
    phases: [...phaseTimes].map(([phase, e]) =>
      withStats({ phase, title: e.title, incomplete: e.incomplete }, e.ms),
    ),
    signoffWaits: [...waits.values()].map((w) =>
      withStats({ gate: w.gate, gateTitle: w.gateTitle, role: w.role, pending: w.pending }, w.ms),
    ),
    slowestItems: [...itemTimes]
      .map(([id, e]) => withStats({ id, title: e.title, phase: e.phase }, e.ms))
      .sort((a, b) => (b.medianMs ?? 0) - (a.medianMs ?? 0) || a.id.localeCompare(b.id))
      .slice(0, limit),
    skippedItems: [...skipped]
      .filter(([, s]) => s.waived + s.na > 0)
      .map(([id, s]) => ({
        id,
        title: s.title,
        phase: s.phase,
        releases: s.releases,
        waived: s.waived,
        na: s.na,
        share: (s.waived + s.na) / s.releases,
        reasons: s.reasons,
      }))
      .sort(
        (a, b) =>
          b.share - a.share || b.waived + b.na - (a.waived + a.na) || a.id.localeCompare(b.id),
      )
      .slice(0, limit),
    problems,
  };
}

/**
 * The median, p90 (nearest rank) and maximum of durations; only `count` for none.
 *
 * @example durationStats([1, 2, 3, 10]) // { count: 4, medianMs: 2.5, p90Ms: 10, maxMs: 10 }
 */
export function durationStats(values: readonly number[]): DurationStats {
  return stats([...values]);
}

function stats(values: number[]): DurationStats {
  if (values.length === 0) return { count: 0 };
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  const p90 = v[Math.max(0, Math.ceil(0.9 * v.length) - 1)]!;
  return { count: v.length, medianMs: median, p90Ms: p90, maxMs: v.at(-1)! };
}

class AnalyticsLogError extends Error {}

const span = (from: string, to: string) => Date.parse(to) - Date.parse(from);
const later = (a: string, b: string) => (b > a ? b : a);
const latest = (times: string[], floor: string) => times.reduce(later, floor);
const earliest = (times: (string | undefined)[]) =>
  times.reduce<string | undefined>(
    (m, t) => (t !== undefined && (m === undefined || t < m) ? t : m),
    undefined,
  );

/** Required items: not optional, not rollback items, and under no item that ended n/a. */
function requiredItems(items: Track[]): Set<string> {
  const byNumber = new Map(items.map((t) => [t.item.number, t]));
  const out = new Set<string>();
  for (const t of items) {
    if (t.item.optional || t.item.rollback) continue;
    let parent = t.item.parent !== undefined ? byNumber.get(t.item.parent) : undefined;
    let underNa = false;
    while (parent) {
      if (parent.item.state === 'na') underNa = true;
      parent = parent.item.parent !== undefined ? byNumber.get(parent.item.parent) : undefined;
    }
    if (!underNa) out.add(t.item.id);
  }
  return out;
}

/** Folds one log into its items' times, production deployment, rollback and sign-offs. */
function foldLog(
  h: ReleaseHistory,
  playbooks: ReadonlyMap<string, Playbook>,
  environment: string | undefined,
): Folded | undefined {
  let f: Folded | undefined;
  const production = () => environment ?? f!.playbook.environments.at(-1);
  const snapshot = (hash: unknown) => {
    const playbook = typeof hash === 'string' ? playbooks.get(hash) : undefined;
    if (!playbook) {
      throw new AnalyticsLogError(
        `its playbook ${String(hash).slice(0, 12)} is not in the store, so its items are not counted`,
      );
    }
    return playbook;
  };
  for (const e of h.events) {
    const p = e.payload as Record<string, unknown> | null;
    if (!p || typeof p !== 'object') continue;
    if (e.type === 'release.started') {
      const started = p as unknown as EventPayloads['release.started'];
      const playbook = snapshot(started.playbook?.hash);
      f = {
        playbook,
        startedAt: e.at,
        items: new Map(),
        rolledBack: false,
        signoffs: new Map(),
      };
      const type = started.type ?? undefined;
      for (const item of expandItems(playbook, {
        releaseId: h.release.id,
        now: e.at,
        ...(type !== undefined ? { type } : {}),
      })) {
        f.items.set(item.id, { item, addedAt: e.at });
      }
      continue;
    }
    if (!f) continue;
    switch (e.type) {
      case 'item.state': {
        const s = p as unknown as EventPayloads['item.state'];
        const t = f.items.get(s.id);
        // Rollback items and items a re-snapshot removed are not counted.
        if (!t) break;
        t.firstActionAt ??= e.at;
        if (accepted.has(s.to)) {
          if (!accepted.has(t.item.state)) t.acceptedAt = e.at;
        } else delete t.acceptedAt;
        t.item.state = s.to;
        if (s.note !== undefined) t.note = s.note;
        break;
      }
      case 'release.resnapshot': {
        const r = p as unknown as EventPayloads['release.resnapshot'];
        const playbook = snapshot(r.playbook?.hash);
        resnapshotItems(f, playbook, r, e.at, h.release);
        f.playbook = playbook;
        break;
      }
      case 'signoff.recorded': {
        const s = p as unknown as EventPayloads['signoff.recorded'];
        if (s.target?.kind !== 'gate') break;
        const key = `${s.target.id}\u0000${s.role}`;
        const list = f.signoffs.get(key) ?? [];
        list.push({ at: e.at, verdict: s.verdict });
        f.signoffs.set(key, list);
        break;
      }
      case 'deployment.recorded': {
        const d = p as unknown as EventPayloads['deployment.recorded'];
        if (d.environment === production() && d.status === 'succeeded') f.deployedAt ??= e.at;
        break;
      }
      case 'rollback.recorded': {
        const r = p as unknown as EventPayloads['rollback.recorded'];
        if (r.environment === production()) f.rolledBack = true;
        break;
      }
    }
  }
  return f;
}

/**
 * A re-snapshot: removed items go, added ones come (pending, from the event's time, with the
 * numbers it gave them), changed ones take their new place and, when the change voided their
 * state, are open again.
 */
function resnapshotItems(
  f: Folded,
  playbook: Playbook,
  diff: EventPayloads['release.resnapshot'],
  at: string,
  release: ReleaseHistory['release'],
): void {
  const fresh = expandItems(playbook, {
    releaseId: release.id,
    now: at,
    ...(release.type !== undefined ? { type: release.type } : {}),
  });
  const freshById = new Map(fresh.map((i) => [i.id, i]));
  const idOfFreshNumber = new Map(fresh.map((i) => [i.number, i.id]));
  for (const r of diff.removed ?? []) f.items.delete(r.id);
  for (const a of diff.added ?? []) {
    const item = freshById.get(a.id);
    if (item) f.items.set(a.id, { item: { ...item, number: a.item }, addedAt: at });
  }
  for (const c of diff.changed ?? []) {
    const t = f.items.get(c.id);
    if (!t) continue;
    if (accepted.has(t.item.state) && !accepted.has(c.to)) delete t.acceptedAt;
    t.item.state = c.to;
  }
  // Every item that stays takes its place in the new playbook (phase, section, optional, title).
  for (const t of f.items.values()) {
    const now = freshById.get(t.item.id);
    if (!now) continue;
    t.item = {
      ...t.item,
      phase: now.phase,
      section: now.section,
      title: now.title,
      kind: now.kind,
      optional: now.optional,
      spec: now.spec,
    };
  }
  // Parents by id: the new playbook's numbers are not the release's.
  for (const t of f.items.values()) {
    const now = freshById.get(t.item.id);
    if (!now) continue;
    const parentId = now.parent !== undefined ? idOfFreshNumber.get(now.parent) : undefined;
    const parent = parentId !== undefined ? f.items.get(parentId) : undefined;
    if (parent) t.item.parent = parent.item.number;
    else delete t.item.parent;
  }
}
