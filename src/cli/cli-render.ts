/**
 * Human renderings of releases shared by several commands, for an 80-column terminal.
 */
import { sortItems } from '../core/gate.ts';
import type { Blocker, ReleaseItem } from '../core/release-model.ts';
import { acceptedStates } from '../core/release-model.ts';
import type { PhaseProgress, ReleaseView } from '../service/service-contract.ts';
import type { Output } from './cli-output.ts';
import { fit, oneLine, paint, stateMark } from './cli-output.ts';

/** One line per item: number, mark, title, kind and note. */
export function renderItem(o: Output, item: ReleaseItem, width = 80): string {
  const num = String(item.number).padStart(3);
  const tags = [
    item.kind !== 'manual' ? item.kind : '',
    item.optional ? 'opt' : '',
    item.spec.sign ? item.spec.sign.join('|') : '',
    item.spec.notify ? `→ ${item.spec.notify.to.join(',')}${deliveredNote(item)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const indent = item.parent !== undefined ? '  ' : '';
  const tail = tags ? ` ${paint(o, 'gray', `(${tags})`)}` : '';
  const room = width - 9 - indent.length - (tags ? tags.length + 3 : 0);
  return `${num} ${stateMark(o, item.state)} ${indent}${fit(oneLine(item.title), Math.max(20, room))}${tail}`;
}

/** For a notify item: how its deliveries went, from its evidence (` sent`, ` 1 failed`). */
function deliveredNote(item: ReleaseItem): string {
  const ds = (item.evidence as { deliveries?: { status?: string }[] } | undefined)?.deliveries;
  if (!Array.isArray(ds) || !ds.length) return item.state === 'running' ? ' sending' : '';
  const failed = ds.filter((d) => d.status !== 'delivered').length;
  return failed ? ` ${failed} failed` : ' sent';
}

/** Phase titles and their items, grouped, in order. */
export function renderItems(
  o: Output,
  view: ReleaseView,
  opts: { onlyOpen?: boolean } = {},
): string[] {
  const lines: string[] = [];
  let phase = '';
  let section = '';
  // Document order: an item a re-snapshot added has a high number but stands in its section.
  for (const item of sortItems(view.playbook, view.items)) {
    if (opts.onlyOpen && acceptedStates.includes(item.state)) continue;
    if (item.phase !== phase) {
      phase = item.phase;
      section = '';
      const title =
        item.phase === 'rollback'
          ? 'Rollback procedure'
          : (view.playbook.phases.find((p) => p.id === phase)?.title ?? phase);
      lines.push('', paint(o, 'bold', oneLine(title)));
    }
    if (item.section !== section) {
      section = item.section;
      const sections =
        phase === 'rollback'
          ? view.playbook.rollback
          : view.playbook.phases.find((p) => p.id === phase)?.sections;
      const title = sections?.find((s) => s.id === section)?.title;
      if (title) lines.push(paint(o, 'cyan', `  ${fit(oneLine(title), 76)}`));
    }
    lines.push(renderItem(o, item));
  }
  return lines;
}

/** Progress per phase as `done/total` with a small bar. */
export function renderProgress(o: Output, phases: PhaseProgress[]): string[] {
  return phases.map((p) => {
    const width = 20;
    const filled = p.total ? Math.round((p.accepted / p.total) * width) : width;
    const bar =
      paint(o, 'green', '█'.repeat(filled)) + paint(o, 'gray', '░'.repeat(width - filled));
    const fail = p.failed ? paint(o, 'red', ` ${p.failed} failed`) : '';
    return `  ${fit(oneLine(p.title), 36).padEnd(36)} ${bar} ${String(p.accepted).padStart(3)}/${p.total}${fail}`;
  });
}

/** Blockers, one per line, with a symbol for their kind. */
export function renderBlockers(
  o: Output,
  blockers: Blocker[],
  opts: { max?: number; width?: number } = {},
): string[] {
  // `status` is read at a glance (one line each); `decide` shows every word of every blocker.
  // A standing no-go is shown whole everywhere: who said it and why is the news.
  const max = opts.max ?? Infinity;
  const lines = blockers.slice(0, max).map((b) => {
    // A blocker quotes titles, names and comments: recorded text, one line each.
    const message = oneLine(b.message);
    const shown = opts.width && b.kind !== 'signoff-no-go' ? fit(message, opts.width) : message;
    return `  ${paint(o, 'red', '✗')} ${shown}`;
  });
  if (blockers.length > max)
    lines.push(
      paint(o, 'gray', `  … and ${blockers.length - max} more (gonogo decide --json shows all)`),
    );
  return lines;
}

/**
 * The commands a person can run next to move the release on; `gate` is the gate the blockers
 * are of, so a sign-off asked for there is given there.
 */
export function nextActions(
  view: ReleaseView,
  blockers: Blocker[],
  max = 5,
  gate?: string,
): string[] {
  const out: string[] = [];
  // Items a person ticks, and checks not run yet, go in one command each.
  const toTick: number[] = [];
  const toCheck: number[] = [];
  for (const b of blockers) {
    if (b.role && (b.kind === 'signoff-missing' || b.kind === 'signoff-stale'))
      out.push(`gonogo sign ${b.role} go${gate ? ` --gate ${gate}` : ''}`);
    else if (b.role && b.kind === 'signoff-four-eyes')
      out.push(
        `gonogo sign ${b.role} go${gate ? ` --gate ${gate}` : ''}   # by a holder of ${b.role} who did not work on the release (four eyes)`,
      );
    else if (b.role && b.kind === 'signoff-no-go') {
      // Any go of the role lifts its no-go: one already asked for does.
      if (!out.some((a) => a.startsWith(`gonogo sign ${b.role} go`)))
        out.push(`gonogo sign ${b.role} go   # once ${b.role} is satisfied: lifts its no-go`);
    } else if (b.item !== undefined) {
      const item = view.items.find((i) => i.number === b.item);
      if (!item) continue;
      if (item.kind === 'sign' && item.spec.sign)
        out.push(`gonogo sign ${item.spec.sign[0]} go   # ${fit(oneLine(item.title), 40)}`);
      else if (item.kind === 'notify' && item.state !== 'running')
        out.push(`gonogo notify ${item.number}   # ${fit(oneLine(item.title), 40)}`);
      else if (item.state === 'failed')
        out.push(
          `gonogo item waive ${item.number} --note TEXT   # or fix it and ${item.kind === 'check' ? `gonogo check ${item.number}` : `gonogo item reset ${item.number}`}`,
        );
      else if (item.kind === 'check') toCheck.push(item.number);
      else toTick.push(item.number);
    } else if (b.kind.startsWith('window')) {
      const roles = view.playbook?.policy.window?.override ?? [];
      out.push(
        `gonogo decide --override-window --reason TEXT   # ${roles.length ? roles.join(' or ') : 'needs policy.window.override in the playbook'}`,
      );
    }
  }
  // Runs of numbers as ranges (`1-8 12`), at most eight refs, so the line stays a command one
  // can paste.
  const groups = (ns: number[]) => {
    const out: number[][] = [];
    for (const n of [...new Set(ns)].sort((x, y) => x - y)) {
      const last = out.at(-1);
      if (last && n === last.at(-1)! + 1) last.push(n);
      else out.push([n]);
    }
    return out.slice(0, 8);
  };
  const list = (ns: number[]) =>
    groups(ns)
      .map((g) => (g.length > 1 ? `${g[0]}-${g.at(-1)}` : String(g[0])))
      .join(' ');
  const count = (ns: number[], noun: string) => {
    const shown = groups(ns).flat().length;
    return shown < ns.length
      ? `${shown} of ${ns.length} ${noun}s`
      : `${ns.length} ${noun}${ns.length === 1 ? '' : 's'}`;
  };
  if (toCheck.length)
    out.unshift(`gonogo check ${list(toCheck)}   # run ${count(toCheck, 'check')}`);
  if (toTick.length)
    out.push(`gonogo item done ${list(toTick)}   # when done: ${count(toTick, 'item')}`);
  return [...new Set(out)].slice(0, max);
}

/**
 * How a clock override reads wherever it shows (status, log, audit verify): the time gonogo
 * used and the real time beside it.
 *
 * @example clockOverrideNote('2026-11-23T10:00:00.000Z', '2026-12-01T09:12:00.000Z')
 * // 'clock overridden: GONOGO_NOW=2026-11-23T10:00:00.000Z (real time 2026-12-01T09:12:00.000Z)'
 */
export function clockOverrideNote(at: string, realAt: string): string {
  return `clock overridden: GONOGO_NOW=${at} (real time ${realAt})`;
}
