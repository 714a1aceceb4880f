/**
 * Re-snapshot: the difference between a release's items and an edited playbook, as release
 * items. Items are matched by id. One that matches and did not change stays as it is (number,
 * state, note, evidence); one that changed is rewritten from the new playbook and goes back to
 * `pending` when the change voids what its state attested; one the new playbook adds gets a new
 * number after the highest the release ever had (numbers are never reused); one it drops leaves
 * the release, its last state kept in the difference. A gate changed when its roles or the
 * items it covers changed; its sign-offs (and those of a changed sign item) count no more.
 * Pure: the time and who acts come in.
 */
import { canonicalJson } from './hash.ts';
import { guardedItems, listGates } from './gate.ts';
import type { GateTarget } from './gate.ts';
import type { Playbook } from './playbook.ts';
import type { Evidence, ItemState, ReleaseItem, SignoffTarget } from './release-model.ts';
import { expandItems, expandRollbackItems } from './release-rules.ts';

/** An item the new playbook adds. */
export interface AddedItem {
  item: number;
  id: string;
  title: string;
  phase: string;
  section: string;
}

/** An item the new playbook no longer has, with its last state. */
export interface RemovedItem {
  item: number;
  id: string;
  title: string;
  phase: string;
  section: string;
  state: ItemState;
  note?: string;
  evidence?: Evidence;
}

/** An item that stays, rewritten from the new playbook. */
export interface ChangedItem {
  item: number;
  id: string;
  /** Its title now. */
  title: string;
  /** Its title before, when that changed. */
  was?: string;
  /** What changed: `title`, `kind`, `optional`, `phase`, `section`, `parent`, or a key of the item (`check`, `sign`, `when`, …). */
  fields: string[];
  from: ItemState;
  /** `pending` when the change voids what the state attested; else the state it kept. */
  to: ItemState;
  /** The note and evidence a reset cleared. */
  note?: string;
  evidence?: Evidence;
}

/** A gate whose roles or covered items changed, or that was added or removed. */
export interface GateChange {
  id: string;
  title: string;
  change: 'added' | 'removed' | 'changed';
  roles: { from: string[]; to: string[] };
  /** Numbers of the items it covers now and did not before, no more, or that changed. */
  items: { added: number[]; removed: number[]; changed: number[] };
}

/** What a re-snapshot changes in a release (recorded in its event). */
export interface PlaybookDiff {
  added: AddedItem[];
  removed: RemovedItem[];
  changed: ChangedItem[];
  gates: GateChange[];
  /** How many items stay exactly as they were. */
  unchanged: number;
  /** The gates and sign items whose earlier sign-offs count no more. */
  stale: SignoffTarget[];
  /** Other parts of the playbook that changed: `roles`, `policy`, `environments`, `phases` (titles, when), … */
  settings: string[];
}

/**
 * A removed and an added item of the same kind in the same section: most likely one item whose
 * title changed without an `id:` (its id comes from its title), which a person should be told.
 */
export interface RetitledItem {
  removed: number;
  added: number;
  /** The id it had: `id: <this>` on the item keeps its number and state. */
  id: string;
  title: string;
}

/** The rows the re-snapshot writes. */
export interface ItemRewrite {
  /** Changed items as they become (row versions as they were, for the optimistic write). */
  update: ReleaseItem[];
  insert: ReleaseItem[];
  remove: number[];
}

/**
 * Keys whose change leaves the state standing: wording people read, where the item sits and how
 * it counts. Any other change (what the item asks or how it is verified, and any key added to
 * items later) voids the state. The title is wording for an item whose evidence comes from a
 * machine (check, run, watch); for a manual or sign item it is what a person attested.
 */
const keepFields = new Set([
  'details',
  'suggest',
  'phase',
  'section',
  'parent',
  'optional',
  'when',
  'due',
  'timeout',
]);
const machineKinds = new Set(['check', 'run', 'watch', 'notify']);
/**
 * Keys whose change leaves a gate as it was: wording, a timeout, or a move that keeps the item
 * in front of the gate (an item that moves past it is counted as leaving it).
 */
const gateQuietFields = new Set(['details', 'suggest', 'timeout', 'phase', 'section', 'parent']);

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/**
 * The difference between a release's items (from the playbook `from`) and the playbook `to`,
 * for a release of `type`; added items are numbered from `nextNumber`. Rollback items are
 * compared with the new rollback procedure only when the release has them (a rollback added
 * them).
 *
 * @example
 * const { diff, rows } = diffPlaybook({ items, from, to, releaseId, at, actor, nextNumber: 31 });
 * diff.changed[0]; // { item: 7, id: 'changelog', fields: ['check'], from: 'passed', to: 'pending' }
 */
