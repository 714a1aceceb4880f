/**
 * What each event of a release's log says, in words, for `gonogo log`: what was done, to which
 * item, and the note that came with it. Plain text (the caller makes it safe for its medium).
 * Pure: the release's playbook and items come in to name gates and items.
 */
import { describeTarget } from './gate.ts';
import type { Playbook } from './playbook.ts';
import { releaseStateWords } from './release-model.ts';
import type {
  Blocker,
  ReleaseEvent,
  ReleaseItem,
  ReleaseState,
  SignoffTarget,
} from './release-model.ts';
import { describeItem } from './release-rules.ts';

/** An event in words: what happened (the item included), and the note or reason, if any. */
export interface EventWords {
  what: string;
  note?: string;
}

/** What names items and gates in the words of an event. */
export interface EventContext {
  playbook?: Playbook;
  items: ReleaseItem[];
}

type Payload = Record<string, unknown>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const short = (sha: unknown) => (typeof sha === 'string' ? sha.slice(0, 12) : 'none');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** ` from 1.4.0 to 1.3.2`: the version rolled back and the one running again, where known. */
const rollbackTarget = (p: Payload) => {
  const from = text(p.fromVersion);
  if (!from) return '';
  return p.toVersion === null
    ? ` from ${from} (no earlier version recorded there)`
    : ` from ${from} to ${text(p.toVersion) ?? '?'}`;
};
/** ` by watch #7`: a failed watch acted by itself (policy.rollback). */
const watchOf = (p: Payload) => {
  const w = p.watch as { item?: unknown } | undefined;
  return typeof w?.item === 'number' ? ` by itself: watch #${w.item} failed` : '';
};
const nameRole = (ctx: EventContext, role: unknown) =>
  typeof role === 'string' ? (ctx.playbook?.roles[role] ?? role) : '?';

const stateWords: Record<string, string> = {
  pending: 'open',
  running: 'running',
  passed: 'passed',
  failed: 'failed',
  done: 'done',
  na: 'n/a',
  waived: 'waived',
};
const state = (s: unknown) => (typeof s === 'string' ? (stateWords[s] ?? s) : '?');

function nameItem(p: Payload, ctx: EventContext): string {
  const n = typeof p.item === 'number' ? p.item : undefined;
  const item = ctx.items.find((i) => i.number === n);
  if (item) return describeItem(item);
  return n !== undefined ? `#${n}` : `"${text(p.id) ?? '?'}"`;
}

function nameGate(gate: unknown, ctx: EventContext): string {
  if (gate === 'release') return 'the whole release';
  if (typeof gate !== 'string') return 'a gate';
  return ctx.playbook
    ? describeTarget({ kind: 'gate', id: gate }, ctx.playbook, ctx.items)
    : `gate "${gate}"`;
}

function nameTarget(target: unknown, ctx: EventContext): string {
  const t = target as SignoffTarget | undefined | null;
  if (!t || (t.kind !== 'gate' && t.kind !== 'item') || typeof t.id !== 'string')
    return 'no named gate';
  if (!ctx.playbook) return t.kind === 'gate' ? `gate "${t.id}"` : `item "${t.id}"`;
  return describeTarget(t, ctx.playbook, ctx.items);
}

const blockerCount = (b: unknown) => (Array.isArray(b) ? (b as Blocker[]).length : 0);

function describeItemState(p: Payload, ctx: EventContext): EventWords {
  const item = nameItem(p, ctx);
  const note = text(p.note);
  const evidence = (p.evidence ?? {}) as Payload;
  const from = state(p.from);
  const to = p.to;
  const withNote = (what: string, n = note): EventWords => (n ? { what, note: n } : { what });
  if (p.action === 'check') {
    const result = text(evidence.result) ?? state(to);
    return withNote(
      `check ${result === 'error' ? 'could not run' : result} on ${item}`,
      text(evidence.summary),
    );
  }
  if (p.action === 'sign-sync') return withNote(`${item} ${state(to)} by its sign-off`);
  switch (to) {
    case 'done':
      return withNote(`ticked ${item} done${text(evidence.url) ? ` (${text(evidence.url)})` : ''}`);
    case 'na':
      return withNote(`marked ${item} n/a`);
    case 'waived':
      return withNote(`waived ${item} (was ${from})`);
    case 'failed':
      return withNote(`marked ${item} failed`);
    case 'pending':
      return withNote(`reset ${item} to open (was ${from})`);
    default:
      return withNote(`moved ${item} from ${from} to ${state(to)}`);
  }
}

