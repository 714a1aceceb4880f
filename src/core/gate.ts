/**
 * Go / no-go gates: where they are in a release, which one to decide next, and GO or NO-GO for
 * one of them, evaluated from the record: the items it covers, its roles' sign-offs for it at
 * the release commit, every standing no-go, and the release window or a recorded override.
 * Pure: the instant to judge is passed in.
 */
import { NotFoundError } from './errors.ts';
import { suggestName, walkItems } from './names.ts';
import type { Playbook, PlaybookPhase } from './playbook.ts';
import { acceptedStates } from './release-model.ts';
import type {
  Blocker,
  Decision,
  GateOverride,
  Outcome,
  ReleaseItem,
  Signoff,
  SignoffTarget,
  SignoffView,
} from './release-model.ts';
import { describeItem, latestSignoff, standingNoGos, viewSignoffs } from './release-rules.ts';
import { checkWindow } from './window.ts';

export interface GateTarget {
  id: string;
  kind: 'phase' | 'section' | 'release';
  title: string;
  roles: string[];
  /** Number of the first item at or after the gate: items before it are what the gate guards. */
  beforeNumber: number;
  /** Four eyes: a go from someone who started the release or acted on its items does not count. */
  fourEyes?: true;
}

/** What a decision was computed from, recorded with it (`Decision.inputs`). */
export interface GateInputs {
  gate: GateTarget;
  commit: string | null;
  /** `[number, state]` of every item the gate guards. */
  itemStates: [number, ReleaseItem['state']][];
  /** The gate roles' latest sign-offs for this gate, and every standing no-go. */
  signoffs: SignoffView[];
  window: { now: string; policy: Playbook['policy']['window'] | null; overridden: Blocker[] };
  /** The window override recorded for this gate and commit that let the window through. */
  override: { reason: string; by: string } | null;
}

/** The result of evaluating one gate. */
export interface GateEvaluation {
  outcome: Outcome;
  blockers: Blocker[];
  inputs: GateInputs;
}

/** Each gate point of the playbook (a phase, or a section within it) with its ordinal. */
interface Point {
  kind: 'phase' | 'section';
  id: string;
  title: string;
  gate: string[] | undefined;
  fourEyes?: true;
  ordinal: number;
  phase: PlaybookPhase;
}

/**
 * The phases and sections of a playbook in document order, each with the ordinal of its first
 * section (`ordinals` maps `phase\0section` to it). Shared with `gate-deployment.ts`.
 */
export function listPoints(playbook: Playbook): {
  points: Point[];
  ordinals: Map<string, number>;
} {
  const points: Point[] = [];
  const ordinals = new Map<string, number>();
  let ordinal = 0;
  for (const phase of playbook.phases) {
    points.push({
      kind: 'phase',
      id: phase.id,
      title: phase.title,
      gate: phase.gate,
      ...(phase.fourEyes ? { fourEyes: true as const } : {}),
      ordinal,
      phase,
    });
    for (const section of phase.sections) {
      ordinals.set(`${phase.id}\u0000${section.id}`, ordinal);
      points.push({
        kind: 'section',
        id: section.id,
        title: section.title ?? section.id,
        gate: section.gate,
        ...(section.fourEyes ? { fourEyes: true as const } : {}),
        ordinal,
        phase,
      });
      ordinal++;
    }
  }
  return { points, ordinals };
}

/**
 * Whether a phase is part of this release. Without a type, a `when.type` phase that has items
 * in the playbook but none in the release was left out by `expandItems`.
 */
export function phaseApplies(
  phase: PlaybookPhase,
  items: ReleaseItem[],
  type: string | undefined,
): boolean {
  if (!phase.when?.type) return true;
  if (type !== undefined) return phase.when.type.includes(type);
  const hasItems = phase.sections.some((s) => s.items.length > 0);
  return !hasItems || items.some((i) => !i.rollback && i.phase === phase.id);
}

