/**
 * How changelogs write versions and dates: shared by the `changelog` check (is there a dated
 * section for the version?) and the release-notes parser (what does the section say?), so the
 * two agree on which heading is a version's.
 */

const month =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const datePatterns = [
  /\b\d{4}-\d{1,2}-\d{1,2}\b/,
  /\b\d{4}\/\d{1,2}\/\d{1,2}\b/,
  /\b\d{1,2}\.\d{1,2}\.\d{4}\b/,
  new RegExp(`\\b${month}\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}\\b`, 'i'),
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)? ${month}\\.?,? \\d{4}\\b`, 'i'),
];
/** A version token at the start: two numeric parts at least, then anything semver-ish. */
export const versionAt = /^\[?v?(\d+\.\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.+-]*[0-9A-Za-z])?)(?![\w.])/i;
/** A bare History.md heading line: `1.2.0 / 2026-11-30`. */
export const historyLine = /^v?\d+\.\d+(?:\.\d+)*\S*\s+\/\s+\S/;
/** `## [Unreleased]` and friends. */
export const unreleasedHeading = /^\[?unreleased\]?(?:\s|$|:|-)/i;

/** `v1.2.0` → `1.2.0` (a `v` before a digit only). */
export const stripV = (v: string) => v.replace(/^v(?=\d)/i, '');

/**
 * The first date a heading names, as written.
 *
 * @example findDate('## [1.2.0] - 2026-11-30') // '2026-11-30'
 */
export function findDate(text: string): string | undefined {
  for (const p of datePatterns) {
    const m = p.exec(text);
    if (m) return m[0];
  }
  return undefined;
}
