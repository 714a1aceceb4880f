import { describe, expect, it } from 'vitest';
import {
  formatSecret,
  isSecretShape,
  normalizeEmail,
  passwordProblem,
} from './account-credentials.ts';
import {
  hasProjectRole,
  intersectRoles,
  normalizeMemberRoles,
  rolesWithin,
} from './account-roles.ts';

describe('e-mail addresses', () => {
  it('are trimmed and lower-cased', () => {
    expect(normalizeEmail('  Ana.B+rel@Example.COM\t')).toBe('ana.b+rel@example.com');
  });
  it.each([
    '',
    'ana',
    'ana@',
    '@example.com',
    'ana@localhost',
    'a na@example.com',
    'ana@@x.io',
    'ana@x..io',
    'ana@x.io\n'.repeat(2),
    `${'a'.repeat(65)}@x.io`,
    `a@${'b'.repeat(260)}.io`,
  ])('refuses %j', (text) => {
    expect(normalizeEmail(text)).toBeUndefined();
  });
  it('stays fast on a long hostile input', () => {
    // Linear pattern: a long run of near-addresses is refused, not backtracked over.
    expect(normalizeEmail(`${'a.'.repeat(5000)}@`)).toBeUndefined();
  });
});

describe('the password policy', () => {
  it('accepts a long passphrase and refuses short, huge, repeated or e-mail passwords', () => {
    expect(passwordProblem('correct horse battery', 'ana@example.com')).toBeUndefined();
    expect(passwordProblem('elevenchars', 'a@b.io')).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(1025))).toMatch(/at most 1024 bytes/);
    expect(passwordProblem('é'.repeat(600))).toMatch(/at most 1024 bytes/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toMatch(/one character repeated/);
    expect(passwordProblem('Ana@Example.com', 'ana@example.com')).toMatch(/e-mail/);
  });
  it('counts characters, not bytes, for the minimum, and never repeats the password', () => {
    expect(passwordProblem('😀😀😀😀😀😀😀😀😀😀😀😁')).toBeUndefined();
    const secret = 'hunter2';
    expect(passwordProblem(secret)).not.toContain(secret);
  });
});

describe('gonogo secrets', () => {
  it('are a prefix and 43 base64url characters, recognised by shape', () => {
    const bytes = new Uint8Array(32).map((_, i) => i * 7 + 3);
    const token = formatSecret('token', bytes);
    expect(token).toMatch(/^gng_[A-Za-z0-9_-]{43}$/);
    expect(isSecretShape('token', token)).toBe(true);
    expect(isSecretShape('session', token)).toBe(false);
    const session = formatSecret('session', bytes);
    expect(isSecretShape('session', session)).toBe(true);
    expect(isSecretShape('token', `${token}x`)).toBe(false);
    expect(isSecretShape('token', 'gng_short')).toBe(false);
    expect(() => formatSecret('token', new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('project roles', () => {
  const member = { role: 'member' as const, signoff: ['qa-lead'] };
  it('order viewer < member < release-manager < admin', () => {
    expect(hasProjectRole(member, 'viewer')).toBe(true);
    expect(hasProjectRole(member, 'member')).toBe(true);
    expect(hasProjectRole(member, 'release-manager')).toBe(false);
    expect(hasProjectRole({ role: 'admin', signoff: [] }, 'release-manager')).toBe(true);
    expect(hasProjectRole(undefined, 'viewer')).toBe(false);
  });
  it('grant sign-off roles one by one, whatever the project role', () => {
    expect(hasProjectRole(member, { signoff: 'qa-lead' })).toBe(true);
    expect(hasProjectRole({ role: 'admin', signoff: [] }, { signoff: 'qa-lead' })).toBe(false);
  });
  it('bound what a token may ask and what it keeps', () => {
    expect(rolesWithin({ role: 'viewer', signoff: ['qa-lead'] }, member)).toBe(true);
    expect(rolesWithin({ role: 'release-manager', signoff: [] }, member)).toBe(false);
    expect(rolesWithin({ role: 'member', signoff: ['security'] }, member)).toBe(false);
    expect(rolesWithin({ role: 'viewer', signoff: [] }, undefined)).toBe(false);
    expect(intersectRoles({ role: 'admin', signoff: ['qa-lead', 'security'] }, member)).toEqual(
      member,
    );
  });
  it('are checked and normalised as input', () => {
    expect(
      normalizeMemberRoles({ role: 'member', signoff: ['security', 'qa-lead', 'qa-lead'] }),
    ).toEqual({
      roles: { role: 'member', signoff: ['qa-lead', 'security'] },
    });
    expect(normalizeMemberRoles({ role: 'viewer' })).toEqual({
      roles: { role: 'viewer', signoff: [] },
    });
    expect(normalizeMemberRoles({ role: 'owner' }).problem).toMatch(/one of viewer, member/);
    expect(normalizeMemberRoles({ role: 'member', signoff: ['QA Lead'] }).problem).toMatch(
      /lower-case/,
    );
    expect(normalizeMemberRoles(null).problem).toBeDefined();
  });
});
