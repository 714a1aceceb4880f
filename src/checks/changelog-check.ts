/**
 * The `changelog` check: the changelog has a non-empty section for the release's version,
 * dated when the file's format dates its sections. Reads the common formats: Keep a Changelog
 * (`## [1.2.0] - 2024-01-01`), `## 1.2.0 (2024-01-01)`, `## v1.2.0`, `# 1.2.0`,
 * conventional-changelog (`## [1.2.0](https://...compare/...) (2024-01-01)`) and History.md
 * (`1.2.0 / 2024-01-01` with or without a `===` underline).
 */
import type { CheckParams } from '../core/check-params.ts';
import { guardCancel, sha256Hex, type CheckOutcome } from './check-git.ts';
import { openReleaseTree } from './check-tree.ts';
import type { CheckDefinition, CheckEvidence } from './check-types.ts';
import {
  findDate,
  historyLine,
  stripV,
  unreleasedHeading,
  versionAt,
} from '../core/changelog-patterns.ts';

/** Looked for in this order when the playbook names no file. */
export const changelogNames = [
  'CHANGELOG.md',
  'CHANGES.md',
  'HISTORY.md',
  'History.md',
  'NEWS.md',
  'RELEASE_NOTES.md',
];

/** A section heading of a changelog: a version's, or the Unreleased one. */
export interface ChangelogSection {
  /** The version as written, without a leading "v"; undefined for Unreleased. */
  version?: string;
  unreleased: boolean;
  /** 1-based line of the heading. */
  line: number;
  heading: string;
  /** 1..6 for `#` headings and setext (`===` is 1, `---` is 2); 0 for a bare History.md line. */
  level: number;
  date?: string;
  /** Says "unreleased", "TBD" or "TBA" where a date would be. */
  placeholderDate: boolean;
  /** List items in the section (nested ones too). */
  items: number;
  /** Lines of text other than list items, sub-headings and link definitions. */
  textLines: number;
}

/** The text of a heading with `Version`/`Release` prefixes and link markup taken away. */
function headingVersion(text: string, wanted: string): string | undefined {
  const t = text
    .trim()
    .replace(/^(?:version|release|v\.)\s+/i, '')
    .trim();
  const m = versionAt.exec(t);
  if (m) return m[1]!;
  // Versions that are not dotted numbers (e.g. "2026-11-22.1") are recognised only when wanted.
  const w = stripV(wanted);
  const bare = t.replace(/^\[/, '');
  for (const candidate of [w, `v${w}`]) {
    if (bare.startsWith(candidate) && !/[\w.]/.test(bare.charAt(candidate.length))) return w;
  }
  return undefined;
}

/**
 * Reads a changelog's sections: each version heading (and Unreleased) with its line, date and
 * how much it says. Code fences are skipped, so an example heading in one is not a section.
 *
 * @example parseChangelog('## [1.2.0] - 2024-01-01\n- Fixed it\n', '1.2.0')
 * // [{ version: '1.2.0', line: 1, date: '2024-01-01', items: 1, ... }]
 */
export function parseChangelog(text: string, wanted = ''): ChangelogSection[] {
  const lines = text.split(/\r?\n/);
  const sections: ChangelogSection[] = [];
  let current: ChangelogSection | undefined;
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1]!.startsWith(fence)) fence = undefined;
      else if (current && line.trim()) current.textLines++;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      continue;
    }

    let level = -1;
    let headingText = '';
    let consumed = 0;
    const atx = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const next = lines[i + 1] ?? '';
    if (atx) {
      level = atx[1]!.length;
      headingText = atx[2]!;
    } else if (
      line.trim() &&
      !/^\s*([-*+]|\d+[.)])\s/.test(line) &&
      /^\s{0,3}(=+|-{2,})\s*$/.test(next)
    ) {
      level = next.trim().startsWith('=') ? 1 : 2;
      headingText = line.trim();
      consumed = 1;
    } else if (historyLine.test(line)) {
      level = 0;
      headingText = line.trim();
    }

    if (level >= 0) {
      const version = headingVersion(headingText, wanted);
      const unreleased = !version && unreleasedHeading.test(headingText);
      const endsSection =
        version !== undefined ||
        unreleased ||
        (current !== undefined && level > 0 && current.level > 0 && level <= current.level);
      if (endsSection) {
        current = undefined;
        if (version !== undefined || unreleased) {
          // After the version, without link targets (a compare URL is not a date).
          const rest = (
            version ? headingText.slice(headingText.indexOf(version) + version.length) : ''
          ).replace(/\]\([^)]*\)/g, ']');
          current = {
            ...(version !== undefined ? { version: stripV(version) } : {}),
            unreleased,
            line: i + 1,
            heading: headingText,
            level,
            ...(findDate(rest) ? { date: findDate(rest)! } : {}),
            placeholderDate: /\b(unreleased|tbd|tba|upcoming)\b/i.test(rest),
            items: 0,
            textLines: 0,
          };
          sections.push(current);
        }
        i += consumed;
        continue;
      }
      i += consumed;
      continue; // a sub-heading such as "### Added" says nothing by itself
    }

    if (!current || !line.trim()) continue;
    if (/^\s{0,3}\[[^\]]+\]:\s*\S+/.test(line)) continue; // link reference definitions
    if (/^\s{0,3}(=+|-{3,}|\*{3,}|_{3,})\s*$/.test(line)) continue; // rules and underlines
    if (/^\s*([-*+]|\d+[.)])\s+\S/.test(line)) current.items++;
    else current.textLines++;
  }
  return sections;
}

