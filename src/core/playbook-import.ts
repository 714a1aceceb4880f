/**
 * `gonogo playbook import`: a Markdown or plain-text release checklist → a gonogo playbook
 * (the raw object and readable `gonogo.yaml` text). The outline (phases, sections, items)
 * comes from `playbook-import-outline.ts`; this file adds what the words say: optional items,
 * sign-offs and their roles, the go/no-go gate, the rollback procedure and its criteria,
 * release types, environments, the release window and the issue template's metadata.
 * Pure: it takes the text and the file name, and reads nothing.
 */
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { InputError } from './errors.ts';
import { slugify } from './names.ts';
import { idSchema } from './playbook-schema.ts';
import type { RawItem, RawPhase, RawPlaybook, RawSection, Weekday } from './playbook-schema.ts';
import { checkInputText } from './playbook-yaml-input.ts';
import { inlineCodeOf, outlineChecklist } from './playbook-import-outline.ts';
import { findHealthUrls, suggestCheck } from './playbook-import-checks.ts';
import type { CheckHints } from './playbook-import-checks.ts';
import type { OutlineSection } from './playbook-import-outline.ts';
import {
  findDeniedDays,
  findEnvironments,
  findSigners,
  isOptionalText,
  normalizeRollbackCriterion,
  stripNumbering,
} from './playbook-import-rules.ts';
import { collapse, prepareChecklistText } from './playbook-import-text.ts';

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
}

/** A phase or section as the importer builds it, before it is written out. */
interface Group {
  title: string;
  /** The phase's heading (none for the implicit phase); a section's heading path. */
  headings: string[];
  items: RawItem[];
  sections: { title: string; headings: string[]; items: RawItem[]; gate?: string[] }[];
  gate?: string[];
}

