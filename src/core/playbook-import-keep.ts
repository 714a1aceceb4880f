/**
 * What the importer keeps of a checklist's text that is not items: the Markdown of a section as
 * a note for people to read, metric definitions as the playbook's `metrics:`, and the headings
 * that name release types. Pure text rules; the line slicing is linear in the text kept.
 */
import { slugify } from './names.ts';
import { idSchema } from './playbook-schema.ts';
import type { RawItem } from './playbook-schema.ts';
import { stripNumbering } from './playbook-import-rules.ts';

const blank = (l: string) => /^[ \t]*$/.test(l);
const thematicBreak = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;

/** Text with its HTML comments removed (an unclosed one runs to the end), in linear time. */
function withoutComments(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf('<!--', at);
    if (open < 0) return out + text.slice(at);
    out += text.slice(at, open);
    const close = text.indexOf('-->', open + 4);
    if (close < 0) return out;
    at = close + 3;
  }
}

/**
 * The Markdown of lines `from` to `to` (1-based, inclusive) of a text, without the lines in
 * `skip` (ranges, 1-based, inclusive), HTML comments, and blank lines or thematic breaks at its
 * start and end. Code blocks and inline code stay as written.
 *
 * @example noteText(['# A', 'Words', '---'], 2, 3, []) // 'Words'
 */
export function noteText(
  lines: readonly string[],
  from: number,
  to: number,
  skip: readonly [number, number][],
): string {
  const skipped = new Set<number>();
  for (const [a, b] of skip)
    for (let l = Math.max(a, from); l <= Math.min(b, to); l++) skipped.add(l);
  const kept: string[] = [];
  for (let l = from; l <= to; l++) if (!skipped.has(l)) kept.push(lines[l - 1] ?? '');
  // Lines left out leave blank lines behind: one blank line apart is enough (outside fences).
  const out: string[] = [];
  let fence: string | undefined;
  for (const l of withoutComments(kept.join('\n')).split('\n')) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(l);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = undefined;
    }
    if (!fence && blank(l) && out.length && blank(out.at(-1)!)) continue;
    out.push(l);
  }
  let start = 0;
  let end = out.length;
  const empty = (l: string) => blank(l) || thematicBreak.test(l);
  while (start < end && empty(out[start]!)) start++;
  while (end > start && empty(out[end - 1]!)) end--;
  return out.slice(start, end).join('\n');
}

/**
 * Whether a note's text says anything besides headings, list markers and markup: "- " under a
 * "Notes" heading is a place to write, not a note.
 *
 * @example hasWords('### Heading\n\n- \n') // false
 */
export function hasWords(text: string): boolean {
  for (const line of text.split('\n')) {
    if (/^ {0,3}#{1,6}(?:[ \t]|$)/.test(line)) continue;
    const words = line
      .replace(/<[^<>]{0,200}>/g, ' ')
      .replace(/^[\s>]*(?:[-*+]|\d{1,9}[.)])(?:\s+\[[ xX]\])?/, ' ');
    if (/[\p{L}\p{N}]/u.test(words)) return true;
  }
  return false;
}

/**
 * A heading over the release types of a team: "Release Types", "Types of releases".
 *
 * @example isReleaseTypesHeading('Release Types') // true
 */
export function isReleaseTypesHeading(text: string): boolean {
  return /\brelease\s+(?:types|kinds|categories)\b|\b(?:types|kinds|categories)\s+of\s+releases?\b/i.test(
    text,
  );
}

/**
 * The release type a heading names: under a release-types heading any "X Release" (or "X
 * process", "X deployment"); elsewhere only a type the playbook knows ("Hotfix Process").
 *
 * @example releaseTypeOf('Hotfix Release', true, []) // 'hotfix'
 * @example releaseTypeOf('Major releases', false, ['major']) // 'major'
 */
export function releaseTypeOf(
  heading: string,
  underTypes: boolean,
  known: readonly string[],
): string | undefined {
  const m = /^(.{1,40}?)\s+(?:releases?|deployments?|process|procedure|checklist)$/i.exec(
    stripNumbering(heading.replace(/`/g, '')),
  );
  if (!m) return undefined;
  const id = slugify(m[1]!, '');
  if (!id || !idSchema.safeParse(id).success) return undefined;
  // "Hotfixes releases", "Majors": the singular is the type.
  const known1 = known.find((t) => t === id || `${t}s` === id || `${t}es` === id);
  if (known1) return known1;
  return underTypes ? id : undefined;
}

/**
 * A heading over metric definitions: "Metrics to Track", "Deployment Metrics", "KPIs"; not
 * an action on metrics ("Review metrics", "Metrics baselined").
 *
 * @example isMetricsHeading('Metrics to Track') // true
 * @example isMetricsHeading('Review metrics') // false
 */
export function isMetricsHeading(text: string): boolean {
  const t = stripNumbering(text.replace(/`/g, '')).trim();
  if (
    /^(?:review|check|monitor|update|collect|gather|analy[sz]e|verify|baseline|track|watch|report|measure|set up|configure)\b/i.test(
      t,
    )
  )
    return false;
  return /^(?:[\w&/-]+\s+){0,3}(?:metrics|kpis?|key performance indicators)(?:\s+(?:to\s+(?:track|watch|monitor|measure)|we\s+(?:track|watch)))?$/i.test(
    t,
  );
}

/**
 * Metric definitions from list entries: "**Deployment Frequency:** How often we deploy" →
 * `deployment-frequency: "Deployment Frequency: How often we deploy"`. The id comes from the
 * name before the colon (a parenthesis left out: "MTTR (Mean Time To Recovery)" → `mttr`),
 * each id once.
 *
 * @example metricsOf([{ title: 'Uptime: Target 99.9%' }], new Map()) // [['uptime', 'Uptime: Target 99.9%']]
 */
export function metricsOf(
  entries: readonly RawItem[],
  used: Map<string, number>,
): [string, string][] {
  const out: [string, string][] = [];
  for (const e of entries) {
    const title = e.title.trim();
    if (!title) continue;
    const name = /^([^:]{1,80}):\s/.exec(title)?.[1] ?? title;
    const slug = slugify(name.replace(/\([^)]*\)/g, ' '), 'metric');
    const base = idSchema.safeParse(slug).success ? slug : 'metric';
    // `used` holds each id taken and, per base, the next number to try: linear for many alike.
    let id = base;
    let n = used.get(`${base}#`) ?? 2;
    while (used.has(id)) id = `${base}-${n++}`;
    used.set(`${base}#`, n);
    used.set(id, 0);
    out.push([id, title]);
  }
  return out;
}
