/**
 * The Markdown parser of the checklist importer, linear in the size of its input.
 *
 * remark (micromark) is quadratic in places that crafted input reaches: each setext heading
 * copies every event of the flow before it, closing a list or quote copies the document's
 * events, and inside one paragraph unclosed emphasis, link ends or lazy lines each scan back
 * over the paragraph. So the document is parsed in independent top-level parts of a few KiB,
 * cut where no block can continue (after a blank line before an unindented line, around an ATX
 * heading, between the items of a top-level list; a block found still open is parsed again
 * with what closes it), and the parts are joined with their positions shifted, lists cut
 * between items merged again and reference definitions shared: the tree is the one a whole
 * parse gives. What no cut can bound is refused before parsing, with its place: a run of lines
 * without a blank line, heading or list item (any paragraph lies inside one) over
 * {@link maxRunBytes}, {@link maxRunLines} lines or {@link maxRunMarks} emphasis and link
 * marks, and more than {@link maxUnderlines} setext underlines where no cut is possible.
 */
import type { List, Nodes, Root, RootContent } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { InputError } from './errors.ts';

/** Bytes of lines with no blank line, heading or list item between them. */
export const maxRunBytes = 16 * 1024;
/** Lines of such a run: each lazy line of a paragraph in a quote or list scans the paragraph. */
export const maxRunLines = 256;
/** Emphasis, strikethrough, link-end, code and autolink marks in such a run. */
export const maxRunMarks = 256;
const inlineMarks = /[*_~\]`<]/g;
/** Setext underlines (`===`, `---` under a line) in one part. */
export const maxUnderlines = 200;
/** A part is parsed once it has this many bytes or setext underlines. */
const minPartBytes = 4096;
const partUnderlines = 64;
/** …or this many blocks: closing each list or quote costs micromark the part so far. */
const partBlocks = 32;

const processor = unified().use(remarkParse).use(remarkGfm).freeze();

type BoundaryKind = 'block' | 'list';

/** One parse of a part of the document: lines [start, end), nodes kept before line `cut`. */
interface Piece {
  start: number;
  end: number;
  /** Where the part starts: a boundary of this kind, the document's start, or a block parsed again. */
  kind: BoundaryKind | 'start' | 'cut';
  root: Root;
  /** Absolute 0-based line before which the nodes are kept (the rest is parsed again). */
  cut?: number;
}

/**
 * Parses a checklist's Markdown (GFM) into the tree remark would give for the whole text, in
 * time linear in its size, or refuses the text with the place of what would make it slow.
 *
 * `partBytes` (tests only) sets how big a part grows before it is parsed; 0 cuts at every
 * boundary, which exercises the joining.
 *
 * @throws InputError (with line and column) for a run or part over the limits above.
 * @example parseChecklistMarkdown('# Release\n\n- [ ] Tag\n', 'RELEASE.md').children.length // 2
 */
export function parseChecklistMarkdown(
  body: string,
  file: string,
  options: { partBytes?: number } = {},
): Root {
  const partBytes = options.partBytes ?? minPartBytes;
  const lines = body.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const l of lines) {
    starts.push(offset);
    offset += l.length + 1;
  }
  const offsetOf = (i: number) => (i < lines.length ? starts[i]! : body.length);
  checkRuns(lines, file);
  // Setext underlines before each line, to count them in a part at once.
  const underlines = [0];
  for (const [i, l] of lines.entries())
    underlines.push(underlines[i]! + (i > 0 && isUnderline(l) && !blank(lines[i - 1]!) ? 1 : 0));
  // Each parse costs a setup, and each setext heading costs the part it is in: parts are of a
  // few KiB, or end after a few such headings.
  const bigEnough = (from: number, to: number, blocks: number) =>
    offsetOf(to) - offsetOf(from) >= partBytes ||
    underlines[to]! - underlines[from]! >= partUnderlines ||
    blocks >= partBlocks;

  const boundaries = findBoundaries(lines);
  const pieces: Piece[] = [];
  let start = 0;
  let startKind: Piece['kind'] = 'start';
  let minEnd = 1;
  let b = 0;
  while (start < lines.length) {
    while (b < boundaries.length && (boundaries[b]!.line <= start || boundaries[b]!.line < minEnd))
      b++;
    let blocks = 1;
    while (b < boundaries.length && !bigEnough(start, boundaries[b]!.line, blocks)) {
      b++;
      blocks++;
    }
    const next = boundaries[b];
    const end = next ? next.line : lines.length;
    if (underlines[end]! - underlines[start]! > maxUnderlines)
      refuseUnderlines(underlines, start, file);
    const root = parseShifted(body.slice(offsetOf(start), offsetOf(end)), start, offsetOf(start));
    const piece: Piece = { start, end, kind: startKind, root };
    pieces.push(piece);
    const last = root.children.at(-1);
    const state =
      end < lines.length && last ? endState(last, body, lines, end, next!.kind) : 'clean';
    if (state !== 'clean' && last) {
      // The last block goes on past the boundary: parse it again, from its start, up to the
      // first boundary after the line that closes it; or, for a block still open inside a
      // list item, over as many lines again as it has (so repeated retries stay linear).
      const from = last.position!.start.line - 1;
      piece.cut = from;
      // Parsed again from where this part started, it still joins the list before it.
      if (from !== start) startKind = 'cut';
      start = from;
      minEnd =
        state === 'nested'
          ? end + Math.max(1, end - from)
          : Math.max(end + 1, closingLine(state, lines, end) + 1);
      continue;
    }
    start = end;
    startKind = next?.kind ?? 'block';
    minEnd = start + 1;
  }
  shareDefinitions(pieces, body, offsetOf);
  return join(pieces, body, lines);
}

/** Parses a part and moves its positions to where the part sits in the document. */
function parseShifted(text: string, line: number, offset: number, stub?: Stub): Root {
  const root = processor.parse(stub ? stub.text + text : text);
  if (stub) {
    root.children = root.children.filter((n) => n.position!.start.offset! >= stub.text.length);
  }
  const dLine = line - (stub?.lines ?? 0);
  const dOffset = offset - (stub?.text.length ?? 0);
  const shift = (n: Nodes) => {
    const p = n.position;
    if (p) {
      p.start.line += dLine;
      p.end.line += dLine;
      p.start.offset! += dOffset;
      p.end.offset! += dOffset;
    }
    if ('children' in n) for (const c of n.children) shift(c);
  };
  for (const c of root.children) shift(c);
  return root;
}

/** A fence at a node's start (its indentation inside a container is not part of the node). */
const fenceStart = /^ {0,3}(`{3,}|~{3,})/;
const atxLine = /^#{1,6}(?:[ \t]|$)/;
const bulletItem = /^[-*+][ \t]+\S/;
/** A list item, empty ones included (after a blank line they start or continue a list). */
const anyItem = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const thematicBreak = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const blank = (l: string) => /^[ \t]*$/.test(l);
/** Lines that end any paragraph before them: list items that may interrupt one, headings, fences. */
const paragraphBreaker =
  /^ {0,3}(?:[-*+][ \t]+\S|1[.)][ \t]+\S|#{1,6}(?:[ \t]|$)|`{3,}(?!.*`)|~{3,})/;