/**
 * Each release item's place in document order (item number → 0, 1, …): by the playbook's
 * phases and sections, then the item's place in its section, sub-items after their parent;
 * rollback items after every other, in the order of the rollback sections. A release starts
 * with numbers in document order, but an item that a re-snapshot adds takes the next free
 * number wherever it stands, so "before a gate" is decided by this place, never the number.
 *
 * @example rankItems(playbook, items).get(12) // 3: the fourth item of the release
 */
export function rankItems(playbook: Playbook, items: ReleaseItem[]): Map<number, number> {
  const place = new Map<string, [number, number]>();
  let index = 0;
  const { ordinals } = listPoints(playbook);
  for (const phase of playbook.phases)
    for (const section of phase.sections)
      for (const it of walkItems(section.items)) place.set(it.id, [0, index++]);
  for (const section of playbook.rollback)
    for (const it of walkItems(section.items)) place.set(it.id, [1, index++]);
  const keyOf = (item: ReleaseItem): [number, number, number, number] => {
    const group = item.rollback ? 1 : 0;
    const at = place.get(item.id);
    // An item the snapshot does not place (there should be none) keeps its number's order.
    if (!at || at[0] !== group) {
      const ordinal = ordinals.get(`${item.phase}\u0000${item.section}`) ?? Infinity;
      return [group, ordinal, Infinity, item.number];
    }
    const ordinal = group ? 0 : (ordinals.get(`${item.phase}\u0000${item.section}`) ?? Infinity);
    return [group, ordinal, at[1], item.number];
  };
  const keyed = items.map((i) => ({ number: i.number, key: keyOf(i) }));
  keyed.sort((a, b) => {
    for (let k = 0; k < 4; k++) if (a.key[k] !== b.key[k]) return a.key[k]! < b.key[k]! ? -1 : 1;
    return 0;
  });
  return new Map(keyed.map((k, i) => [k.number, i]));
}

/**
 * The release items in document order (see {@link rankItems}), for lists a person reads.
 *
 * @example sortItems(playbook, items).map((i) => i.number) // [1, 2, 24, 3, …]
 */
export function sortItems(playbook: Playbook, items: ReleaseItem[]): ReleaseItem[] {
  const ranks = rankItems(playbook, items);
  return [...items].sort((a, b) => ranks.get(a.number)! - ranks.get(b.number)!);
}

/**
 * Whether the item numbered `a` stands before the one numbered `b` in document order. A number
 * no item has (the place past the last item) stands after every item.
 *
 * @example standsBefore(rankItems(playbook, items), 40, gate.beforeNumber) // true: #40 is in front
 */
export function standsBefore(ranks: Map<number, number>, a: number, b: number): boolean {
  return (ranks.get(a) ?? Infinity) < (ranks.get(b) ?? Infinity);
}

/**
 * Number of the first release item (in document order) at or after a point's ordinal; past the
 * last number when none is.
 */
export function numberAt(
  ordinal: number,
  items: ReleaseItem[],
  ordinals: Map<string, number>,
  ranks?: Map<number, number>,
): number {
  let first: number | undefined;
  let last = 0;
  const rank = (n: number) => ranks?.get(n) ?? n;
  for (const item of items) {
    if (item.rollback) continue;
    last = Math.max(last, item.number);
    const at = ordinals.get(`${item.phase}\u0000${item.section}`);
    if (
      at !== undefined &&
      at >= ordinal &&
      (first === undefined || rank(item.number) < rank(first))
    ) {
      first = item.number;
    }
  }
  return first ?? last + 1;
}

/**
 * The whole release as one gate without roles: every non-rollback item is before it.
 *
 * @example wholeRelease(items).id // 'release'
 */
export function wholeRelease(items: ReleaseItem[]): GateTarget {
  const last = Math.max(0, ...items.filter((i) => !i.rollback).map((i) => i.number));
  return {
    id: 'release',
    kind: 'release',
    title: 'the whole release',
    roles: [],
    beforeNumber: last + 1,
  };
}

/**
 * The gates of a release in document order (a phase's gate, then its sections' gates). Phases
 * left out for the release type are left out here too; pass `type` to be exact.
 *
 * @example listGates(playbook, items).map((g) => g.id) // ['go-no-go']
 */
