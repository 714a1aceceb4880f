/**
 * Release version strings: semver, or any string that is safe as a git tag.
 */
// Only the validator: the whole of semver costs start-up time for every command.
import valid from 'semver/functions/valid.js';
import { InputError } from './errors.ts';

const tagSafe = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/**
 * The version without a leading "v" before a digit: `v1.4.0` and `1.4.0` name the same
 * release (the first is its git tag). Anything else is returned trimmed, as it is.
 *
 * @example normalizeVersion('v1.4.0') // '1.4.0'
 * @example normalizeVersion('vNext') // 'vNext'
 */
export function normalizeVersion(version: string): string {
  const v = version.trim();
  return /^[vV]\d/.test(v) ? v.slice(1) : v;
}

/**
 * Checks a release version and returns it normalised (trimmed, a leading "v" before a digit
 * dropped: `v1.4.0` is release `1.4.0`). Throws InputError naming the rule and an example when
 * it is neither semver nor tag-safe.
 *
 * @example validateVersion('1.4.0') // '1.4.0'
 * @example validateVersion('v1.4.0') // '1.4.0'
 * @example validateVersion('2026-11-22.1') // '2026-11-22.1'
 */
export function validateVersion(version: string): string {
  const v = normalizeVersion(version);
  if (valid(v)) return v;
  if (tagSafe.test(v) && !v.includes('..') && !v.endsWith('.lock') && !v.endsWith('.')) return v;
  throw new InputError([
    {
      message: `invalid version "${version}"`,
      fix: 'use semver such as 1.4.0 or 1.4.0-rc.1, or a tag-safe name of letters, digits, ".", "-", "_", "+" (at most 64, no "..")',
    },
  ]);
}
