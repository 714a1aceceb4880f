/**
 * The contract on process analytics: part of {@link describeServiceContract}, in its own file to
 * keep each small. A history made through the service under a clock the suite moves (two
 * releases deployed to production, one of them rolled back, one never deployed), and the
 * analytics computed from it by hand.
 */
import { expect, it } from 'vitest';
import { GonogoError } from '../core/errors.ts';
import type { Playbook } from '../core/playbook.ts';
import type { ReleaseService } from './service-contract.ts';

const h = 3_600_000;
const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00.000Z`);

/**
 * Registers the analytics contract tests.
 *
 * @example describeAnalytics(t, playbook)
 */
export function describeAnalytics(
  t: { service(actor: string): ReleaseService; setNow(at: Date): void },
  playbook: Playbook,
) {
  const svc = (actor = 'ana@example.com') => t.service(actor);

  /** Ticks the pre-release items, gets both go's and deploys to production at `deployAt`. */
  async function ship(
    version: string,
    times: { start: string; items: string; qa: string; rm: string; deploy: string },
    waiveNote: string,
    naNote?: string,
  ) {
    t.setNow(at(times.start));
    await svc().startRelease({ playbook, version, commit: 'a'.repeat(40) });
    t.setNow(at(times.items));
    await svc('rm@example.com').actOnItems({ refs: ['1'], action: 'waive', note: waiveNote });
    await svc().actOnItems({ refs: ['2'], action: 'done' });
    if (naNote) await svc().actOnItems({ refs: ['3'], action: 'na', note: naNote });
    t.setNow(at(times.qa));
    await svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go' });
    t.setNow(at(times.rm));
    await svc('rm@example.com').sign({ role: 'release-manager', verdict: 'go' });
    t.setNow(at(times.deploy));
    await svc().deploy({ environment: 'production' });
  }

  it('computes cycle time, sign-off waits and skipped items from the record', async () => {
    const first = { start: '09:00', items: '10:00', qa: '11:00', rm: '13:00', deploy: '14:00' };
    await ship('1.0.0', first, 'flaky CI', 'no docs');
    await ship(
      '1.1.0',
      { start: '15:00', items: '15:30', qa: '15:30', rm: '16:00', deploy: '17:00' },
      'CI down',
    );
    t.setNow(at('17:30'));
    await svc().rollback({ environment: 'production', reason: 'error rate 7%' });
    t.setNow(at('18:00'));
    await svc().startRelease({ playbook, version: '2.0.0', commit: 'b'.repeat(40) });
    t.setNow(at('19:00'));

    const report = await svc().analytics({ since: '2026-11-23', until: '2026-11-23' });
    expect(report.period).toEqual({
      since: '2026-11-23T00:00:00.000Z',
      until: '2026-11-24T00:00:00.000Z',
    });
    expect(report.releases).toEqual({ total: 3, deployed: 2, rolledBack: 1, abandoned: 0 });
    expect(report.cycles.map((c) => [c.version, c.cycleMs, c.rolledBack])).toEqual([
      ['1.0.0', 5 * h, false],
      ['1.1.0', 2 * h, true],
      ['2.0.0', undefined, false],
    ]);
    expect(report.cycleTime).toEqual({ count: 2, medianMs: 3.5 * h, p90Ms: 5 * h, maxMs: 5 * h });
    // The release manager's wait starts when the QA sign-off item (the last covered) was done.
    expect(report.signoffWaits).toEqual([
      expect.objectContaining({
        gate: 'go-no-go',
        role: 'release-manager',
        count: 2,
        pending: 1,
        medianMs: 1.25 * h,
      }),
    ]);
    expect(
      report.skippedItems.map((s) => [s.title, s.releases, s.waived, s.na, s.reasons]),
    ).toEqual([
      ['Tests pass', 3, 2, 0, ['CI down', 'flaky CI']],
      ['Docs updated (if applicable)', 3, 0, 1, ['no docs']],
    ]);
    expect(report.truncated).toBe(false);

    // The day after holds none of them; the default period (90 days to now) all three.
    expect(
      (await svc().analytics({ since: '2026-11-24', until: '2026-11-30' })).releases.total,
    ).toBe(0);
    expect((await svc().analytics()).releases.total).toBe(3);
  });

  it('refuses a bound that is no date, and an empty period, naming the field', async () => {
    for (const [input, field] of [
      [{ since: 'yesterday' }, 'since'],
      [{ since: '2026-11-24', until: '2026-11-23' }, 'since'],
      [{ tz: 'Mars/Olympus' }, 'tz'],
    ] as const) {
      const error = await svc()
        .analytics(input)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(GonogoError);
      expect((error as GonogoError).code).toBe('invalid-input');
      expect((error as GonogoError).field).toBe(field);
      expect((error as GonogoError).message).not.toMatch(/--[a-z]/);
    }
  });
}