export function listGates(playbook: Playbook, items: ReleaseItem[], type?: string): GateTarget[] {
  const { points, ordinals } = listPoints(playbook);
  const ranks = rankItems(playbook, items);
  return points
    .filter((p) => p.gate && phaseApplies(p.phase, items, type))
    .map((p) => ({
      id: p.id,
      kind: p.kind,
      title: p.title,
      roles: [...p.gate!],
      beforeNumber: numberAt(p.ordinal, items, ordinals, ranks),
      ...(p.fourEyes ? { fourEyes: true as const } : {}),
    }));
}

/** The record a gate is evaluated from, besides the gate itself. */
export interface GateRecord {
  playbook: Playbook;
  items: ReleaseItem[];
  /** Every sign-off of the release, oldest first. */
  signoffs: Signoff[];
  /** Every window override and forced deployment of the release. */
  overrides?: GateOverride[];
  /**
   * Who started the release or acted on its items, by lower-cased name, with the first such act
   * in words (`started the release`, `marked #12 done`): for gates with four eyes.
   */
  involved?: Record<string, string>;
  commit?: string;
  now: Date;
}

/**
 * Picks the gate to decide: the one named (a phase or section id; one without a gate gives a
 * gate with no roles at that point; `release` the whole release), else the first gate that has
 * no recorded GO for the current commit or that evaluates to NO-GO now (pass `record` for the
 * latter; a recorded GO is history, so a gate that fell back to NO-GO since comes first
 * again), else the whole release (all non-rollback items, no roles). An unknown name throws
 * {@link NotFoundError} with a did-you-mean and the gates.
 *
 * @example selectGate({ playbook, items, decisions, commit: release.commit }).id // 'go-no-go'
 */
export function selectGate(input: {
  playbook: Playbook;
  items: ReleaseItem[];
  decisions: Decision[];
  commit: string | undefined;
  gateId?: string;
  type?: string;
  record?: GateRecord;
}): GateTarget {
  const { playbook, items, decisions, commit, gateId, type, record } = input;
  const gates = listGates(playbook, items, type);
  if (gateId !== undefined) {
    const wanted = gateId.trim();
    if (wanted === 'release') return wholeRelease(items);
    const gate = gates.find((g) => g.id === wanted);
    if (gate) return gate;
    const { points, ordinals } = listPoints(playbook);
    const point = points.find((p) => p.id === wanted);
    if (point) {
      return {
        id: point.id,
        kind: point.kind,
        title: point.title,
        roles: [],
        beforeNumber: numberAt(point.ordinal, items, ordinals, rankItems(playbook, items)),
      };
    }
    const names = [...new Set([...gates.map((g) => g.id), ...points.map((p) => p.id), 'release'])];
    const near = suggestName(wanted, names);
    const known = gates.length
      ? `gates: ${gates.map((g) => g.id).join(', ')}`
      : 'the playbook has no gates';
    throw new NotFoundError(
      `no gate, phase or section "${wanted}"${near ? `; did you mean "${near}"?` : ''} (${known}; any phase or section id, or "release", also works)`,
    );
  }
  const open = gates.find(
    (g) =>
      !decisions.some((d) => d.gate === g.id && d.outcome === 'go' && d.commit === commit) ||
      (record !== undefined && evaluateGate({ ...record, gate: g }).outcome === 'no-go'),
  );
  return open ?? wholeRelease(items);
}

const shortCommit = (c: string) => (/^[0-9a-f]{8,}$/i.test(c) ? c.slice(0, 7) : c);

function failedWording(item: ReleaseItem): string {
  // A check that could not run is not the same news as one that found a problem.
  const evidence = item.evidence as { result?: string; summary?: string } | undefined;
  if (evidence?.result === 'error') return `check could not run: ${evidence.summary ?? 'error'}`;
  if (evidence?.result === 'failed' && evidence.summary) return `check failed: ${evidence.summary}`;
  switch (item.kind) {
    case 'check':
    case 'watch':
      return 'check failed';
    case 'run':
      return 'run failed';
    case 'sign':
      return 'signed no-go';
    default:
      return 'marked failed';
  }
}

