/**
 * The outline step of the checklist importer: Markdown (mdast) → phases, sections and items
 * with titles, details, sub-items and suggested commands. The policy step
 * (`playbook-import.ts`) then reads roles, gates, optional markers and the rest from it.
 */
import type { Code, Heading, List, ListItem, Nodes, Paragraph, Root, RootContent } from 'mdast';
import type { RawItem } from './playbook-schema.ts';
import { collapse, plainText, titleText } from './playbook-import-text.ts';
import { firstWords, stripNumbering, titleBlock } from './playbook-import-rules.ts';

/**
 * Appends items one by one: `push(...items)` passes them as arguments and overflows the stack
 * for the hundred thousand items of a large document.
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** The longest title the schema accepts. */
const maxTitle = 500;

/** A heading of the document, with the part it plays in the outline. */
export interface OutlineHeading {
  line: number;
  /** First line after the heading (a setext heading's underline is part of it). */
  from: number;
  /** Last line of its part: before the next heading of its level or a shallower one. */
  to: number;
  /** 1 to 6, as `#` to `######` (setext headings are 1 and 2). */
  depth: number;
  text: string;
  role: 'title' | 'phase' | 'section';
}

/** A list's lead-in ("**Monitor for 15 minutes:**") and the items of the list it introduces. */
export interface OutlineLead {
  text: string;
  items: RawItem[];
}

/** A group of items: a section, or (without a title) the items directly under a phase. */
export interface OutlineSection {
  /** Heading path below the phase; empty for the phase's own items. */
  path: string[];
  /** Set for blocks of a heading-less text, which get a title of their own. */
  title?: string;
  line: number;
  /** The heading this section's text follows (the phase's own for its items); none before any. */
  heading?: OutlineHeading;
  /** First and last line (1-based) of the text under the heading, sub-headings excluded. */
  from: number;
  to: number;
  items: RawItem[];
  /** Plain bullets of a "When to rollback" section. */
  criteria: string[];
  /**
   * Entries of lists without tasks in a document with tasks: reference material, not items,
   * kept for what it may be instead (a release type's steps, metric definitions).
   */
  refs: RawItem[];
  /** Some entry of the section is a task (`- [ ]`). */
  tasks: boolean;
  /** The section holds a table of contents of the document (left out). */
  toc: boolean;
  /** Line ranges (1-based, inclusive) of its tables of contents. */
  tocs: [number, number][];
  /** Top-level paragraphs (a heading's prose). */
  prose: string[];
  /** Lists introduced by a line ending in ":", with their items. */
  leads: OutlineLead[];
  /** A code fence before the section's first list, attached to its first item. */
  leadRun?: { item: RawItem; run: string };
  /** Line ranges (1-based, inclusive) of the lists whose entries became items or refs. */
  lists: [number, number][];
}

export interface OutlinePhase {
  title: string;
  /** True for the "Checklist" phase that holds what comes before any phase heading. */
  implicit: boolean;
  line: number;
  /** The phase's heading (none for the implicit phase). */
  heading?: OutlineHeading;
  /** Last line (1-based) of the phase's text. */
  to: number;
  sections: OutlineSection[];
}

export interface Outline {
  /** The document title heading, when the document has one. */
  title?: string;
  /** The first short line of text, when there is no title heading. */
  firstLine?: string;
  description?: string;
  /** Every heading in document order (headings folded away in `<details>` left out). */
  headings: OutlineHeading[];
  phases: OutlinePhase[];
}

interface Bucket {
  path: string[];
  depth: number;
  leaf: boolean;
  line: number;
  heading?: OutlineHeading;
  /** First line of the text under the heading. */
  from: number;
  /** Line of the next heading (any level), or one past the document. */
  next: number;
  nodes: RootContent[];
}

interface PhaseDraft {
  title: string;
  implicit: boolean;
  line: number;
  heading?: OutlineHeading;
  /** Line of the next phase heading, or one past the document. */
  next: number;
  buckets: Bucket[];
}

