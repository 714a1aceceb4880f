import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import type { WindowPolicy } from './playbook.ts';
import { weekdays } from './playbook-schema.ts';
import { checkWindow, localTime } from './window.ts';

const kinds = (policy: WindowPolicy | undefined, at: string) =>
  checkWindow(policy, new Date(at)).map((b) => b.kind);

describe('localTime', () => {
  it('reads the local day in a zone east of UTC, where the UTC weekday differs', () => {
    // Thursday 20:00 UTC is Friday 05:00 in Tokyo.
    expect(localTime(new Date('2026-11-19T20:00:00Z'), 'Asia/Tokyo')).toMatchObject({
      date: '2026-11-20',
      weekday: 'fri',
      dayName: 'Friday',
      time: '05:00',
      minutes: 300,
    });
  });

  it('reads midnight as 00:00, never 24:00', () => {
    expect(localTime(new Date('2026-05-07T22:00:00Z'), 'Europe/Berlin')).toMatchObject({
      date: '2026-05-08',
      time: '00:00',
      minutes: 0,
    });
  });
});

describe('checkWindow', () => {
  const berlin: WindowPolicy = { timezone: 'Europe/Berlin', deny: ['fri', 'sat', 'sun'] };

  it('has no blockers without a policy', () => {
    expect(checkWindow(undefined, new Date('2026-05-08T14:05:00Z'))).toEqual([]);
  });

  it('blocks a denied weekday, naming the local day, time and zone', () => {
    expect(checkWindow(berlin, new Date('2026-05-08T14:05:00Z'))).toEqual([
      {
        kind: 'window-day',
        message: 'Friday 16:05 in Europe/Berlin is a denied day (policy.window.deny)',
      },
    ]);
    expect(kinds(berlin, '2026-05-07T14:05:00Z')).toEqual([]);
  });

  it('judges the day in the policy zone, not in UTC', () => {
    const tokyo: WindowPolicy = { timezone: 'Asia/Tokyo', deny: ['fri'] };
    // Thursday in UTC, Friday in Tokyo.
    expect(kinds(tokyo, '2026-11-19T20:00:00Z')).toEqual(['window-day']);
    // Thursday in both.
    expect(kinds(tokyo, '2026-11-19T10:00:00Z')).toEqual([]);
    // Friday in UTC evening, already Saturday in Tokyo.
    expect(kinds(tokyo, '2026-11-20T16:00:00Z')).toEqual([]);
    // West of UTC: Saturday 02:00 UTC is still Friday evening in New York.
    expect(kinds({ timezone: 'America/New_York', deny: ['fri'] }, '2026-11-21T02:00:00Z')).toEqual([
      'window-day',
    ]);
  });

  it('blocks denied hours, wrapping midnight', () => {
    const evenings: WindowPolicy = { timezone: 'Europe/Berlin', deny_hours: ['18:00-08:00'] };
    // CEST is UTC+2 in May.
    expect(kinds(evenings, '2026-05-06T15:59:00Z')).toEqual([]); // 17:59
    expect(kinds(evenings, '2026-05-06T16:00:00Z')).toEqual(['window-hours']); // 18:00
    expect(kinds(evenings, '2026-05-06T23:30:00Z')).toEqual(['window-hours']); // 01:30
    expect(kinds(evenings, '2026-05-07T05:59:00Z')).toEqual(['window-hours']); // 07:59
    expect(kinds(evenings, '2026-05-07T06:00:00Z')).toEqual([]); // 08:00
    expect(checkWindow(evenings, new Date('2026-05-06T16:00:00Z'))[0]!.message).toBe(
      'Wednesday 18:00 in Europe/Berlin is within the denied hours 18:00-08:00 (policy.window.deny_hours)',
    );
  });

  it('treats 00:00-24:00 as the whole day and a plain range as half-open', () => {
    const allDay: WindowPolicy = { timezone: 'UTC', deny_hours: ['00:00-24:00'] };
    for (const t of ['2026-05-06T00:00:00Z', '2026-05-06T12:00:00Z', '2026-05-06T23:59:00Z']) {
      expect(kinds(allDay, t)).toEqual(['window-hours']);
    }
    const lunch: WindowPolicy = { timezone: 'UTC', deny_hours: ['12:00-13:00'] };
    expect(kinds(lunch, '2026-05-06T11:59:00Z')).toEqual([]);
    expect(kinds(lunch, '2026-05-06T12:00:00Z')).toEqual(['window-hours']);
    expect(kinds(lunch, '2026-05-06T13:00:00Z')).toEqual([]);
  });

  it('keeps the window shut when an hour range cannot be read', () => {
    const broken = { timezone: 'UTC', deny_hours: ['6pm-8am'] } as WindowPolicy;
    const [b] = checkWindow(broken, new Date('2026-05-06T12:00:00Z'));
    expect(b).toMatchObject({ kind: 'window-hours' });
    expect(b!.message).toMatch(/"6pm-8am" is not a range such as "18:00-08:00"/);
  });

  it('follows the spring-forward DST change in Europe/Berlin', () => {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; 02:00-03:00 does not exist that night.
    const night: WindowPolicy = { timezone: 'Europe/Berlin', deny_hours: ['02:00-03:00'] };
    expect(localTime(new Date('2026-03-29T00:59:00Z'), 'Europe/Berlin').time).toBe('01:59');
    expect(localTime(new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin').time).toBe('03:00');
    expect(kinds(night, '2026-03-29T00:59:00Z')).toEqual([]);
    expect(kinds(night, '2026-03-29T01:00:00Z')).toEqual([]);
    // The day after, 02:30 CEST is 00:30 UTC.
    expect(kinds(night, '2026-03-30T00:30:00Z')).toEqual(['window-hours']);
    // A week before, 02:30 CET is 01:30 UTC.
    expect(kinds(night, '2026-03-22T01:30:00Z')).toEqual(['window-hours']);
  });

  it('follows the fall-back DST change in Europe/Berlin, where 02:30 happens twice', () => {
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00 UTC.
    const night: WindowPolicy = { timezone: 'Europe/Berlin', deny_hours: ['02:00-03:00'] };
    expect(kinds(night, '2026-10-24T23:59:00Z')).toEqual([]); // 01:59 CEST
    expect(kinds(night, '2026-10-25T00:30:00Z')).toEqual(['window-hours']); // 02:30 CEST
    expect(kinds(night, '2026-10-25T01:30:00Z')).toEqual(['window-hours']); // 02:30 CET
    expect(kinds(night, '2026-10-25T02:00:00Z')).toEqual([]); // 03:00 CET
  });

  it('changes the local day at local midnight across DST', () => {
    const sunday: WindowPolicy = { timezone: 'Europe/Berlin', deny: ['sun'] };
    // Saturday 23:59 CET, then Sunday 00:00 CET; the 2026-03-29 switch is later that night.
    expect(kinds(sunday, '2026-03-28T22:59:00Z')).toEqual([]);
    expect(kinds(sunday, '2026-03-28T23:00:00Z')).toEqual(['window-day']);
    // Sunday 23:59 CEST is 21:59 UTC; Monday starts at 22:00 UTC.
    expect(kinds(sunday, '2026-03-29T21:59:00Z')).toEqual(['window-day']);
    expect(kinds(sunday, '2026-03-29T22:00:00Z')).toEqual([]);
  });

  it('blocks inside a freeze, inclusive of both local dates, with its reason', () => {
    const policy: WindowPolicy = {
      timezone: 'Europe/Berlin',
      freezes: [{ from: '2026-12-20', to: '2027-01-02', reason: 'Holiday freeze' }],
    };
    // 2026-12-19 23:30 UTC is already 2026-12-20 00:30 in Berlin.
    expect(kinds(policy, '2026-12-19T22:59:00Z')).toEqual([]);
    expect(checkWindow(policy, new Date('2026-12-19T23:30:00Z'))).toEqual([
      {
        kind: 'window-freeze',
        message:
          '2026-12-20 in Europe/Berlin is in a freeze from 2026-12-20 to 2027-01-02: Holiday freeze (policy.window.freezes)',
      },
    ]);
    expect(kinds(policy, '2027-01-02T22:59:00Z')).toEqual(['window-freeze']); // 23:59 on the 2nd
    expect(kinds(policy, '2027-01-02T23:00:00Z')).toEqual([]); // 00:00 on the 3rd
  });

  it('reports every rule that blocks at once', () => {
    const policy: WindowPolicy = {
      timezone: 'UTC',
      deny: ['fri'],
      deny_hours: ['16:00-17:00', '00:00-24:00'],
      freezes: [{ from: '2026-05-08', to: '2026-05-08', reason: 'Launch day' }],
    };
    expect(kinds(policy, '2026-05-08T16:30:00Z')).toEqual([
      'window-day',
      'window-hours',
      'window-hours',
      'window-freeze',
    ]);
  });

  it('rejects an unknown time zone with the fix', () => {
    const bad = { timezone: 'Mars/Olympus', deny: ['fri'] } as WindowPolicy;
    expect(() => checkWindow(bad, new Date())).toThrow(InputError);
    expect(() => checkWindow(bad, new Date())).toThrow(/unknown time zone "Mars\/Olympus".*IANA/);
  });

  it('always blocks when every day is denied and never when nothing is (property)', () => {
    const zones = [
      'UTC',
      'Europe/Berlin',
      'Asia/Tokyo',
      'America/New_York',
      'Australia/Lord_Howe',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Asia/Kathmandu',
    ];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...zones),
        (now, timezone) => {
          expect(checkWindow({ timezone, deny: [...weekdays] }, now).length).toBeGreaterThan(0);
          expect(checkWindow({ timezone, deny: [] }, now)).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('blocks exactly the local weekday (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2060-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Tokyo', 'America/Los_Angeles'),
        fc.constantFrom(...weekdays),
        (now, timezone, day) => {
          const local = localTime(now, timezone);
          const blocked = checkWindow({ timezone, deny: [day] }, now).length > 0;
          expect(blocked).toBe(local.weekday === day);
        },
      ),
      { numRuns: 300 },
    );
  });
});