const weekdayOrder: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Imports a Markdown or plain-text release checklist as a playbook. Throws an
 * {@link InputError} (with file, line and column, and a fix) when the text is too large,
 * binary, has broken front matter, or holds no checklist items.
 *
 * @example
 * const { yaml, stats } = importChecklist(readFileSync('RELEASE.md', 'utf8'), 'RELEASE.md');
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
  let outline;
  try {
    outline = outlineChecklist(unified().use(remarkParse).use(remarkGfm).parse(body));
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

  const roles = new Map<string, string>();
  const denied = new Set<Weekday>();
  const types: string[] = [];
  const criteria: string[] = [];
  const phases: Group[] = [];
  let rollback: Group | undefined;

  const hints: CheckHints = {
    healthUrls: findHealthUrls(body),
    ...(options.testCommand ? { testCommand: options.testCommand } : {}),
  };
  const decorate = (items: RawItem[], optional: boolean) => {
    for (const it of items) {
      if (optional || isOptionalText(it.title)) it.optional = true;
      const signers = findSigners([it.title, ...toList(it.details)].join(' '));
      if (signers.length) {
        for (const r of signers) if (!roles.has(r.id)) roles.set(r.id, r.name);
        const ids = signers.map((r) => r.id);
        it.sign = ids.length === 1 ? ids[0]! : ids;
      } else {
        // A heading-like title ("Changelog", "Tests") says what to do in its first detail.
        const short = it.title.split(/\s+/).length <= 3;
        const firstDetail = short ? toList(it.details)[0] : undefined;
        const text = firstDetail ? `${it.title}: ${firstDetail}` : it.title;
        const check = suggestCheck(text, inlineCodeOf.get(it) ?? [], hints, it.suggest?.run);
        if (check !== undefined) it.check = check;
      }
      for (const d of findDeniedDays(it.title)) denied.add(d);
      if (it.items) decorate(it.items, optional);
    }
  };

  for (const phase of outline.phases) {
    const isRollback = !phase.implicit && /rollback|roll back/i.test(phase.title);
    if (!phase.implicit && /release types|types of releases?/i.test(phase.title)) {
      for (const s of phase.sections) {
        const m = /^(.+?)\s+releases?$/i.exec(stripNumbering(s.path[0] ?? ''));
        const id = m ? slugify(m[1]!, '') : '';
        if (id && idSchema.safeParse(id).success && !types.includes(id)) types.push(id);
      }
    }
    // "Rollback Procedure (If Needed)": being the rollback procedure already says "if needed".
    const phaseOptional = !phase.implicit && !isRollback && isOptionalText(phase.title);
    const group: Group = {
      title: phase.title,
      headings: phase.implicit ? [] : [phase.title],
      items: [],
      sections: [],
    };
    for (const s of phase.sections) {
      if (isRollback) criteria.push(...s.criteria.map(normalizeRollbackCriterion));
      decorate(s.items, phaseOptional || s.path.some(isOptionalText));
      if (!s.items.length) continue;
      const title = sectionTitle(s);
      if (title)
        group.sections.push({ title, headings: s.path.length ? s.path : [title], items: s.items });
      else group.items.push(...s.items);
    }
    if (isRollback) {
      if (!rollback)
        rollback = { ...group, items: [...group.items], sections: [...group.sections] };
      else {
        rollback.sections.push(
          ...(group.items.length
            ? [{ title: group.title, headings: group.headings, items: group.items }]
            : []),
        );
        rollback.sections.push(...group.sections);
      }
    } else if (group.items.length || group.sections.length) phases.push(group);
  }
  // A document that is nothing but a rollback procedure still imports, as a phase.
  if (!phases.length && rollback && (rollback.items.length || rollback.sections.length)) {
    phases.push(rollback);
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

  placeGate(phases, roles);
  // A window policy needs someone who may override it: the release manager.
  if (denied.size && !roles.has('release-manager')) roles.set('release-manager', 'Release Manager');

  const raw = {} as RawPlaybook;
  const fmName = typeof frontMatter?.['name'] === 'string' ? collapse(frontMatter['name']) : '';
  raw.name = truncate(fmName || outline.title || outline.firstLine || 'Release checklist', 200);
  if (outline.description) raw.description = outline.description;
  raw.metadata = metadataOf(frontMatter, file);
  if (roles.size) raw.roles = Object.fromEntries(roles);
  raw.environments = findEnvironments(body);
  if (types.length) raw.types = types;
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
            ...rollback.sections.map((s) => ({ title: s.title, items: s.items })),
          ],
        }
      : { items: rollback.items };
  }
  return { raw, yaml: renderYaml(raw, file), stats: count, commandChecks: commandChecksOf(raw) };
}

function commandChecksOf(raw: RawPlaybook): ImportResult['commandChecks'] {
  const out: ImportResult['commandChecks'] = [];
  const walk = (items: RawItem[] | undefined) => {
    for (const it of items ?? []) {
      const check = it.check;
      if (check && typeof check === 'object' && 'command' in check) {
        const c = check.command as string | { run: string };
        out.push({ title: it.title, command: typeof c === 'string' ? c : c.run });
      }
      walk(it.items);
    }
  };
  for (const p of raw.phases) {
    walk(p.items);
    for (const s of p.sections ?? []) walk(s.items);
  }
  const rb = raw.rollback;
  if (rb && !Array.isArray(rb)) {
    walk(rb.items);
    for (const s of rb.sections ?? []) walk(s.items);
  }
  return out;
}

