/**
 * Recorded text as Markdown that a CommonMark + GFM renderer shows word for word. Escapes only
 * what a renderer would otherwise read as markup (an emphasis that could open or close, a link,
 * a tag, an entity, a block at the start of a line), keeps inline code (`` `x` ``) as code, and
 * never lets text start a line or a block of its own. Pure.
 */
import { sanitizeText } from './text-safety.ts';

export interface InlineOptions {
  /** In a table cell: `|` is escaped (inside code spans too, as GFM tables need). */
  cell?: boolean;
  /** GitHub renders `$…$` as math: escape `$` when a pair could form. */
  math?: boolean;
}

const asciiPunct = /[!-/:-@[-`{-~]/;
const space = /\s/u;
const alnum = /[\p{L}\p{N}]/u;

/**
 * Escapes one character of plain text (not inside code), given its neighbours ('' at the edge
 * of the text, which counts as markup: what surrounds the text is not known here).
 */
function escapeChar(
  c: string,
  prev: string,
  next: string,
  rest: string,
  opts: InlineOptions,
): string {
  const isSpace = (x: string) => x !== '' && space.test(x);
  const isAlnum = (x: string) => x !== '' && alnum.test(x);
  switch (c) {
    case '\\':
      // A backslash is literal unless punctuation follows it (or the text ends there, where
      // punctuation of the surrounding markup may follow).
      return next === '' || asciiPunct.test(next) ? '\\\\' : c;
    case '*':
    case '~':
      // Between two spaces it can neither open nor close emphasis or strikethrough.
      return isSpace(prev) && isSpace(next) ? c : `\\${c}`;
    case '_':
      // Inside a word (performance_profiler) or between spaces, `_` is literal.
      return (isAlnum(prev) && isAlnum(next)) || (isSpace(prev) && isSpace(next)) ? c : '\\_';
    case '[':
      // A link or an image: brackets followed by `(` or `[`. (A bare `[x]` is literal: the
      // document has no link definitions, and at the start of a line it is escaped apart.)
      return /\][([]/.test(rest) ? '\\[' : c;
    case '<':
      // A tag, a comment, an autolink: `<` with a letter, `/`, `!` or `?` after it.
      return /[A-Za-z/!?]/.test(next) ? '\\<' : c;
    case '&':
      // An entity reference (`&amp;`, `&#35;`) would be shown as the character it names.
      return /^(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/.test(rest)
        ? '\\&'
        : c;
    case '|':
      return opts.cell ? '\\|' : c;
    case '$':
      return opts.math && rest.includes('$') ? '\\$' : c;
    default:
      return c;
  }
}

/** Plain text (no code spans) with its markup escaped. */
function escapePlain(text: string, opts: InlineOptions, before: string, after: string): string {
  let out = '';
  const chars = [...text];
  // A `$` pairs with any other `$` of the text, before or after it.
  const dollars = chars.filter((c) => c === '$').length;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const prev = i > 0 ? chars[i - 1]! : before;
    const next = i < chars.length - 1 ? chars[i + 1]! : after;
    const rest = chars.slice(i + 1).join('');
    out += escapeChar(c, prev, next, c === '$' && dollars > 1 ? '$' : rest, opts);
  }
  return out;
}

/** Splits text into plain parts and code spans (a backtick run closed by a run of the same length). */
function splitCodeSpans(text: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`') {
      plain += text[i++];
      continue;
    }
    const run = /^`+/.exec(text.slice(i))![0];
    // The closing run: the same number of backticks, not part of a longer run.
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = i + run.length;
    const m = close.exec(text);
    if (!m || text.slice(i + run.length, m.index).trim() === '') {
      // No code span: the backticks are literal and escaped one by one.
      plain += '\\`'.repeat(run.length);
      i += run.length;
      continue;
    }
    if (plain) parts.push({ code: false, text: plain });
    plain = '';
    parts.push({ code: true, text: text.slice(i, m.index + run.length) });
    i = m.index + run.length;
  }
  if (plain) parts.push({ code: false, text: plain });
  return parts;
}

/**
 * One line of recorded text as inline Markdown: control characters removed, line breaks
 * marked (` ⏎ `), code spans kept as they are, and in the rest only what a renderer would read
 * as markup escaped. Rendered, it reads as the text (code spans as code).
 *
 * @example escapeInline('performance_profiler.py *and* `x_y`') // 'performance_profiler.py \\*and\\* `x_y`'
 */
export function escapeInline(text: string, opts: InlineOptions = {}): string {
  const line = sanitizeText(text, { oneLine: true }).replace(/\s+/g, ' ').trim();
  const parts = splitCodeSpans(line);
  return parts
    .map((p, i) => {
      if (p.code) return opts.cell ? p.text.replace(/\|/g, '\\|') : p.text;
      // Escaped backticks of an unclosed run are already written as `\``: leave them.
      const before = i > 0 ? '`' : '';
      const after = i < parts.length - 1 ? '`' : '';
      return p.text
        .split(/(\\`)/)
        .map((s, j) => (j % 2 === 1 ? s : escapePlain(s, opts, before, after)))
        .join('');
    })
    .join('');
}

/**
 * Escapes what would make a line start a block of its own: a heading, a quote, a list item, a
 * thematic break or setext underline, a code fence, a table row; applied to escaped inline text
 * that begins a paragraph or continues one.
 *
 * @example escapeLineStart('1. step') // '1\\. step'
 */
export function escapeLineStart(line: string): string {
  if (/^\d{1,9}[.)]/.test(line)) return line.replace(/^(\d+)([.)])/, '$1\\$2');
  if (/^(?:[#>+\-=|[]|:-|`{3,})/.test(line)) return `\\${line}`;
  return line;
}

/**
 * Text of several lines (a note, a comment) as the lines of one paragraph: each line escaped,
 * trimmed and made unable to start a block, joined by hard line breaks (`\` at the end), the
 * second and later indented by `indent` so they stay inside the list item they continue.
 *
 * @example splitParagraph('ok\n- [x] forged', '  ') // ['ok\\', '  \\- \\[x] forged']
 */
export function splitParagraph(text: string, indent: string, opts: InlineOptions = {}): string[] {
  const lines = sanitizeText(text)
    .split('\n')
    .map((l) => escapeLineStart(escapeInline(l, opts)))
    .filter((l) => l.length > 0);
  return lines.map((l, i) => `${i === 0 ? '' : indent}${l}${i < lines.length - 1 ? '\\' : ''}`);
}

/**
 * A heading's text: inline-escaped, and a trailing run of `#` escaped (a renderer would drop it
 * as the heading's closing sequence).
 *
 * @example escapeHeading('Notes for C#') // 'Notes for C\\#'
 */
export function escapeHeading(text: string): string {
  return escapeInline(text).replace(/#+$/, (m) => `\\${m}`);
}

/**
 * Verbatim text (a command from the checklist, captured output) as a fenced code block indented
 * by `indent`: control characters removed, fenced by more backticks than any run inside, so
 * nothing in it can close the block early.
 *
 * @example fenceCode('npm test', '  ') // ['  ```', '  npm test', '  ```']
 */
export function fenceCode(text: string, indent: string, info = ''): string[] {
  const body = sanitizeText(text).replace(/\t/g, '    ').replace(/\n+$/, '');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const lines = body.split('\n').map((l) => (l.trim() === '' ? '' : `${indent}${l}`));
  return [`${indent}${fence}${info}`, ...lines, `${indent}${fence}`];
}

/**
 * Text as a code span: backticks around it, more than any run inside, spaced when it starts or
 * ends with a backtick.
 *
 * @example quoteCode('a`b') // '``a`b``'
 */
export function quoteCode(text: string, opts: InlineOptions = {}): string {
  const body = sanitizeText(text, { oneLine: true });
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  const span = `${ticks}${pad}${body}${pad}${ticks}`;
  return opts.cell ? span.replace(/\|/g, '\\|') : span;
}

/**
 * An ISO time as a person reads it in an export, to the minute, in UTC.
 *
 * @example formatTime('2026-11-23T10:02:31.000Z') // '2026-11-23 10:02 UTC'
 */
export function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/**
 * Lines joined into a document: runs of blank lines outside code fences made one, trailing
 * blank lines dropped, one newline at the end.
 *
 * @example joinBlocks(['# A', '', '', 'b', '']) // '# A\n\nb\n'
 */
export function joinBlocks(lines: string[]): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === undefined) fence = m[1];
      else if (m[1]!.startsWith(fence) && line.trim() === m[1]) fence = undefined;
    }
    if (fence === undefined && line.trim() === '' && (out.length === 0 || out.at(-1) === ''))
      continue;
    out.push(fence === undefined && line.trim() === '' ? '' : line);
  }
  while (out.at(-1) === '') out.pop();
  return `${out.join('\n')}\n`;
}
