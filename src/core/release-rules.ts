/**
 * The release rules a person meets item by item: which items a release has (how one is found
 * from what someone typed is in `item-refs.ts`), who holds a role, which manual actions an item allows, and how
 * sign-offs count. Pure: time comes in as ISO strings, nothing is read or written.
 */
import { ForbiddenError, InputError, TransitionError } from './errors.ts';
import type { Playbook, PlaybookItem, PlaybookSection } from './playbook.ts';
import type {
  ItemAction,
  ItemState,
  ReleaseItem,
  Signoff,
  SignoffTarget,
  SignoffView,
} from './release-model.ts';

/** `#12 "Title"`: how every message names an item. */
export function describeItem(item: Pick<ReleaseItem, 'number' | 'title'>): string {
  return `#${item.number} ${JSON.stringify(item.title)}`;
}

// An item limited to some release types applies only to releases of those types: a release
// started without a type gets the items that hold for every release.
const appliesToType = (when: { type?: string[] } | undefined, type: string | undefined) =>
  !when?.type || (type !== undefined && when.type.includes(type));

/**
 * The release items of a playbook for a release type, numbered from `startNumber` (default 1)
 * in document order: phase → section → item → its sub-items right after it (with `parent`
 * set). Phases, sections and items whose `when.type` excludes `type` are left out, with their sub-items;
 * without a type, items limited to types are left out. `when.environment` items are kept: they apply when
 * deploying there.
 *
 * @example
 * const items = expandItems(playbook, { releaseId: 'r1', type: 'minor', now: '2026-05-04T09:00:00.000Z' });
 * items[0]; // { number: 1, id: 'unit-tests', state: 'pending', rowVersion: 0, ... }
 */
export function expandItems(
  playbook: Playbook,
  opts: { releaseId: string; type?: string; now: string; startNumber?: number },
): ReleaseItem[] {
  const out: ReleaseItem[] = [];
  let next = opts.startNumber ?? 1;
  for (const phase of playbook.phases) {
    if (!appliesToType(phase.when, opts.type)) continue;
    for (const section of phase.sections) {
      if (!appliesToType(section.when, opts.type)) continue;
      next = pushSection(out, section, phase.id, next, {
        releaseId: opts.releaseId,
        now: opts.now,
        rollback: false,
        ...(opts.type !== undefined ? { type: opts.type } : {}),
      });
    }
  }
  return out;
}

/**
 * The playbook's rollback sections as release items (`rollback: true`, phase `rollback`),
 * numbered from `startNumber` (after the release's last item).
 *
 * @example
 * const extra = expandRollbackItems(playbook, { releaseId: 'r1', now, startNumber: items.length + 1 });
 */
export function expandRollbackItems(
  playbook: Playbook,
  opts: { releaseId: string; now: string; startNumber: number },
): ReleaseItem[] {
  const out: ReleaseItem[] = [];
  let next = opts.startNumber;
  for (const section of playbook.rollback) {
    next = pushSection(out, section, 'rollback', next, {
      releaseId: opts.releaseId,
      now: opts.now,
      rollback: true,
    });
  }
  return out;
}

function pushSection(
  out: ReleaseItem[],
  section: PlaybookSection,
  phase: string,
  start: number,
  ctx: { releaseId: string; now: string; rollback: boolean; type?: string },
): number {
  let next = start;
  const visit = (items: PlaybookItem[], parent: number | undefined) => {
    for (const it of items) {
      if (!appliesToType(it.when, ctx.type)) continue;
      const { items: children, ...spec } = it;
      const item: ReleaseItem = {
        releaseId: ctx.releaseId,
        number: next++,
        id: it.id,
        phase,
        section: section.id,
        title: it.title,
        kind: it.kind,
        optional: it.optional,
        rollback: ctx.rollback,
        spec,
        state: 'pending',
        updatedAt: ctx.now,
        rowVersion: 0,
      };
      if (parent !== undefined) item.parent = parent;
      out.push(item);
      if (children?.length) visit(children, item.number);
    }
  };
  visit(section.items, undefined);
  return next;
}

const sameActor = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Whether `actor` may act as `role`: anyone when the playbook lists no members for it, else only
 * its members (case-insensitive). A role the playbook does not declare is held by nobody.
 *
 * @example holdsRole(playbook, 'Ann@Example.com', 'qa-lead') // true when ann@example.com is a member
 */
export function holdsRole(playbook: Playbook, actor: string, role: string): boolean {
  if (!Object.hasOwn(playbook.roles, role)) return false;
  const members = playbook.members?.[role];
  if (!members || members.length === 0) return true;
  return members.some((m) => sameActor(m, actor));
}