/**
 * Lines before which the document may be cut (0-based), with the kind of cut: a `list` cut
 * starts a top-level list item, which joins the list before it when that is the same list.
 * Whether a block is still open there (a fence, an HTML block) is checked after parsing.
 */
function findBoundaries(lines: string[]): { line: number; kind: BoundaryKind }[] {
  const out: { line: number; kind: BoundaryKind }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const prev = lines[i - 1]!;
    if (blank(l)) continue;
    const unindented = l[0] !== ' ' && l[0] !== '\t';
    const afterBlank = blank(prev);
    const item = !thematicBreak.test(l) && (bulletItem.test(l) || (afterBlank && anyItem.test(l)));
    if (unindented && item) out.push({ line: i, kind: 'list' });
    else if (
      (unindented && afterBlank && !anyItem.test(l)) ||
      (unindented && atxLine.test(l)) ||
      atxLine.test(prev)
    ) {
      out.push({ line: i, kind: 'block' });
    }
  }
  return out;
}

type Open = { type: 'fence'; marker: string } | { type: 'html'; end: RegExp | 'blank' };

/**
 * Whether the part before a boundary ends cleanly: its last top-level node may be a block still
 * open (a fence without its closing line, an HTML block the next line would continue), which
 * continues past the boundary; or a list item may end in such a block, which a whole parse
 * would close (and place) differently. Everything else ends at the boundaries chosen, tables
 * included.
 */
