import { describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import type { Playbook } from '../core/playbook.ts';
import type { CheckContext } from './check-types.ts';
import windowCheck from './window-check.ts';

const run = (policy: Playbook['policy'], iso: string) => {
  const ctx: CheckContext = {
    root: '.',
    version: '1.0.0',
    policy,
    env: {},
    now: () => new Date(iso),
  };
  return windowCheck.run(ctx, checkParams.window.parse(undefined), new AbortController().signal);
};

const policy: Playbook['policy'] = {
  window: {
    timezone: 'Europe/Berlin',
    deny: ['fri', 'sat', 'sun'],
    deny_hours: ['18:00-08:00'],
    freezes: [{ from: '2026-12-20', to: '2027-01-02', reason: 'Holiday freeze' }],
  },
};

describe('window check', () => {
  it('passes without a window policy', async () => {
    const r = await run({}, '2026-05-08T14:05:00Z');
    expect(r.status).toBe('passed');
    expect(r.summary).toBe('no window policy');
  });

  it('passes inside the window, saying the local time', async () => {
    // Tuesday 2026-05-05 12:00 in Berlin (UTC+2).
    const r = await run(policy, '2026-05-05T10:00:00Z');
    expect(r.status).toBe('passed');
    expect(r.summary).toBe('Tuesday 12:00 in Europe/Berlin is inside the release window');
  });

  it('fails on a denied day in the policy time zone, listing every blocker', async () => {
    // Thursday 23:30 UTC is Friday 01:30 in Berlin: a denied day and a denied hour.
    const r = await run(policy, '2026-05-07T23:30:00Z');
    expect(r.status).toBe('failed');
    expect(r.evidence.findings?.map((f) => f.message)).toEqual([
      'Friday 01:30 in Europe/Berlin is a denied day (policy.window.deny)',
      'Friday 01:30 in Europe/Berlin is within the denied hours 18:00-08:00 (policy.window.deny_hours)',
    ]);
    expect(r.fix).toContain('override');
  });

  it('fails in a freeze', async () => {
    const r = await run(policy, '2026-12-22T10:00:00Z');
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('Holiday freeze');
  });

  it('is an error for an unknown time zone', async () => {
    const r = await run(
      { window: { timezone: 'Mars/Olympus', deny: ['fri'] } },
      '2026-05-05T10:00:00Z',
    );
    expect(r.status).toBe('error');
    expect(r.summary).toContain('unknown time zone "Mars/Olympus"');
  });
});
