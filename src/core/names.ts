/**
 * Small helpers on names and ids that many layers need (slugs, "did you mean", item walks),
 * kept apart from the playbook schemas so a command that only reads a release does not load
 * zod.
 */
import { closest } from 'fastest-levenshtein';

/**
 * Turns a title into an id: lower-case words joined by dashes, at most 48 characters,
 * cut at a word boundary.
 *
 * @example slugify('**Version Bump** (if needed)') // 'version-bump-if-needed'
 */
export function slugify(text: string, fallback = 'item'): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let out = '';
  for (const w of words) {
    const next = out ? `${out}-${w}` : w;
    if (next.length > 48) break;
    out = next;
  }
  if (!out && words[0]) out = words[0].slice(0, 48);
  return out || fallback;
}

/** "did you mean X?" for a misspelt name, or undefined when nothing is close. */
export function suggestName(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  // An abbreviation ("prod" for "production") is as good a hint as a typo.
  const lower = name.toLowerCase();
  if (lower.length >= 3) {
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lower));
    if (prefixed.length === 1) return prefixed[0];
    // ...and so is a longer spelling of a short name ("minimum" for "min").
    const within = candidates.filter((c) => c.length >= 3 && lower.startsWith(c.toLowerCase()));
    if (within.length === 1) return within[0];
  }
  const best = closest(name, candidates as string[]);
  const limit = Math.max(2, Math.floor(name.length / 3));
  return distance(name, best) <= limit ? best : undefined;
}

function distance(a: string, b: string): number {
  // Small local Levenshtein for the threshold; `closest` above picks the candidate.
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** `qa-lead` → `Qa Lead`. */
export function titleCase(id: string): string {
  return id
    .split(/[-_ ]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

/** Every item of a playbook section list in document order, sub-items after their parent. */
export function* walkItems<T extends { items?: T[] }>(items: T[]): Generator<T> {
  for (const it of items) {
    yield it;
    if (it.items) yield* walkItems(it.items);
  }
}