/** `gate "Go / no-go"`, `#7 "QA sign-off"`: where a sign-off was given, for messages. */
export function describeTarget(
  target: SignoffTarget | undefined,
  playbook: Playbook,
  items: ReleaseItem[],
): string {
  if (!target) return 'before sign-offs named a gate';
  if (target.kind === 'gate') {
    const { points } = listPoints(playbook);
    const title = points.find((p) => p.id === target.id && p.gate)?.title ?? target.id;
    return `gate ${JSON.stringify(title)}`;
  }
  const item = items.find((i) => i.id === target.id);
  return item ? describeItem(item) : `item "${target.id}"`;
}

/**
 * The items a gate covers, in document order: every non-rollback item before it (all of them for
 * the whole release).
 *
 * @example guardedItems(playbook, items, gate).map((i) => i.number) // [1, 2, 3]
 */
export function guardedItems(
  playbook: Playbook,
  items: ReleaseItem[],
  gate: GateTarget,
): ReleaseItem[] {
  const ranks = rankItems(playbook, items);
  return items
    .filter(
      (i) =>
        !i.rollback &&
        (gate.kind === 'release' || standsBefore(ranks, i.number, gate.beforeNumber)),
    )
    .sort((a, b) => ranks.get(a.number)! - ranks.get(b.number)!);
}

/**
 * Evaluates a gate from the record, now. Blockers, in this order: (1) every required item the
 * gate guards that is not passed, done, n/a or waived (`item-failed` or `item-open`; required
 * sub-items of an item marked n/a are let through with it; rollback items never block); (2)
 * for each gate role whose latest sign-off for this gate is missing, for another commit, or a
 * no-go: `signoff-missing` or `signoff-stale` (a go given at another gate or item does not
 * count here); (3) every role whose latest sign-off at the commit, anywhere in the release, is
 * a no-go (`signoff-no-go`, with who said it, where and why); (4) the release window, unless a
 * window override for this gate and commit was recorded by a role `policy.window.override`
 * names. GO when there are none. `inputs` records everything the outcome rests on.
 *
 * @example
 * const { outcome, blockers } = evaluateGate({ playbook, items, signoffs, gate, commit, now: new Date() });
 */
