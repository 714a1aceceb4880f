import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyDelivery } from '../core/notify-delivery.ts';
import type { Playbook } from '../core/playbook.ts';
import type { Release } from '../core/release-model.ts';
import { openTestStore } from './store-dialect.fixture.ts';
import { checkPgAvailable } from './store-pg.fixture.ts';
import type { Store } from './store.ts';

const pgAvailable = await checkPgAvailable('store-notify.test.ts');

const playbook: Playbook = {
  name: 'Outbox',
  roles: {},
  environments: ['production'],
  types: [],
  policy: {},
  phases: [],
  rollback: [],
};

function delivery(
  releaseId: string,
  id: string,
  over: Partial<NotifyDelivery> = {},
): NotifyDelivery {
  return {
    id,
    project: 'web',
    releaseId,
    channel: 'team',
    event: 'deployment.succeeded',
    message: { id, subject: 'web 1.0.0 deployed to production' },
    status: 'queued',
    attempts: 0,
    nextAttemptAt: '2026-01-01T10:00:00.000Z',
    createdAt: '2026-01-01T10:00:00.000Z',
    requestedBy: 'ann@example.com',
    ...over,
  };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgAvailable)(`notify outbox on ${dialect}`, () => {
    let store: Store;
    let dispose: (() => Promise<void>) | undefined;
    let release: Release;

    beforeAll(async () => {
      ({ store, dispose } = await openTestStore(dialect, 'outbox'));
      release = {
        id: crypto.randomUUID(),
        project: 'web',
        version: '1.0.0',
        playbookHash: 'pb',
        state: 'active',
        createdAt: '2026-01-01T10:00:00.000Z',
        createdBy: 'ann@example.com',
        updatedAt: '2026-01-01T10:00:00.000Z',
        rowVersion: 1,
      };
      await store.transaction(async (tx) => {
        await tx.putPlaybook('pb', playbook);
        await tx.insertRelease(release);
      });
    });

    afterAll(() => dispose?.());

    it('queues a message once per id and reads it back as written', async () => {
      const d = delivery(release.id, 'msg-once', { item: 4 });
      const first = await store.transaction((tx) => tx.insertDeliveries([d]));
      const again = await store.transaction((tx) => tx.insertDeliveries([{ ...d, channel: 'x' }]));
      expect(first).toHaveLength(1);
      expect(again).toHaveLength(0);
      const [read] = await store.listDeliveries({ project: 'web', item: 4 });
      expect(read).toStrictEqual(d);
    });

    it('claims due deliveries once: a second claimer gets nothing until the lease ends', async () => {
      const d = delivery(release.id, 'msg-claim', { nextAttemptAt: '2026-01-01T11:00:00.000Z' });
      await store.transaction((tx) => tx.insertDeliveries([d]));
      const claim = (now: string) =>
        store.transaction((tx) =>
          tx.claimDeliveries({
            project: 'web',
            now,
            leaseUntil: '2026-01-01T11:02:00.000Z',
            limit: 10,
          }),
        );
      expect((await claim('2026-01-01T10:59:00.000Z')).map((x) => x.id)).not.toContain('msg-claim');
      const got = (await claim('2026-01-01T11:00:00.000Z')).find((x) => x.id === 'msg-claim');
      expect(got).toMatchObject({ attempts: 1, nextAttemptAt: '2026-01-01T11:02:00.000Z' });
      expect((await claim('2026-01-01T11:01:00.000Z')).map((x) => x.id)).not.toContain('msg-claim');
      // The sender stopped: the lease ended, so another one tries it again.
      const retry = (await claim('2026-01-01T11:02:00.000Z')).find((x) => x.id === 'msg-claim');
      expect(retry?.attempts).toBe(2);
      // The first sender's late answer no longer counts; the second one's does.
      expect(
        await store.transaction((tx) => tx.finishDelivery('msg-claim', 1, { status: 'delivered' })),
      ).toBe(false);
      expect(
        await store.transaction((tx) =>
          tx.finishDelivery('msg-claim', 2, {
            status: 'delivered',
            nextAttemptAt: undefined,
            lastStatus: 204,
            messageId: 'msg-claim',
            response: 'x'.repeat(900),
            deliveredAt: '2026-01-01T11:02:01.000Z',
          }),
        ),
      ).toBe(true);
      const [after] = await store.listDeliveries({ project: 'web', status: 'delivered' });
      expect(after).toMatchObject({ id: 'msg-claim', lastStatus: 204, attempts: 2 });
      expect(after!.nextAttemptAt).toBeUndefined();
      expect(after!.response).toHaveLength(500);
    });

    it('claims named deliveries whether due or not, and says when the next one is due', async () => {
      await store.transaction((tx) =>
        tx.insertDeliveries([
          delivery(release.id, 'msg-later', { nextAttemptAt: '2027-01-01T00:00:00.000Z' }),
          delivery(release.id, 'msg-other', {
            nextAttemptAt: '2027-02-01T00:00:00.000Z',
            project: 'other',
          }),
        ]),
      );
      expect(await store.nextDeliveryAt('other')).toBe('2027-02-01T00:00:00.000Z');
      const got = await store.transaction((tx) =>
        tx.claimDeliveries({
          project: 'web',
          now: '2026-01-01T00:00:00.000Z',
          leaseUntil: '2026-01-01T00:02:00.000Z',
          limit: 5,
          ids: ['msg-later', 'msg-other'],
        }),
      );
      expect(got.map((x) => x.id)).toStrictEqual(['msg-later']);
      expect(await store.nextDeliveryAt('web')).toBe('2026-01-01T00:02:00.000Z');
      const tail = await store.listDeliveries({ project: 'web', limit: 1 });
      expect(tail).toHaveLength(1);
    });

    it('disables a channel with when and why, and a person enables it again', async () => {
      await store.transaction((tx) =>
        tx.disableChannel({
          project: 'web',
          channel: 'hooks',
          at: '2026-01-02T00:00:00.000Z',
          reason: '410 Gone',
        }),
      );
      await store.transaction((tx) =>
        tx.disableChannel({
          project: 'web',
          channel: 'hooks',
          at: '2026-01-03T00:00:00.000Z',
          reason: 'again',
        }),
      );
      expect(await store.listDisabledChannels('web')).toStrictEqual([
        { project: 'web', channel: 'hooks', at: '2026-01-03T00:00:00.000Z', reason: 'again' },
      ]);
      expect(await store.listDisabledChannels('other')).toStrictEqual([]);
      expect(await store.transaction((tx) => tx.enableChannel('web', 'hooks'))).toBe(true);
      expect(await store.transaction((tx) => tx.enableChannel('web', 'hooks'))).toBe(false);
      expect(await store.listDisabledChannels('web')).toStrictEqual([]);
    });
  });
}