function endState(
  node: RootContent,
  body: string,
  lines: string[],
  end: number,
  kind: BoundaryKind,
): Open | 'nested' | 'clean' {
  if (node.type === 'code' || node.type === 'html') {
    const open = openBlock(node, body);
    if (open) return open;
    // HTML blocks of kinds 6 and 7 end at a blank line: open when they reach a non-blank one.
    if (node.type === 'html' && htmlEnd(body, node) === 'blank') {
      return node.position!.end.line >= end && !blank(lines[end - 1]!)
        ? { type: 'html', end: 'blank' }
        : 'clean';
    }
  }
  for (let n: Nodes | undefined = node; n; n = 'children' in n ? n.children.at(-1) : undefined) {
    if (n !== node && (n.type === 'code' || n.type === 'html') && openBlock(n, body))
      return 'nested';
    // micromark still reads the next line as a possible continuation of indented code, and
    // then takes `2. x` or an empty item for text, not a list (a whole parse does the same).
    if (kind === 'list' && n.type === 'code' && !fenceStart.test(sourceAt(body, n)))
      return 'nested';
  }
  return 'clean';
}

/** A fenced code block without its closing fence, or an HTML block of kind 1 to 5 without its end. */
function openBlock(node: Nodes & { value: string }, body: string): Open | undefined {
  const p = node.position!;
  if (node.type === 'code') {
    const fence = fenceStart.exec(sourceAt(body, node));
    if (!fence) return undefined;
    const endText = body.slice(body.lastIndexOf('\n', p.end.offset! - 1) + 1, p.end.offset!);
    const close = /(`{3,}|~{3,})[ \t]*$/.exec(endText);
    const closed =
      p.end.line > p.start.line &&
      close !== null &&
      close[1]![0] === fence[1]![0] &&
      close[1]!.length >= fence[1]!.length;
    return closed ? undefined : { type: 'fence', marker: fence[1]! };
  }
  const kind = htmlEnd(body, node);
  if (kind === 'blank') return undefined;
  // The block ends on the first line that meets its end condition, so only its last can.
  const lastLine = node.value.slice(node.value.lastIndexOf('\n') + 1);
  return kind.test(lastLine) ? undefined : { type: 'html', end: kind };
}

/** The start of a node's source text. */
function sourceAt(body: string, node: Nodes): string {
  return body.slice(node.position!.start.offset!, node.position!.start.offset! + 20);
}

/** What ends an HTML block, by how it starts (CommonMark's seven kinds). */
function htmlEnd(body: string, node: Nodes): RegExp | 'blank' {
  const t = sourceAt(body, node).replace(/^[ \t]*/, '');
  if (/^<(?:script|pre|style|textarea)(?:[\s>]|$)/i.test(t))
    return /<\/(?:script|pre|style|textarea)>/i;
  if (t.startsWith('<!--')) return /-->/;
  if (t.startsWith('<?')) return /\?>/;
  if (t.startsWith('<![CDATA[')) return /\]\]>/;
  if (/^<![A-Za-z]/.test(t)) return />/;
  return 'blank';
}

/** The first line at or after `from` that closes an open block; the last line when none does. */
function closingLine(open: Open, lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) {
    const l = lines[i]!;
    if (open.type === 'fence') {
      const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(l);
      if (m && m[1]![0] === open.marker[0] && m[1]!.length >= open.marker.length) return i;
    } else if (open.end === 'blank' ? blank(l) : open.end.test(l)) return i;
  }
  return lines.length - 1;
}

/**
 * Refuses a run of lines that could be one paragraph and is too big to parse in reasonable
 * time: inline parsing is quadratic on crafted input in a paragraph's unmatched emphasis and
 * link delimiters, and in its lazy lines inside a quote or list. A run ends at a blank line, a
 * heading, a fence, a thematic break or a list item, which end any paragraph; the content of
 * fences opened at the start of a line is left out.
 */
function checkRuns(lines: string[], file: string): void {
  let run = { start: 0, bytes: 0, lines: 0, marks: 0 };
  let fence: string | undefined;
  let ordered: string | undefined;
  for (const [i, l] of lines.entries()) {
    if (fence) {
      const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(l);
      if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    // A fence at the very start of a line is a fence whatever came before (it closes lists
    // and quotes and interrupts paragraphs); an indented one may belong to a list item.
    const f = /^(`{3,}|~{3,})/.exec(l);
    if (f && !(f[1]![0] === '`' && l.slice(f[1]!.length).includes('`'))) {
      fence = f[1];
      run = { start: i, bytes: 0, lines: 0, marks: 0 };
      continue;
    }
    const quotes = /^(?: {0,3}>[ \t]?)*/.exec(l)![0];
    const inner = l.slice(quotes.length);
    const depth = (quotes.match(/>/g) ?? []).length;
    const orderedMark = /^ {0,3}\d{1,9}([.)])[ \t]+\S/.exec(inner);
    const sameList = orderedMark !== null && ordered === `${depth}${orderedMark[1]}`;
    const breaks =
      blank(inner) ||
      paragraphBreaker.test(inner) ||
      thematicBreak.test(inner) ||
      // `2. b` continues a paragraph, except right after an item of the same ordered list.
      sameList;
    ordered =
      orderedMark && (sameList || /^ {0,3}1[.)]/.test(inner))
        ? `${depth}${orderedMark[1]}`
        : undefined;
    if (breaks) run = { start: i, bytes: 0, lines: 0, marks: 0 };
    if (blank(inner)) continue;
    if (run.lines === 0) run.start = i;
    run.bytes += l.length + 1;
    run.lines++;
    run.marks += inner.match(inlineMarks)?.length ?? 0;
    const over =
      run.bytes > maxRunBytes
        ? `${Math.ceil(run.bytes / 1024)} KiB of text (the limit is ${maxRunBytes / 1024} KiB)`
        : run.lines > maxRunLines
          ? `more than ${maxRunLines} lines of text`
          : run.marks > maxRunMarks
            ? `more than ${maxRunMarks} of the marks * _ ~ ] \` <`
            : undefined;
    if (over) {
      throw new InputError([
        {
          file,
          line: run.start + 1,
          col: 1,
          message: `${over} without a blank line, heading or list item`,
          fix: 'a checklist is short items; break this part into items or paragraphs',
        },
      ]);
    }
  }
}

