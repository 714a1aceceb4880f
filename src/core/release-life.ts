/**
 * A release's life as a person reads it: its state in words, the follow-up items that remain
 * once production runs it (with when each is due), and the rollback procedure still open. Pure:
 * time comes in as ISO strings.
 */
import { parseDuration } from './duration.ts';
import { acceptedStates, releaseStateWords } from './release-model.ts';
import type { Blocker, Deployment, Release, ReleaseItem } from './release-model.ts';
import { describeItem } from './release-rules.ts';

/**
 * `superseded by 2.0.1`, `abandoned: moved to the 2.1 train`, `in progress`: the state of a
 * release with what it rests on.
 *
 * @example describeReleaseState({ ...release, state: 'rolled-back', stateReason: 'error rate 7%' })
 * // 'rolled back: error rate 7%'
 */
export function describeReleaseState(
  release: Pick<Release, 'state' | 'stateReason' | 'supersededBy'>,
): string {
  const words = releaseStateWords[release.state];
  if (release.state === 'superseded' && release.supersededBy)
    return `${words} by ${release.supersededBy}`;
  return release.stateReason ? `${words}: ${release.stateReason}` : words;
}

/** An item still open after the production deployment, and when it is due. */
export interface FollowUp {
  item: number;
  title: string;
  optional: boolean;
  /** `+24h`, from the playbook; absent for an item without a due point. */
  due?: string;
  /** The production deployment's time plus `due`. */
  dueAt?: string;
  /** True when `dueAt` has passed. */
  overdue: boolean;
  /**
   * True for an item that stands before the production deployment in the playbook: left open
   * when the release went out, rather than work that follows it.
   */
  beforeDeployment: boolean;
}

/**
 * The newest deployment of the release to `environment` that succeeded and was not rolled back:
 * when production got it.
 *
 * @example currentDeployment(view.deployments, 'production')?.startedAt
 */
export function currentDeployment(
  deployments: readonly Deployment[],
  environment: string | undefined,
): Deployment | undefined {
  return deployments
    .filter((d) => d.environment === environment && d.status === 'succeeded')
    .at(-1);
}

/** How long a watch item's window lasts past its due point (delay and `for`); 0 for others. */
function watchWindowMs(item: ReleaseItem): number {
  const w = item.spec.watch;
  if (!w?.for) return 0;
  return (parseDuration(w.initialDelay ?? '0s') ?? 0) + (parseDuration(w.for) ?? 0);
}

/** `15m`, `1h`, `1h30m`, `2d`: a due point's words. */
function compactDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  let rest = ms;
  let out = '';
  for (const [u, size] of units) {
    const n = Math.floor(rest / size);
    if (n) out += `${n}${u}`;
    rest -= n * size;
  }
  return out || '0s';
}

/**
 * The release's open items once production runs it (rollback items aside), each with its due
 * time (`deployedAt` + the item's `due`; a watch's when its window ends); ordered by due time,
 * items without one last, then by number. These are what remains of the release, not blockers of a gate; `before` names the items
 * that stand before the production deployment (left open when it went out).
 *
 * @example listFollowUps(items, '2026-11-23T10:00:00.000Z', now)[0]
 * // { item: 88, title: 'Error rate normal', due: '+24h', dueAt: '2026-11-24T10:00:00.000Z', overdue: false, optional: false, beforeDeployment: false }
 */
export function listFollowUps(
  items: readonly ReleaseItem[],
  deployedAt: string,
  now: string,
  before: ReadonlySet<number> = new Set(),
): FollowUp[] {
  const start = Date.parse(deployedAt);
  const out: FollowUp[] = [];
  for (const item of items) {
    if (item.rollback || acceptedStates.includes(item.state)) continue;
    const f: FollowUp = {
      item: item.number,
      title: item.title,
      optional: item.optional,
      overdue: false,
      beforeDeployment: before.has(item.number),
    };
    const ms = item.spec.due ? parseDuration(item.spec.due.replace(/^\+/, '')) : undefined;
    const window = watchWindowMs(item);
    if (item.spec.due && ms !== undefined) {
      // A watch is due when its window ends, not when it starts.
      f.due = window ? `+${compactDuration(ms + window)}` : item.spec.due;
      f.dueAt = new Date(start + ms + window).toISOString();
      f.overdue = f.dueAt <= now;
    }
    out.push(f);
  }
  return out.sort(
    (a, b) => (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff') || a.item - b.item,
  );
}

/**
 * The rollback procedure's required items not yet accepted, as blockers (what a rolled-back
 * release waits for before its incident is resolved).
 *
 * @example openRollbackItems(items).map((b) => b.item) // [101, 102]
 */
export function openRollbackItems(items: readonly ReleaseItem[]): Blocker[] {
  return items
    .filter((i) => i.rollback && !i.optional && !acceptedStates.includes(i.state))
    .map((i) => ({
      kind: i.state === 'failed' ? ('item-failed' as const) : ('item-open' as const),
      message: `${describeItem(i)} is ${i.state}`,
      item: i.number,
    }));
}
