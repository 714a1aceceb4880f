/**
 * A person's action on the items some refs name (`gonogo item done 9-14 code-quality`): which
 * items change to what, which are left out and why, or the one error that lists every problem.
 *
 * Items named one by one (a number, a range, an id) are all or none: one that the action does
 * not fit refuses the whole action, with every problem listed; `skipUnmatched` applies the rest
 * and reports the others instead. A section or phase names a part of the checklist, so the
 * action applies to the items in it that it fits and leaves the others with a reason, flag or
 * not: ticking a section ticks its manual items, not its checks and sign-offs, leaves a parent
 * to follow its sub-items, and never overwrites a state a person or a check gave (a failed item
 * is not ticked done in passing).
 * Pure.
 */
import { GonogoError, InputError, TransitionError } from './errors.ts';
import type { ErrorCode, ErrorHint } from './errors.ts';
import { planParentSync, subItemsOf } from './item-parents.ts';
import { formatNumbers, isGroupMatch, matchItemRefs } from './item-refs.ts';
import type { Playbook } from './playbook.ts';
import { acceptedStates } from './release-model.ts';
import type { ItemAction, ItemState, ReleaseItem } from './release-model.ts';
import { describeItem, planItemAction } from './release-rules.ts';

/** A ref or item an action left out, and why. */
export interface SkippedItemRef {
  /** The ref as typed. */
  ref: string;
  /** The item, when the ref named one (absent for a ref that names nothing). */
  item?: number;
  /** Why, in words. */
  reason: string;
  /** The error it would have been refused with: `not-found`, `invalid-transition`, ... */
  code: ErrorCode;
}

export interface ItemActionPlan {
  /** The items to change, in the order the refs named them, each once. */
  changes: { item: ReleaseItem; next: ItemState }[];
  skipped: SkippedItemRef[];
}

export interface PlanItemActionsInput {
  refs: readonly string[];
  action: ItemAction;
  actor: string;
  note?: string;
  /** Apply to what the action fits and report the rest, instead of all or none. */
  skipUnmatched?: boolean;
}

const pastTense: Record<ItemAction, string> = {
  done: 'marked done',
  na: 'marked n/a',
  waive: 'waived',
  fail: 'marked failed',
  reset: 'reset',
};

/** The states a section or phase moves with each action: it leaves other verdicts alone. */
const groupMoves: Record<ItemAction, readonly ItemState[] | 'any'> = {
  done: ['pending', 'running'],
  na: ['pending', 'running'],
  fail: ['pending', 'running'],
  // A waiver is what lets a failed required item through.
  waive: ['pending', 'running', 'failed'],
  reset: 'any',
};

/** Why a section or phase leaves `item` out of `action` (that it does fit on its own), if it does. */
function groupLeavesOut(item: ReleaseItem, action: ItemAction): string | undefined {
  const name = describeItem(item);
  if (action === 'done' && item.kind !== 'manual') {
    return `${name} is a ${item.kind} item: a section or phase ticks only the items a person ticks; name it by number to tick it by hand`;
  }
  const moves = groupMoves[action];
  if (moves !== 'any' && !moves.includes(item.state)) {
    return `${name} is ${item.state === 'na' ? 'n/a' : item.state}: a section or phase leaves it so; name it by number to change it`;
  }
  return undefined;
}

/** An error about the action itself, not one item: no reason given, no role to waive. */
const aboutTheAction = (e: GonogoError) => e.code === 'forbidden' || e.field === 'note';

/**
 * Plans `action` on the items `refs` name (see the file comment for the rules). Throws one error
 * listing every problem: a single problem is thrown as it is (its code and hint kept); several
 * come as one {@link InputError} whose first line says nothing was changed, with a hint to skip
 * what does not match when that would help. A malformed or ambiguous ref, a missing reason and
 * a missing role are never skipped. When nothing is left to change, that is an error too.
 *
 * @example
 * planItemActions(playbook, items, { refs: ['9-14', 'code-quality'], action: 'done', actor: 'ann' });
 * // { changes: [{ item: #9, next: 'done' }, ...], skipped: [{ ref: 'code-quality', item: 1, reason: '#1 ... is a check ...' }] }
 */
