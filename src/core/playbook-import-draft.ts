/**
 * The drafts the checklist importer builds before it writes the playbook: phases (groups),
 * sections and their items, the runs of items in document order, and what each heading's own
 * text became; with the small helpers every step shares.
 */
import type { RawItem } from './playbook-schema.ts';
import type { OutlineSection } from './playbook-import-outline.ts';
import type { Became } from './playbook-import-summary.ts';
import type { Condition } from './playbook-import-words.ts';
import { countItems } from './playbook-import-write.ts';

/** Counts of an import: phases, titled sections and items (sub-items and rollback included). */
export interface ImportStats {
  phases: number;
  sections: number;
  items: number;
  sign: number;
  optional: number;
  suggestedRuns: number;
  /** Items that got a suggested `check:` and so run by themselves. */
  automated: number;
}

/** A section as the importer builds it, before it is written out. */
export interface SectionDraft {
  title: string;
  /** Its heading path below the phase (its own title for a block without heading). */
  headings: string[];
  items: RawItem[];
  gate?: string[];
  when?: Condition;
  due?: string;
  source: OutlineSection;
}

/** A phase as the importer builds it. */
export interface Group {
  title: string;
  /** The phase's heading (none for the implicit phase). */
  headings: string[];
  items: RawItem[];
  /** The outline section the phase's own items come from. */
  itemsSource?: OutlineSection;
  sections: SectionDraft[];
  gate?: string[];
  when?: Condition;
  due?: string;
}

/** A run of items in document order: a phase's own items, or one section's. */
export interface Unit {
  group: Group;
  section?: SectionDraft;
  items: RawItem[];
  headings: string[];
  source?: OutlineSection;
}

/** What a heading's own text became (its sub-headings have their own). */
export interface Own {
  kind: Became | 'empty';
  /** The items it became, for the counts (read once everything is decided). */
  items?: RawItem[];
  section?: SectionDraft;
  count?: number;
  metrics?: string[];
  type?: string;
  note?: string;
  reason?: string;
}

/**
 * A condition as the playbook's `when:`.
 *
 * @example toWhen({ type: ['major'] }) // { type: ['major'] }
 */
export function toWhen(c: Condition): NonNullable<RawItem['when']> {
  const out: NonNullable<RawItem['when']> = {};
  if (c.type) out.type = c.type;
  if (c.environment) out.environment = c.environment;
  return out;
}

/**
 * Two conditions as one: the types and environments of both.
 *
 * @example mergeWhen({ type: ['major'] }, { type: ['hotfix'] }) // { type: ['hotfix', 'major'] }
 */
export function mergeWhen(
  a: Condition | undefined,
  b: Condition | undefined,
): Condition | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: Condition = {};
  const type = [...new Set([...(b.type ?? []), ...(a.type ?? [])])];
  const environment = [...new Set([...(a.environment ?? []), ...(b.environment ?? [])])];
  if (type.length) out.type = type;
  if (environment.length) out.environment = environment;
  return out;
}

/**
 * One name or a list of names, as a list.
 *
 * @example toList('qa') // ['qa']
 */
export function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * The runs of items of the phases in document order: each phase's own items, then each of its
 * sections.
 *
 * @example unitsOf(phases).map((u) => u.headings.join(' / ')) // ['Prep', 'Prep / Checks', ...]
 */
export function unitsOf(phases: Group[]): Unit[] {
  const out: Unit[] = [];
  for (const g of phases) {
    if (g.items.length) {
      const unit: Unit = { group: g, items: g.items, headings: g.headings };
      if (g.itemsSource) unit.source = g.itemsSource;
      out.push(unit);
    }
    for (const s of g.sections)
      out.push({
        group: g,
        section: s,
        items: s.items,
        headings: [...g.headings, ...s.headings],
        source: s.source,
      });
  }
  return out;
}

/**
 * Every item of a list in document order, sub-items after their parent.
 *
 * @example [...walk([{ title: 'a', items: [{ title: 'b' }] }])].map((i) => i.title) // ['a', 'b']
 */
export function* walk(items: RawItem[]): Generator<RawItem> {
  for (const it of items) {
    yield it;
    if (it.items) yield* walk(it.items);
  }
}

/**
 * The counts of an import: phases, titled sections, items (sub-items and rollback included).
 *
 * @example countAll(phases, rollback).items // 130
 */
export function countAll(phases: Group[], rollback?: Group): ImportStats {
  const total = {
    phases: phases.length,
    sections: 0,
    items: 0,
    sign: 0,
    optional: 0,
    suggestedRuns: 0,
    automated: 0,
  };
  const add = (items: RawItem[]) => {
    const c = countItems(items);
    total.items += c.items;
    total.sign += c.sign;
    total.optional += c.optional;
    total.suggestedRuns += c.suggestedRuns;
    total.automated += c.automated;
  };
  for (const g of rollback ? [...phases, rollback] : phases) {
    add(g.items);
    for (const s of g.sections) {
      total.sections++;
      add(s.items);
    }
  }
  return total;
}