export function diffPlaybook(input: {
  items: ReleaseItem[];
  from: Playbook;
  to: Playbook;
  type?: string;
  releaseId: string;
  at: string;
  actor: string;
  nextNumber: number;
}): {
  diff: PlaybookDiff;
  rows: ItemRewrite;
  retitled: RetitledItem[];
  /** The release's items as they will be, by number. */
  items: ReleaseItem[];
} {
  const { items, from, to, at, actor } = input;
  const typed = input.type !== undefined ? { type: input.type } : {};
  const fresh = expandItems(to, { releaseId: input.releaseId, now: at, ...typed });
  if (items.some((i) => i.rollback)) {
    fresh.push(
      ...expandRollbackItems(to, {
        releaseId: input.releaseId,
        now: at,
        startNumber: fresh.length + 1,
      }),
    );
  }
  const old = new Map(items.map((i) => [i.id, i]));
  const wanted = new Set(fresh.map((i) => i.id));

  // Numbers: a matched item keeps its own; a new one takes the next free number.
  let next = input.nextNumber;
  const numberOf = new Map<number, number>();
  for (const f of fresh) numberOf.set(f.number, old.get(f.id)?.number ?? next++);

  const diff: PlaybookDiff = {
    added: [],
    removed: [],
    changed: [],
    gates: [],
    unchanged: 0,
    stale: [],
    settings: settingsChanged(from, to),
  };
  const rows: ItemRewrite = { update: [], insert: [], remove: [] };
  const after: ReleaseItem[] = [];
  const staleItems = new Set<string>();

  for (const f of fresh) {
    const number = numberOf.get(f.number)!;
    const row: ReleaseItem = { ...f, number };
    if (f.parent !== undefined) row.parent = numberOf.get(f.parent)!;
    else delete row.parent;
    const was = old.get(f.id);
    if (!was) {
      rows.insert.push(row);
      after.push(row);
      diff.added.push({
        item: number,
        id: f.id,
        title: f.title,
        phase: f.phase,
        section: f.section,
      });
      continue;
    }
    const fields = changedFields(was, row);
    if (fields.length === 0) {
      diff.unchanged++;
      after.push(was);
      continue;
    }
    const resets = fields.some(
      (k) => !(keepFields.has(k) || (k === 'title' && machineKinds.has(row.kind))),
    );
    // n/a is for optional items: one that became required owes its state again.
    const naVoided = was.state === 'na' && !row.optional;
    const reset = resets || naVoided;
    const updated: ReleaseItem = {
      ...was,
      title: row.title,
      kind: row.kind,
      optional: row.optional,
      phase: row.phase,
      section: row.section,
      rollback: row.rollback,
      spec: row.spec,
      updatedAt: at,
      updatedBy: actor,
    };
    if (row.parent !== undefined) updated.parent = row.parent;
    else delete updated.parent;
    const change: ChangedItem = {
      item: number,
      id: f.id,
      title: row.title,
      fields,
      from: was.state,
      to: reset ? 'pending' : was.state,
    };
    if (was.title !== row.title) change.was = was.title;
    if (reset) {
      updated.state = 'pending';
      delete updated.note;
      delete updated.evidence;
      if (was.note !== undefined) change.note = was.note;
      if (was.evidence !== undefined) change.evidence = was.evidence;
      if (was.kind === 'sign' || row.kind === 'sign') staleItems.add(f.id);
    }
    diff.changed.push(change);
    rows.update.push(updated);
    after.push(updated);
  }
  for (const was of items) {
    if (wanted.has(was.id)) continue;
    const removed: RemovedItem = {
      item: was.number,
      id: was.id,
      title: was.title,
      phase: was.phase,
      section: was.section,
      state: was.state,
    };
    if (was.note !== undefined) removed.note = was.note;
    if (was.evidence !== undefined) removed.evidence = was.evidence;
    diff.removed.push(removed);
    rows.remove.push(was.number);
    if (was.kind === 'sign') staleItems.add(was.id);
  }
  after.sort((a, b) => a.number - b.number);

  diff.gates = diffGates(from, items, to, after, diff, input.type);
  diff.stale = [
    ...diff.gates.map((g): SignoffTarget => ({ kind: 'gate', id: g.id })),
    ...[...staleItems].map((id): SignoffTarget => ({ kind: 'item', id })),
  ];
  return { diff, rows, retitled: findRetitled(diff, items, after), items: after };
}

