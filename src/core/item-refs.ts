/**
 * Item refs: how a person names the items of a release, one grammar for every command that takes
 * them (`item ACTION`, `item show`, `check`). Case does not matter.
 *
 * - `12` or `#12`: one item by its number;
 * - `9-14` (or `#9-#14`, `9..14`): the items numbered 9 to 14, both ends included;
 * - `changelog`: an item by its id; `pre-release/changelog` or `code-quality/changelog` by its
 *   phase or section and id; `pre-release/code-quality/changelog` by all three;
 * - `code-quality`, `pre-release`, `pre-release/code-quality`: every item of a section or phase,
 *   sub-items included;
 * - a trailing `/` (`pre-release/`, `pre-release/code-quality/`) names only a phase or section,
 *   never an item: the way to say which is meant when an id is both.
 *
 * Pure: it reads the items it is given and nothing else.
 */
import { GonogoError, InputError, NotFoundError } from './errors.ts';
import { suggestName } from './names.ts';
import type { ReleaseItem } from './release-model.ts';
import { describeItem } from './release-rules.ts';

/** What a ref named: one item (by number or id), a range of numbers, a section or a phase. */
export type ItemRefKind = 'number' | 'range' | 'item' | 'section' | 'phase';

/** The items one ref names, in number order. */
export interface ItemRefMatch {
  /** The ref as typed. */
  ref: string;
  kind: ItemRefKind;
  items: ReleaseItem[];
  /** How messages name what it matched: `#12 "Title"`, `#9-#14`, `section code-quality (#1-#8)`. */
  label: string;
}

/** A ref that names nothing, or more than one thing, or is not a ref at all. */
export interface ItemRefProblem {
  ref: string;
  error: GonogoError;
}

/**
 * The widest range a ref may span (wider is accepted only up to the release's last number), so
 * a slip like `1-999999999` is refused rather than read as "everything".
 */
export const maxRangeSpan = 1000;

/** A section or phase: it names a part of the checklist rather than items one by one. */
export const isGroupMatch = (m: Pick<ItemRefMatch, 'kind'>): boolean =>
  m.kind === 'section' || m.kind === 'phase';

const numberRef = /^#?(\d+)$/;
const rangeRef = /^#?(\d+)\s*(?:-|\u2013|\.\.)\s*#?(\d+)$/;

/**
 * Numbers as short ranges, in order: `#1-#5, #8, #10-#12`.
 *
 * @example formatNumbers([3, 1, 2, 8]) // '#1-#3, #8'
 */