interface Context {
  /** The document has task items (`- [ ]`): then plain bullets are reference material. */
  hasTasks: boolean;
  /** Normalised heading texts, to recognise a table of contents. */
  headingKeys: Set<string>;
}

/**
 * Reads the outline of a checklist from its mdast: which headings are the title, phases and
 * sections, which lists are items, what becomes details, sub-items and suggested commands.
 *
 * @example const outline = outlineChecklist(unified().use(remarkParse).use(remarkGfm).parse(md));
 */
export function outlineChecklist(root: Root): Outline {
  const nodes = flatten(root.children);
  const headings = nodes.filter((n): n is Heading => n.type === 'heading');
  const ctx: Context = {
    hasTasks: containsTask(root),
    headingKeys: new Set(headings.map((h) => tocKey(plainText(h)))),
  };

  // A title is the one heading of the shallowest level, coming first.
  const minDepth = headings.reduce((m, h) => Math.min(m, h.depth), Infinity);
  const titleHeading =
    headings[0]?.depth === minDepth && headings.filter((h) => h.depth === minDepth).length === 1
      ? headings[0]
      : undefined;
  const rest = headings.filter((h) => h !== titleHeading);
  const phaseDepth = rest.reduce((m, h) => Math.min(m, h.depth), Infinity);
  const endLine = (root.position?.end.line ?? 1) + 1;

  const implicit: PhaseDraft = {
    title: 'Checklist',
    implicit: true,
    line: 1,
    next: endLine,
    buckets: [{ path: [], depth: 0, leaf: false, line: 1, from: 1, next: endLine, nodes: [] }],
  };
  const drafts: PhaseDraft[] = [implicit];
  const outlineHeadings: OutlineHeading[] = [];
  let phase = implicit;
  let stack: { depth: number; text: string }[] = [];
  for (const node of nodes) {
    if (node.type !== 'heading') {
      phase.buckets.at(-1)!.nodes.push(node);
      continue;
    }
    const line = node.position?.start.line ?? 1;
    // A setext heading's underline is part of it.
    const from = (node.position?.end.line ?? line) + 1;
    // The text before this heading ends here, whatever the heading's level.
    phase.buckets.at(-1)!.next = line;
    if (node === titleHeading) {
      outlineHeadings.push({
        line,
        from,
        to: endLine - 1,
        depth: node.depth,
        text: titleText(node),
        role: 'title',
      });
      continue;
    }
    const text = titleText(node) || 'Untitled';
    if (node.depth <= phaseDepth) {
      phase.next = line;
      const heading: OutlineHeading = {
        line,
        from,
        to: endLine - 1,
        depth: node.depth,
        text,
        role: 'phase',
      };
      outlineHeadings.push(heading);
      phase = { title: text, implicit: false, line, heading, next: endLine, buckets: [] };
      phase.buckets.push({
        path: [],
        depth: node.depth,
        leaf: true,
        line,
        heading,
        from,
        next: endLine,
        nodes: [],
      });
      drafts.push(phase);
      stack = [];
      continue;
    }
    const heading: OutlineHeading = {
      line,
      from,
      to: endLine - 1,
      depth: node.depth,
      text,
      role: 'section',
    };
    outlineHeadings.push(heading);
    // The heading before this one, when shallower, has a sub-heading: it is no leaf.
    const parent = phase.buckets.at(-1)!;
    if (parent.depth < node.depth) parent.leaf = false;
    stack = stack.filter((s) => s.depth < node.depth);
    stack.push({ depth: node.depth, text });
    phase.buckets.push({
      path: stack.map((s) => s.text),
      depth: node.depth,
      leaf: true,
      line,
      heading,
      from,
      next: endLine,
      nodes: [],
    });
  }

  // Each heading's part ends where a heading of its level or a shallower one starts.
  const open: OutlineHeading[] = [];
  for (const h of outlineHeadings) {
    while (open.length && open.at(-1)!.depth >= h.depth) open.pop()!.to = h.line - 1;
    open.push(h);
  }
  const outline: Outline = { headings: outlineHeadings, phases: [] };
  if (titleHeading) outline.title = titleText(titleHeading) || undefined;
  const preamble = implicit.buckets[0]!.nodes;
  const consumed = new Set<RootContent>();
  if (!outline.title) {
    const first = preamble[0];
    if (first?.type === 'paragraph') {
      const [line, ...more] = rawLines(first);
      const candidate = collapse(line ?? '');
      if (candidate && candidate.length <= 60 && !/[.!?]$/.test(candidate)) {
        outline.firstLine = candidate;
        consumed.add(first);
        const remainder = collapse(more.join(' '));
        if (remainder) outline.description = remainder;
      }
    }
  }

  // A text without phase headings whose bullets come in blank-line separated blocks: each
  // block is a section.
  const grouping = drafts.length === 1 && shouldGroup(preamble, ctx);
  for (const draft of drafts) {
    const isRollback = !draft.implicit && /rollback|roll back/i.test(draft.title);
    const sections: OutlineSection[] = [];
    for (const bucket of draft.buckets) {
      const leafTitle = bucket.path.at(-1) ?? (draft.implicit ? undefined : draft.title);
      const criteriaMode =
        (isRollback && /\bwhen\b|criteria|triggers?\b/i.test(leafTitle ?? '')) ||
        isRollbackCriteriaHeading(leafTitle ?? '');
      const groups = convertBucket(bucket.nodes, ctx, {
        grouping: grouping && draft.implicit,
        criteria: criteriaMode,
        consumed,
      });
      const anyItems = groups.some((g) => g.items.length > 0);
      if (!anyItems && bucket.leaf && leafTitle && !draft.implicit) {
        const fallback = fallbackItem(bucket.nodes, leafTitle);
        if (fallback) groups[0]!.items.push(fallback);
      }
      for (const g of groups) {
        const section: OutlineSection = {
          path: bucket.path,
          line: g.line ?? bucket.line,
          from: bucket.from,
          to: bucket.next - 1,
          items: g.items,
          criteria: g.criteria,
          refs: g.refs,
          tasks: g.tasks,
          toc: g.toc,
          tocs: g.tocs,
          prose: g.prose,
          leads: g.leads,
          lists: g.lists,
        };
        if (bucket.heading) section.heading = bucket.heading;
        if (g.title) section.title = g.title;
        if (g.leadRun) section.leadRun = g.leadRun;
        sections.push(section);
      }
    }
    const phase: OutlinePhase = {
      title: draft.title,
      implicit: draft.implicit,
      line: draft.line,
      to: draft.next - 1,
      sections,
    };
    if (draft.heading) phase.heading = draft.heading;
    outline.phases.push(phase);
  }

  // Block titles: keep them distinct, so the sections read (and get ids) apart.
  const used = new Set<string>();
  // The next number to try per title, so many equal titles take linear time.
  const nextNumber = new Map<string, number>();
  for (const s of outline.phases[0]!.sections) {
    if (s.title === undefined) continue;
    let t = s.title;
    if (used.has(t.toLowerCase())) t = firstWords(s.items[0]?.title ?? t, 5) || t;
    let n = nextNumber.get(s.title) ?? 2;
    for (; used.has(t.toLowerCase()); n++) t = `${s.title} (${n})`;
    nextNumber.set(s.title, n);
    used.add(t.toLowerCase());
    s.title = t;
  }

  if (!outline.description) {
    const intro: string[] = [];
    for (const n of preamble) {
      if (n.type === 'list' || n.type === 'code') break;
      if (n.type === 'paragraph' && !consumed.has(n)) intro.push(plainText(n));
    }
    const text = intro.filter(Boolean).join('\n\n');
    if (text) outline.description = text;
  } else {
    // The rest of the name paragraph came first; later intro paragraphs follow it.
    const intro: string[] = [outline.description];
    for (const n of preamble) {
      if (n.type === 'list' || n.type === 'code') break;
      if (n.type === 'paragraph' && !consumed.has(n)) intro.push(plainText(n));
    }
    outline.description = intro.filter(Boolean).join('\n\n');
  }
  return outline;
}

