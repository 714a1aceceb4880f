/**
 * Go / no-go gates: where they are in a release, which one to decide next, and the decision
 * itself from the items before the gate, the gate roles' sign-offs for the current commit and
 * the release window. Pure: the instant to judge is passed in.
 */
import { NotFoundError } from './errors.ts';
import { suggestName } from './names.ts';
import type { Playbook, PlaybookPhase } from './playbook.ts';
import { acceptedStates } from './release-model.ts';
import type { Blocker, Decision, Outcome, ReleaseItem, Signoff } from './release-model.ts';
import { describeItem, viewSignoffs } from './release-rules.ts';
import { checkWindow } from './window.ts';

export interface GateTarget {
  id: string;
  kind: 'phase' | 'section' | 'release';
  title: string;
  roles: string[];
  /** Number of the first item at or after the gate: items before it are what the gate guards. */
  beforeNumber: number;
}

/** What a decision was computed from, recorded with it (`Decision.inputs`). */
export interface GateInputs {
  gate: GateTarget;
  commit: string | null;
  /** `[number, state]` of every item the gate guards. */
  itemStates: [number, ReleaseItem['state']][];
  signoffs: ReturnType<typeof viewSignoffs>;
  window: { now: string; policy: Playbook['policy']['window'] | null; overridden: Blocker[] };
  override: { reason: string; by: string } | null;
}

/** Each gate point of the playbook (a phase, or a section within it) with its ordinal. */
interface Point {
  kind: 'phase' | 'section';
  id: string;
  title: string;
  gate: string[] | undefined;
  ordinal: number;
  phase: PlaybookPhase;
}

function pointsOf(playbook: Playbook): { points: Point[]; ordinals: Map<string, number> } {
  const points: Point[] = [];
  const ordinals = new Map<string, number>();
  let ordinal = 0;
  for (const phase of playbook.phases) {
    points.push({
      kind: 'phase',
      id: phase.id,
      title: phase.title,
      gate: phase.gate,
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
function phaseApplies(
  phase: PlaybookPhase,
  items: ReleaseItem[],
  type: string | undefined,
): boolean {
  if (!phase.when?.type) return true;
  if (type !== undefined) return phase.when.type.includes(type);
  const hasItems = phase.sections.some((s) => s.items.length > 0);
  return !hasItems || items.some((i) => !i.rollback && i.phase === phase.id);
}

function numberAt(ordinal: number, items: ReleaseItem[], ordinals: Map<string, number>): number {
  let first: number | undefined;
  let last = 0;
  for (const item of items) {
    if (item.rollback) continue;
    last = Math.max(last, item.number);
    const at = ordinals.get(`${item.phase}\u0000${item.section}`);
    if (at !== undefined && at >= ordinal && (first === undefined || item.number < first)) {
      first = item.number;
    }
  }
  return first ?? last + 1;
}

function releaseTarget(items: ReleaseItem[]): GateTarget {
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
  const { points, ordinals } = pointsOf(playbook);
  return points
    .filter((p) => p.gate && phaseApplies(p.phase, items, type))
    .map((p) => ({
      id: p.id,
      kind: p.kind,
      title: p.title,
      roles: [...p.gate!],
      beforeNumber: numberAt(p.ordinal, items, ordinals),
    }));
}

/**
 * Picks the gate to decide: the one named (a phase or section id; one without a gate gives a
 * gate with no roles at that point; `release` the whole release), else the first gate without
 * a recorded GO for the current commit, else the whole release (all non-rollback items, no
 * roles). An unknown name throws {@link NotFoundError} with a did-you-mean and the gates.
 *
 * @example selectGate(playbook, items, decisions, release.commit).id // 'go-no-go'
 */
export function selectGate(
  playbook: Playbook,
  items: ReleaseItem[],
  decisions: Decision[],
  commit: string | undefined,
  gateId?: string,
  type?: string,
): GateTarget {
  const gates = listGates(playbook, items, type);
  if (gateId !== undefined) {
    const wanted = gateId.trim();
    if (wanted === 'release') return releaseTarget(items);
    const gate = gates.find((g) => g.id === wanted);
    if (gate) return gate;
    const { points, ordinals } = pointsOf(playbook);
    const point = points.find((p) => p.id === wanted);
    if (point) {
      return {
        id: point.id,
        kind: point.kind,
        title: point.title,
        roles: [],
        beforeNumber: numberAt(point.ordinal, items, ordinals),
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
    (g) => !decisions.some((d) => d.gate === g.id && d.outcome === 'go' && d.commit === commit),
  );
  return open ?? releaseTarget(items);
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
    default:
      return 'marked failed';
  }
}

/**
 * Evaluates a gate. Blockers, in this order: every required item the gate guards that is not
 * passed, done, n/a or waived (`item-failed` or `item-open`; required sub-items of an item
 * marked n/a are let through with it; rollback items never block); for each gate role a
 * missing, stale or no-go sign-off; the release window, unless overridden. GO when there are
 * none. `inputs` records everything the outcome rests on.
 *
 * @example
 * const { outcome, blockers } = evaluateGate({ playbook, items, signoffs, gate, commit, now: new Date() });
 */
export function evaluateGate(input: {
  playbook: Playbook;
  items: ReleaseItem[];
  signoffs: Signoff[];
  gate: GateTarget;
  commit?: string;
  now: Date;
  override?: { reason: string; by: string };
}): { outcome: Outcome; blockers: Blocker[]; inputs: GateInputs } {
  const { playbook, items, gate, commit, now, override } = input;
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

  const guarded = items
    .filter((i) => !i.rollback && (gate.kind === 'release' || i.number < gate.beforeNumber))
    .sort((a, b) => a.number - b.number);
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

  const views = viewSignoffs(input.signoffs, commit);
  for (const role of gate.roles) {
    const name = playbook.roles[role] ? `${role} (${playbook.roles[role]})` : role;
    const view = views.find((v) => v.role === role);
    if (!view) {
      blockers.push({ kind: 'signoff-missing', role, message: `no sign-off from ${name} yet` });
    } else if (view.stale) {
      const was = view.commit ? `commit ${shortCommit(view.commit)}` : 'no commit';
      const now = commit
        ? `the current commit ${shortCommit(commit)}`
        : 'a release without a commit';
      blockers.push({
        kind: 'signoff-stale',
        role,
        message: `${name}'s ${view.verdict} (by ${view.actor}) was for ${was}, not ${now}: it must be given again`,
      });
    } else if (view.verdict === 'no-go') {
      blockers.push({
        kind: 'signoff-no-go',
        role,
        message: `${name} said no-go (${view.actor})${view.comment ? `: ${view.comment}` : ''}`,
      });
    }
  }

  const windowBlockers = checkWindow(playbook.policy.window, now);
  if (!override) blockers.push(...windowBlockers);

  return {
    outcome: blockers.length === 0 ? 'go' : 'no-go',
    blockers,
    inputs: {
      gate,
      commit: commit ?? null,
      itemStates: guarded.map((i) => [i.number, i.state]),
      signoffs: views,
      window: {
        now: now.toISOString(),
        policy: playbook.policy.window ?? null,
        overridden: override ? windowBlockers : [],
      },
      override: override ?? null,
    },
  };
}
