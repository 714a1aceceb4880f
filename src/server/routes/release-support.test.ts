import { describe, expect, it } from 'vitest';
import { grantsPlaybookRole, requirePolicyRole, requireSignoffRole } from './release-support.ts';

describe('playbook roles a membership grants', () => {
  it('grants a sign-off role only when the membership lists it', () => {
    expect(grantsPlaybookRole({ role: 'member', signoff: ['qa-lead'] }, 'qa-lead')).toBe(true);
    expect(grantsPlaybookRole({ role: 'admin', signoff: [] }, 'qa-lead')).toBe(false);
    expect(grantsPlaybookRole(undefined, 'qa-lead')).toBe(false);
  });

  it('grants a playbook role named like a project role to that project role and above', () => {
    expect(grantsPlaybookRole({ role: 'release-manager', signoff: [] }, 'release-manager')).toBe(
      true,
    );
    expect(grantsPlaybookRole({ role: 'admin', signoff: [] }, 'release-manager')).toBe(true);
    expect(grantsPlaybookRole({ role: 'member', signoff: ['qa-lead'] }, 'release-manager')).toBe(
      false,
    );
    expect(() => requireSignoffRole({ role: 'viewer', signoff: [] }, 'member')).toThrow(
      /does not grant the sign-off role member/,
    );
    expect(() =>
      requirePolicyRole({ role: 'release-manager', signoff: [] }, ['release-manager'], 'force'),
    ).not.toThrow();
  });
});