/**
 * The roles `actor` holds, in the playbook's order (every role when the playbook lists no
 * members at all).
 *
 * @example rolesOf(playbook, 'ann@example.com') // ['qa-lead', 'security']
 */
export function rolesOf(playbook: Playbook, actor: string): string[] {
  return Object.keys(playbook.roles).filter((r) => holdsRole(playbook, actor, r));
}

const stateWords: Record<ItemState, string> = {
  pending: 'pending',
  running: 'running',
  passed: 'passed',
  failed: 'failed',
  done: 'done',
  na: 'n/a',
  waived: 'waived',
};

/**
 * Validates a person's action on an item (`gonogo item ACTION REF`) and returns the item's new
 * state. Throws {@link TransitionError} when the item's kind or state does not allow it,
 * {@link InputError} when a required note is missing, {@link ForbiddenError} when a waiver comes
 * from someone without a role. Every message names the item as `#12 "Title"` and says what to do.
 *
 * @example planItemAction(playbook, item, 'na', { actor: 'ann', note: 'no schema change' }) // 'na'
 */
export function planItemAction(
  playbook: Playbook,
  item: ReleaseItem,
  action: ItemAction,
  ctx: { actor: string; note?: string },
): ItemState {
  const name = describeItem(item);
  const hasNote = (ctx.note ?? '').trim().length > 0;
  const ref = [String(item.number)];
  const already = (state: ItemState, canReset = true) => {
    if (item.state === state) {
      throw new TransitionError(
        `${name} is already ${stateWords[state]}`,
        canReset ? { hint: { action: 'item.reset', refs: ref } } : undefined,
      );
    }
  };

  switch (action) {
    case 'done': {
      if (item.kind === 'check') {
        throw new TransitionError(
          `${name} is a check, so it is not ticked by hand: run it, or a role holder waives it with a reason`,
          { hint: { action: 'check.run', refs: ref } },
        );
      }
      if (item.kind === 'sign') {
        const role = item.spec.sign?.[0] ?? 'ROLE';
        throw new TransitionError(`${name} is a sign-off: ${role} says go or no-go`, {
          hint: { action: 'sign.go', refs: [role] },
        });
      }
      already('done');
      if (item.state === 'passed') {
        throw new TransitionError(`${name} already passed; there is nothing to tick`);
      }
      return 'done';
    }
    case 'na': {
      if (!item.optional) {
        throw new TransitionError(
          `${name} is required, so it cannot be n/a; a role holder may waive it with a reason`,
          { hint: { action: 'item.waive', refs: ref, needs: ['note'] } },
        );
      }
      already('na');
      if (!hasNote)
        throw new InputError(`${name}: n/a needs a reason`, {
          field: 'note',
          hint: { action: 'item.na', refs: ref, needs: ['note'] },
        });
      return 'na';
    }
    case 'waive': {
      if (item.optional) {
        throw new TransitionError(
          `${name} is optional, so it needs no waiver: mark it n/a with a reason`,
          { hint: { action: 'item.na', refs: ref, needs: ['note'] } },
        );
      }
      already('waived');
      if (item.state === 'passed' || item.state === 'done') {
        throw new TransitionError(`${name} is already ${item.state}, so it needs no waiver`);
      }
      // A playbook without roles has nobody to restrict the waiver to (a small team's default).
      const roles = Object.keys(playbook.roles);
      if (roles.length > 0 && rolesOf(playbook, ctx.actor).length === 0) {
        const who = roles.map((r) => `${r} (${playbook.members?.[r]?.join(', ') ?? 'anyone'})`);
        throw new ForbiddenError(
          `${ctx.actor} holds no role in this playbook, so cannot waive ${name}; roles that may: ${who.join(', ')}`,
        );
      }
      if (!hasNote)
        throw new InputError(`${name}: a waiver needs a reason`, {
          field: 'note',
          hint: { action: 'item.waive', refs: ref, needs: ['note'] },
        });
      return 'waived';
    }
    case 'fail': {
      if (item.kind === 'sign') {
        const role = item.spec.sign?.[0] ?? 'ROLE';
        throw new TransitionError(`${name} is a sign-off: ${role} says no-go, with a comment`, {
          hint: { action: 'sign.no-go', refs: [role], needs: ['comment'] },
        });
      }
      already('failed');
      if (!hasNote)
        throw new InputError(`${name}: marking it failed needs a reason`, {
          field: 'note',
          hint: { action: 'item.fail', refs: ref, needs: ['note'] },
        });
      return 'failed';
    }
    case 'reset': {
      already('pending', false);
      return 'pending';
    }
  }
  // Unreachable for typed callers; a plain-JS caller may still pass anything.
  throw new InputError(
    `unknown action "${String(action)}" for ${name} (use done, na, waive, fail or reset)`,
  );
}

