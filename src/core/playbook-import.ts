/**
 * `gonogo playbook import`: a Markdown or plain-text release checklist → a gonogo playbook
 * (the raw object and readable `gonogo.yaml` text) and a report of what became of every
 * heading. The outline (phases, sections, items) comes from `playbook-import-outline.ts`; this
 * file adds what the words say: optional items and conditions (`when:`), sign-offs and their
 * roles, the go/no-go gate, the items that deploy and the follow-ups due after the production
 * deployment, the rollback procedure and its criteria, release types with their own steps,
 * metrics, notes for the text that is no item, environments, the release window and the issue
 * template's metadata. Pure: it takes the text and the file name, and reads nothing.
 */
import { InputError } from './errors.ts';
import { defaultTypes } from './playbook.ts';
import type { RawItem, RawPhase, RawPlaybook, RawSection, Weekday } from './playbook-schema.ts';
import { checkInputText } from './playbook-yaml-input.ts';
import { parseChecklistMarkdown } from './playbook-import-markdown.ts';
import { appendAll, inlineCodeOf, outlineChecklist } from './playbook-import-outline.ts';
import type { Outline, OutlineHeading, OutlineSection } from './playbook-import-outline.ts';
import { findHealthUrls, suggestCheck } from './playbook-import-checks.ts';
import type { CheckHints } from './playbook-import-checks.ts';
import { findBlanks } from './playbook-import-blanks.ts';
import { humanizeMetric, placeWatches } from './playbook-import-watches.ts';
import { channelEnv, placeNotifies } from './playbook-import-notify.ts';
import { compileRollbackLine } from './watch-condition.ts';
import {
  hasWords,
  isMetricsHeading,
  isReleaseTypesHeading,
  metricsOf,
  noteText,
  releaseTypeOf,
} from './playbook-import-keep.ts';
import {
  findDeniedDays,
  findEnvironments,
  findSigners,
  isOptionalText,
  normalizeRollbackCriterion,
} from './playbook-import-rules.ts';
import type { Became, ImportReport } from './playbook-import-summary.ts';
import { collapse, prepareChecklistText } from './playbook-import-text.ts';
import { readCondition, saysOptional, stripStep } from './playbook-import-words.ts';
import type { Condition, Vocabulary } from './playbook-import-words.ts';
import {
  commandChecksOf,
  metadataOf,
  orderItem,
  renderYaml,
  truncate,
} from './playbook-import-write.ts';
import type { Group, ImportStats, Own, SectionDraft } from './playbook-import-draft.ts';
import { countAll, mergeWhen, toList, toWhen, unitsOf } from './playbook-import-draft.ts';
import {
  isDeployHeading,
  markDeployments,
  placeGate,
  setDuePoints,
} from './playbook-import-placement.ts';
import { describeHeadings, flagRoles } from './playbook-import-fates.ts';

export type { ImportReport } from './playbook-import-summary.ts';

export interface ImportResult {
  /** The raw playbook object (valid against playbookSchema from playbook-schema.ts). */
  raw: RawPlaybook;
  /** Readable gonogo.yaml text: a header comment naming the source file, then the playbook. */
  yaml: string;
  /**
   * Counts for the CLI to print. `phases` and `sections` count the playbook's phases and
   * titled sections (rollback sections included); `items`, `sign`, `optional` and
   * `suggestedRuns` count every item, sub-items and rollback items included.
   */
  stats: ImportStats;
  /**
   * Every command the import wrote as a check (known verifiers only, or the project's test
   * command), with its item's title: what `gonogo check` will run, for a person to review.
   */
  commandChecks: { title: string; command: string }[];
  /** What became of every heading, the blanks to fill, the roles without members. */
  report: ImportReport;
}

const weekdayOrder: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Imports a Markdown or plain-text release checklist as a playbook, with a report of what
 * became of every heading. Throws an {@link InputError} (with file, line and column, and a
 * fix) when the text is too large, binary, has broken front matter, or holds no items.
 *
 * @example
 * const { yaml, report } = importChecklist(readFileSync('RELEASE.md', 'utf8'), 'RELEASE.md');
 * writeFileSync('gonogo.yaml', yaml);
 */
