/**
 * The contract on writes that name the state they were decided on (`expect`, the HTTP
 * `If-Match`): part of {@link describeServiceContract}, in its own file to keep each small.
 * Written against the interface only, like the rest of the suite.
 */
import { expect, it } from 'vitest';
import { GonogoError } from '../core/errors.ts';
import type { ErrorCode, ConflictError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import type { ReleaseService } from './service-contract.ts';

/** How many people write at once in the concurrency test. */
const writers = 20;

const writesYaml = `
name: Writes
roles:
  qa-lead: { name: QA Lead, members: [qa@example.com] }
environments: [staging, production]
phases:
  - id: build
    items:
      - title: Tests pass
        check: { command: "npm test" }
${Array.from({ length: writers }, (_, i) => `      - title: Step ${i + 1}`).join('\n')}
      - title: QA sign-off
        sign: qa-lead
  - id: go-no-go
    gate: [qa-lead]
rollback:
  - title: Previous version deployed
`;

/** The error a promise rejects with, or undefined when it resolves. */
async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<GonogoError> {
  const error = await errorOf(p);
  expect(error, `expected a ${code} error`).toBeInstanceOf(GonogoError);
  expect((error as GonogoError).code).toBe(code);
  return error as GonogoError;
}

/** The event count of the release as a client reads it (the HTTP ETag). */
async function countOf(svc: ReleaseService): Promise<number> {
  return (await svc.getRelease()).release.head?.count ?? 0;
}

/** What these tests need of the contract's setup (its `ContractSetup`, without importing it back). */
interface WritesSetup {
  service(actor: string): ReleaseService;
}

/**
 * Registers the tests of expected writes, inside the contract's `describe` (whose `beforeEach`
 * gives each test a fresh record).
 *
 * @example describeExpectedWrites(setup)
 */
export function describeExpectedWrites(t: WritesSetup) {
  const { playbook } = loadPlaybook(writesYaml, 'writes.yaml');
  const svc = (actor = 'ana@example.com') => t.service(actor);

  it('lets the first of two writes decided on the same state through and refuses the second', async () => {
    await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
    const [seenByAna, seenByBob] = [await countOf(svc()), await countOf(svc('bob@example.com'))];
    expect(seenByBob).toBe(seenByAna);

    await svc().actOnItems({ refs: ['2'], action: 'done', expect: { events: seenByAna } });
    const stale = svc('bob@example.com').actOnItems({
      refs: ['3'],
      action: 'fail',
      note: 'broken on staging',
      expect: { events: seenByBob },
    });
    const e = await rejectsWith(stale, 'conflict');
    expect(e.message).toMatch(/release 1\.0\.0 changed since .*\(1 event then, 2 now\)/);
    expect(e.message).not.toMatch(/--[a-z]|`gonogo /);
    // The release as it is now, so the client can show what changed.
    expect((e as ConflictError).current).toMatchObject({ version: '1.0.0', head: { count: 2 } });
    // Nothing of the refused write was recorded.
    const events = await svc().listEvents();
    expect(events.map((x) => [x.type, x.actor])).toEqual([
      ['release.started', 'ana@example.com'],
      ['item.state', 'ana@example.com'],
    ]);
    expect((await svc().getItem({ ref: '3' })).item.state).toBe('pending');

    // Asked again on the state it has now, it goes through; without `expect`, as before.
    await svc('bob@example.com').actOnItems({
      refs: ['3'],
      action: 'fail',
      note: 'broken on staging',
      expect: { events: 2 },
    });
    await svc().actOnItems({ refs: ['4'], action: 'done' });
    expect(await countOf(svc())).toBe(4);
    await rejectsWith(
      svc().actOnItems({ refs: ['5'], action: 'done', expect: { events: -1 } }),
      'invalid-input',
    );
    await rejectsWith(
      svc().actOnItems({ refs: ['5'], action: 'done', expect: { events: 1.5 } }),
      'invalid-input',
    );
  });

  it('checks the expected state on every write to a release, and writes nothing when stale', async () => {
    await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
    // Something runs in staging, so a rollback without a version finds its release that way.
    await svc().deploy({ environment: 'staging' });
    const count = await countOf(svc());
    const stale = { events: count - 1 };
    const { playbook: edited } = loadPlaybook(
      writesYaml.replace('- title: Step 1\n', '- title: Step one\n'),
      'edited.yaml',
    );
    const writes: [string, () => Promise<unknown>][] = [
      ['actOnItems', () => svc().actOnItems({ refs: ['2'], action: 'done', expect: stale })],
      [
        'recordCheckResults',
        () =>
          svc().recordCheckResults({
            results: [{ item: 1, result: 'passed', summary: 'ok', evidence: {}, durationMs: 1 }],
            expect: stale,
          }),
      ],
      ['sign', () => svc('qa@example.com').sign({ role: 'qa-lead', verdict: 'go', expect: stale })],
      ['decide', () => svc().decide({ expect: stale })],
      ['deploy', () => svc().deploy({ environment: 'staging', expect: stale })],
      ['rollback', () => svc().rollback({ environment: 'staging', reason: 'x', expect: stale })],
      ['retarget', () => svc().retarget({ commit: 'b'.repeat(40), expect: stale })],
      ['abandonRelease', () => svc().abandonRelease({ reason: 'x', expect: stale })],
      ['resnapshot', () => svc().resnapshot({ playbook: edited, expect: stale })],
    ];
    for (const [name, write] of writes) {
      const error = await errorOf(write());
      expect(error, name).toBeInstanceOf(GonogoError);
      expect((error as GonogoError).code, name).toBe('conflict');
      expect((error as ConflictError).current?.head?.count, name).toBe(count);
    }
    expect(await countOf(svc())).toBe(count);
    // The same writes on the current state go through (one of them, to show the count fits).
    await svc().retarget({ commit: 'b'.repeat(40), expect: { events: count } });
    expect(await countOf(svc())).toBeGreaterThan(count);
  });

  it(`lets through exactly the writes decided on the current state, of ${writers} at once`, async () => {
    await svc().startRelease({ playbook, version: '1.0.0', commit: 'a'.repeat(40) });
    const start = await countOf(svc());
    const acknowledged: { writer: number; item: number; expected: number }[] = [];
    let conflicts = 0;
    // Every writer's first read happens before anyone writes, so the first round overlaps for
    // sure (not by the scheduler's luck): all decide on the same state and one of them wins.
    let read = 0;
    let allRead!: () => void;
    const firstReads = new Promise<void>((resolve) => (allRead = resolve));
    // Each writer reads the count, marks its own step done on it, and on a conflict reads again.
    const write = async (writer: number) => {
      const me = svc(`w${writer}@example.com`);
      const item = writer + 2;
      for (let attempt = 0; attempt < 3 * writers; attempt++) {
        const expected = await countOf(me);
        if (attempt === 0) {
          if (++read === writers) allRead();
          await firstReads;
        }
        const error = await errorOf(
          me.actOnItems({ refs: [String(item)], action: 'done', expect: { events: expected } }),
        );
        if (error === undefined) {
          acknowledged.push({ writer, item, expected });
          return;
        }
        expect(error).toBeInstanceOf(GonogoError);
        expect((error as GonogoError).code).toBe('conflict');
        // Refused only when it was stale: the release had moved past what it read.
        expect((error as ConflictError).current?.head?.count).toBeGreaterThan(expected);
        conflicts++;
      }
      throw new Error(`writer ${writer} never got through`);
    };
    await Promise.all(Array.from({ length: writers }, (_, i) => write(i)));

    expect(acknowledged).toHaveLength(writers);
    // Each acknowledged write is the event right after the state it was decided on.
    const events = await svc().listEvents();
    expect(events).toHaveLength(start + writers);
    for (const a of acknowledged) {
      expect(events[a.expected], `writer ${a.writer}`).toMatchObject({
        seq: a.expected + 1,
        type: 'item.state',
        actor: `w${a.writer}@example.com`,
        payload: { item: a.item, to: 'done' },
      });
    }
    expect(new Set(acknowledged.map((a) => a.expected)).size).toBe(writers);
    expect(conflicts).toBeGreaterThanOrEqual(writers - 1);
    const [audit] = await svc().verifyAudit({ version: '1.0.0' });
    expect(audit).toMatchObject({ ok: true, checked: start + writers, problems: [] });
  });
}