/** The fields of an item that differ between its row and the row the new playbook gives. */
function changedFields(was: ReleaseItem, now: ReleaseItem): string[] {
  const fields: string[] = [];
  for (const k of ['title', 'kind', 'optional', 'phase', 'section', 'parent', 'rollback'] as const)
    if (!same(was[k], now[k])) fields.push(k);
  const a = was.spec as Record<string, unknown>;
  const b = now.spec as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    // Spelled on the row too, and compared there.
    if (k === 'id' || k === 'title' || k === 'kind' || k === 'optional') continue;
    if (!same(a[k], b[k])) fields.push(k);
  }
  return fields;
}

/** How a gate's roles compare: the same roles in any order are the same gate. */
const sameRoles = (a: string[], b: string[]) => same([...a].sort(), [...b].sort());

function diffGates(
  from: Playbook,
  before: ReleaseItem[],
  to: Playbook,
  after: ReleaseItem[],
  diff: PlaybookDiff,
  type: string | undefined,
): GateChange[] {
  const oldGates = listGates(from, before, type);
  const newGates = listGates(to, after, type);
  const changedIds = new Set(
    diff.changed.filter((c) => c.fields.some((f) => !gateQuietFields.has(f))).map((c) => c.id),
  );
  const covered = (pb: Playbook, items: ReleaseItem[], gate: GateTarget | undefined) =>
    new Map(gate ? guardedItems(pb, items, gate).map((i) => [i.id, i.number]) : []);
  const out: GateChange[] = [];
  const ids = [...new Set([...newGates.map((g) => g.id), ...oldGates.map((g) => g.id)])];
  for (const id of ids) {
    const was = oldGates.find((g) => g.id === id);
    const now = newGates.find((g) => g.id === id);
    const a = covered(from, before, was);
    const b = covered(to, after, now);
    const items = {
      added: [...b].filter(([i]) => !a.has(i)).map(([, n]) => n),
      removed: [...a].filter(([i]) => !b.has(i)).map(([, n]) => n),
      changed: [...b].filter(([i]) => a.has(i) && changedIds.has(i)).map(([, n]) => n),
    };
    const roles = { from: was?.roles ?? [], to: now?.roles ?? [] };
    const change = !was ? 'added' : !now ? 'removed' : 'changed';
    const moved = items.added.length + items.removed.length + items.changed.length > 0;
    if (change === 'changed' && !moved && sameRoles(roles.from, roles.to)) continue;
    out.push({ id, title: (now ?? was)!.title, change, roles, items });
  }
  return out;
}

/** Parts of the playbook other than its items that changed, by top-level key. */
function settingsChanged(from: Playbook, to: Playbook): string[] {
  const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
  keys.delete('phases');
  keys.delete('rollback');
  const out = [...keys]
    .filter((k) => !same(from[k as keyof Playbook], to[k as keyof Playbook]))
    .sort();
  // Phase and section titles, ids and `when`: the frame the items sit in (gates are told apart).
  const frame = (pb: Playbook) => ({
    phases: pb.phases.map(({ sections, gate: _g, ...p }) => ({
      ...p,
      sections: sections.map(({ items: _items, gate: _sg, ...s }) => s),
    })),
    rollback: pb.rollback.map(({ items: _items, gate: _g, ...s }) => s),
  });
  if (!same(frame(from).phases, frame(to).phases)) out.push('phases');
  if (!same(frame(from).rollback, frame(to).rollback)) out.push('rollback');
  return out;
}

/** Removed and added items that pair up one to one by section and kind. */
function findRetitled(
  diff: PlaybookDiff,
  before: ReleaseItem[],
  after: ReleaseItem[],
): RetitledItem[] {
  const key = (i: ReleaseItem) => `${i.phase}\u0000${i.section}\u0000${i.kind}`;
  const group = (numbers: number[], items: ReleaseItem[]) => {
    const byNumber = new Map(items.map((i) => [i.number, i]));
    const map = new Map<string, ReleaseItem[]>();
    for (const n of numbers) {
      const item = byNumber.get(n)!;
      map.set(key(item), [...(map.get(key(item)) ?? []), item]);
    }
    return map;
  };
  const gone = group(
    diff.removed.map((r) => r.item),
    before,
  );
  const came = group(
    diff.added.map((a) => a.item),
    after,
  );
  const out: RetitledItem[] = [];
  for (const [k, removed] of gone) {
    const added = came.get(k);
    if (removed.length !== 1 || added?.length !== 1) continue;
    out.push({
      removed: removed[0]!.number,
      added: added[0]!.number,
      id: removed[0]!.id,
      title: removed[0]!.title,
    });
  }
  return out;
}
