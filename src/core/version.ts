/**
 * Release version strings: semver, or any string that is safe as a git tag.
 */
// Only the validator: the whole of semver costs start-up time for every command.
import valid from 'semver/functions/valid.js';
import { InputError } from './errors.ts';

const tagSafe = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/**
 * Checks a release version and returns it normalised (a leading "v" of a semver kept as given).
 * Throws InputError naming the rule and an example when it is neither semver nor tag-safe.
 *
 * @example validateVersion('1.4.0') // '1.4.0'
 * @example validateVersion('2026-11-22.1') // '2026-11-22.1'
 */
export function validateVersion(version: string): string {
  const v = version.trim();
  if (valid(v)) return v;
  if (tagSafe.test(v) && !v.includes('..') && !v.endsWith('.lock') && !v.endsWith('.')) return v;
  throw new InputError([
    {
      message: `invalid version "${version}"`,
      fix: 'use semver such as 1.4.0 or 1.4.0-rc.1, or a tag-safe name of letters, digits, ".", "-", "_", "+" (at most 64, no "..")',
    },
  ]);
}