/** A setext heading underline, or a thematic break written like one. */
function isUnderline(line: string): boolean {
  return /^[ \t>]*(?:=+|-+)[ \t]*$/.test(line);
}

/** Refuses a part with more setext underlines than {@link maxUnderlines}: each costs the part. */
function refuseUnderlines(underlines: number[], start: number, file: string): never {
  let i = start;
  while (underlines[i + 1]! - underlines[start]! <= maxUnderlines) i++;
  throw new InputError([
    {
      file,
      line: i + 1,
      col: 1,
      message: `more than ${maxUnderlines} headings underlined with = or - without a blank line between them`,
      fix: 'put a blank line after each heading, or write headings with #',
    },
  ]);
}

interface Stub {
  text: string;
  lines: number;
}

/**
 * Reference links and footnotes resolve against definitions anywhere in a document: a part
 * that names a label defined in another part is parsed again with a stub definition of it
 * placed before it (and removed after).
 */
function shareDefinitions(pieces: Piece[], body: string, offsetOf: (i: number) => number): void {
  const links = new Set<string>();
  const notes = new Set<string>();
  const collect = (n: Nodes) => {
    if (n.type === 'definition') links.add(n.identifier);
    if (n.type === 'footnoteDefinition') notes.add(n.identifier);
    if ('children' in n) for (const c of n.children) collect(c);
  };
  for (const p of pieces) for (const n of kept(p)) collect(n);
  if (!links.size && !notes.size) return;
  for (const p of pieces) {
    const text = body.slice(offsetOf(p.start), offsetOf(p.end));
    const stubs = new Set<string>();
    for (const m of text.matchAll(/\[((?:[^[\]\\]|\\[\s\S])*)\]/g)) {
      const label = normalizeLabel(m[1]!);
      if (links.has(label)) stubs.add(`[${label}]: x`);
      if (label.startsWith('^') && notes.has(label.slice(1))) stubs.add(`[${label}]: x`);
    }
    if (!stubs.size) continue;
    // The thematic break closes the footnote stubs, which would take an indented first line.
    const stubText = `${[...stubs].join('\n\n')}\n\n***\n\n`;
    const stub = { text: stubText, lines: stubText.split('\n').length - 1 };
    p.root = parseShifted(text, p.start, offsetOf(p.start), stub);
  }
}

