/**
 * What an export of a release says, before it is written in one format or another: each item's
 * state as a person reads it with its evidence, the sign-off history per gate in checklist order,
 * the decisions, deployments, rollbacks and overrides, and the log's head. Pure: the release
 * view and its event log come in (the CLI gathers them). The formats are in
 * `release-export-markdown.ts` and `release-export-github.ts`.
 */
import { listPoints } from './gate.ts';
import type { Playbook } from './playbook.ts';
import { releaseStateWords } from './release-model.ts';
import type {
  Decision,
  Deployment,
  Evidence,
  GateOverride,
  Incident,
  ItemState,
  Release,
  ReleaseEvent,
  ReleaseItem,
  Signoff,
  SignoffView,
  Verdict,
} from './release-model.ts';
import { listSignTargets } from './signoff-target.ts';

/** Everything an export is made from: a release view and, for the history, its event log. */
export interface ExportInput {
  release: Release;
  playbook: Playbook;
  items: ReleaseItem[];
  /** The sign-offs as they count now (the latest per role and target). */
  signoffs: SignoffView[];
  decisions?: Decision[];
  deployments?: Deployment[];
  overrides?: GateOverride[];
  incidents?: Incident[];
  /**
   * The release's event log, oldest first: every sign-off ever given (not only the latest) and
   * the state each item was in before a waiver. Without it, the current sign-offs are shown.
   */
  events?: readonly ReleaseEvent[];
}

/**
 * The line naming the log's head: its number of events and the newest event's hash.
 *
 * @example headLine({ count: 14, hash: '3f2a…' }) // 'Event log: 14 events, head hash 3f2a…'
 */
export function headLine(head: { count: number; hash: string }): string {
  return `Event log: ${head.count} event${head.count === 1 ? '' : 's'}, head hash ${head.hash}.`;
}

/** How an item's state reads: `[x]` only for what a person ticked or a check passed. */
export const tickedStates: readonly ItemState[] = ['done', 'passed'];

/** An item's state in words, with who, when, why and what it rests on. */
export interface ItemStatus {
  /**
   * `done`, `passed by check`, `signed go`, `signed no-go`, `failed`, `n/a`, `waived`,
   * `running`; absent for pending.
   */
  word?: string;
  ticked: boolean;
  by?: string;
  /** The role a sign item was signed as. */
  role?: string;
  at?: string;
  /** The check that set it, for check results (`changelog`). */
  check?: string;
  /** The commit a check verified. */
  commit?: string;
  /** What the check found, one line (`CHANGELOG.md:3 has "[1.4.0]"`). */
  summary?: string;
  /** Where the check read from when not from the release commit, and why. */
  source?: string;
  /** The person's note or reason (may be several lines). */
  note?: string;
  /** A link given as evidence. */
  url?: string;
  /** For a waiver: the state it was given in (`failed`, `pending`), when the log says. */
  waivedFrom?: ItemState;
  /** For a waiver of a check that had run: its result and summary. */
  waivedCheck?: { result: string; summary?: string };
  /** Evidence worth showing in full (files and hashes, output, findings, fix). */
  details: EvidenceDetails;
}

