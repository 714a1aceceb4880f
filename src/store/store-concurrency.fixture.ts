/**
 * Test fixture for store.test.ts, run as its own OS process: appends COUNT events to one
 * release, one transaction each (read the last event, append the next seq), to show that
 * writers in separate processes serialise and lose nothing.
 *
 * Usage: node store-concurrency.fixture.ts STORE_URL RELEASE_ID COUNT ACTOR
 */
import { sha256 } from '../core/hash.ts';
import { openStore } from './open-store.ts';

const [url, releaseId, countText, actor] = process.argv.slice(2);
if (!url || !releaseId || !countText || !actor) {
  process.stderr.write('usage: store-concurrency.fixture.ts STORE_URL RELEASE_ID COUNT ACTOR\n');
  process.exitCode = 2;
} else {
  await appendTicks(url, releaseId, Number(countText), actor);
}

async function appendTicks(url: string, releaseId: string, count: number, actor: string) {
  const store = await openStore(url);
  try {
    for (let i = 0; i < count; i++) {
      await store.transaction(async (tx) => {
        await tx.lockRelease(releaseId);
        const last = await tx.lastEvent(releaseId);
        const seq = (last?.seq ?? 0) + 1;
        const prevHash = last?.hash ?? '0'.repeat(64);
        const payload = { actor, i };
        await tx.appendEvent({
          releaseId,
          seq,
          at: new Date().toISOString(),
          actor,
          type: 'test.tick',
          payload,
          prevHash,
          hash: sha256(`${prevHash}:${seq}:${JSON.stringify(payload)}`),
        });
      });
    }
  } finally {
    await store.close();
  }
}