/** A label as micromark compares it: whitespace collapsed, case folded. */
function normalizeLabel(label: string): string {
  return label
    .replace(/[\t\n\r ]+/g, ' ')
    .replace(/^ | $/g, '')
    .toLowerCase()
    .toUpperCase()
    .toLowerCase();
}

function kept(p: Piece): RootContent[] {
  return p.cut === undefined
    ? p.root.children
    : p.root.children.filter((n) => n.position!.start.line - 1 < p.cut!);
}

/** The parts' nodes as one tree: lists split between their items joined again. */
function join(pieces: Piece[], body: string, lines: string[]): Root {
  const children: RootContent[] = [];
  for (const p of pieces) {
    const nodes = kept(p);
    const prev = children.at(-1);
    const first = nodes[0];
    if (
      p.kind === 'list' &&
      prev?.type === 'list' &&
      first?.type === 'list' &&
      markerOf(prev, body) === markerOf(first, body)
    ) {
      mergeLists(prev, first, lines);
      // One by one: spreading a long array into push() overflows the stack.
      for (const n of nodes.slice(1)) children.push(n);
    } else for (const n of nodes) children.push(n);
  }
  const lastLine = lines.length;
  return {
    type: 'root',
    children,
    position: {
      start: { line: 1, column: 1, offset: 0 },
      end: { line: lastLine, column: lines[lastLine - 1]!.length + 1, offset: body.length },
    },
  };
}

/** The list's marker: `-`, `*` or `+`, or an ordered list's `.` or `)`. */
function markerOf(list: List, body: string): string {
  const m = /^[ \t]*(?:\d{1,9}([.)])|([-*+]))/.exec(body.slice(list.position!.start.offset!));
  return m ? (m[1] ?? m[2]!) : '';
}

function mergeLists(into: List, next: List, lines: string[]): void {
  const lastItem = into.children.at(-1);
  // A blank line between two items makes the list loose, as a whole parse would see it.
  let gap = false;
  for (let i = lastItem?.position!.end.line ?? 0; i < next.position!.start.line - 1; i++) {
    if (blank(lines[i] ?? '')) gap = true;
  }
  into.spread = into.spread || next.spread || gap;
  for (const item of next.children) into.children.push(item);
  into.position!.end = next.position!.end;
}
