/**
 * Text-level steps of the checklist importer, before and around the Markdown parser: the
 * YAML front matter of an issue template, `•` bullets of plain-text checklists, and the
 * plain text of an mdast node (markup stripped, words kept).
 */
import type { Nodes } from 'mdast';
import { LineCounter, parseDocument } from 'yaml';
import { InputError } from './errors.ts';
import { yamlValue } from './playbook-yaml.ts';

/** A checklist split into its front matter (when it has one) and its Markdown body. */
export interface PreparedText {
  /** The Markdown, with the front matter lines blanked so line numbers stay true. */
  body: string;
  frontMatter?: Record<string, unknown>;
}

const keyLine = /^[A-Za-z_][\w-]*\s*:/;

/**
 * Splits off a `---` YAML front matter block (GitHub issue templates start with one) and
 * turns `•` bullets into Markdown bullets. Throws an {@link InputError} with the place when
 * front matter that looks like YAML does not parse.
 *
 * @example prepareChecklistText('---\nname: Release\n---\n- [ ] Tag', 'x.md').frontMatter // { name: 'Release' }
 */
export function prepareChecklistText(text: string, file: string): PreparedText {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let frontMatter: Record<string, unknown> | undefined;
  if (lines[0]?.trimEnd() === '---') {
    const end = lines.findIndex(
      (l, i) => i > 0 && (l.trimEnd() === '---' || l.trimEnd() === '...'),
    );
    const inner = end > 0 ? lines.slice(1, end) : [];
    const first = inner.find((l) => l.trim() !== '');
    if (end > 0 && first !== undefined && keyLine.test(first)) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(inner.join('\n'), { lineCounter, prettyErrors: false });
      // The front matter starts on the line after the first ---.
      const at = (offset: number | undefined) => {
        const pos = lineCounter.linePos(offset ?? 0);
        return { file, line: pos.line + 1, col: pos.col };
      };
      const error = doc.errors[0];
      if (error) {
        throw new InputError([
          {
            ...at(error.pos[0]),
            message: `front matter is not valid YAML: ${error.message.split('\n')[0]}`,
            fix: 'fix the YAML between the --- lines, or remove it',
          },
        ]);
      }
      const resolved = yamlValue(doc, at);
      if ('problem' in resolved)
        throw new InputError([
          { ...resolved.problem, message: `front matter: ${resolved.problem.message}` },
        ]);
      const value = resolved.value;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        frontMatter = value as Record<string, unknown>;
        for (let i = 0; i <= end; i++) lines[i] = '';
      }
    }
  }
  const body = convertBulletGlyphs(dedent(lines));
  checkNesting(body, file);
  return frontMatter ? { body, frontMatter } : { body };
}

/** Deeper than any real checklist; the Markdown parser slows down and overflows far beyond. */
const maxNesting = 64;

/**
 * Rejects lists and quotes nested deeper than {@link maxNesting}: each `>` or list marker at
 * the start of a line is a level, and so are each two spaces of indentation before the first.
 */
function checkNesting(body: string, file: string): void {
  let fence: string | undefined;
  for (const [i, line] of body.split('\n').entries()) {
    const f = fenceLine.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence) continue;
    const prefix = /^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)))+/.exec(line)?.[0];
    if (!prefix) continue;
    const markers = prefix.match(/>|[-*+]|\d{1,9}[.)]/g)!.length;
    const spaces = /^[ \t]*/.exec(prefix)![0].replace(/\t/g, '    ').length;
    if (markers + Math.floor(spaces / 2) > maxNesting) {
      throw new InputError([
        {
          file,
          line: i + 1,
          col: 1,
          message: `lists or quotes are nested more than ${maxNesting} levels deep`,
          fix: 'a checklist nests a few levels at most; flatten this part',
        },
      ]);
    }
  }
}

/**
 * A checklist pasted with every line indented (by a tab, say) is still a checklist, not one
 * big code block: remove the indentation all its lines share.
 */
function dedent(lines: string[]): string[] {
  let common: string | undefined;
  for (const l of lines) {
    if (!l.trim()) continue;
    const indent = /^[ \t]*/.exec(l)![0];
    if (common === undefined) common = indent;
    else {
      let n = 0;
      while (n < common.length && n < indent.length && common[n] === indent[n]) n++;
      common = common.slice(0, n);
    }
    if (!common) return lines;
  }
  const cut = common?.length ?? 0;
  return cut ? lines.map((l) => (l.trim() ? l.slice(cut) : '')) : lines;
}

const glyphLine = /^([ \t]*)[•◦▪‣]\s*(.*)$/;
const fenceLine = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Plain-text checklists (copied from a web page) use `•` bullets, indented by a few spaces:
 * make them Markdown bullets, keeping their relative indentation for nesting.
 */
function convertBulletGlyphs(lines: string[]): string {
  let minIndent = Infinity;
  for (const l of lines) {
    const m = glyphLine.exec(l);
    if (m) minIndent = Math.min(minIndent, m[1]!.replace(/\t/g, '    ').length);
  }
  if (minIndent === Infinity) return lines.join('\n');
  let fence: string | undefined;
  return lines
    .map((l) => {
      const f = fenceLine.exec(l);
      if (f) {
        const mark = f[1]!;
        if (!fence) fence = mark;
        else if (mark[0] === fence[0] && mark.length >= fence.length) fence = undefined;
        return l;
      }
      const m = fence ? null : glyphLine.exec(l);
      if (!m) return l;
      const indent = m[1]!.replace(/\t/g, '    ').length - minIndent;
      return `${' '.repeat(indent)}- ${m[2]}`;
    })
    .join('\n');
}

/**
 * The words of an mdast node without markup: bold, code and links become their text, images
 * their alt text, HTML disappears; whitespace runs become one space.
 *
 * @example plainText(heading) // 'Pre-Release'
 */
export function plainText(node: Nodes): string {
  return collapse(rawText(node, false));
}

/**
 * Like {@link plainText}, but inline code keeps its backticks: the words of a title as a
 * person reads them, with the command or file name still marked as code (and the title still
 * the same when written back as Markdown).
 *
 * @example titleText(item) // 'Run `performance_profiler.py`'
 */
export function titleText(node: Nodes): string {
  return collapse(rawText(node, true));
}

/** A code span around `value`: a fence one longer than any backtick run inside it. */
function codeSpan(value: string): string {
  let longest = 0;
  let run = 0;
  for (const ch of value) {
    run = ch === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** Whitespace runs → one space, trimmed (the same whitespace the schema's trim removes). */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function rawText(node: Nodes, code: boolean): string {
  switch (node.type) {
    case 'text':
      return node.value;
    case 'inlineCode':
      return code && node.value.trim() ? codeSpan(node.value) : node.value;
    case 'html':
    case 'footnoteReference':
    case 'definition':
    case 'footnoteDefinition':
    case 'thematicBreak':
    case 'code':
    case 'yaml':
      return '';
    case 'break':
      return ' ';
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'list':
    case 'listItem':
    case 'blockquote':
    case 'table':
    case 'tableRow':
      return node.children.map((c) => rawText(c, code)).join(' ');
    default:
      return 'children' in node ? node.children.map((c) => rawText(c as Nodes, code)).join('') : '';
  }
}
