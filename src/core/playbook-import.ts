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
import { describeFate } from './playbook-import-summary.ts';
import type { Became, HeadingFate, ImportReport, RoleFlag } from './playbook-import-summary.ts';
import { collapse, prepareChecklistText } from './playbook-import-text.ts';
import {
  deployTargets,
  findDue,
  isAfterDeploymentText,
  namesEarlierEnvironment,
  namesProduction,
  readCondition,
  saysOptional,
  stripStep,
} from './playbook-import-words.ts';
import type { Condition, Vocabulary } from './playbook-import-words.ts';
import {
  commandChecksOf,
  countItems,
  metadataOf,
  orderItem,
  renderYaml,
  truncate,
} from './playbook-import-write.ts';

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
  stats: {
    phases: number;
    sections: number;
    items: number;
    sign: number;
    optional: number;
    suggestedRuns: number;
    /** Items that got a suggested `check:` and so run by themselves. */
    automated: number;
  };
  /**
   * Every command the import wrote as a check (known verifiers only, or the project's test
   * command), with its item's title: what `gonogo check` will run, for a person to review.
   */
  commandChecks: { title: string; command: string }[];
  /** What became of every heading, the blanks to fill, the roles without members. */
  report: ImportReport;
}

/** A section as the importer builds it, before it is written out. */
interface SectionDraft {
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
interface Group {
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
interface Unit {
  group: Group;
  section?: SectionDraft;
  items: RawItem[];
  headings: string[];
  source?: OutlineSection;
}

/** What a heading's own text became (its sub-headings have their own). */
interface Own {
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
  for (const g of [...phases, ...(rollback ? [rollback] : [])]) {
    g.items = g.items.map(orderItem);
    for (const s of g.sections) s.items = s.items.map(orderItem);
  }
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
  const { blanks, total } = findBlanks(text);
  const report: ImportReport = {
    headings: describeHeadings(outline, own, phaseFates, typeNotes),
    blanks,
    blanksTotal: total,
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

/** "Deploy to production", "Step 2: Deploy Application": a heading that is the deploy step. */
function isDeployHeading(heading: string): boolean {
  return /^(?:re)?deploy\b/i.test(stripStep(heading.replace(/`/g, '')));
}

function toWhen(c: Condition): NonNullable<RawItem['when']> {
  const out: NonNullable<RawItem['when']> = {};
  if (c.type) out.type = c.type;
  if (c.environment) out.environment = c.environment;
  return out;
}

function mergeWhen(a: Condition | undefined, b: Condition | undefined): Condition | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: Condition = {};
  const type = [...new Set([...(b.type ?? []), ...(a.type ?? [])])];
  const environment = [...new Set([...(a.environment ?? []), ...(b.environment ?? [])])];
  if (type.length) out.type = type;
  if (environment.length) out.environment = environment;
  return out;
}

function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** "Pre-Deployment (1 hour before) / 1. Notifications"; a block's own title; '' for none. */
function sectionTitle(s: OutlineSection): string {
  return truncate(s.title ?? s.path.join(' / '), 500);
}

/**
 * The go/no-go gate goes where production deployment starts: the first phase or section
 * heading about production, else about deploying (not the pre-deployment preparation, nor
 * the deployment to an earlier environment), else the one with the first item that deploys
 * to production. Sign-offs before it already hold the release;
 * without any, the release manager decides. Returns the phase or section that got the gate.
 */
function placeGate(
  phases: Group[],
  roles: Map<string, string>,
  environments: string[],
): Group | SectionDraft | undefined {
  const production = environments.at(-1)!;
  const deploying = (t: string) =>
    /deploy/i.test(t) &&
    !/pre-?deploy|post-?deploy|readiness/i.test(t) &&
    !namesEarlierEnvironment(t, environments);
  const byHeading =
    (matches: (t: string) => boolean) =>
    (g: Group | SectionDraft): boolean =>
      g.headings.some(matches);
  const byItems = (g: Group | SectionDraft): boolean =>
    [...walk(g.items)].some((it) =>
      deployTargets(it.title, environments, false).includes(production),
    );
  for (const matches of [byHeading(namesProduction), byHeading(deploying), byItems]) {
    // Sign-offs in the phases before this one, counted as the loop goes (not again per phase).
    let signsInEarlierPhases = 0;
    for (const p of phases) {
      let target: Group | SectionDraft | undefined;
      let signsBefore = signsInEarlierPhases;
      signsInEarlierPhases += countAll([p]).sign;
      if (p.headings.length && matches(p)) target = p;
      else {
        // A section for some release types only is not where every release deploys.
        const si = p.sections.findIndex((s) => !s.when?.type && matches(s));
        if (si >= 0) {
          target = p.sections[si];
          signsBefore +=
            countItems(p.items).sign +
            p.sections.slice(0, si).reduce((n, s) => n + countItems(s.items).sign, 0);
        }
      }
      if (!target) continue;
      if (signsBefore > 0) target.gate = [];
      else {
        target.gate = ['release-manager'];
        if (!roles.has('release-manager')) roles.set('release-manager', 'Release Manager');
      }
      return target;
    }
  }
  return undefined;
}

function unitsOf(phases: Group[]): Unit[] {
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

function* walk(items: RawItem[]): Generator<RawItem> {
  for (const it of items) {
    yield it;
    if (it.items) yield* walk(it.items);
  }
}

/**
 * Marks the items that deploy (`deploys: [ENV]`), so `deploy ENV` ticks them. A section whose
 * heading is the deploy step ("Step 2: Deploy Application") but whose items only report on it
 * ("Docker build successful") gets the step itself as its first item, with the commands that
 * came before its first list.
 */
function markDeployments(
  units: Unit[],
  target: Group | SectionDraft | undefined,
  environments: string[],
): void {
  for (const u of units) {
    const production =
      environments.length === 1 ||
      u.headings.some(namesProduction) ||
      (target !== undefined && (target === u.group || target === u.section));
    let any = false;
    for (const it of walk(u.items)) {
      const to = deployTargets(it.title, environments, production);
      if (to.length) {
        it.deploys = to;
        any = true;
      }
    }
    const heading = u.section ? u.section.headings.at(-1) : u.group.headings[0];
    if (any || !heading || u.section?.source.title !== undefined || !isDeployHeading(heading))
      continue;
    const to = deployTargets(heading, environments, production);
    if (!to.length) continue;
    const step: RawItem = { title: stripStep(heading), deploys: to };
    const lead = u.source?.leadRun;
    const run = lead?.item.suggest?.run;
    if (lead && run?.startsWith(lead.run)) {
      // The commands before the first list are the deploy step's, not its first result's.
      step.suggest = { run: lead.run };
      const restRun = run.slice(lead.run.length).replace(/^\n+/, '');
      if (restRun) lead.item.suggest = { ...lead.item.suggest, run: restRun };
      else if (lead.item.suggest?.check) lead.item.suggest = { check: lead.item.suggest.check };
      else delete lead.item.suggest;
    }
    u.items.unshift(step);
  }
}

/**
 * Due points of the follow-ups after the production deployment: from the phase and section
 * headings ("First 24 Hours"), a list's lead-in ("Monitor for 15 minutes:") and the items' own
 * words ("Monitor for 24-48 hours after deployment"). Words that say "after the deployment"
 * count anywhere; a bare duration ("First Hour") only after the item that deploys to
 * production (or after the gate, when no item does) or under a post-deployment heading.
 * Lead-ins also give their lists' conditions ("For hotfixes:").
 */
function setDuePoints(
  units: Unit[],
  target: Group | SectionDraft | undefined,
  environments: string[],
  conditionOf: (t: string) => Condition | undefined,
): void {
  const production = environments.at(-1);
  const deploysThere = (it: RawItem) =>
    production !== undefined && toList(it.deploys).includes(production);
  // Where production is deployed: the unit and its top-level item that do it.
  let after = -1;
  let afterItem = Infinity;
  for (const [i, u] of units.entries()) {
    const k = u.items.findIndex((top) => [...walk([top])].some(deploysThere));
    if (k >= 0) {
      after = i;
      afterItem = k;
      break;
    }
  }
  if (after < 0 && target)
    after = units.reduce((n, u, i) => (u.group === target || u.section === target ? i : n), -1);
  const atOrAfter = after < 0 ? Infinity : after;
  const isPost = (i: number, k: number) => i > atOrAfter || (i === atOrAfter && k > afterItem);
  const dueHere = (t: string, post: boolean) => {
    const d = findDue(t);
    return d && (d.explicit || post) ? d.due : undefined;
  };
  const phaseDone = new Set<Group>();
  units.forEach((u, i) => {
    const post = i > atOrAfter || u.headings.some(isAfterDeploymentText);
    if (!phaseDone.has(u.group)) {
      phaseDone.add(u.group);
      const title = u.group.headings[0];
      const due = title ? dueHere(title, post) : undefined;
      if (due) u.group.due = due;
    }
    const leaf = u.section?.source.title === undefined ? u.section?.headings.at(-1) : undefined;
    if (u.section && leaf && !u.section.due) {
      const due = dueHere(leaf, post);
      if (due) u.section.due = due;
    }
    for (const lead of u.source?.leads ?? []) {
      const first = lead.items[0];
      const due = dueHere(
        lead.text,
        post || (first !== undefined && isPost(i, u.items.indexOf(first))),
      );
      const when = conditionOf(lead.text);
      const whole = u.section && lead.items.length === u.items.length;
      if (whole && u.section) {
        if (due && !u.section.due) u.section.due = due;
        if (when) u.section.when = mergeWhen(u.section.when, when);
        continue;
      }
      for (const it of lead.items) {
        if (due && !it.due) it.due = due;
        if (when && !it.when) it.when = toWhen(when);
      }
    }
    u.items.forEach((top, k) => {
      for (const it of walk([top])) {
        const due = dueHere(it.title, post || isPost(i, k));
        if (due) it.due = due;
      }
    });
  });
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

function countAll(phases: Group[], rollback?: Group): ImportResult['stats'] {
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

/**
 * What became of every heading, in document order (blocks of a text without headings
 * included): its own text's fate, or for a heading with nothing of its own, the sum of the
 * headings below it.
 */
function describeHeadings(
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
 */
function flagRoles(raw: RawPlaybook): RoleFlag[] {
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