export function formatNumbers(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `#${sorted[i]}` : `#${sorted[i]}-#${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

function whatItHas(items: readonly ReleaseItem[]): string {
  if (items.length === 0) return ' (it has no items)';
  const numbers = items.map((i) => i.number);
  return ` (it has #${Math.min(...numbers)} to #${Math.max(...numbers)})`;
}

const notFoundHint = { hint: { action: 'status' as const } };

interface Meaning {
  kind: 'item' | 'section' | 'phase';
  items: ReleaseItem[];
  label: string;
  /** How to name this meaning alone. */
  alone: string;
}

/**
 * The items one ref names. Throws {@link NotFoundError} (with a did-you-mean) when it names
 * nothing in the release, and {@link InputError} when it is malformed (a range that runs
 * backwards or spans too far) or names more than one thing (an id that is an item and a
 * section, or two items after two rollbacks), saying how to name each one alone. With
 * `prefer: 'item'`, an id that names one item and also a section or phase is the item.
 *
 * @example matchItemRef(items, '9-14').items.map((i) => i.number) // [9, 10, 11, 12, 13, 14]
 * @example matchItemRef(items, 'pre-release/code-quality').kind // 'section'
 */
export function matchItemRef(
  items: readonly ReleaseItem[],
  ref: string,
  opts: { prefer?: 'item' } = {},
): ItemRefMatch {
  const text = ref.trim();
  const number = numberRef.exec(text);
  if (number) {
    const n = Number(number[1]);
    const hit = items.find((i) => i.number === n);
    if (hit) return { ref, kind: 'number', items: [hit], label: describeItem(hit) };
    throw new NotFoundError(`no item #${number[1]} in this release${whatItHas(items)}`, {
      ...notFoundHint,
    });
  }
  const range = rangeRef.exec(text);
  if (range) return matchRange(items, ref, Number(range[1]), Number(range[2]));
  return matchPath(items, ref, text, opts);
}

function matchRange(
  items: readonly ReleaseItem[],
  ref: string,
  from: number,
  to: number,
): ItemRefMatch {
  const text = ref.trim();
  if (from > to) {
    throw new InputError(
      [{ message: `the range "${text}" runs backwards`, fix: `write ${to}-${from}` }],
      {
        field: 'refs',
      },
    );
  }
  const last = items.reduce((m, i) => Math.max(m, i.number), 0);
  const limit = Math.max(maxRangeSpan, last);
  if (!Number.isSafeInteger(to) || to - from + 1 > limit) {
    throw new InputError(
      [
        {
          message: `the range "${text}" spans more than ${limit} numbers`,
          fix: last
            ? `this release has #1 to #${last}; e.g. write ${Math.min(from, last)}-${last}`
            : 'this release has no items',
        },
      ],
      { field: 'refs' },
    );
  }
  const hits = items.filter((i) => i.number >= from && i.number <= to);
  if (hits.length === 0) {
    throw new NotFoundError(`no items #${from} to #${to} in this release${whatItHas(items)}`, {
      ...notFoundHint,
    });
  }
  return {
    ref,
    kind: 'range',
    items: sortByNumber(hits),
    label: formatNumbers(hits.map((i) => i.number)),
  };
}

const sortByNumber = (list: readonly ReleaseItem[]) =>
  [...list].sort((a, b) => a.number - b.number);

const groupLabel = (kind: 'section' | 'phase', id: string, list: readonly ReleaseItem[]) =>
  `${kind} ${id} (${formatNumbers(list.map((i) => i.number))})`;

function matchPath(
  items: readonly ReleaseItem[],
  ref: string,
  text: string,
  opts: { prefer?: 'item' },
): ItemRefMatch {
  const lower = text.toLowerCase();
  const groupOnly = lower.endsWith('/');
  const segs = (groupOnly ? lower.slice(0, -1) : lower).split('/');
  if (segs.length > 3 || segs.some((s) => s === '') || (groupOnly && segs.length > 2)) {
    throw new InputError(
      [
        {
          message: `"${text}" is not an item ref`,
          fix: 'name an item by number (12), range (9-14), id (changelog) or path (pre-release/code-quality/changelog), or a section or phase (code-quality, pre-release)',
        },
      ],
      { field: 'refs' },
    );
  }
  const low = (s: string) => s.toLowerCase();
  const [a, b, c] = segs as [string, string | undefined, string | undefined];
  const meanings: Meaning[] = [];

  if (!groupOnly) {
    const named = items.filter((i) => {
      const id = low(i.id);
      if (c !== undefined) return id === c && low(i.phase) === a && low(i.section) === b;
      if (b !== undefined) return id === b && (low(i.phase) === a || low(i.section) === a);
      return id === a;
    });
    for (const i of named) {
      meanings.push({
        kind: 'item',
        items: [i],
        label: `item ${describeItem(i)}`,
        alone: `#${i.number}`,
      });
    }
  }
  if (c === undefined) {
    // Sections are told apart by their phase too: a section id repeats only in the rollback
    // procedure added twice, which stays one section.
    const bySection = new Map<string, ReleaseItem[]>();
    for (const i of items) {
      const hit =
        b !== undefined ? low(i.phase) === a && low(i.section) === b : low(i.section) === a;
      if (!hit) continue;
      const key = `${i.phase}/${i.section}`;
      bySection.set(key, [...(bySection.get(key) ?? []), i]);
    }
    const phase = b === undefined ? items.filter((i) => low(i.phase) === a) : [];
    if (phase.length) {
      const id = phase[0]!.phase;
      meanings.push({
        kind: 'phase',
        items: phase,
        label: groupLabel('phase', id, phase),
        alone: `${id}/`,
      });
    }
    for (const [key, list] of bySection) {
      const [phaseId, sectionId] = [list[0]!.phase, list[0]!.section];
      // A phase's own section (its items without a section heading) is part of the phase; and
      // `x/` names the phase x before a section x elsewhere.
      if (phase.length && (phaseId === phase[0]!.phase || groupOnly)) continue;
      meanings.push({
        kind: 'section',
        items: list,
        label: groupLabel('section', sectionId, list),
        alone: `${key}/`,
      });
    }
  }

  const itemMeanings = meanings.filter((m) => m.kind === 'item');
  if (meanings.length === 1 || (opts.prefer === 'item' && itemMeanings.length === 1)) {
    const m = meanings.length === 1 ? meanings[0]! : itemMeanings[0]!;
    return {
      ref,
      kind: m.kind,
      items: sortByNumber(m.items),
      label: m.kind === 'item' ? describeItem(m.items[0]!) : m.label,
    };
  }
  if (meanings.length > 1) {
    // Every meaning names the same items (a section holding only that item): no real choice.
    const same = (m: Meaning) =>
      m.items.length === meanings[0]!.items.length &&
      m.items.every((i) => meanings[0]!.items.includes(i));
    if (itemMeanings.length === 1 && meanings.every(same)) {
      return {
        ref,
        kind: 'item',
        items: itemMeanings[0]!.items,
        label: describeItem(itemMeanings[0]!.items[0]!),
      };
    }
    if (itemMeanings.length === meanings.length) {
      throw new InputError(
        [
          {
            message: `"${text}" names more than one item: ${itemMeanings.map((m) => describeItem(m.items[0]!)).join(', ')}`,
            fix: `use the number, e.g. ${itemMeanings.at(-1)!.items[0]!.number}`,
          },
        ],
        { field: 'refs' },
      );
    }
    throw new InputError(
      [
        {
          message: `"${text}" names more than one thing: ${meanings.map((m) => m.label).join(', ')}`,
          fix: `write ${meanings.map((m) => `${m.alone} for the ${m.kind === 'item' ? 'item' : m.kind}`).join(', or ')}`,
        },
      ],
      { field: 'refs' },
    );
  }
  throw notFound(items, text, segs, groupOnly);
}

function notFound(
  items: readonly ReleaseItem[],
  text: string,
  segs: string[],
  groupOnly: boolean,
): NotFoundError {
  const candidates = new Set<string>();
  for (const i of items) {
    if (segs.length === 1) {
      if (!groupOnly) candidates.add(i.id);
      candidates.add(i.section);
      candidates.add(i.phase);
    } else if (segs.length === 2) {
      if (!groupOnly) candidates.add(`${i.phase}/${i.id}`);
      candidates.add(`${i.phase}/${i.section}`);
    } else {
      candidates.add(`${i.phase}/${i.section}/${i.id}`);
    }
  }
  const near = suggestName(segs.join('/'), [...candidates]);
  const what = groupOnly
    ? `no phase or section "${text}" in this release`
    : `no item "${text}" in this release, nor a section or phase by that name`;
  return new NotFoundError(
    `${what}${near ? `; did you mean "${near}${groupOnly ? '/' : ''}"?` : ''}`,
    { ...notFoundHint },
  );
}

/**
 * Every ref's items, and every ref that names nothing or more than one thing, in the order
 * given: a caller can list all the problems at once rather than stop at the first.
 *
 * @example matchItemRefs(items, ['1-3', 'nope']).problems[0]?.error.code // 'not-found'
 */
export function matchItemRefs(
  items: readonly ReleaseItem[],
  refs: readonly string[],
): { matches: ItemRefMatch[]; problems: ItemRefProblem[] } {
  const matches: ItemRefMatch[] = [];
  const problems: ItemRefProblem[] = [];
  for (const ref of refs) {
    try {
      matches.push(matchItemRef(items, ref));
    } catch (error) {
      if (!(error instanceof GonogoError)) throw error;
      problems.push({ ref, error });
    }
  }
  return { matches, problems };
}

/**
 * Finds the one item a ref names: by number (`12`, `#12`), id (`changelog`) or path
 * (`pre-release/changelog`, `pre-release/code-quality/changelog`). An id that is an item and
 * also a section is the item here. Throws {@link NotFoundError} with a did-you-mean when nothing
 * matches, and {@link InputError} when the ref names several items (a range, a section, an id
 * that two items share).
 *
 * @example resolveItemRef(items, 'pre-release/changelog').number // 3
 */
export function resolveItemRef(items: readonly ReleaseItem[], ref: string): ReleaseItem {
  const m = matchItemRef(items, ref, { prefer: 'item' });
  if (m.items.length === 1) return m.items[0]!;
  throw new InputError(
    [
      {
        message: `"${ref.trim()}" names ${m.items.length} items: ${m.label}`,
        fix: `name one of them, e.g. ${m.items[0]!.number}`,
      },
    ],
    { field: 'refs' },
  );
}