const timeOf = (at: string) => {
  const t = Date.parse(at);
  return Number.isNaN(t) ? 0 : t;
};

/** `gate:go-no-go`, `item:qa-sign-off`, or `` for a sign-off recorded before targets. */
function targetKey(target: SignoffTarget | undefined): string {
  return target ? `${target.kind}:${target.id}` : '';
}

/**
 * Whether two sign-off targets are the same gate or the same item (two absent targets are).
 *
 * @example sameTarget({ kind: 'gate', id: 'go-no-go' }, { kind: 'gate', id: 'go-no-go' }) // true
 */
export function sameTarget(a: SignoffTarget | undefined, b: SignoffTarget | undefined): boolean {
  return targetKey(a) === targetKey(b);
}

/** The latest of each group (ties go to the one listed last, the store's recording order). */
function latestBy(signoffs: Signoff[], key: (s: Signoff) => string): Map<string, Signoff> {
  const latest = new Map<string, Signoff>();
  for (const s of signoffs) {
    const k = key(s);
    const seen = latest.get(k);
    if (!seen || timeOf(s.at) >= timeOf(seen.at)) latest.set(k, s);
  }
  return latest;
}

/**
 * The latest sign-off per role and target (ties go to the one recorded last), marked `stale`
 * when its commit differs from the release's or a re-snapshot changed its target since it was
 * given (`staleSince`), sorted by role, then target.
 *
 * @example viewSignoffs(signoffs, 'def5678').find((s) => s.role === 'qa-lead')?.stale // true
 */
export function viewSignoffs(signoffs: Signoff[], commit: string | undefined): SignoffView[] {
  const order = (s: Signoff) => `${s.role}\u0000${targetKey(s.target)}`;
  return [...latestBy(signoffs, order).values()]
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
    .map((s) => ({ ...s, stale: s.commit !== commit || s.staleSince !== undefined }));
}

/**
 * The latest sign-off of `role` for `target`, whatever its commit; undefined when the role
 * never signed there.
 *
 * @example latestSignoff(signoffs, 'qa-lead', { kind: 'gate', id: 'go-no-go' })?.verdict // 'go'
 */
export function latestSignoff(
  signoffs: Signoff[],
  role: string,
  target: SignoffTarget,
): Signoff | undefined {
  const mine = signoffs.filter((s) => s.role === role && sameTarget(s.target, target));
  return latestBy(mine, () => '').get('');
}

/**
 * The standing no-gos at `commit`: per role, its latest sign-off at that commit across every
 * target, when that is a no-go. Only the same role saying go again (anywhere) lifts it;
 * waiving its sign item does not, since item states are not looked at. Sorted by role.
 *
 * @example standingNoGos(signoffs, release.commit).map((s) => s.role) // ['qa-lead']
 */
export function standingNoGos(signoffs: Signoff[], commit: string | undefined): Signoff[] {
  const atCommit = signoffs.filter((s) => s.commit === commit);
  return [...latestBy(atCommit, (s) => s.role).values()]
    .filter((s) => s.verdict === 'no-go')
    .sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
}

/**
 * The state a sign item should have given the sign-offs for it: `passed` when any of its
 * roles' latest sign-off for this item is a go at the current commit, `failed` when one is a
 * no-go and none a go, else `pending`. A go given elsewhere (at a gate, on another item) does
 * not count here. A sign item a person marked n/a or waived keeps that state until one of its
 * roles signs it for the current commit. Other kinds keep their state.
 *
 * @example signItemState(qaSignItem, viewSignoffs(signoffs, release.commit)) // 'passed'
 */
export function signItemState(item: ReleaseItem, views: SignoffView[]): ItemState {
  if (item.kind !== 'sign') return item.state;
  const roles = item.spec.sign ?? [];
  const here: SignoffTarget = { kind: 'item', id: item.id };
  const current = views.filter(
    (v) => !v.stale && roles.includes(v.role) && sameTarget(v.target, here),
  );
  if (current.some((v) => v.verdict === 'go')) return 'passed';
  if (current.some((v) => v.verdict === 'no-go')) return 'failed';
  if (item.state === 'na' || item.state === 'waived') return item.state;
  return 'pending';
}