const changelogCheck: CheckDefinition<CheckParams<'changelog'>> = {
  name: 'changelog',
  timeoutMs: 10_000,
  run: (ctx, params, signal) =>
    guardCancel(signal, async () => {
      // The changelog of the release commit, not of whatever the working tree holds now.
      const tree = await openReleaseTree(ctx, signal);
      if ('error' in tree) return tree.error;
      const candidates = params.file ? [params.file] : changelogNames;
      let found: { rel: string; bytes: Buffer } | undefined;
      for (const name of candidates) {
        const read = await tree.read(name);
        if (read.ok) {
          found = { rel: read.path, bytes: read.bytes };
          break;
        }
        if (read.problem === 'missing') continue;
        if (read.problem === 'outside') {
          return {
            status: 'error',
            summary: read.message,
            fix: 'name a changelog inside the repository',
            evidence: tree.evidence,
          };
        }
        return {
          status: 'error',
          summary: `cannot read ${name}: ${read.message}`,
          fix: 'check the file and its permissions',
          evidence: tree.evidence,
        };
      }
      const version = stripV(ctx.version);
      if (!found) {
        let hint: string | undefined;
        for (const name of candidates) if ((hint = await tree.explainDifference(name))) break;
        return {
          status: 'error',
          summary: params.file
            ? `${params.file} not found in ${where(tree)}`
            : `no changelog found in ${where(tree)} (looked for ${changelogNames.join(', ')})`,
          fix: hint
            ? `${hint}.`
            : params.file
              ? `create ${params.file}, or fix check: { changelog: { file: ... } }`
              : `create CHANGELOG.md with a section "## [${version}] - YYYY-MM-DD", or name yours with check: { changelog: { file: ... } }`,
          evidence: tree.evidence,
        };
      }
      return judgeChangelog(ctx.version, ctx.now(), params, found, tree.evidence, () =>
        tree.explainDifference(found.rel),
      );
    }),
};

/** Where files were read, for summaries: the release commit or the working tree. */
function where(tree: { commit?: string }): string {
  return tree.commit ? `the release commit ${tree.commit.slice(0, 7)}` : 'the working tree';
}

async function judgeChangelog(
  rawVersion: string,
  now: Date,
  params: CheckParams<'changelog'>,
  found: { rel: string; bytes: Buffer },
  source: CheckEvidence,
  explain: () => Promise<string | undefined>,
): Promise<CheckOutcome> {
  const version = stripV(rawVersion);
  // A failure may come from reading the commit while the fix sits uncommitted: say so.
  const withHint = async (fix: string) => {
    const hint = await explain();
    return hint ? `${fix}; ${hint}` : fix;
  };
  const text = found.bytes.toString('utf8');
  const sections = parseChangelog(text, version);
  const file = found.rel;
  const evidence: CheckEvidence = {
    ...source,
    files: [{ path: file, sha256: sha256Hex(found.bytes) }],
    versions: sections
      .filter((s) => s.version)
      .slice(0, 5)
      .map((s) => s.version),
  };
  const problems: string[] = [];
  const findings: { where: string; message: string }[] = [];
  const fixes: string[] = [];

  const unreleased = sections.find((s) => s.unreleased);
  if (unreleased && !params.unreleased && unreleased.items + unreleased.textLines > 0) {
    problems.push(`the Unreleased section still has ${describeSize(unreleased)}`);
    findings.push({
      where: `${file}:${unreleased.line}`,
      message: `${unreleased.heading} is not empty`,
    });
    fixes.push(`move the Unreleased entries under "${version}"`);
  }

  const section = sections.find((s) => s.version === version);
  if (!section) {
    findings.push({ where: file, message: `no section for ${version}` });
    const latest = sections.find((s) => s.version)?.version;
    return {
      status: 'failed',
      summary: `${file} has no section for ${version}${latest ? ` (latest is ${latest})` : ''}`,
      fix: await withHint(
        unreleased && unreleased.items + unreleased.textLines > 0
          ? `rename the Unreleased section (line ${unreleased.line}) to "## [${version}] - ${now.toISOString().slice(0, 10)}" and start a new empty Unreleased above it`
          : `add a section "## [${version}] - YYYY-MM-DD" listing the changes`,
      ),
      evidence: { ...evidence, findings },
    };
  }

  evidence.heading = { line: section.line, text: section.heading };
  evidence.items = section.items;
  const at = `${file}:${section.line}`;
  if (section.items + section.textLines === 0) {
    problems.push(`the section for ${version} is empty`);
    findings.push({ where: at, message: 'no entries under the heading' });
    fixes.push(`list the changes of ${version} under its heading`);
  }
  // "Dated when the format has dates": another version is dated, or the file says it keeps a changelog.
  const formatHasDates =
    sections.some((s) => s !== section && s.version && s.date) || /keepachangelog\.com/i.test(text);
  if (params.dated && !section.date && (formatHasDates || section.placeholderDate)) {
    problems.push(`the section for ${version} has no release date`);
    findings.push({ where: at, message: `"${section.heading}" has no date` });
    fixes.push(`date the heading, e.g. "## [${version}] - ${now.toISOString().slice(0, 10)}"`);
  }

  if (problems.length) {
    return {
      status: 'failed',
      summary: `${file}: ${problems.join('; ')}`,
      fix: await withHint(fixes.join('; ')),
      evidence: { ...evidence, findings },
    };
  }
  return {
    status: 'passed',
    summary: `${file}:${section.line} has "${section.heading}" with ${describeSize(section)}`,
    evidence,
  };
}

function describeSize(s: ChangelogSection): string {
  if (s.items) return `${s.items} ${s.items === 1 ? 'entry' : 'entries'}`;
  return `${s.textLines} ${s.textLines === 1 ? 'line' : 'lines'} of text`;
}

export default changelogCheck;