/** The long part of a check's evidence. */
export interface EvidenceDetails {
  command?: string;
  exitCode?: number | null;
  files?: { path: string; sha256: string }[];
  output?: { head: string[]; tail: string[]; lines: number };
  findings?: { where: string; message: string }[];
  fix?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function readDetails(e: Evidence | undefined): EvidenceDetails {
  const d: EvidenceDetails = {};
  if (!e) return d;
  if (Array.isArray(e.command)) d.command = e.command.map(String).join(' ');
  else if (str(e.command)) d.command = str(e.command)!;
  if (typeof e.exitCode === 'number' || e.exitCode === null) d.exitCode = e.exitCode;
  if (Array.isArray(e.files)) {
    d.files = (e.files as unknown[])
      .filter((f): f is { path: string; sha256: string } => {
        const x = f as { path?: unknown; sha256?: unknown } | null;
        return typeof x?.path === 'string' && typeof x.sha256 === 'string';
      })
      .map((f) => ({ path: f.path, sha256: f.sha256 }));
  }
  const out = e.output as { head?: unknown; tail?: unknown; lines?: unknown } | undefined;
  if (out && Array.isArray(out.head) && Array.isArray(out.tail)) {
    d.output = {
      head: out.head.map(String),
      tail: out.tail.map(String),
      lines: typeof out.lines === 'number' ? out.lines : out.head.length + out.tail.length,
    };
  }
  if (Array.isArray(e.findings)) {
    d.findings = (e.findings as { where?: unknown; message?: unknown }[]).map((f) => ({
      where: String(f?.where ?? ''),
      message: String(f?.message ?? ''),
    }));
  }
  if (str(e.fix)) d.fix = str(e.fix)!;
  return d;
}

/**
 * True when the evidence has more than fits on one line.
 *
 * @example hasDetails({ fix: 'tag it' }) // true
 */
export function hasDetails(d: EvidenceDetails): boolean {
  return Boolean(d.command || d.files?.length || d.output?.lines || d.findings?.length || d.fix);
}

/** The state each item was waived from, by item number (from the log, when given). */
function findWaivedFrom(events: readonly ReleaseEvent[] | undefined): Map<number, ItemState> {
  const out = new Map<number, ItemState>();
  for (const e of events ?? []) {
    if (e.type !== 'item.state') continue;
    const p = e.payload as { item?: unknown; from?: unknown; to?: unknown } | null;
    if (typeof p?.item !== 'number') continue;
    if (p.to === 'waived' && typeof p.from === 'string') out.set(p.item, p.from as ItemState);
    else out.delete(p.item);
  }
  return out;
}

/**
 * Each item's status as the export shows it, by item number.
 *
 * @example describeStatuses(input).get(12)?.word // 'waived'
 */
export function describeStatuses(input: ExportInput): Map<number, ItemStatus> {
  const from = findWaivedFrom(input.events);
  const signoffs = listAllSignoffs(input);
  const out = new Map<number, ItemStatus>();
  for (const item of input.items) {
    const status = describeStatus(item, from.get(item.number));
    if (item.kind === 'sign' && (item.state === 'passed' || item.state === 'failed')) {
      // A sign item is passed or failed by a role holder's go or no-go: say whose.
      const s = signoffs.filter((x) => x.target?.kind === 'item' && x.target.id === item.id).at(-1);
      status.word = item.state === 'passed' ? 'signed go' : 'signed no-go';
      if (s) {
        status.by = s.actor;
        status.at = s.at;
        status.role = input.playbook.roles[s.role] ?? s.role;
        if (s.comment) status.note = s.comment;
      }
    }
    out.set(item.number, status);
  }
  return out;
}

function describeStatus(item: ReleaseItem, waivedFrom: ItemState | undefined): ItemStatus {
  const e = item.evidence;
  const byCheck = str(e?.result) !== undefined;
  const status: ItemStatus = {
    ticked: tickedStates.includes(item.state),
    details: byCheck ? readDetails(e) : {},
  };
  if (item.state === 'pending') return status;
  status.at = item.updatedAt;
  if (item.updatedBy) status.by = item.updatedBy;
  if (item.note) status.note = item.note;
  if (str(e?.url)) status.url = str(e?.url)!;
  const checkName = item.spec.check?.name;
  const fromCheck = (s: ItemStatus) => {
    if (checkName) s.check = checkName;
    const commit = str(e?.commit) ?? str(e?.releaseCommit);
    if (commit) s.commit = commit;
    if (str(e?.summary)) s.summary = str(e?.summary)!;
    if (e?.source === 'working tree')
      s.source = `the working tree${str(e.note) ? ` (${str(e.note)})` : ''}`;
    if (str(e?.checkedAt)) s.at = str(e?.checkedAt)!;
  };
  switch (item.state) {
    case 'done':
      status.word = 'done';
      // Evidence of another kind (a deployment that ticked it) says what it was in one line.
      if (!byCheck && str(e?.summary)) status.summary = str(e?.summary)!;
      break;
    case 'passed':
      status.word = 'passed by check';
      fromCheck(status);
      break;
    case 'failed':
      status.word = 'failed';
      if (byCheck && item.note === undefined) fromCheck(status);
      break;
    case 'na':
      status.word = 'n/a';
      break;
    case 'waived':
      status.word = 'waived';
      if (waivedFrom) status.waivedFrom = waivedFrom;
      if (byCheck && str(e?.result) !== 'passed') {
        status.waivedCheck = { result: str(e?.result)! };
        if (str(e?.summary)) status.waivedCheck.summary = str(e?.summary)!;
      }
      break;
    case 'running':
      status.word = 'running';
      break;
  }
  return status;
}

/** How many items of a phase are in each state, for a summary. */
export interface PhaseCount {
  phase: string;
  title: string;
  total: number;
  counts: Record<ItemState, number>;
}

/**
 * The phase titles by id (`rollback` for the rollback procedure).
 *
 * @example findPhaseTitle(playbook, 'rollback') // 'Rollback procedure'
 */
export function findPhaseTitle(playbook: Playbook, id: string): string {
  if (id === 'rollback') return 'Rollback procedure';
  return playbook.phases.find((p) => p.id === id)?.title ?? id;
}

/**
 * Items per phase and state, phases in checklist order (those the release has).
 *
 * @example countByPhase(input)[0]?.counts.done // 12
 */
export function countByPhase(input: ExportInput): PhaseCount[] {
  const out = new Map<string, PhaseCount>();
  for (const item of [...input.items].sort((a, b) => a.number - b.number)) {
    let row = out.get(item.phase);
    if (!row) {
      row = {
        phase: item.phase,
        title: findPhaseTitle(input.playbook, item.phase),
        total: 0,
        counts: { pending: 0, running: 0, passed: 0, failed: 0, done: 0, na: 0, waived: 0 },
      };
      out.set(item.phase, row);
    }
    row.total++;
    row.counts[item.state]++;
  }
  return [...out.values()];
}

/** One sign-off as the history shows it. */
export interface SignoffEntry extends Signoff {
  /** It is its role's latest for this target and counts now. */
  current: boolean;
  /** It is its role's latest for this target but was given for another commit. */
  stale: boolean;
}

/** The sign-offs of one gate or sign item, in the order given. */
export interface SignoffGroup {
  /** `Gate "Deployment Checklist"` or `#7 "QA sign-off"`; undefined for sign-offs that name no target. */
  label?: string;
  kind?: 'gate' | 'item';
  /** The roles it names, as display names. */
  roles: string[];
  entries: SignoffEntry[];
}

/** Every sign-off of the release: from the log when given, else the current ones. */
function listAllSignoffs(input: ExportInput): Signoff[] {
  if (!input.events) return input.signoffs;
  const out: Signoff[] = [];
  for (const e of input.events) {
    if (e.type !== 'signoff.recorded') continue;
    const p = e.payload as {
      role?: unknown;
      verdict?: unknown;
      target?: { kind?: unknown; id?: unknown } | null;
      commit?: unknown;
      comment?: unknown;
      carried?: unknown;
    } | null;
    if (typeof p?.role !== 'string' || (p.verdict !== 'go' && p.verdict !== 'no-go')) continue;
    const s: Signoff = {
      releaseId: e.releaseId,
      role: p.role,
      verdict: p.verdict as Verdict,
      actor: e.actor,
      at: e.at,
    };
    if ((p.target?.kind === 'gate' || p.target?.kind === 'item') && typeof p.target.id === 'string')
      s.target = { kind: p.target.kind, id: p.target.id };
    if (typeof p.commit === 'string') s.commit = p.commit;
    if (typeof p.comment === 'string' && p.comment) s.comment = p.comment;
    // Carried over from the release this one supersedes: its signer and time, and where from.
    const carried = p.carried as { from?: unknown; actor?: unknown; at?: unknown } | undefined;
    if (typeof carried?.from === 'string') {
      s.carriedFrom = carried.from;
      if (typeof carried.actor === 'string') s.actor = carried.actor;
      if (typeof carried.at === 'string') s.at = carried.at;
    }
    out.push(s);
  }
  return out;
}

/**
 * The sign-off history per gate and sign item, in checklist order, each group's sign-offs in
 * the order given, the latest of each role marked as counting now (or stale, when given for
 * another commit than the release's).
 *
 * @example listSignoffHistory(input)[0]?.entries.map((e) => e.verdict) // ['no-go', 'go']
 */
export function listSignoffHistory(input: ExportInput): SignoffGroup[] {
  const { playbook, items, release } = input;
  const all = listAllSignoffs(input);
  const targets = listSignTargets(playbook, items, release.type);
  const keyOf = (t: { kind: string; id: string } | undefined) => (t ? `${t.kind}:${t.id}` : '');
  const latest = new Map<string, Signoff>();
  for (const s of all) latest.set(`${keyOf(s.target)}\0${s.role}`, s);
  const entry = (s: Signoff): SignoffEntry => {
    const isLatest = latest.get(`${keyOf(s.target)}\0${s.role}`) === s;
    // Given for another commit, or before a re-snapshot changed its gate or sign item.
    const stale = isLatest && (s.commit !== release.commit || s.staleSince !== undefined);
    return { ...s, current: isLatest && !stale, stale };
  };
  const nameRole = (r: string) => playbook.roles[r] ?? r;
  const groups: SignoffGroup[] = [];
  const known = new Set<string>();
  for (const t of targets) {
    known.add(keyOf(t));
    const entries = all.filter((s) => keyOf(s.target) === keyOf(t)).map(entry);
    const label = t.kind === 'gate' ? `Gate ${t.label.slice('gate '.length)}` : t.label;
    groups.push({ label, kind: t.kind, roles: t.roles.map(nameRole), entries });
  }
  // Sign-offs for a target the release no longer has, or from before sign-offs named one.
  const rest = all.filter((s) => !known.has(keyOf(s.target)));
  if (rest.length) groups.push({ roles: [], entries: rest.map(entry) });
  return groups;
}

/** A title for a decision's gate id: `gate "Deployment Checklist"`, or `the whole release`. */
export function describeGate(playbook: Playbook, id: string): string {
  if (id === 'release') return 'the whole release';
  const { points } = listPoints(playbook);
  const title = points.find((p) => p.id === id)?.title ?? id;
  return `gate ${JSON.stringify(title)}`;
}

/** A deployment with what forced it past a NO-GO and what rolled it back. */
export interface DeploymentEntry {
  deployment: Deployment;
  forced?: GateOverride;
  rollbacks: Incident[];
}

/**
 * The deployments in the order made, each with its forced override (when a role holder let it
 * past a NO-GO) and its rollbacks and incidents.
 *
 * @example listDeploymentEntries(input)[1]?.rollbacks[0]?.reason // 'error rate above 5%'
 */
export function listDeploymentEntries(input: ExportInput): DeploymentEntry[] {
  const deployments = [...(input.deployments ?? [])].sort((a, b) =>
    a.startedAt.localeCompare(b.startedAt),
  );
  const forcedLeft = (input.overrides ?? []).filter((o) => o.kind === 'force');
  return deployments.map((d) => {
    const entry: DeploymentEntry = {
      deployment: d,
      rollbacks: (input.incidents ?? []).filter((i) => i.deploymentId === d.id),
    };
    // A forced deployment's override is recorded just before it, for its environment.
    const i = forcedLeft.findIndex((o) => o.environment === d.environment && o.at === d.startedAt);
    if (i >= 0) entry.forced = forcedLeft.splice(i, 1)[0]!;
    return entry;
  });
}

/** The release's state as a sentence's parts: the words, and who, when and why. */
export interface ReleaseStateLine {
  words: string;
  by?: string;
  at?: string;
  reason?: string;
}

/**
 * The release's state in words, with the reason, who and when where the record has them.
 *
 * @example describeReleaseState(release).words // 'rolled back'
 */
export function describeReleaseState(release: Release): ReleaseStateLine {
  const line: ReleaseStateLine = { words: releaseStateWords[release.state] ?? release.state };
  if (release.stateBy) line.by = release.stateBy;
  if (release.stateAt) line.at = release.stateAt;
  if (release.stateReason) line.reason = release.stateReason;
  return line;
}

/**
 * How many events of the log were written under an overridden clock (`GONOGO_NOW`).
 *
 * @example countClockOverrides(events) // 3
 */
export function countClockOverrides(events: readonly ReleaseEvent[] | undefined): number {
  return (events ?? []).filter((e) => e.realAt !== undefined).length;
}

/**
 * Items grouped by phase, then section, in number order.
 *
 * @example groupItems(items).get('pre-release')?.get('main')?.length // 7
 */
export function groupItems(items: ReleaseItem[]): Map<string, Map<string, ReleaseItem[]>> {
  const groups = new Map<string, Map<string, ReleaseItem[]>>();
  for (const item of [...items].sort((a, b) => a.number - b.number)) {
    const phase = groups.get(item.phase) ?? new Map<string, ReleaseItem[]>();
    groups.set(item.phase, phase);
    phase.set(item.section, [...(phase.get(item.section) ?? []), item]);
  }
  return groups;
}

/**
 * A section's title, when it has one (`rollback` for the rollback procedure's).
 *
 * @example findSectionTitle(playbook, 'deploy', 'steps') // 'Steps'
 */
export function findSectionTitle(
  playbook: Playbook,
  phase: string,
  id: string,
): string | undefined {
  const sections =
    phase === 'rollback'
      ? playbook.rollback
      : playbook.phases.find((p) => p.id === phase)?.sections;
  return sections?.find((s) => s.id === id)?.title;
}

/**
 * The short form of a commit in an export.
 *
 * @example shortenCommit('a'.repeat(40)) // 'aaaaaaaaaaaa'
 */
export const shortenCommit = (sha: string): string => sha.slice(0, 12);
