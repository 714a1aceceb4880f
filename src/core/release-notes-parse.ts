/**
 * A version's release notes read from a changelog: its heading, date and the entries under each
 * sub-heading, from the formats projects write or generate — Keep a Changelog, setext
 * `History.md`, changesets and release-please (conventional-changelog) output, and plain
 * Markdown headings. Pure: text in, structure out.
 */
import eq from 'semver/functions/eq.js';
import valid from 'semver/functions/valid.js';
import { normalizeVersion } from './version.ts';
import { findDate, historyLine, unreleasedHeading, versionAt } from './changelog-patterns.ts';

/** Where the notes' layout came from, as far as the text tells. */
export type ChangelogFormat =
  'keep-a-changelog' | 'history' | 'changesets' | 'release-please' | 'markdown';

/** One entry of the notes: a bullet (or a paragraph) of the changelog. */
export interface ReleaseNoteEntry {
  /** The entry's Markdown as written, on one line, without a commit reference it led or ended with. */
  text: string;
  /** The conventional-commit scope (`* **api:** text`). */
  scope?: string;
  /** The short or full commit hash the entry names (`- abc1234: text`, `([abc1234](url))`). */
  commit?: string;
  /** The link of that commit, when given. */
  commitUrl?: string;
  /** The pull request the entry names (changesets' GitHub format: `[#123](url)`). */
  pr?: string;
  /** Nested bullets, each on one line. */
  details: string[];
}

/** A sub-heading of a version's section (`### Added`); title '' for entries before any. */
export interface ReleaseNoteSection {
  title: string;
  entries: ReleaseNoteEntry[];
}

/** A version's release notes as the changelog has them. */
export interface ReleaseNotes {
  /** The version as the changelog writes it, without a leading "v". */
  version: string;
  /** The date as written in the heading (`2026-11-30`, `Nov 30, 2026`). */
  date?: string;
  /** The compare link of the heading or of its link reference (`[1.2.0]: https://...`). */
  compareUrl?: string;
  sections: ReleaseNoteSection[];
  source: {
    /** The file read, when the caller named it. */
    file?: string;
    /** 1-based line of the version's heading. */
    line: number;
    heading: string;
    format: ChangelogFormat;
  };
}

/** A version heading found in a changelog. */
interface Heading {
  /** Index of the heading's first line. */
  index: number;
  /** Lines the heading takes (2 for setext). */
  span: number;
  /** 1..6 for ATX and setext (`===` 1, `---` 2); 0 for a bare History.md line. */
  level: number;
  text: string;
  version?: string;
  unreleased: boolean;
}