/** Words for the event types the service records: one entry per type. */
const words: Record<string, (p: Payload, ctx: EventContext) => EventWords> = {
  'release.started': (p) => {
    const pb = (p.playbook ?? {}) as Payload;
    const type = text(p.type) ? ` (${text(p.type)})` : '';
    const commit = text(p.commit) ? `, commit ${short(p.commit)}` : '';
    const items = typeof p.items === 'number' ? `, ${plural(p.items, 'item')}` : '';
    return {
      what: `started release ${text(p.version) ?? '?'}${type} from "${text(pb.name) ?? '?'}"${commit}${items}`,
    };
  },
  'release.retargeted': (p) => {
    const stale = Array.isArray(p.staleSignoffs) ? p.staleSignoffs.length : 0;
    return {
      what: `retargeted the release to commit ${short(p.to)} (was ${short(p.from)})${stale ? `; ${plural(stale, 'sign-off')} now stale` : ''}`,
    };
  },
  'item.state': describeItemState,
  'check.result': (p, ctx) => ({
    what: `check ${text(p.result) ?? '?'} on ${nameItem(p, ctx)}, logged but not applied`,
    note: [text(p.summary), text(p.reason)].filter(Boolean).join(' — '),
  }),
  'run.result': (p, ctx) => ({
    what: `run ${text(p.result) ?? '?'} on ${nameItem(p, ctx)}, logged but not applied`,
    note: [text(p.summary), text(p.reason)].filter(Boolean).join(' — '),
  }),
  'environment.locked': (p) => ({
    what: `locked ${text(p.environment) ?? '?'}${watchOf(p)}: deployments to it are refused until it is unlocked`,
    note: text(p.reason) ?? '',
  }),
  'environment.unlocked': (p) => ({
    what: `unlocked ${text(p.environment) ?? '?'} (locked by ${text(p.lockedBy) ?? '?'} at ${text(p.lockedAt) ?? '?'})`,
    note: text(p.reason) ?? '',
  }),
  'signoff.recorded': (p, ctx) => {
    const carried = p.carried as { from?: unknown; actor?: unknown } | undefined;
    const from =
      typeof carried?.from === 'string'
        ? ` (carried over from release ${carried.from}, given by ${text(carried.actor) ?? '?'})`
        : '';
    const what = `signed ${text(p.verdict) ?? '?'} for ${nameTarget(p.target, ctx)} as ${nameRole(ctx, p.role)}${text(p.commit) ? ` at commit ${short(p.commit)}` : ''}${from}`;
    return text(p.comment) ? { what, note: text(p.comment)! } : { what };
  },
  'decision.recorded': (p, ctx) => {
    const n = blockerCount(p.blockers);
    const override = p.override as { reason?: string; by?: string } | null | undefined;
    const what = `decided ${p.outcome === 'go' ? 'GO' : 'NO-GO'} for ${nameGate(p.gate, ctx)}${n ? ` (${plural(n, 'blocker')})` : ''}${override ? `, window overridden by ${override.by ?? '?'}` : ''}`;
    return override?.reason ? { what, note: override.reason } : { what };
  },
  'window.overridden': (p, ctx) => ({
    what: `overrode the release window for ${nameGate(p.gate, ctx)}${p.role ? ` as ${nameRole(ctx, p.role)}` : ''}`,
    note: text(p.reason) ?? '',
  }),
  'deployment.forced': (p, ctx) => ({
    what: `forced the deployment to ${text(p.environment) ?? '?'} past NO-GO (${plural(blockerCount(p.blockers), 'blocker')}) as ${nameRole(ctx, p.role)}`,
    note: text(p.reason) ?? '',
  }),
  'deployment.recorded': (p) => ({
    what: `deployed to ${text(p.environment) ?? '?'}: ${text(p.status) === 'rolled-back' ? 'rolled back' : (text(p.status) ?? '?')}${text(p.commit) ? `, commit ${short(p.commit)}` : ''}${text(p.forced) ? ' (forced)' : ''}`,
  }),
  'rollback.recorded': (p) => {
    const added = Array.isArray(p.items) ? p.items.length : 0;
    return {
      what: `rolled back ${text(p.environment) ?? '?'}${rollbackTarget(p)}${watchOf(p)}${added ? `; ${plural(added, 'rollback item')} added` : ''}`,
      note: text(p.reason) ?? '',
    };
  },
  'release.state': (p) => {
    const to = text(p.to);
    const from = text(p.from);
    const word = (x: string) =>
      Object.hasOwn(releaseStateWords, x) ? releaseStateWords[x as ReleaseState] : x;
    const what = `release ${to ? word(to) : '?'}${from ? ` (was ${word(from)})` : ''}${text(p.supersededBy) ? `, superseded by ${text(p.supersededBy)}` : ''}`;
    return text(p.reason) ? { what, note: text(p.reason)! } : { what };
  },
  'rollback.completed': (p) => {
    const resolved = Array.isArray(p.resolvedIncidents) ? p.resolvedIncidents.length : 0;
    return { what: `rollback procedure complete; ${plural(resolved, 'incident')} resolved` };
  },
  'incident.opened': (p) => ({
    what: `incident opened on ${text(p.environment) ?? '?'}`,
    note: text(p.reason) ?? '',
  }),
  'incident.resolved': (p) => {
    const n = Array.isArray(p.incidents) ? p.incidents.length : 0;
    return {
      what: `${plural(n, 'incident')} resolved${text(p.version) ? ` by the deployment of ${text(p.version)}` : ''}`,
    };
  },
  'release.resnapshot': (p) => {
    const from = short((p.from as Payload | undefined)?.hash);
    const to = short((p.playbook as Payload | undefined)?.hash);
    const count = (k: string) => (Array.isArray(p[k]) ? (p[k] as unknown[]).length : 0);
    const reset = Array.isArray(p.changed)
      ? (p.changed as Payload[]).filter((c) => c.to === 'pending' && c.from !== 'pending').length
      : 0;
    const parts = [
      count('added') && `${count('added')} added`,
      count('removed') && `${count('removed')} removed`,
      count('changed') && `${count('changed')} changed${reset ? ` (${reset} back to open)` : ''}`,
      count('gates') && plural(count('gates'), 'gate') + ' changed',
    ].filter(Boolean);
    return {
      what: `re-snapshot the playbook (${from} → ${to})${parts.length ? `: ${parts.join(', ')}` : ''}`,
    };
  },
  'release.project-changed': (p) => ({
    what: `moved the release from project ${text(p.from) ?? '?'} to ${text(p.to) ?? '?'}`,
  }),
  'release.finished': (p) => {
    const resolved = Array.isArray(p.resolvedIncidents) ? p.resolvedIncidents.length : 0;
    return {
      what: `release finished${resolved ? `; ${plural(resolved, 'incident')} resolved` : ''}`,
    };
  },
};

