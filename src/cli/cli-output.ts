/**
 * Terminal output: colour only on a TTY without NO_COLOR, compact symbols for states. Recorded
 * text is data: renderers pass it through `sanitizeText`, and every line written here is
 * cleaned once more, so no escape sequence but this module's own colours reaches the terminal.
 */
import type { ItemState } from '../core/release-model.ts';
import { escapeJsonControls, sanitizeText } from '../core/text-safety.ts';

export interface Output {
  color: boolean;
  /** Writes each argument as a line to stdout (no argument: an empty line). */
  out(...lines: string[]): void;
  err(text: string): void;
}

/** Creates the output for this process's streams. */
export function createOutput(opts: { json: boolean }): Output {
  const color =
    !opts.json &&
    Boolean(process.stdout.isTTY) &&
    !process.env.NO_COLOR &&
    process.env.TERM !== 'dumb';
  // --json prints JSON, where the same value can always be written without raw controls.
  const clean = (text: string) => (opts.json ? escapeJsonControls(text) : cleanLine(text, color));
  return {
    color,
    out: (...lines) =>
      void process.stdout.write(`${(lines.length ? lines : ['']).map(clean).join('\n')}\n`),
    err: (text) => void process.stderr.write(`${cleanLine(text, color)}\n`),
  };
}

// The colour codes `paint` writes, and nothing else.
// eslint-disable-next-line no-control-regex
const ownStyle = /(\u001b\[\d{1,2}m)/;

/**
 * Text safe for the terminal: `sanitizeText`, keeping only the colour codes of {@link paint}
 * (and those only when colour is on).
 *
 * @example cleanLine('a\u001b[2Jb', false) // 'ab'
 */
export function cleanLine(text: string, color: boolean): string {
  if (!color) return sanitizeText(text);
  return text
    .split(ownStyle)
    .map((part, i) => (i % 2 === 1 ? part : sanitizeText(part)))
    .join('');
}

/**
 * Recorded text (a title, note, comment, name, captured output) as one line for a listing:
 * control characters removed and line breaks marked, so it cannot start a line of its own.
 *
 * @example oneLine('ok\n- [x] forged') // 'ok ⏎ - [x] forged'
 */
export function oneLine(text: string): string {
  return sanitizeText(text, { oneLine: true });
}

/**
 * Recorded text of several lines (a note) as lines indented by `indent`, control characters
 * removed: its second and later lines stay under the first, never at the margin.
 *
 * @example indentLines('ok\nsecond', '    ') // ['ok', '    second']
 */
export function indentLines(text: string, indent: string): string[] {
  const lines = sanitizeText(text).replace(/\t/g, ' ').split(/\n/);
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`));
}

const codes = {
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  gray: 90,
  bold: 1,
  dim: 2,
} as const;
export type Style = keyof typeof codes;

/** Wraps text in an ANSI style when colour is on. */
export function paint(o: Pick<Output, 'color'>, style: Style, text: string): string {
  return o.color ? `\u001b[${codes[style]}m${text}\u001b[0m` : text;
}

const marks: Record<ItemState, [string, Style]> = {
  pending: ['[ ]', 'gray'],
  running: ['[~]', 'cyan'],
  passed: ['[✓]', 'green'],
  done: ['[x]', 'green'],
  failed: ['[!]', 'red'],
  na: ['[-]', 'gray'],
  waived: ['[w]', 'yellow'],
};

/** `[x]`-style mark of an item state. */
export function stateMark(o: Pick<Output, 'color'>, state: ItemState): string {
  const [mark, style] = marks[state];
  return paint(o, style, mark);
}

/** Cuts text to a width with an ellipsis. */
export function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Pads a table's columns to their widest cell. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(c).length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c).length)))
      .join('  ')
      .trimEnd(),
  );
}

function visible(s: string): string {
  return s.replace(new RegExp(ownStyle.source, 'g'), '');
}
