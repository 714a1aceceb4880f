/**
 * The contract test suite of the {@link AccountService}, written against the interface only, so
 * the in-process service runs it now and the HTTP client can run it later. Mostly hostile
 * sequences: wrong passwords, unknown e-mails, expired, revoked and foreign tokens, roles beyond
 * the maker's, two first administrators at once, disabled users; and no secret or hash in any
 * answer or error but the one answer that creates the secret.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../core/errors.ts';
import { GonogoError } from '../core/errors.ts';
import type { AccountService, MemberRoles, Principal } from './account-contract.ts';

export interface AccountContractSetup {
  service(): AccountService;
  /** Sets the clock the service reads from now on. */
  setNow(at: Date): void;
  /** A fresh, empty record for the next test. */
  reset(): Promise<void>;
  /** How many password verifies (real or dummy) ran so far, where the implementation can tell. */
  passwordChecks?(): number;
}

const t0 = new Date('2026-11-23T09:00:00Z');
const password = 'correct horse battery staple';

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<GonogoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} error`).toBeInstanceOf(GonogoError);
  expect((error as GonogoError).code).toBe(code);
  return error as GonogoError;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Fails when any of `secrets` (or its SHA-256) shows in the serialised value. */
function expectNoSecrets(value: unknown, secrets: string[]): void {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Error ? { ...v, message: v.message } : v,
  );
  for (const s of secrets) {
    expect(text).not.toContain(s);
    expect(text).not.toContain(sha(s));
  }
  expect(text).not.toMatch(/scrypt\$/);
  expect(text).not.toMatch(/passwordHash|tokenHash/);
}

export function describeAccountContract(name: string, setup: () => AccountContractSetup): void {
  describe(`account service contract: ${name}`, () => {
    let svc: AccountService;
    let s: AccountContractSetup;
    beforeEach(async () => {
      s = setup();
      await s.reset();
      s.setNow(t0);
      svc = s.service();
    });

    /** The first administrator, signed in. */
    async function admin(): Promise<Principal> {
      await svc.createFirstAdmin({ email: 'Admin@Example.com ', password });
      const { secret } = await svc.signIn({ email: 'admin@example.com', password });
      return svc.authenticateSession({ secret });
    }

    /** A user made by `by`, signed in, with `roles` in project acme/app when given. */
    async function member(by: Principal, email: string, roles?: MemberRoles) {
      const { user } = await svc.createUser(by, { email, password });
      if (roles) await svc.setMembership(by, { project: 'acme/app', userId: user.id, roles });
      const { secret } = await svc.signIn({ email, password });
      return { user, principal: await svc.authenticateSession({ secret }), secret };
    }

    it('makes the first administrator once; a second is refused', async () => {
      expect(await svc.hasUsers()).toBe(false);
      const { user } = await svc.createFirstAdmin({
        email: ' Ana@Example.COM',
        name: 'Ana',
        password,
      });
      expect(user).toMatchObject({ email: 'ana@example.com', name: 'Ana', admin: true });
      expect(await svc.hasUsers()).toBe(true);
      const e = await rejectsWith(
        svc.createFirstAdmin({ email: 'eve@example.com', password }),
        'conflict',
      );
      expect(e.message).toMatch(/has an administrator already/);
    });

    it("a team member made by whoever runs the server leaves the first administrator's set-up open", async () => {
      const made = await svc.addOperatorMember({
        email: 'QA@Shop.example',
        password,
        project: 'demo/shop',
        roles: { role: 'member', signoff: ['qa-lead'] },
      });
      expect(made).toMatchObject({
        project: 'demo/shop',
        roles: { role: 'member', signoff: ['qa-lead'] },
      });
      expect(await svc.hasUsers()).toBe(true);
      expect(await svc.hasAdministrator()).toBe(false);
      const { secret } = await svc.signIn({ email: 'qa@shop.example', password });
      const qa = await svc.authenticateSession({ secret });
      expect(qa.user.admin).toBe(false);
      expect(await svc.principalRoles(qa, 'demo/shop')).toEqual(made.roles);
      // Not an administrator: may not make users.
      await rejectsWith(svc.createUser(qa, { email: 'eve@example.com', password }), 'forbidden');
      // The same checks as any new user; the e-mail address stays taken.
      const weak = await rejectsWith(
        svc.addOperatorMember({
          email: 'po@shop.example',
          password: 'hunter2hunt',
          project: 'demo/shop',
          roles: { role: 'member', signoff: [] },
        }),
        'invalid-input',
      );
      expect(weak.field).toBe('password');
      await rejectsWith(
        svc.addOperatorMember({
          email: 'qa@shop.example',
          password,
          project: 'demo/shop',
          roles: { role: 'viewer', signoff: [] },
        }),
        'conflict',
      );
      // The set-up is still open, then closes with the first administrator.
      await svc.createFirstAdmin({ email: 'ana@example.com', password });
      expect(await svc.hasAdministrator()).toBe(true);
      await rejectsWith(svc.createFirstAdmin({ email: 'bob@example.com', password }), 'conflict');
    });

    it('of two first administrators at once, exactly one wins', async () => {
      const results = await Promise.allSettled(
        ['one@example.com', 'two@example.com', 'three@example.com'].map((email) =>
          svc.createFirstAdmin({ email, password }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect((r.reason as GonogoError).code).toBe('conflict');
      }
    });

    it('refuses a bad e-mail or a weak password, naming the field and never the password', async () => {
      const bad = await rejectsWith(
        svc.createFirstAdmin({ email: 'ana', password }),
        'invalid-input',
      );
      expect(bad.field).toBe('email');
      const weak = await rejectsWith(
        svc.createFirstAdmin({ email: 'ana@example.com', password: 'hunter2hunt' }),
        'invalid-input',
      );
      expect(weak.field).toBe('password');
      expect(weak.message).not.toContain('hunter2hunt');
      expect(await svc.hasUsers()).toBe(false);
    });

    it('a wrong password and an unknown e-mail get the same error, and both check a password', async () => {
      await admin();
      const before = s.passwordChecks?.();
      const wrong = await rejectsWith(
        svc.signIn({ email: 'admin@example.com', password: 'not the password at all' }),
        'unauthenticated',
      );
      const afterWrong = s.passwordChecks?.();
      const unknown = await rejectsWith(
        svc.signIn({ email: 'nobody@example.com', password }),
        'unauthenticated',
      );
      const afterUnknown = s.passwordChecks?.();
      expect(unknown.message).toBe(wrong.message);
      expect(unknown.field).toBe(wrong.field);
      if (before !== undefined) {
        expect(afterWrong).toBe(before + 1);
        expect(afterUnknown).toBe(afterWrong! + 1);
      }
      expectNoSecrets([wrong, unknown], [password, 'not the password at all']);
    });

    it('a session works until it expires or its user signs out everywhere', async () => {
      const a = await admin();
      const { principal, secret, user } = await member(a, 'qa@example.com');
      expect(principal).toMatchObject({ kind: 'session', user: { email: 'qa@example.com' } });
      const second = await svc.signIn({ email: 'qa@example.com', password });
      expect(await svc.signOutEverywhere(principal, { userId: user.id })).toEqual({ revoked: 2 });
      await rejectsWith(svc.authenticateSession({ secret }), 'unauthenticated');
      await rejectsWith(svc.authenticateSession({ secret: second.secret }), 'unauthenticated');

      const other = await svc.signIn({ email: 'qa@example.com', password });
      await svc.signOut({ secret: other.secret });
      await rejectsWith(svc.authenticateSession({ secret: other.secret }), 'unauthenticated');
      await svc.signOut({ secret: 'not a secret' });

      const third = await svc.signIn({ email: 'qa@example.com', password });
      expect(Date.parse(third.expiresAt)).toBeGreaterThan(t0.getTime());
      s.setNow(new Date(Date.parse(third.expiresAt) - 1000));
      await svc.authenticateSession({ secret: third.secret });
      s.setNow(new Date(Date.parse(third.expiresAt) + 1000));
      await rejectsWith(svc.authenticateSession({ secret: third.secret }), 'unauthenticated');
      await rejectsWith(svc.authenticateSession({ secret: 'gngs_garbage' }), 'unauthenticated');
      await rejectsWith(
        svc.authenticateSession({ secret: third.secret.replace('gngs_', 'gng_') }),
        'unauthenticated',
      );
    });

    it('only a signed-in server administrator creates users', async () => {
      const a = await admin();
      const { principal } = await member(a, 'dev@example.com', { role: 'admin', signoff: [] });
      await rejectsWith(
        svc.createUser(principal, { email: 'x@example.com', password }),
        'forbidden',
      );
      await rejectsWith(svc.createUser(a, { email: 'DEV@example.com', password }), 'conflict');
      const { secret } = await svc
        .createToken(a, {
          project: 'acme/app',
          name: 'admin CI',
          roles: { role: 'viewer', signoff: [] },
        })
        .catch(async () => {
          // The administrator is no member of acme/app yet: make them one, then try again.
          await svc.setMembership(a, {
            project: 'acme/app',
            userId: a.user.id,
            roles: { role: 'admin', signoff: [] },
          });
          return svc.createToken(a, {
            project: 'acme/app',
            name: 'admin CI',
            roles: { role: 'admin', signoff: [] },
          });
        });
      const viaToken = await svc.authenticateToken({ secret });
      await rejectsWith(
        svc.createUser(viaToken, { email: 'y@example.com', password }),
        'forbidden',
      );
    });

    it('a disabled user can no longer sign in, use a session or use a token', async () => {
      const a = await admin();
      const { user, principal, secret } = await member(a, 'qa@example.com', {
        role: 'member',
        signoff: [],
      });
      const token = await svc.createToken(principal, {
        project: 'acme/app',
        name: 'CI',
        roles: { role: 'member', signoff: [] },
      });
      await svc.disableUser(a, { userId: user.id });
      const e = await rejectsWith(
        svc.signIn({ email: 'qa@example.com', password }),
        'unauthenticated',
      );
      expect(e.message).toMatch(/e-mail address or password/);
      await rejectsWith(svc.authenticateSession({ secret }), 'unauthenticated');
      await rejectsWith(svc.authenticateToken({ secret: token.secret }), 'unauthenticated');
      await rejectsWith(svc.disableUser(a, { userId: a.user.id }), 'conflict');
    });

    it('a token acts in its project with its roles, capped by the member’s current ones', async () => {
      const a = await admin();
      const qa = await member(a, 'qa@example.com', { role: 'member', signoff: ['qa-lead'] });
      const { token, secret } = await svc.createToken(qa.principal, {
        project: 'acme/app',
        name: 'CI on main',
        roles: { role: 'member', signoff: ['qa-lead'] },
      });
      expect(secret).toMatch(/^gng_[A-Za-z0-9_-]{43}$/);
      const p = await svc.authenticateToken({ secret });
      expect(p).toMatchObject({
        kind: 'token',
        project: 'acme/app',
        tokenId: token.id,
        user: { id: qa.user.id },
      });
      expect(await svc.principalRoles(p, 'acme/app')).toEqual({
        role: 'member',
        signoff: ['qa-lead'],
      });
      // Another project: none, whatever the member holds there.
      await svc.setMembership(a, {
        project: 'acme/other',
        userId: qa.user.id,
        roles: { role: 'admin', signoff: [] },
      });
      expect(await svc.principalRoles(p, 'acme/other')).toBeUndefined();
      // Demoted: the token keeps only what the member still holds.
      const m = await svc.getMembership({ project: 'acme/app', userId: qa.user.id });
      await svc.setMembership(a, {
        project: 'acme/app',
        userId: qa.user.id,
        roles: { role: 'viewer', signoff: [] },
        expectedVersion: m!.rowVersion,
      });
      expect((await svc.authenticateToken({ secret })).roles).toEqual({
        role: 'viewer',
        signoff: [],
      });
      expect((await svc.listTokens(qa.principal, { userId: qa.user.id }))[0]?.lastUsedAt).toBe(
        t0.toISOString(),
      );
    });

    it('refuses a token with roles beyond the maker’s, or in a project where they are no member', async () => {
      const a = await admin();
      const qa = await member(a, 'qa@example.com', { role: 'member', signoff: ['qa-lead'] });
      const ask = (project: string, roles: MemberRoles) =>
        svc.createToken(qa.principal, { project, name: 'CI', roles });
      await rejectsWith(ask('acme/app', { role: 'release-manager', signoff: [] }), 'forbidden');
      await rejectsWith(ask('acme/app', { role: 'member', signoff: ['security'] }), 'forbidden');
      await rejectsWith(ask('acme/none', { role: 'viewer', signoff: [] }), 'forbidden');
      await rejectsWith(
        ask('acme/app', { role: 'owner' } as unknown as MemberRoles),
        'invalid-input',
      );
      // A token making a token: only within its own roles and project.
      const { secret } = await ask('acme/app', { role: 'viewer', signoff: [] });
      const viaToken = await svc.authenticateToken({ secret });
      await rejectsWith(
        svc.createToken(viaToken, {
          project: 'acme/app',
          name: 'x',
          roles: { role: 'member', signoff: [] },
        }),
        'forbidden',
      );
      expect(await svc.listTokens(qa.principal, { userId: qa.user.id })).toHaveLength(1);
    });

    it('an expired or revoked token is refused; someone else’s token cannot be revoked', async () => {
      const a = await admin();
      const qa = await member(a, 'qa@example.com', { role: 'member', signoff: [] });
      const dev = await member(a, 'dev@example.com', { role: 'member', signoff: [] });
      const roles: MemberRoles = { role: 'member', signoff: [] };
      await rejectsWith(
        svc.createToken(qa.principal, {
          project: 'acme/app',
          name: 'old',
          roles,
          expiresAt: '2020-01-01T00:00:00Z',
        }),
        'invalid-input',
      );
      const soon = await svc.createToken(qa.principal, {
        project: 'acme/app',
        name: 'soon',
        roles,
        expiresAt: new Date(t0.getTime() + 3600_000).toISOString(),
      });
      await svc.authenticateToken({ secret: soon.secret });
      s.setNow(new Date(t0.getTime() + 2 * 3600_000));
      await rejectsWith(svc.authenticateToken({ secret: soon.secret }), 'unauthenticated');

      const kept = await svc.createToken(qa.principal, {
        project: 'acme/app',
        name: 'kept',
        roles,
      });
      await rejectsWith(svc.revokeToken(dev.principal, { tokenId: kept.token.id }), 'not-found');
      await svc.authenticateToken({ secret: kept.secret });
      const { token } = await svc.revokeToken(qa.principal, { tokenId: kept.token.id });
      expect(token.revokedAt).toBeDefined();
      await rejectsWith(svc.authenticateToken({ secret: kept.secret }), 'unauthenticated');
      await rejectsWith(
        svc.authenticateToken({ secret: `gng_${'A'.repeat(43)}` }),
        'unauthenticated',
      );
      await rejectsWith(svc.listTokens(dev.principal, { userId: qa.user.id }), 'forbidden');
    });

    it('memberships change under optimistic versions, by admins only', async () => {
      const a = await admin();
      const lead = await member(a, 'lead@example.com', { role: 'admin', signoff: [] });
      const dev = await member(a, 'dev@example.com', { role: 'member', signoff: [] });
      const m = await svc.getMembership({ project: 'acme/app', userId: dev.user.id });
      expect(m).toMatchObject({ roles: { role: 'member', signoff: [] }, rowVersion: 1 });
      const roles: MemberRoles = { role: 'release-manager', signoff: ['security', 'qa-lead'] };
      const next = await svc.setMembership(lead.principal, {
        project: 'acme/app',
        userId: dev.user.id,
        roles,
        expectedVersion: 1,
      });
      expect(next).toMatchObject({ rowVersion: 2, roles: { signoff: ['qa-lead', 'security'] } });
      await rejectsWith(
        svc.setMembership(lead.principal, {
          project: 'acme/app',
          userId: dev.user.id,
          roles,
          expectedVersion: 1,
        }),
        'conflict',
      );
      await rejectsWith(
        svc.setMembership(dev.principal, {
          project: 'acme/app',
          userId: dev.user.id,
          roles: { role: 'admin', signoff: [] },
        }),
        'forbidden',
      );
      await rejectsWith(
        svc.setMembership(lead.principal, { project: 'acme/other', userId: dev.user.id, roles }),
        'forbidden',
      );
      await rejectsWith(
        svc.setMembership(a, { project: 'acme/app', userId: 'nobody', roles }),
        'not-found',
      );
      expect((await svc.listMembers({ project: 'acme/app' })).map((x) => x.userId).sort()).toEqual(
        [lead.user.id, dev.user.id].sort(),
      );
    });

    it('no answer or error but the creating one holds a secret, a hash or a password', async () => {
      const seen: unknown[] = [];
      const keep = async <T>(p: Promise<T>): Promise<T> => {
        try {
          const value = await p;
          seen.push(value);
          return value;
        } catch (e) {
          seen.push(e);
          throw e;
        }
      };
      const first = await keep(svc.createFirstAdmin({ email: 'admin@example.com', password }));
      const signIn = await svc.signIn({
        email: 'admin@example.com',
        password,
        meta: { userAgent: 'vitest', address: '127.0.0.1' },
      });
      seen.push(signIn.user, signIn.expiresAt);
      const a = await keep(svc.authenticateSession({ secret: signIn.secret }));
      await keep(
        svc.setMembership(a, {
          project: 'acme/app',
          userId: first.user.id,
          roles: { role: 'admin', signoff: ['qa-lead'] },
        }),
      );
      const created = await svc.createToken(a, {
        project: 'acme/app',
        name: 'CI',
        roles: { role: 'member', signoff: [] },
      });
      seen.push(created.token);
      await keep(svc.authenticateToken({ secret: created.secret }));
      await keep(svc.listTokens(a, { userId: first.user.id }));
      await keep(svc.listMembers({ project: 'acme/app' }));
      await keep(svc.revokeToken(a, { tokenId: created.token.id }));
      await keep(svc.authenticateToken({ secret: created.secret })).catch(() => undefined);
      await keep(svc.authenticateSession({ secret: `${signIn.secret.slice(0, -1)}x` })).catch(
        () => undefined,
      );
      await keep(svc.signIn({ email: 'admin@example.com', password: `${password}!` })).catch(
        () => undefined,
      );
      await keep(svc.signOutEverywhere(a, { userId: first.user.id }));
      await keep(svc.authenticateSession({ secret: signIn.secret })).catch(() => undefined);
      expect(seen.length).toBeGreaterThan(10);
      expectNoSecrets(seen, [signIn.secret, created.secret, password, `${password}!`]);
    });
  });
}