const bullet = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$/;
const linkDefinition = /^\s{0,3}\[([^\]]+)\]:\s*(\S+)/;
const rule = /^\s{0,3}(?:=+|-{3,}|\*{3,}|_{3,})\s*$/;
const fenceOpen = /^\s{0,3}(`{3,}|~{3,})/;

/**
 * Whether two version strings name the same release: `v1.2.0` is `1.2.0`; semver versions
 * compare as semver (a prerelease only matches itself), others as written.
 *
 * @example sameVersion('v1.2.0', '1.2.0') // true
 * @example sameVersion('1.2.0-rc.1', '1.2.0') // false
 */
export function sameVersion(a: string, b: string): boolean {
  const x = normalizeVersion(a);
  const y = normalizeVersion(b);
  const vx = valid(x);
  const vy = valid(y);
  if (vx && vy) return eq(vx, vy);
  return x === y;
}

/** The heading's text without HTML anchors, `Version`/`Release` words and a leading `v`. */
function readHeadingVersion(text: string): string | undefined {
  const t = text
    .replace(/<[^>]*>/g, '')
    .trim()
    .replace(/^(?:version|release|v\.)\s+/i, '')
    .trim();
  const m = versionAt.exec(t);
  return m ? normalizeVersion(m[1]!) : undefined;
}

/** Every heading of the text (fenced code skipped), with the version it names if any. */
function listHeadings(lines: string[]): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = fenceOpen.exec(line);
    if (fence) {
      if (f && f[1]!.startsWith(fence)) fence = undefined;
      continue;
    }
    if (f) {
      fence = f[1]!;
      continue;
    }
    let level = -1;
    let text = '';
    let span = 1;
    const atx = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const next = lines[i + 1] ?? '';
    if (atx) {
      level = atx[1]!.length;
      text = atx[2]!;
    } else if (
      line.trim() &&
      !bullet.test(line) &&
      !/^\s{4,}/.test(line) &&
      /^\s{0,3}(=+|-{2,})\s*$/.test(next) &&
      (i === 0 || !lines[i - 1]!.trim() || out.at(-1)?.index === i - 2)
    ) {
      level = next.trim().startsWith('=') ? 1 : 2;
      text = line.trim();
      span = 2;
    } else if (historyLine.test(line)) {
      level = 0;
      text = line.trim();
    }
    if (level < 0) continue;
    const version = readHeadingVersion(text);
    out.push({
      index: i,
      span,
      level,
      text,
      ...(version ? { version } : {}),
      unreleased: !version && unreleasedHeading.test(text),
    });
    i += span - 1;
  }
  return out;
}

/**
 * The versions a changelog has sections for, in the order it lists them (Unreleased left out).
 *
 * @example listChangelogVersions('## [1.2.0] - 2026-11-30\n- a\n## [1.1.0]\n- b\n') // ['1.2.0', '1.1.0']
 */
export function listChangelogVersions(text: string): string[] {
  return listHeadings(text.split(/\r?\n/))
    .filter((h) => h.version !== undefined)
    .map((h) => h.version!);
}

/** The layout the section's heading and sub-headings show. */
function detectFormat(heading: Heading, subTitles: string[], body: string[]): ChangelogFormat {
  if (/\]\(https?:\/\/[^)]*\/compare\//.test(heading.text)) return 'release-please';
  if (subTitles.some((t) => /^(major|minor|patch) changes$/i.test(t))) return 'changesets';
  if (heading.level === 0 || (heading.span === 2 && /\s\/\s/.test(heading.text))) return 'history';
  if (
    /^\[[^\]]+\](?:\s+-\s+|\s*$)/.test(heading.text) ||
    subTitles.some((t) => /^(added|changed|deprecated|removed|fixed|security)$/i.test(t))
  )
    return 'keep-a-changelog';
  if (
    subTitles.some((t) => /^(features|bug fixes|performance improvements|reverts)$/i.test(t)) &&
    body.some((l) => /\(\[[0-9a-f]{7,40}\]\(/.test(l))
  )
    return 'release-please';
  return 'markdown';
}

/** The link reference of a version (`[1.2.0]: https://...`), wherever it is in the file. */
function findCompareLink(lines: string[], version: string): string | undefined {
  for (const line of lines) {
    const def = linkDefinition.exec(line);
    const v = def && readHeadingVersion(def[1]!);
    if (v && sameVersion(v, version)) return def[2]!;
  }
  return undefined;
}

/** One bullet's text split into what it says and the commit, scope and PR it names. */
function readEntry(raw: string): ReleaseNoteEntry {
  let text = raw.trim();
  const entry: Omit<ReleaseNoteEntry, 'text'> = { details: [] };
  // changesets' GitHub changelog: "[#123](url) [`abc1234`](url) Thanks [@u](url)! - text".
  const gh =
    /^(?:\[#(\d+)\]\([^)]*\)\s+)?\[`([0-9a-f]{7,40})`\]\(([^)]*)\)\s+(?:Thanks\s+(?:\[@[^\]]+\]\([^)]*\)(?:,\s*)?)+!\s+)?-\s+(.*)$/.exec(
      text,
    );
  if (gh) {
    if (gh[1]) entry.pr = gh[1];
    entry.commit = gh[2]!;
    if (gh[3]) entry.commitUrl = gh[3];
    text = gh[4]!;
  } else {
    // changesets' default changelog: "abc1234: text".
    const lead = /^`?([0-9a-f]{7,40})`?:\s+(.*)$/.exec(text);
    if (lead) {
      entry.commit = lead[1]!;
      text = lead[2]!;
    }
  }
  // conventional-changelog / release-please: "**scope:** text ([abc1234](url))".
  const scope = /^\*\*([^*]+?):\*\*\s+(.*)$/.exec(text);
  if (scope) {
    entry.scope = scope[1]!;
    text = scope[2]!;
  }
  const trail = /\s*\(\[([0-9a-f]{7,40})\]\(([^)]*)\)\)\s*$/.exec(text);
  if (trail && !entry.commit) {
    entry.commit = trail[1]!;
    if (trail[2]) entry.commitUrl = trail[2];
    text = text.slice(0, trail.index);
  }
  return { text: text.trim(), ...entry };
}

/**
 * The release notes of `version` in a changelog, or undefined when it has no section for it.
 * The section runs from the version's heading to the next heading of its level or above, or
 * the next version's heading; sub-headings make its sections, bullets its entries (nested ones
 * their details, indented lines continue them), link references give the compare link.
 *
 * @example
 * parseReleaseNotes('## [1.2.0] - 2026-11-30\n### Added\n- Dark mode\n', 'v1.2.0')
 * // { version: '1.2.0', date: '2026-11-30', sections: [{ title: 'Added', entries: [{ text: 'Dark mode', details: [] }] }], ... }
 */
export function parseReleaseNotes(
  text: string,
  version: string,
  file?: string,
): ReleaseNotes | undefined {
  const lines = text.split(/\r?\n/);
  const headings = listHeadings(lines);
  const at = headings.findIndex((h) => h.version !== undefined && sameVersion(h.version, version));
  if (at < 0) return undefined;
  const heading = headings[at]!;
  // The section ends at the next version or Unreleased heading, or a heading of its level or above.
  const end =
    headings
      .slice(at + 1)
      .find(
        (h) =>
          h.version !== undefined ||
          h.unreleased ||
          (heading.level > 0 && h.level > 0 && h.level <= heading.level),
      )?.index ?? lines.length;
  const subs = new Map(
    headings
      .filter((h) => h.index > heading.index && h.index < end)
      .map((h) => [h.index, h] as const),
  );
  const body = lines.slice(heading.index + heading.span, end);

  const sections: ReleaseNoteSection[] = [];
  let section: ReleaseNoteSection | undefined;
  let entry: ReleaseNoteEntry | undefined;
  /** Indent of the section's top-level bullets; deeper ones are details. */
  let topIndent: number | undefined;
  /** The last line added to: the entry's text, or its newest detail. */
  let target: 'text' | 'detail' = 'text';
  /** A blank line came since the last text: a line that follows one does not continue it. */
  let afterBlank = true;
  let fence: string | undefined;
  const open = (title: string) => {
    section = { title, entries: [] };
    sections.push(section);
    entry = undefined;
    topIndent = undefined;
  };
  for (let i = heading.index + heading.span; i < end; i++) {
    const line = lines[i]!;
    const f = fenceOpen.exec(line);
    if (fence) {
      if (f && f[1]!.startsWith(fence)) fence = undefined;
      continue;
    }
    if (f) {
      // Code in release notes is an example, not an entry of its own.
      fence = f[1]!;
      continue;
    }
    const sub = subs.get(i);
    if (sub) {
      open(sub.text.replace(/<[^>]*>/g, '').trim());
      i += sub.span - 1;
      afterBlank = true;
      continue;
    }
    if (!line.trim()) {
      afterBlank = true;
      continue;
    }
    const def = linkDefinition.exec(line);
    if (def) {
      // Link references (compare links) are read by findCompareLink.
      continue;
    }
    if (rule.test(line)) continue;
    // A bold line alone ("**Added**") is a sub-heading in many hand-written changelogs.
    const bold = /^\s{0,3}\*\*([^*]+)\*\*:?\s*$/.exec(line);
    if (bold) {
      open(bold[1]!.trim());
      afterBlank = true;
      continue;
    }
    const b = bullet.exec(line);
    const indent = (/^\s*/.exec(line)?.[0] ?? '').replace(/\t/g, '    ').length;
    if (b) {
      if (!section) open('');
      topIndent ??= indent;
      if (indent <= topIndent || !entry) {
        entry = readEntry(b[2]!);
        section!.entries.push(entry);
        target = 'text';
      } else {
        entry.details.push(b[2]!.trim());
        target = 'detail';
      }
      afterBlank = false;
      continue;
    }
    // Text that continues the bullet above it, or a paragraph of its own.
    if (entry && (indent > (topIndent ?? 0) || !afterBlank)) {
      afterBlank = false;
      if (target === 'detail') {
        const d = entry.details;
        d[d.length - 1] = `${d.at(-1)!} ${line.trim()}`;
      } else entry.text = `${entry.text} ${line.trim()}`;
      continue;
    }
    if (!section) open('');
    entry = { text: line.trim(), details: [] };
    section!.entries.push(entry);
    target = 'text';
    afterBlank = false;
  }

  const headingRest = heading.text.slice(
    heading.text.indexOf(heading.version!) + heading.version!.length,
  );
  const linked = /\]\((https?:\/\/[^)\s]+)\)/.exec(heading.text);
  const compareUrl = linked?.[1] ?? findCompareLink(lines, heading.version!);
  // A compare URL holds no date: look after it.
  const date = findDate(headingRest.replace(/\]\([^)]*\)/g, ']'));
  const nonEmpty = sections.filter((s) => s.entries.length > 0);
  return {
    version: heading.version!,
    ...(date ? { date } : {}),
    ...(compareUrl ? { compareUrl } : {}),
    sections: nonEmpty,
    source: {
      ...(file ? { file } : {}),
      line: heading.index + 1,
      heading: heading.text,
      format: detectFormat(
        heading,
        sections.map((s) => s.title),
        body,
      ),
    },
  };
}