export function importChecklist(
  text: string,
  file: string,
  options: { testCommand?: string } = {},
): ImportResult {
  const bad = checkInputText(text, file);
  if (bad) throw new InputError([{ line: 1, col: 1, ...bad }]);
  const { body, frontMatter } = prepareChecklistText(text, file);
  let outline: Outline;
  try {
    outline = outlineChecklist(parseChecklistMarkdown(body, file));
  } catch (e) {
    // Nesting the depth check lets through can still exhaust the stack: still bad input.
    if (!(e instanceof RangeError)) throw e;
    throw new InputError(
      [
        {
          file,
          line: 1,
          col: 1,
          message: 'the document is nested too deeply to read',
          fix: 'flatten its lists and quotes',
        },
      ],
      { cause: e },
    );
  }
  const lines = body.split('\n');
  const environments = findEnvironments(body);
  // Release types first: a condition anywhere in the checklist may name them.
  const docTypes = findReleaseTypes(outline);
  const vocab: Vocabulary = { types: [...new Set([...docTypes, ...defaultTypes])], environments };

  const roles = new Map<string, string>();
  const denied = new Set<Weekday>();
  const usedTypes = new Set<string>();
  const criteria: string[] = [];
  const notes: { title: string; text: string; line: number }[] = [];
  const metrics: [string, string][] = [];
  const metricIds = new Map<string, number>();
  const phases: Group[] = [];
  let rollback: Group | undefined;
  const own = new Map<OutlineSection, Own>();
  /** Phase headings whose fate is the phase's, not their own text's. */
  const phaseFates = new Map<number, { kind: Became; group?: Group; note?: string }>();

  const hints: CheckHints = {
    healthUrls: findHealthUrls(body),
    ...(options.testCommand ? { testCommand: options.testCommand } : {}),
  };
  const conditionOf = (t: string): Condition | undefined => {
    const c = readCondition(t, vocab);
    for (const x of c?.type ?? []) usedTypes.add(x);
    return c;
  };
  // "(if applicable)" makes work optional; "(if major changes)" limits it to a type instead.
  const optionalWords = (t: string) => isOptionalText(t) && !(conditionOf(t) && !saysOptional(t));
  // The rollback procedure runs whatever the release's type: its conditions make steps optional.
  const conditional = (t: string) => isOptionalText(t) || readCondition(t, vocab) !== undefined;
  const decorate = (items: RawItem[], optional: boolean, conditions = true) => {
    for (const it of items) {
      const when = conditions ? conditionOf(it.title) : undefined;
      if (when) it.when = toWhen(when);
      if (optional || (conditions ? optionalWords(it.title) : conditional(it.title)))
        it.optional = true;
      const words = it.title.replace(/`/g, '');
      const signers = findSigners([words, ...toList(it.details)].join(' '));
      if (signers.length) {
        for (const r of signers) if (!roles.has(r.id)) roles.set(r.id, r.name);
        const ids = signers.map((r) => r.id);
        it.sign = ids.length === 1 ? ids[0]! : ids;
      } else {
        // A heading-like title ("Changelog", "Tests") says what to do in its first detail.
        const short = words.split(/\s+/).length <= 3;
        const firstDetail = short ? toList(it.details)[0] : undefined;
        const checkText = firstDetail ? `${words}: ${firstDetail}` : words;
        const check = suggestCheck(checkText, inlineCodeOf.get(it) ?? [], hints, it.suggest?.run);
        if (check !== undefined) it.check = check;
      }
      for (const d of findDeniedDays(words)) denied.add(d);
      if (it.items) decorate(it.items, optional, conditions);
    }
  };

  for (const phase of outline.phases) {
    const isRollback = !phase.implicit && /rollback|roll back/i.test(phase.title);
    const phaseHeadings = phase.implicit ? [] : [phase.title];
    // "Rollback Procedure (If Needed)": being the rollback procedure already says "if needed".
    const phaseOptional = !phase.implicit && !isRollback && optionalWords(phase.title);
    const group: Group = {
      title: phase.title,
      headings: phaseHeadings,
      items: [],
      sections: [],
    };
    const phaseWhen = phase.implicit || isRollback ? undefined : conditionOf(phase.title);
    if (phaseWhen) group.when = phaseWhen;
    const unplaced: OutlineSection[] = [];
    for (const s of phase.sections) {
      const all = [...phaseHeadings, ...s.path];
      const leaf = s.path.at(-1);
      const sectionOptional =
        phaseOptional || s.path.some(isRollback ? conditional : optionalWords);
      if (s.criteria.length) {
        appendAll(criteria, s.criteria.map(normalizeRollbackCriterion));
        own.set(s, { kind: 'rollback-criteria', count: s.criteria.length });
      }
      const underTypes = all.slice(0, -1).some(isReleaseTypesHeading);
      const type = leaf ? releaseTypeOf(leaf, underTypes, vocab.types) : undefined;
      if (type && underTypes && !isRollback) {
        // A release type with its own steps: a section only releases of that type have.
        const steps = s.items.length ? s.items : s.refs;
        decorate(steps, sectionOptional);
        usedTypes.add(type);
        const section: SectionDraft = {
          title: leaf!,
          headings: s.path,
          items: steps,
          when: { type: [type] },
          source: s,
        };
        if (steps.length) group.sections.push(section);
        own.set(s, { kind: 'release-type', type, count: steps.length, section });
        continue;
      }
      const entries = s.items.length ? s.items : s.refs;
      if (!s.tasks && entries.length && !isRollback && all.some(isMetricsHeading)) {
        const found = metricsOf(entries, metricIds);
        appendAll(metrics, found);
        own.set(s, { kind: 'metrics', count: found.length, metrics: found.map(([id]) => id) });
        continue;
      }
      if (!s.items.length && leaf && isDeployHeading(leaf) && s.prose.length) {
        // "### Deploy to production" with words but no list is still the deployment step.
        const step: RawItem = { title: stripStep(leaf), details: s.prose };
        s.items.push(step);
      }
      decorate(s.items, sectionOptional, !isRollback);
      if (!s.items.length) {
        if (!own.has(s)) unplaced.push(s);
        continue;
      }
      const title = sectionTitle(s);
      if (title) {
        const section: SectionDraft = {
          title,
          headings: s.path.length ? s.path : [title],
          items: s.items,
          source: s,
        };
        const when = isRollback
          ? undefined
          : mergeWhen(leaf ? conditionOf(leaf) : undefined, type ? { type: [type] } : undefined);
        if (type && !isRollback) usedTypes.add(type);
        if (when) section.when = when;
        group.sections.push(section);
        own.set(s, { kind: isRollback ? 'rollback' : 'section', items: s.items, section });
      } else {
        appendAll(group.items, s.items);
        group.itemsSource ??= s;
        own.set(s, { kind: isRollback ? 'rollback' : 'section', items: s.items });
      }
    }
    keepUnplaced(phase, group, unplaced);
    if (isRollback) {
      if (!rollback)
        rollback = { ...group, items: [...group.items], sections: [...group.sections] };
      else {
        rollback.sections.push(
          ...(group.items.length
            ? [
                {
                  title: group.title,
                  headings: group.headings,
                  items: group.items,
                  source: group.itemsSource!,
                },
              ]
            : []),
        );
        appendAll(rollback.sections, group.sections);
      }
      if (phase.heading && (group.items.length || group.sections.length))
        phaseFates.set(phase.heading.line, { kind: 'rollback', group });
    } else if (group.items.length || group.sections.length) {
      phases.push(group);
      if (phase.heading)
        phaseFates.set(phase.heading.line, {
          kind: isReleaseTypesHeading(phase.title) ? 'release-types' : 'phase',
          group,
        });
    }
  }

  /**
   * Sections with no items: their text becomes a note; a phase with nothing else becomes one
   * note of all its text. Empty ones and tables of contents are dropped, with the reason.
   */
  function keepUnplaced(
    phase: Outline['phases'][number],
    group: Group,
    unplaced: OutlineSection[],
  ): void {
    if (phase.implicit) {
      // Before the first heading: the document's introduction, read as its description.
      for (const s of unplaced) own.set(s, { kind: 'empty' });
      return;
    }
    const left = new Set(unplaced);
    const placed =
      group.items.length ||
      group.sections.length ||
      phase.sections.some((s) => own.has(s) && !left.has(s));
    if (!placed && phase.heading) {
      const tocs = unplaced.flatMap((s) => s.tocs);
      const text = noteText(lines, phase.heading.from, phase.to, tocs);
      if (hasWords(text)) {
        notes.push({ title: phase.title, text, line: phase.line });
        phaseFates.set(phase.heading.line, { kind: 'note', note: phase.title });
        for (const s of unplaced) own.set(s, { kind: 'note', note: phase.title });
        return;
      }
    }
    for (const s of unplaced) {
      const text = noteText(lines, s.from, s.to, s.tocs);
      if (!hasWords(text)) {
        own.set(
          s,
          s.toc
            ? { kind: 'dropped', reason: 'a table of contents of the headings of the checklist' }
            : { kind: 'empty' },
        );
        continue;
      }
      const title = truncate([phase.title, ...s.path].join(' / '), 500);
      notes.push({ title, text, line: s.line });
      own.set(s, { kind: 'note', note: title });
    }
  }

  // The text of release-types headings beside their steps ("For critical bugs", "Timeline"):
  // one pass over the headings, each type's lists going to the innermost such heading open.
  const typeNotes = new Map<number, string>();
  const typeLists = new Map<OutlineHeading, [number, number][]>();
  for (const [s, o] of own)
    if (o.kind === 'release-type' && s.heading) typeLists.set(s.heading, s.lists);
  const typeHeadings: { h: OutlineHeading; skip: [number, number][] }[] = [];
  const openTypes: { h: OutlineHeading; skip: [number, number][] }[] = [];
  for (const h of outline.headings) {
    while (openTypes.length && openTypes.at(-1)!.h.to < h.line) openTypes.pop();
    const lists = typeLists.get(h);
    if (lists && openTypes.length) appendAll(openTypes.at(-1)!.skip, lists);
    if (h.role !== 'title' && isReleaseTypesHeading(h.text)) {
      const entry = { h, skip: [] };
      typeHeadings.push(entry);
      openTypes.push(entry);
    }
  }
  for (const { h, skip } of typeHeadings) {
    if (!skip.length) continue;
    const text = noteText(lines, h.from, h.to, skip);
    if (!hasWords(text)) continue;
    notes.push({ title: h.text, text, line: h.line });
    typeNotes.set(h.line, h.text);
  }

  // A document that is nothing but a rollback procedure still imports, as a phase.
  if (!phases.length && rollback && (rollback.items.length || rollback.sections.length)) {
    phases.push(rollback);
    for (const [line, f] of phaseFates)
      if (f.kind === 'rollback') phaseFates.set(line, { kind: 'phase', group: f.group! });
    for (const [s, o] of own) if (o.kind === 'rollback') own.set(s, { ...o, kind: 'section' });
    rollback = undefined;
  }
  const count = countAll(phases, rollback);
  if (count.items === 0) {
    throw new InputError([
      {
        file,
        line: 1,
        col: 1,
        message: 'no checklist items found',
        fix: 'write the checklist as Markdown task items ("- [ ] Changelog updated") or bullets, grouped under headings',
      },
    ]);
  }

  const target = placeGate(phases, roles, environments);
  const units = unitsOf(phases);
  markDeployments(units, target, environments);
  setDuePoints(units, target, environments, conditionOf);
  // Monitoring lines that say what to watch and for how long: watches on a metric to point.
  const watches = placeWatches(
    units.filter((u) => u.group !== rollback),
    text,
  );
  // Communication lines: notify items to a channel named after their audience.
  const notifies = placeNotifies(
    units.filter((u) => u.group !== rollback),
    rollback ? unitsOf([rollback]) : [],
    text,
    environments.at(-1),
  );
  // A window policy needs someone who may override it: the release manager.
  if (denied.size && !roles.has('release-manager')) roles.set('release-manager', 'Release Manager');

  const raw = {} as RawPlaybook;
  const fmName = typeof frontMatter?.['name'] === 'string' ? collapse(frontMatter['name']) : '';
  raw.name = truncate(fmName || outline.title || outline.firstLine || 'Release checklist', 200);
  if (outline.description) raw.description = outline.description;
  raw.metadata = metadataOf(frontMatter, file);
  if (roles.size) raw.roles = Object.fromEntries(roles);
  raw.environments = environments;
  // The types the checklist names, and those its conditions use that it does not name.
  if (docTypes.length) raw.types = [...new Set([...docTypes, ...usedTypes])];
  if (denied.size || criteria.length) {
    raw.policy = {};
    if (denied.size)
      raw.policy.window = {
        timezone: 'UTC',
        deny: weekdayOrder.filter((d) => denied.has(d)),
        override: ['release-manager'],
      };
    if (criteria.length) raw.policy.rollback = { when: criteria };
  }
  if (notes.length)
    raw.notes = notes.sort((a, b) => a.line - b.line).map(({ title, text }) => ({ title, text }));
  if (metrics.length) raw.metrics = Object.fromEntries(metrics);
  for (const [id, title] of watches.metrics)
    raw.metrics = { ...raw.metrics, [id]: raw.metrics?.[id] ?? { title } };
  // With watches on metrics, a rollback line's metric is one to measure too: declared, its
  // query a blank like theirs.
  if (watches.placed.length)
    for (const line of criteria) {
      const metric = compileRollbackLine(line)?.metric;
      if (metric && raw.metrics?.[metric] === undefined)
        raw.metrics = { ...raw.metrics, [metric]: { title: humanizeMetric(metric) } };
    }
  for (const g of [...phases, ...(rollback ? [rollback] : [])]) {
    g.items = g.items.map(orderItem);
    for (const s of g.sections) s.items = s.items.map(orderItem);
  }
  if (notifies.channels.size) raw.notify = Object.fromEntries(notifies.channels);
  raw.phases = phases.map(toRawPhase);
  if (rollback && (rollback.items.length || rollback.sections.length)) {
    raw.rollback = rollback.sections.length
      ? {
          sections: [
            ...(rollback.items.length ? [{ items: rollback.items }] : []),
            ...rollback.sections.map((s) => toRawSection(s)),
          ],
        }
      : { items: rollback.items };
  }
  const found = findBlanks(text);
  // Each watch's metric query is a blank too: the team points it at their system.
  const queries = watches.placed.map((w) => ({
    line: w.line,
    col: w.col,
    text: `metrics.${w.metric}.query`,
    context: truncate(w.title, 80),
  }));
  const blanks = [...found.blanks, ...queries].sort((a, b) => a.line - b.line || a.col - b.col);
  const report: ImportReport = {
    headings: describeHeadings(outline, own, phaseFates, typeNotes),
    blanks,
    blanksTotal: found.total + queries.length,
    ...(watches.placed.length ? { watches: watches.placed } : {}),
    ...(notifies.placed.length
      ? {
          notifies: notifies.placed,
          channels: [...notifies.channels].map(([name, c]) => ({
            name,
            type: c.type,
            ...(channelEnv(c) ? { env: channelEnv(c)! } : {}),
            items: notifies.placed.filter((n) => n.to.includes(name)).length,
          })),
        }
      : {}),
    roles: flagRoles(raw),
  };
  return {
    raw,
    yaml: renderYaml(raw, file),
    stats: count,
    commandChecks: commandChecksOf(raw),
    report,
  };
}

/** The release types a checklist lists under a "Release Types" heading, in order. */
function findReleaseTypes(outline: Outline): string[] {
  const out: string[] = [];
  for (const phase of outline.phases) {
    const phaseHeadings = phase.implicit ? [] : [phase.title];
    for (const s of phase.sections) {
      const all = [...phaseHeadings, ...s.path];
      const leaf = s.path.at(-1);
      if (!leaf || !all.slice(0, -1).some(isReleaseTypesHeading)) continue;
      const type = releaseTypeOf(leaf, true, defaultTypes);
      if (type && !out.includes(type)) out.push(type);
    }
  }
  return out;
}

/** "Pre-Deployment (1 hour before) / 1. Notifications"; a block's own title; '' for none. */
function sectionTitle(s: OutlineSection): string {
  return truncate(s.title ?? s.path.join(' / '), 500);
}

function toRawSection(s: SectionDraft): RawSection {
  const out: RawSection = { title: s.title, items: s.items };
  if (s.gate) out.gate = s.gate;
  if (s.when) out.when = toWhen(s.when);
  if (s.due) out.due = s.due;
  // Keys in reading order: what it is, then when, then its items.
  return {
    title: out.title,
    ...(out.gate ? { gate: out.gate } : {}),
    ...(out.when ? { when: out.when } : {}),
    ...(out.due ? { due: out.due } : {}),
    items: out.items,
  } as RawSection;
}

function toRawPhase(g: Group): RawPhase {
  const out: RawPhase = { title: truncate(g.title, 500) };
  if (g.gate) out.gate = g.gate;
  if (g.when) out.when = toWhen(g.when);
  if (g.due) out.due = g.due;
  if (g.items.length) out.items = g.items;
  if (g.sections.length) out.sections = g.sections.map(toRawSection);
  return out;
}