/**
 * Blockquotes are read as their content; `<details>` blocks (extra context folded away) are
 * left out with everything inside them.
 */
function flatten(nodes: RootContent[]): RootContent[] {
  const out: RootContent[] = [];
  let hidden = 0;
  for (const n of nodes) {
    if (n.type === 'html') {
      const opens = n.value.match(/<details\b/gi)?.length ?? 0;
      const closes = n.value.match(/<\/details\s*>/gi)?.length ?? 0;
      hidden = Math.max(0, hidden + opens - closes);
      continue;
    }
    if (hidden > 0) continue;
    if (n.type === 'blockquote') appendAll(out, flatten(n.children));
    else out.push(n);
  }
  return out;
}

function containsTask(node: Nodes): boolean {
  if (node.type === 'listItem' && typeof node.checked === 'boolean') return true;
  return 'children' in node && (node.children as Nodes[]).some((c) => containsTask(c));
}

function isTask(entry: ListItem): boolean {
  return typeof entry.checked === 'boolean';
}

function tocKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/^\s*\d+(?:\.\d+)*[.)]?\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A list whose every entry (nested ones too) is a heading of the document is its table of contents. */
function isToc(list: List, ctx: Context): boolean {
  if (list.children.length < 2 || containsTask(list)) return false;
  const matches = (l: List): boolean =>
    l.children.every((e) => {
      const [first, ...rest] = e.children;
      return (
        first?.type === 'paragraph' &&
        ctx.headingKeys.has(tocKey(plainText(first))) &&
        rest.every((c) => c.type === 'list' && matches(c))
      );
    });
  return matches(list);
}