export function evaluateGate(input: GateRecord & { gate: GateTarget }): GateEvaluation {
  const { playbook, items, gate, commit, now, signoffs } = input;
  const blockers: Blocker[] = [];
  const byNumber = new Map(items.map((i) => [i.number, i]));
  const underNa = (item: ReleaseItem): boolean => {
    const seen = new Set<number>();
    for (let p = item.parent; p !== undefined && !seen.has(p); p = byNumber.get(p)?.parent) {
      seen.add(p);
      if (byNumber.get(p)?.state === 'na') return true;
    }
    return false;
  };

  // (1) The items the gate covers.
  const guarded = guardedItems(playbook, items, gate);
  for (const item of guarded) {
    if (item.optional || acceptedStates.includes(item.state) || underNa(item)) continue;
    if (item.state === 'failed') {
      blockers.push({
        kind: 'item-failed',
        item: item.number,
        message: `${describeItem(item)}: ${failedWording(item)}${item.note ? ` (${item.note})` : ''}`,
      });
    } else {
      const waiting =
        item.kind === 'sign' && item.spec.sign?.length
          ? ` (waiting for a go from ${item.spec.sign.join(' or ')})`
          : '';
      blockers.push({
        kind: 'item-open',
        item: item.number,
        message: `${describeItem(item)} is ${item.state}${waiting}`,
      });
    }
  }

  const roleName = (role: string) =>
    playbook.roles[role] ? `${role} (${playbook.roles[role]})` : role;
  const standing = standingNoGos(signoffs, commit);
  const here: SignoffTarget = { kind: 'gate', id: gate.id };
  const counted: Signoff[] = [];

  // (2) A current go of every gate role, for this gate.
  for (const role of gate.roles) {
    const name = roleName(role);
    const latest = latestSignoff(signoffs, role, here);
    if (latest) counted.push(latest);
    const current =
      latest &&
      latest.commit === commit &&
      latest.verdict === 'go' &&
      latest.staleSince === undefined;
    // Four eyes: a go from someone who started the release or worked on it does not count.
    const involvement =
      current && gate.fourEyes ? input.involved?.[latest.actor.toLowerCase()] : undefined;
    if (current && involvement) {
      blockers.push({
        kind: 'signoff-four-eyes',
        role,
        message: `${name}'s go (by ${latest.actor}) does not count: this gate asks for four eyes, and ${latest.actor} ${involvement}; another holder of ${role} must say go`,
      });
      continue;
    }
    if (current) continue;
    if (!latest) {
      const elsewhere = signoffs.filter(
        (s) => s.role === role && s.commit === commit && s.verdict === 'go' && s.target,
      );
      const note = elsewhere.length
        ? ` (a go counts only where it was given; ${role} said go for ${describeTarget(elsewhere.at(-1)!.target, playbook, items)})`
        : '';
      blockers.push({
        kind: 'signoff-missing',
        role,
        message: `no go from ${name} for this gate yet${note}`,
      });
    } else if (latest.commit !== commit) {
      const was = latest.commit ? `commit ${shortCommit(latest.commit)}` : 'no commit';
      const now = commit
        ? `the current commit ${shortCommit(commit)}`
        : 'a release without a commit';
      blockers.push({
        kind: 'signoff-stale',
        role,
        message: `${name}'s ${latest.verdict} (by ${latest.actor}) was for ${was}, not ${now}: it must be given again`,
      });
    } else if (latest.staleSince !== undefined && latest.verdict === 'go') {
      blockers.push({
        kind: 'signoff-stale',
        role,
        message: `${name}'s go (by ${latest.actor}) was given before the playbook re-snapshot of event ${latest.staleSince} changed this gate: it must be given again`,
      });
    } else if (!standing.includes(latest)) {
      // A no-go here that a later go elsewhere lifted: it still is no go for this gate.
      blockers.push({
        kind: 'signoff-missing',
        role,
        message: `${name} said no-go for this gate (${latest.actor}${latest.comment ? `: ${latest.comment}` : ''}) and has not said go for it since`,
      });
    }
  }

  // (3) No standing no-go anywhere in the release.
  for (const s of standing) {
    counted.push(s);
    blockers.push({
      kind: 'signoff-no-go',
      role: s.role,
      message: `${roleName(s.role)} said no-go for ${describeTarget(s.target, playbook, items)} (${s.actor})${s.comment ? `: ${s.comment}` : ''}; it stands until ${s.role} says go again`,
    });
  }

  // (4) The release window, or a recorded override of it for this gate and commit.
  const windowBlockers = checkWindow(playbook.policy.window, now);
  const override = findWindowOverride(playbook, input.overrides ?? [], gate.id, commit);
  if (!override) blockers.push(...windowBlockers);

  return {
    outcome: blockers.length === 0 ? 'go' : 'no-go',
    blockers,
    inputs: {
      gate,
      commit: commit ?? null,
      itemStates: guarded.map((i) => [i.number, i.state]),
      signoffs: viewSignoffs([...new Set(counted)], commit),
      window: {
        now: now.toISOString(),
        policy: playbook.policy.window ?? null,
        overridden: override ? windowBlockers : [],
      },
      override: override ? { reason: override.reason, by: override.actor } : null,
    },
  };
}

/**
 * The latest window override recorded for a gate at a commit, given as a role the playbook's
 * `policy.window.override` still names; undefined when there is none.
 *
 * @example findWindowOverride(playbook, overrides, 'go-no-go', release.commit)?.reason
 */
export function findWindowOverride(
  playbook: Playbook,
  overrides: GateOverride[],
  gateId: string,
  commit: string | undefined,
): GateOverride | undefined {
  const allowed = playbook.policy.window?.override ?? [];
  return overrides
    .filter(
      (o) =>
        o.kind === 'window' &&
        o.gate === gateId &&
        o.commit === commit &&
        allowed.includes(o.role) &&
        o.reason.trim() !== '',
    )
    .at(-1);
}