function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Keys in reading order: what it is, whether it must be done, who signs, then the rest. */
function orderItem(it: RawItem): RawItem {
  const out: RawItem = { title: it.title };
  if (it.optional) out.optional = true;
  if (it.sign !== undefined) out.sign = it.sign;
  if (it.check !== undefined) out.check = it.check;
  if (it.details !== undefined) out.details = it.details;
  if (it.suggest !== undefined) out.suggest = it.suggest;
  if (it.items?.length) out.items = it.items.map(orderItem);
  return out;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** "Pre-Deployment (1 hour before) / 1. Notifications"; a block's own title; '' for none. */
function sectionTitle(s: OutlineSection): string {
  return truncate(s.title ?? s.path.join(' / '), 500);
}

const productionPattern = (t: string) =>
  /production|\bprod\b/i.test(t) && !/\b(?:pre|non)[- ]?prod/i.test(t);
const deployPattern = (t: string) =>
  /deploy/i.test(t) && !/pre-?deploy|post-?deploy|readiness/i.test(t);

/**
 * The go/no-go gate goes where production deployment starts: the first phase or section
 * heading about production, else about deploying (not the pre-deployment preparation).
 * Sign-offs before it already hold the release; without any, the release manager decides.
 */
function placeGate(phases: Group[], roles: Map<string, string>): void {
  for (const matches of [productionPattern, deployPattern]) {
    for (const [pi, p] of phases.entries()) {
      let target: { gate?: string[] } | undefined;
      let signsBefore = phases.slice(0, pi).reduce((n, q) => n + countAll([q]).sign, 0);
      if (matches(p.title) && p.headings.length) target = p;
      else {
        const si = p.sections.findIndex((s) => s.headings.some(matches));
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
      return;
    }
  }
}

function toRawPhase(g: Group): RawPhase {
  const out: RawPhase = { title: truncate(g.title, 500) };
  if (g.gate) out.gate = g.gate;
  if (g.items.length) out.items = g.items;
  if (g.sections.length) {
    out.sections = g.sections.map((s) => {
      const section: RawSection = { title: s.title, items: s.items };
      if (s.gate) return { title: s.title, gate: s.gate, items: s.items };
      return section;
    });
  }
  return out;
}

function metadataOf(
  fm: Record<string, unknown> | undefined,
  file: string,
): NonNullable<RawPlaybook['metadata']> {
  const out: NonNullable<RawPlaybook['metadata']> = {};
  const str = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  const strings = (v: unknown): string[] | undefined => {
    if (Array.isArray(v)) return v.map(str).filter((x): x is string => x !== undefined);
    const s = str(v);
    return s === undefined
      ? undefined
      : s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
  };
  const title = str(fm?.['title']);
  const about = str(fm?.['about']);
  const labels = strings(fm?.['labels']);
  const assignees = strings(fm?.['assignees']);
  if (title !== undefined) out.title = title;
  if (about !== undefined) out.about = about;
  if (labels) out.labels = labels;
  if (assignees) out.assignees = assignees;
  out.source = file.split(/[\\/]/).filter(Boolean).pop() ?? file;
  return out;
}

function countItems(items: RawItem[] | undefined) {
  const c = { items: 0, sign: 0, optional: 0, suggestedRuns: 0, automated: 0 };
  const walk = (list: RawItem[] | undefined) => {
    for (const it of list ?? []) {
      c.items++;
      if (it.sign !== undefined) c.sign++;
      if (it.optional) c.optional++;
      if (it.suggest?.run) c.suggestedRuns++;
      if (it.check !== undefined) c.automated++;
      walk(it.items);
    }
  };
  walk(items);
  return c;
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

/** Short lists of names read best on one line: `sign: [team-lead, qa]`. */
const flowKeys = new Set([
  'sign',
  'gate',
  'labels',
  'assignees',
  'environments',
  'types',
  'deny',
  'type',
  'environment',
]);

function renderYaml(raw: RawPlaybook, file: string): string {
  const doc = new Document(raw);
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && flowKeys.has(String(pair.key.value)) && isSeq(pair.value))
        pair.value.flow = true;
    },
  });
  const name = file.replace(/[\r\n]+/g, ' ');
  doc.commentBefore =
    ` gonogo playbook imported from ${name} by \`gonogo playbook import\`\n` +
    ' suggest: entries are commands found in the checklist; gonogo shows them and never runs them unasked.';
  return doc.toString({ lineWidth: 100, flowCollectionPadding: false });
}