function rawLines(p: Paragraph): string[] {
  const raw = p.children.map((c) => (c.type === 'break' ? '\n' : plainTextKeepLines(c))).join('');
  return raw.split('\n');
}

function plainTextKeepLines(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  if (node.type === 'html') return '';
  if (node.type === 'image' || node.type === 'imageReference') return node.alt ?? '';
  return 'children' in node ? (node.children as Nodes[]).map(plainTextKeepLines).join('') : '';
}

/** Entries split where a blank line separates them. */
function runsOf(list: List): ListItem[][] {
  const runs: ListItem[][] = [];
  let prevEnd = -Infinity;
  for (const e of list.children) {
    const start = e.position?.start.line ?? prevEnd + 1;
    if (!runs.length || start > prevEnd + 1) runs.push([]);
    runs.at(-1)!.push(e);
    prevEnd = e.position?.end.line ?? start;
  }
  return runs;
}

function shouldGroup(nodes: RootContent[], ctx: Context): boolean {
  const runs = nodes.flatMap((n) => (n.type === 'list' && !isToc(n, ctx) ? runsOf(n) : []));
  return runs.length >= 2 && runs.some((r) => r.length >= 2);
}

/** A short standalone line right before a block of bullets titles it. */
function blockTitle(node: RootContent | undefined): string | undefined {
  if (node?.type !== 'paragraph') return undefined;
  const lines = rawLines(node);
  if (lines.length !== 1) return undefined;
  const text = collapse(lines[0]!).replace(/:$/, '');
  return text && text.length <= 60 && !/[.!?;,]$/.test(text) ? text : undefined;
}

/** A section's content while it is collected, before its place (path, lines) is known. */
type Group = Omit<OutlineSection, 'path' | 'title' | 'line' | 'heading' | 'from' | 'to'> & {
  title?: string;
  line?: number;
};

const newGroup = (): Group => ({
  items: [],
  criteria: [],
  refs: [],
  tasks: false,
  toc: false,
  tocs: [],
  prose: [],
  leads: [],
  lists: [],
});

