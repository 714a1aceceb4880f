/**
 * Terminal output: colour only on a TTY without NO_COLOR, compact symbols for states.
 */
import type { ItemState } from '../core/release-model.ts';

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
  return {
    color,
    out: (...lines) => void process.stdout.write(`${(lines.length ? lines : ['']).join('\n')}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
  };
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
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[\d+m/g, '');
}
