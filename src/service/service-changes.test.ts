import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConflictError, InputError, InternalError, NotFoundError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import type { ChangeBus, ReleaseChange } from '../store/change-bus.ts';
import { createMemoryChangeBus } from '../store/change-bus.ts';
import { openStore } from '../store/open-store.ts';
import { createPgChangeBus } from '../store/postgres-change-bus.ts';
import { checkPgAvailable, createTestDatabase } from '../store/store-pg.fixture.ts';
import type { Store } from '../store/store.ts';
import { createReleaseService } from './create-service.ts';
import { createServiceContext, recordEvent } from './service-context.ts';
import type { ContractSetup } from './service-contract.suite.ts';
import { contractYaml, describeServiceContract } from './service-contract.suite.ts';

const { playbook } = loadPlaybook(contractYaml, 'test.yaml');
const monday = new Date('2026-11-23T09:00:00Z');
const project = 'github.com/acme/app';

/** The bus, with every publish call it got kept in order (the calls themselves are under test). */
function recording(inner: ChangeBus): ChangeBus & { calls: ReleaseChange[][] } {
  const calls: ReleaseChange[][] = [];
  return {
    calls,
    publish(changes) {
      calls.push([...changes]);
      return inner.publish(changes);
    },
    subscribe: (onChange, onResync) => inner.subscribe(onChange, onResync),
    close: () => inner.close(),
  };
}

const newestSeq = async (store: Store, releaseId: string) =>
  (await store.lastEvent(releaseId))?.seq;