function convertBucket(
  nodes: RootContent[],
  ctx: Context,
  opts: { grouping: boolean; criteria: boolean; consumed: Set<RootContent> },
): Group[] {
  const groups: Group[] = [newGroup()];
  let pending: string[] = [];
  const take = (items: RawItem[], list: List, lead: RootContent | undefined) => {
    const group = groups.at(-1)!;
    if (pending.length && items[0]) {
      const run = pending.join('\n\n');
      addRun(items[0], run);
      if (!group.items.length && !group.leadRun) group.leadRun = { item: items[0], run };
      pending = [];
    }
    if (containsTask(list)) group.tasks = true;
    const p = list.position;
    if (p) group.lists.push([p.start.line, p.end.line]);
    const leadText = lead?.type === 'paragraph' ? plainText(lead) : '';
    if (items.length && /:\s*$/.test(leadText)) group.leads.push({ text: leadText, items });
    appendAll(group.items, items);
  };
  nodes.forEach((node, i) => {
    if (node.type === 'code') {
      if (node.value.trim()) pending.push(node.value);
      return;
    }
    if (node.type === 'paragraph' && !opts.consumed.has(node)) {
      const text = plainText(node);
      if (text) groups.at(-1)!.prose.push(text);
      return;
    }
    if (node.type !== 'list') return;
    if (isToc(node, ctx)) {
      const group = groups.at(-1)!;
      group.toc = true;
      if (node.position) group.tocs.push([node.position.start.line, node.position.end.line]);
      return;
    }
    if (!opts.grouping) {
      const refs = groups.at(-1)!.refs;
      const items = convertList(
        node.children,
        node,
        ctx,
        opts.criteria ? groups[0]!.criteria : undefined,
        refs,
      );
      take(items, node, nodes[i - 1]);
      return;
    }
    runsOf(node).forEach((run, ri) => {
      const items = convertList(run, node, ctx, undefined, []);
      if (!items.length) return;
      const given = ri === 0 ? blockTitle(nodes[i - 1]) : undefined;
      if (given) {
        opts.consumed.add(nodes[i - 1]!);
        // The block's title line was read as prose before the list: it is the title instead.
        const prose = groups.at(-1)!.prose;
        if (prose.at(-1) === plainText(nodes[i - 1]!)) prose.pop();
      }
      const group: Group = {
        ...newGroup(),
        title: given ?? titleBlock(items.map((it) => [it.title, ...detailsOf(it)].join(' '))),
        line: run[0]!.position?.start.line,
      };
      if (groups.length === 1 && groups[0]!.items.length === 0 && !groups[0]!.title) groups.pop();
      groups.push(group);
      take(items, node, undefined);
    });
  });
  // A fence after the last item still belongs to the section: it goes to that item.
  const last = groups.flatMap((g) => g.items).at(-1);
  if (pending.length && last) addRun(last, pending.join('\n\n'));
  return groups;
}

function detailsOf(it: RawItem): string[] {
  return it.details === undefined ? [] : Array.isArray(it.details) ? it.details : [it.details];
}

function addRun(item: RawItem, run: string): void {
  const before = item.suggest?.run;
  item.suggest = { ...item.suggest, run: before ? `${before}\n\n${run}` : run };
}

/**
 * The items of a list's entries. In a document with task items, a list without any task
 * (and without tasks nested in it) is reference material and yields nothing.
 */
function convertList(
  entries: ListItem[],
  list: List,
  ctx: Context,
  criteria: string[] | undefined,
  refs: RawItem[],
): RawItem[] {
  const listHasTask = list.children.some(isTask);
  const out: RawItem[] = [];
  for (const e of entries) {
    if (criteria && !isTask(e) && !containsTask(e)) {
      const text = firstParagraphText(e);
      if (text) criteria.push(text);
      continue;
    }
    if (ctx.hasTasks && !listHasTask && !containsTask(e)) {
      appendAll(refs, convertEntry(e, ctx));
      continue;
    }
    appendAll(out, convertEntry(e, ctx));
  }
  return out;
}

function firstParagraphText(e: ListItem): string {
  const first = e.children[0];
  return first?.type === 'paragraph' ? plainText(first) : '';
}

/**
 * Inline code written in an item's own line ("All tests passing (`pytest -m unit`)"), for the
 * check suggestions: the commands the item names.
 */
export const inlineCodeOf = new WeakMap<RawItem, string[]>();