export function planItemActions(
  playbook: Playbook,
  items: readonly ReleaseItem[],
  input: PlanItemActionsInput,
): ItemActionPlan {
  const { action } = input;
  const { matches, problems } = matchItemRefs(items, input.refs);
  // Problems in the order met; `skippable` ones give way to skipUnmatched.
  const errors: { error: GonogoError; skippable: boolean; ref: string; item?: number }[] =
    problems.map((p) => ({ error: p.error, skippable: p.error.code === 'not-found', ref: p.ref }));
  const skipped: (SkippedItemRef & { error: GonogoError })[] = [];

  const targets = new Map<number, { item: ReleaseItem; ref: string; one: boolean }>();
  for (const m of matches) {
    const one = !isGroupMatch(m);
    for (const item of m.items) {
      const seen = targets.get(item.number);
      // Named one by one anywhere wins over being part of a section.
      if (!seen || (one && !seen.one)) targets.set(item.number, { item, ref: m.ref, one });
    }
  }

  let actionError: GonogoError | undefined;
  const changes: { item: ReleaseItem; next: ItemState; ref: string; one: boolean }[] = [];
  const deferred: { item: ReleaseItem; ref: string; one: boolean }[] = [];
  const leave = (t: { item: ReleaseItem; ref: string; one: boolean }, error: GonogoError) => {
    if (t.one) errors.push({ error, skippable: true, ref: t.ref, item: t.item.number });
    else skipped.push(skip(t.ref, t.item.number, error));
  };
  for (const t of targets.values()) {
    let next: ItemState;
    try {
      next = planItemAction(playbook, t.item, action, {
        actor: input.actor,
        ...(input.note !== undefined ? { note: input.note } : {}),
      });
    } catch (error) {
      if (!(error instanceof GonogoError)) throw error;
      if (aboutTheAction(error)) actionError ??= error;
      else leave(t, error);
      continue;
    }
    const why = t.one ? undefined : groupLeavesOut(t.item, action);
    if (why) leave(t, new TransitionError(why));
    // A section ticks a parent's sub-items and lets the parent follow them (core/item-parents).
    else if (!t.one && action === 'done' && subItemsOf(items, t.item).length) deferred.push(t);
    else changes.push({ ...t, next });
  }
  if (deferred.length) {
    const after = items.map((i) => {
      const c = changes.find((x) => x.item.number === i.number);
      return c ? { ...i, state: c.next } : i;
    });
    const follows = new Set(planParentSync(after, new Set()).map((c) => c.item.number));
    for (const t of deferred) {
      if (follows.has(t.item.number)) continue;
      const open = subItemsOf(after, t.item).find((s) => !acceptedStates.includes(s.state))!;
      leave(
        t,
        new TransitionError(
          `${describeItem(t.item)} follows its sub-items, and ${describeItem(open)} is ${open.state}: a section or phase leaves it to them; name it by number to tick it by hand`,
        ),
      );
    }
  }

  if (action === 'reset') {
    // Resetting a done parent whose sub-items all stay accepted would be undone at once.
    const after = new Map(items.map((i) => [i.number, i.state]));
    for (const c of changes) after.set(c.item.number, c.next);
    for (const c of [...changes]) {
      const subs = subItemsOf(items, c.item);
      if (c.item.state !== 'done' || subs.length === 0) continue;
      if (!subs.every((s) => acceptedStates.includes(after.get(s.number)!))) continue;
      changes.splice(changes.indexOf(c), 1);
      const numbers = subs.map((s) => String(s.number));
      leave(
        c,
        new TransitionError(
          `${describeItem(c.item)} follows its sub-items, which are all accepted: reset one of them (${formatNumbers(subs.map((s) => s.number))}) to reopen it`,
          { hint: { action: 'item.reset', refs: numbers } },
        ),
      );
    }
  }

  // Without a role nothing else matters: that is the one thing to say.
  if (actionError?.code === 'forbidden') throw actionError;
  if (actionError) errors.unshift({ error: actionError, skippable: false, ref: '' });
  const fatal = errors.filter((e) => !e.skippable);
  if (fatal.length || (errors.length && !input.skipUnmatched)) {
    // What would let it through: a reason, and skipping what does not match. Nothing helps a
    // malformed or ambiguous ref or a missing role but naming it otherwise.
    const needs = [
      ...(actionError?.field === 'note' ? ['note'] : []),
      ...(fatal.length < errors.length && !input.skipUnmatched ? ['skipUnmatched'] : []),
    ];
    const helpless = fatal.some((e) => e.error !== actionError || actionError.field !== 'note');
    const hint: ErrorHint | undefined =
      needs.length && !helpless
        ? { action: `item.${action}`, refs: [...input.refs], needs }
        : undefined;
    throw combine(
      errors.map((e) => e.error),
      `nothing was ${pastTense[action]}: ${errors.length} problems`,
      hint,
    );
  }
  for (const e of errors) skipped.push(skip(e.ref, e.item, e.error));
  if (changes.length === 0) {
    throw combine(
      skipped.map((s) => s.error),
      `nothing to be ${pastTense[action]} in ${input.refs.join(' ')}`,
    );
  }
  return {
    changes: changes.map(({ item, next }) => ({ item, next })),
    // Refs that name nothing first, then items in number order.
    skipped: skipped
      .sort((a, b) => (a.item ?? 0) - (b.item ?? 0))
      .map(({ error: _error, ...s }) => s),
  };
}

function skip(
  ref: string,
  item: number | undefined,
  error: GonogoError,
): SkippedItemRef & { error: GonogoError } {
  return {
    ref,
    ...(item !== undefined ? { item } : {}),
    reason: error.message,
    code: error.code,
    error,
  };
}

/**
 * One error for several: the only one as it is, else an {@link InputError} listing each under
 * `header`, with the code they share (or `invalid-input`).
 *
 * @example throw combine(errors, 'nothing was marked done: 3 problems');
 */
export function combine(errors: GonogoError[], header: string, hint?: ErrorHint): GonogoError {
  if (errors.length === 1) return errors[0]!;
  const codes = [...new Set(errors.map((e) => e.code))];
  return new InputError([{ message: header }, ...errors.map((e) => ({ message: e.message }))], {
    code: codes.length === 1 ? codes[0]! : 'invalid-input',
    field: 'refs',
    ...(hint ? { hint } : {}),
  });
}
