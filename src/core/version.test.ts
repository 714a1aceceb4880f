import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { normalizeVersion, validateVersion } from './version.ts';

describe('validateVersion', () => {
  it('keeps semver and tag-safe names as they are, trimmed', () => {
    expect(validateVersion('1.4.0')).toBe('1.4.0');
    expect(validateVersion(' 1.4.0-rc.1 ')).toBe('1.4.0-rc.1');
    expect(validateVersion('1.4.0+build.7')).toBe('1.4.0+build.7');
    expect(validateVersion('2026-11-22.1')).toBe('2026-11-22.1');
  });

  it('takes a leading v before a digit as the same release: v1.0.0 is 1.0.0', () => {
    expect(validateVersion('v1.0.0')).toBe('1.0.0');
    expect(validateVersion('V2.3.4-beta.1')).toBe('2.3.4-beta.1');
    expect(validateVersion('v2026.11')).toBe('2026.11');
    expect(validateVersion('v1.0.0')).toBe(validateVersion('1.0.0'));
  });

  it('keeps a v that does not start a number', () => {
    expect(validateVersion('vNext')).toBe('vNext');
    expect(validateVersion('v')).toBe('v');
  });

  it('refuses what is neither semver nor tag-safe, quoting the input as given', () => {
    for (const bad of ['', '1..2', 'v1..2', 'a b', '-1.0.0', '1.0.', 'x.lock', 'é1']) {
      expect(() => validateVersion(bad), bad).toThrow(InputError);
    }
    expect(() => validateVersion('v1..2')).toThrow(/invalid version "v1\.\.2"/);
  });
});

describe('normalizeVersion', () => {
  it('drops only a v before a digit', () => {
    expect(normalizeVersion('v1.0.0')).toBe('1.0.0');
    expect(normalizeVersion(' v10 ')).toBe('10');
    expect(normalizeVersion('version-2')).toBe('version-2');
    expect(normalizeVersion('1.0.0')).toBe('1.0.0');
  });
});