/** One list entry → one item (or, for an entry without text of its own, its nested entries). */
function convertEntry(e: ListItem, ctx: Context): RawItem[] {
  const first = e.children[0];
  const title = first?.type === 'paragraph' ? titleText(first) : '';
  const rest = first?.type === 'paragraph' ? e.children.slice(1) : e.children;
  if (!title) {
    // "- " with nested bullets: the nested entries are the items.
    return rest.flatMap((c) =>
      c.type === 'list' ? c.children.flatMap((n) => convertEntry(n, ctx)) : [],
    );
  }
  const details: string[] = [];
  const items: RawItem[] = [];
  const runs: string[] = [];
  collectBody(rest, ctx, details, items, runs);
  const item: RawItem = { title };
  const codes =
    first?.type === 'paragraph'
      ? first.children.flatMap((c) => (c.type === 'inlineCode' ? [c.value] : []))
      : [];
  if (codes.length) inlineCodeOf.set(item, codes);
  if (title.length > maxTitle) {
    item.title = truncateTitle(title);
    details.unshift(title);
  }
  if (details.length) item.details = details;
  if (runs.length) item.suggest = { run: runs.join('\n\n') };
  if (items.length) item.items = items;
  return [item];
}

/** The body of an entry: task entries → sub-items, everything else → details (flattened). */
function collectBody(
  nodes: Nodes[],
  ctx: Context,
  details: string[],
  items: RawItem[],
  runs: string[],
): void {
  for (const c of nodes) {
    if (c.type === 'code') {
      if (c.value.trim()) runs.push((c as Code).value);
    } else if (c.type === 'list') {
      for (const sub of c.children) {
        if (ctx.hasTasks && (isTask(sub) || containsTask(sub))) {
          appendAll(items, convertEntry(sub, ctx));
        } else {
          const first = sub.children[0];
          const text = first?.type === 'paragraph' ? plainText(first) : '';
          if (text) details.push(text);
          collectBody(
            first?.type === 'paragraph' ? sub.children.slice(1) : sub.children,
            ctx,
            details,
            items,
            runs,
          );
        }
      }
    } else if (c.type !== 'html' && c.type !== 'thematicBreak' && c.type !== 'definition') {
      const text = plainText(c);
      if (text) details.push(text);
    }
  }
}

/**
 * A leaf section with no items but a code fence, or a paragraph with inline code, is one
 * step: an item titled by the heading, its paragraphs as details, its code as the suggestion.
 */
function fallbackItem(nodes: RootContent[], heading: string): RawItem | undefined {
  const fences = nodes
    .filter((n): n is Code => n.type === 'code' && n.value.trim() !== '')
    .map((n) => n.value);
  const paragraphs = nodes.filter((n): n is Paragraph => n.type === 'paragraph');
  const inline = paragraphs.flatMap((p) => inlineCodes(p));
  if (!fences.length && !inline.length) return undefined;
  const item: RawItem = { title: truncateTitle(stripNumbering(heading)) };
  const details = paragraphs.map((p) => plainText(p)).filter(Boolean);
  if (details.length) item.details = details;
  item.suggest = { run: fences.length ? fences.join('\n\n') : inline.join('\n') };
  return item;
}

/** A title cut to the schema's limit at a word boundary, marked with "…". */
function truncateTitle(title: string): string {
  return title.length <= maxTitle
    ? title
    : `${title.slice(0, maxTitle - 1).replace(/\s+\S*$/, '')}…`;
}

/**
 * A heading that introduces rollback criteria wherever it stands: "When to Rollback",
 * "Rollback criteria", "Rollback triggers".
 *
 * @example isRollbackCriteriaHeading('When to roll back') // true
 */
export function isRollbackCriteriaHeading(text: string): boolean {
  return /\b(?:when|criteria|triggers?|conditions?|reasons?)\b.{0,40}\broll[- ]?back\b|\broll[- ]?back\s+(?:criteria|triggers?|conditions?|if|when)\b/i.test(
    text,
  );
}

function inlineCodes(node: Nodes): string[] {
  if (node.type === 'inlineCode') return node.value.trim() ? [node.value] : [];
  return 'children' in node ? (node.children as Nodes[]).flatMap((c) => inlineCodes(c)) : [];
}
