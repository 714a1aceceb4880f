/**
 * The import report's entries: what became of each heading of the checklist (its own text's
 * fate, or for a heading with nothing of its own, the sum of the headings below it), and the
 * roles that anyone may act as until members are named.
 */
import type { RawItem, RawPlaybook } from './playbook-schema.ts';
import type { Outline, OutlineHeading, OutlineSection } from './playbook-import-outline.ts';
import type { Group, Own } from './playbook-import-draft.ts';
import { countAll, toList, walk } from './playbook-import-draft.ts';
import { describeFate } from './playbook-import-summary.ts';
import type { Became, HeadingFate, RoleFlag } from './playbook-import-summary.ts';
import { countItems } from './playbook-import-write.ts';

/**
 * What became of every heading, in document order (blocks of a text without headings
 * included): its own text's fate, or for a heading with nothing of its own, the sum of the
 * headings below it. `own` maps each outline section to what its text became, `phaseFates`
 * the phase headings decided as a whole, `typeNotes` the release-types headings to their note.
 *
 * @example describeHeadings(outline, own, phaseFates, typeNotes)[0] // { line: 1, became: 'title', … }
 */
export function describeHeadings(
  outline: Outline,
  own: Map<OutlineSection, Own>,
  phaseFates: Map<number, { kind: Became; group?: Group; note?: string }>,
  typeNotes: Map<number, string>,
): HeadingFate[] {
  const byHeading = new Map<OutlineHeading, [OutlineSection, Own]>();
  const out: HeadingFate[] = [];
  for (const phase of outline.phases) {
    for (const s of phase.sections) {
      const o = own.get(s) ?? { kind: 'empty' };
      if (s.heading) byHeading.set(s.heading, [s, o]);
      else if (phase.implicit && o.kind !== 'empty') {
        // A block of a text without headings, or the items before the first heading.
        const fate = fateOf(o, s.title ?? `${phase.title} (before the first heading)`, s.line, 0);
        out.push(fate);
      }
    }
  }
  // Sums of what the headings below each heading became, in one pass with a stack.
  interface Sum {
    items: number;
    checks: number;
    sections: number;
    kinds: Set<Became>;
    count: number;
    types: string[];
    below: number;
  }
  const sums = new Map<OutlineHeading, Sum>();
  const open: OutlineHeading[] = [];
  const add = (f: HeadingFate) => {
    for (const a of open) {
      const sum = sums.get(a)!;
      sum.below++;
      sum.kinds.add(f.became);
      sum.count += f.count ?? 0;
      if (f.type) sum.types.push(f.type);
      if (f.became === 'section' || f.became === 'rollback' || f.became === 'release-type') {
        sum.items += f.items ?? 0;
        sum.checks += f.checks ?? 0;
        sum.sections++;
      }
    }
  };
  const pending: { h: OutlineHeading; at: number }[] = [];
  for (const h of outline.headings) {
    while (open.length && open.at(-1)!.depth >= h.depth) open.pop();
    sums.set(h, {
      items: 0,
      checks: 0,
      sections: 0,
      kinds: new Set(),
      count: 0,
      types: [],
      below: 0,
    });
    const entry = byHeading.get(h);
    const o = entry?.[1] ?? { kind: 'empty' as const };
    if (h.role === 'title') {
      out.push(withSummary({ line: h.line, depth: h.depth, heading: h.text, became: 'title' }));
    } else if (phaseFates.has(h.line) || o.kind === 'empty') {
      // Decided once the headings below it are summed.
      pending.push({ h, at: out.length });
      out.push(withSummary({ line: h.line, depth: h.depth, heading: h.text, became: 'group' }));
    } else {
      const fate = fateOf(o, h.text, h.line, h.depth);
      out.push(fate);
      add(fate);
    }
    open.push(h);
  }
  for (const { h, at } of pending.reverse()) {
    const sum = sums.get(h)!;
    const entry = byHeading.get(h);
    const o = entry?.[1];
    const pf = phaseFates.get(h.line);
    const base = { line: h.line, depth: h.depth, heading: h.text };
    let fate: Omit<HeadingFate, 'summary'>;
    if (pf?.kind === 'note') fate = { ...base, became: 'note', note: pf.note! };
    else if (pf && pf.group) {
      const c = countAll([pf.group]);
      fate = { ...base, became: pf.kind, items: c.items, checks: c.automated };
      if (pf.kind !== 'rollback' && c.sections) fate.sections = c.sections;
      if (pf.kind === 'release-types') {
        fate.types = pf.group.sections.flatMap((s) => s.when?.type ?? []);
        const note = typeNotes.get(h.line);
        if (note) fate.note = note;
      }
      if (pf.group.gate) fate.gate = pf.group.gate;
      if (pf.group.due) fate.due = pf.group.due;
      if (pf.group.when) fate.when = pf.group.when;
    } else if (o?.kind === 'dropped') fate = { ...base, became: 'dropped', reason: o.reason! };
    else if (sum.below === 0)
      fate = { ...base, became: 'dropped', reason: 'nothing under it to keep' };
    else if (sum.kinds.size === 1 && !sum.kinds.has('section')) {
      const [kind] = sum.kinds;
      if (kind === 'release-type') fate = { ...base, became: 'release-types', types: sum.types };
      else if (kind === 'rollback')
        fate = { ...base, became: 'rollback', items: sum.items, checks: sum.checks };
      else if (kind === 'note') fate = { ...base, became: 'note' };
      else if (kind === 'dropped')
        fate = { ...base, became: 'dropped', reason: 'nothing below it to keep' };
      else fate = { ...base, became: kind!, count: sum.count };
    } else
      fate = {
        ...base,
        became: 'group',
        sections: sum.sections,
        items: sum.items,
        checks: sum.checks,
      };
    if (!pf && typeNotes.has(h.line) && fate.became === 'release-types')
      fate.note = typeNotes.get(h.line)!;
    out[at] = withSummary(fate);
  }
  return out.sort((a, b) => a.line - b.line);
}