/**
 * A release state change of a type this module has no entry for (`release.abandoned`, or one
 * type whose payload names the new state as `to` or `state`).
 */
function describeReleaseChange(type: string, p: Payload): EventWords | undefined {
  const m = /^release\.([a-z-]+)$/.exec(type);
  if (!m) return undefined;
  const named = text(p.to) ?? text(p.state);
  const word =
    named && Object.hasOwn(releaseStateWords, named)
      ? releaseStateWords[named as ReleaseState]
      : m[1]!.replace(/-/g, ' ');
  const by = text(p.supersededBy) ?? text(p.by);
  const reason = text(p.reason);
  const what = `release ${word}${by ? ` by ${by}` : ''}`;
  return reason ? { what, note: reason } : { what };
}

/** A playbook re-snapshot, whatever its payload names the hashes. */
function describeSnapshot(type: string, p: Payload): EventWords | undefined {
  if (!/snapshot/i.test(type)) return undefined;
  const from = text(p.from) ?? text((p.previous as Payload | undefined)?.hash);
  const to = text(p.to) ?? text(p.hash) ?? text((p.playbook as Payload | undefined)?.hash);
  const hashes = from && to ? ` (${from.slice(0, 12)} → ${to.slice(0, 12)})` : '';
  const reason = text(p.reason) ?? text(p.note);
  const what = `re-snapshot the playbook${hashes}`;
  return reason ? { what, note: reason } : { what };
}

/**
 * An event in words. Types without an entry fall back to the type and its payload as compact
 * JSON, so nothing recorded goes unseen.
 *
 * @example describeEvent(e, { playbook, items }) // { what: 'ticked #12 "CHANGELOG updated" done', note: 'see PR' }
 */
export function describeEvent(e: ReleaseEvent, ctx: EventContext): EventWords {
  const p = (e.payload && typeof e.payload === 'object' ? e.payload : {}) as Payload;
  const known = Object.hasOwn(words, e.type) ? words[e.type]! : undefined;
  const out = (known?.(p, ctx) ??
    describeSnapshot(e.type, p) ??
    describeReleaseChange(e.type, p) ?? {
      what: `${e.type} ${JSON.stringify(e.payload ?? null)}`,
    }) as EventWords;
  if (out.note === '') delete out.note;
  return out;
}