const dir = mkdtempSync(join(tmpdir(), 'gonogo-changes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the service announcing committed changes (SQLite, in-process bus)', () => {
  async function setup(name: string) {
    const store = await openStore(join(dir, `${name}.db`));
    const bus = recording(createMemoryChangeBus());
    const errors: unknown[] = [];
    const deps = {
      store,
      actor: 'ana@example.com',
      project,
      now: () => monday,
      changes: bus,
      onChangeError: (e: unknown) => errors.push(e),
    };
    return { store, bus, errors, deps, svc: createReleaseService(deps) };
  }

  it('publishes once per transaction per release, with the newest seq, after it commits', async () => {
    const { store, bus, svc } = await setup('once');
    const heard: ReleaseChange[] = [];
    bus.subscribe((c) => heard.push(c));
    const first = (await svc.startRelease({ playbook, version: '1.2.0', type: 'minor' })).release;
    expect(bus.calls).toEqual([
      [{ project, releaseId: first.id, version: '1.2.0', seq: await newestSeq(store, first.id) }],
    ]);
    // Several events in one transaction (two items, then their parents and sign items follow):
    // one change, at the last of them.
    const before = (await newestSeq(store, first.id))!;
    await svc.actOnItems({ refs: ['2', '3'], action: 'done' });
    const after = (await newestSeq(store, first.id))!;
    expect(after - before).toBeGreaterThanOrEqual(2);
    expect(bus.calls.slice(1)).toEqual([
      [{ project, releaseId: first.id, version: '1.2.0', seq: after }],
    ]);
    // Reads announce nothing.
    await svc.getStatus({});
    await svc.listEvents();
    expect(bus.calls).toHaveLength(2);
    // A transaction that changes two releases announces each once.
    const second = (
      await svc.startRelease({ playbook, version: '1.3.0', type: 'minor', supersedes: '1.2.0' })
    ).release;
    expect(bus.calls[2]).toHaveLength(2);
    expect(new Set(bus.calls[2])).toEqual(
      new Set([
        { project, releaseId: second.id, version: '1.3.0', seq: await newestSeq(store, second.id) },
        { project, releaseId: first.id, version: '1.2.0', seq: await newestSeq(store, first.id) },
      ]),
    );
    expect(heard.map((c) => `${c.version}@${c.seq}`)).toEqual(
      bus.calls.flat().map((c) => `${c.version}@${c.seq}`),
    );
    await store.close();
  });

  it('publishes nothing for a write that throws, before or after it appended events', async () => {
    const { store, bus, deps, svc } = await setup('rollback');
    const { release } = await svc.startRelease({ playbook, version: '1.2.0', type: 'minor' });
    const calls = bus.calls.length;
    const seq = await newestSeq(store, release.id);
    // Refused before writing: an item that does not exist, a version that does.
    await expect(svc.actOnItems({ refs: ['1', '99'], action: 'done' })).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(svc.startRelease({ playbook, version: '1.2.0' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    // Refused after an event was appended in the transaction: rolled back, so never announced.
    const ctx = createServiceContext(deps);
    await expect(
      ctx.store.transaction(async (tx) => {
        await recordEvent(
          ctx,
          tx,
          release.id,
          'release.state',
          { from: 'active', to: 'abandoned' },
          ctx.iso(),
        );
        throw new ConflictError('someone else changed the release');
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await newestSeq(store, release.id)).toBe(seq);
    expect(bus.calls).toHaveLength(calls);
    await store.close();
  });

  it('keeps a committed write when the announcement fails, and reports the failure', async () => {
    const { store, bus, errors, svc } = await setup('failed-publish');
    const { release } = await svc.startRelease({ playbook, version: '1.2.0', type: 'minor' });
    await bus.close();
    const result = await svc.actOnItems({ refs: ['2'], action: 'done' });
    expect(result.items.map((i) => i.state)).toEqual(['done']);
    expect((await store.listItems(release.id)).find((i) => i.number === 2)?.state).toBe('done');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InternalError);
    await store.close();
  });
});

// Every use case, with the store behind the announcing wrapper: it changes nothing they see.
const announced: ReleaseChange[] = [];
const withBus = ((): ContractSetup & { close(): Promise<void> } => {
  let store: Store | undefined;
  let now = new Date();
  let n = 0;
  const bus = createMemoryChangeBus();
  bus.subscribe((c) => announced.push(c));
  return {
    service: (actor, p = project) =>
      createReleaseService({ store: store!, actor, project: p, now: () => now, changes: bus }),
    setNow: (at) => void (now = at),
    async reset() {
      await store?.close();
      store = await openStore(join(dir, `contract-${++n}.db`));
    },
    close: async () => void (await store?.close()),
  };
})();
describeServiceContract('in-process on SQLite, announcing changes', () => withBus);
describe('the contract run above', () => {
  it('announced its writes', async () => {
    expect(announced.length).toBeGreaterThan(10);
    await withBus.close();
  });
});

const pgAvailable = await checkPgAvailable('service-changes.test.ts');
const pgDb = pgAvailable ? await createTestDatabase() : undefined;
afterAll(() => pgDb?.drop());

describe.skipIf(!pgDb)('two instances on one PostgreSQL', () => {
  it("announce a write through one instance to the other's watchers, in seq order, and nothing for a failed write", async () => {
    const url = `${pgDb!.url}?schema=two_instances`;
    // Two instances: each its own store (pool) and its own bus (listening connection).
    const [storeA, storeB] = [await openStore(url), await openStore(url)];
    const quiet = { onError: () => undefined };
    const busA = recording(await createPgChangeBus({ connectionString: url, ...quiet }));
    const busB = await createPgChangeBus({ connectionString: url, ...quiet });
    try {
      const heard: string[] = [];
      busB.subscribe(
        (c) => heard.push(`${c.version}@${c.seq}`),
        () => heard.push('resync'),
      );
      const at = { now: () => monday, project };
      const svcA = createReleaseService({
        store: storeA,
        actor: 'ana@example.com',
        changes: busA,
        ...at,
      });
      const { release } = await svcA.startRelease({ playbook, version: '2.0.0', type: 'minor' });
      // Two events in one transaction: one change.
      await svcA.actOnItems({ refs: ['2', '3'], action: 'done' });
      await expect(svcA.actOnItems({ refs: ['99'], action: 'done' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await svcA.actOnItems({ refs: ['2'], action: 'reset', note: 'not yet' });
      const last = (await newestSeq(storeB, release.id))!;
      await vi.waitFor(() => expect(heard).toContain(`2.0.0@${last}`), { timeout: 15_000 });
      // One change per successful write, each the newest seq of its transaction, in order.
      expect(busA.calls.map((c) => c.length)).toEqual([1, 1, 1]);
      expect(heard).toEqual(busA.calls.flat().map((c) => `2.0.0@${c.seq}`));
      const seqs = busA.calls.flat().map((c) => c.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      // The watcher resumes from what it heard: the store gives it the events in between.
      const events = await storeB.listEventsSince(release.id, seqs[0]!);
      expect(events.map((e) => e.seq).at(-1)).toBe(last);
      expect(events[0]?.seq).toBe(seqs[0]! + 1);
    } finally {
      await busA.close();
      await busB.close();
      await storeA.close();
      await storeB.close();
    }
  });
});