function fateOf(o: Own, heading: string, line: number, depth: number): HeadingFate {
  const base = { line, depth, heading };
  const kind = o.kind === 'empty' ? 'dropped' : o.kind;
  const fate: Omit<HeadingFate, 'summary'> = { ...base, became: kind };
  const items = o.section?.items ?? o.items;
  if (items) {
    const c = countItems(items);
    fate.items = c.items;
    if (c.automated) fate.checks = c.automated;
    const dues = [...new Set([...walk(items)].flatMap((it) => (it.due ? [it.due] : [])))];
    if (dues.length) fate.itemsDue = dues;
  }
  if (o.section?.gate) fate.gate = o.section.gate;
  if (o.section?.due) fate.due = o.section.due;
  if (o.section?.when && kind !== 'release-type') fate.when = o.section.when;
  if (o.count !== undefined) fate.count = o.count;
  if (o.metrics) fate.metrics = o.metrics;
  if (o.type) fate.type = o.type;
  if (o.note) fate.note = o.note;
  if (kind === 'dropped') fate.reason = o.reason ?? 'nothing under it to keep';
  return withSummary(fate);
}

function withSummary(f: Omit<HeadingFate, 'summary'>): HeadingFate {
  return { ...f, summary: describeFate(f) };
}

/**
 * Every role of the playbook without members, with where the playbook asks for it: anyone may
 * act as it until members are named.
 *
 * @example flagRoles(raw)[0]?.message // 'anyone may act as qa-lead (sign) until members are named: roles.qa-lead.members'
 */
export function flagRoles(raw: RawPlaybook): RoleFlag[] {
  const gate = new Set<string>();
  const sign = new Set<string>();
  const override = new Set(raw.policy?.window?.override ?? []);
  const items = (list: RawItem[] | undefined) => {
    for (const it of walk(list ?? [])) for (const r of toList(it.sign)) sign.add(r);
  };
  for (const p of raw.phases) {
    for (const r of p.gate ?? []) gate.add(r);
    items(p.items);
    for (const s of p.sections ?? []) {
      for (const r of s.gate ?? []) gate.add(r);
      items(s.items);
    }
  }
  const rb = raw.rollback;
  if (Array.isArray(rb)) items(rb);
  else if (rb) {
    items(rb.items);
    for (const s of rb.sections ?? []) items(s.items);
  }
  const out: RoleFlag[] = [];
  for (const [role, v] of Object.entries(raw.roles ?? {})) {
    if (typeof v !== 'string' && v.members?.length) continue;
    const usedBy: RoleFlag['usedBy'] = [];
    if (gate.has(role)) usedBy.push('gate');
    if (sign.has(role)) usedBy.push('sign');
    if (override.has(role)) usedBy.push('window override');
    const where = usedBy.length ? ` (${usedBy.join(', ')})` : '';
    out.push({
      role,
      name: typeof v === 'string' ? v : v.name,
      usedBy,
      message: `anyone may act as ${role}${where} until members are named: roles.${role}.members`,
    });
  }
  return out;
}
