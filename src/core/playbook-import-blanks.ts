/**
 * Placeholders a checklist leaves for a person to fill: `[Role/Name]`, `[Date]`, `<name>`,
 * `TBD`, `____`. The importer keeps the words as they are and lists each blank with its line,
 * so the team fills it in the playbook. Line by line, each pattern bounded: linear time.
 */

/** One blank: where it is, what it says, and the line it is in. */
export interface Blank {
  line: number;
  col: number;
  /** The placeholder as written: `[Role/Name]`. */
  text: string;
  /** The line it is in, trimmed and shortened. */
  context: string;
}

/** At most this many blanks are listed; `total` counts them all. */
export const maxBlanks = 200;

/** Words that make a bracketed or angled phrase a blank rather than a label. */
const blankWords =
  /\b(?:names?|date|time|role|owner|person|who|version|number|link|url|e-?mail|team|tbd|tba|todo|insert|fill|your|placeholder|value|here|x\.y(?:\.z)?|yyyy|mm|dd)\b/i;
/** HTML elements people write in Markdown: `<details>` is markup, not a blank. */
const htmlTags = new Set(
  (
    'a abbr b blockquote br code dd del details div dl dt em h1 h2 h3 h4 h5 h6 hr i img ins kbd ' +
    'li ol p pre q s samp small span strike strong sub summary sup table tbody td tfoot th thead ' +
    'tr u ul var video audio source picture iframe script style section article header footer ' +
    'nav main figure figcaption mark time input label button form select option textarea center font'
  ).split(' '),
);

const bracket = /\[([^\][\n]{1,60})\](?![([:])/g;
const angle = /<([^<>\n]{1,60})>/g;
const words = /\b(?:TBD|TBA|TODO|FIXME|XXX)\b/g;
const underscores = /_{3,}/g;
const fenceLine = /^ {0,3}(`{3,}|~{3,})/;
const thematicBreak = /^ {0,3}(?:(?:_[ \t]*){3,}|(?:-[ \t]*){3,}|(?:\*[ \t]*){3,})$/;

function isBlankBracket(inner: string): boolean {
  const t = inner.trim();
  // Task boxes, footnotes and empty brackets are Markdown.
  if (/^[ xX]?$/.test(t) || t.startsWith('^')) return false;
  return blankWords.test(t) || /^[A-Z][A-Z0-9_ ]{2,}$/.test(t);
}

function isBlankAngle(inner: string): boolean {
  const t = inner.trim();
  if (!/[A-Za-z]/.test(t) || /^[/!?]/.test(t) || /:\/\/|@|^mailto:|^-{2}|-{2}$/.test(t))
    return false;
  const name = /^([A-Za-z][\w-]*)/.exec(t)?.[1]?.toLowerCase();
  // `<br>`, `<details open>`, `<a href="…">` are markup.
  if (name && htmlTags.has(name) && (t.length === name.length || /^[\w-]+[\s/]/.test(t)))
    return false;
  if (/=\s*["']/.test(t)) return false;
  return true;
}

/**
 * The placeholders in a checklist, in order, with line and column (1-based): bracketed ones
 * that name what goes there (`[Role/Name]`, `[Date]`, `[VERSION]`), angled ones that are not
 * HTML or links (`<name>`, `<Version or Release Name>`), `TBD`/`TODO`, and `____`. Links, task
 * boxes, footnotes and code fences are left alone. At most {@link maxBlanks} are returned.
 *
 * @example findBlanks('- [ ] Rollback decision made by [Role/Name]\n').blanks[0]!.text // '[Role/Name]'
 */
export function findBlanks(text: string): { blanks: Blank[]; total: number } {
  const blanks: Blank[] = [];
  let total = 0;
  let fence: string | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  for (const [i, line] of lines.entries()) {
    const f = fenceLine.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence) continue;
    const found: { col: number; text: string }[] = [];
    for (const m of line.matchAll(bracket))
      if (isBlankBracket(m[1]!)) found.push({ col: m.index + 1, text: m[0] });
    for (const m of line.matchAll(angle))
      if (isBlankAngle(m[1]!)) found.push({ col: m.index + 1, text: m[0] });
    for (const m of line.matchAll(words)) found.push({ col: m.index + 1, text: m[0] });
    if (!thematicBreak.test(line))
      for (const m of line.matchAll(underscores)) found.push({ col: m.index + 1, text: m[0] });
    if (!found.length) continue;
    found.sort((a, b) => a.col - b.col);
    const trimmed = line.trim().replace(/\s+/g, ' ');
    const context = trimmed.length > 100 ? `${trimmed.slice(0, 99)}…` : trimmed;
    for (const b of found) {
      total++;
      if (blanks.length < maxBlanks)
        blanks.push({ line: i + 1, col: b.col, text: b.text, context });
    }
  }
  return { blanks, total };
}
