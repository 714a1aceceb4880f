/**
 * The audit use case: does the record still hold what the log says happened? For each release:
 * the hash chain, the head the release row anchors, and the log replayed against the item,
 * sign-off, decision, deployment, incident and override tables.
 */
import { emptyHead, verifyChain } from '../core/event-chain.ts';
import { playbookHashesOf, replayEvents } from '../core/event-replay.ts';
import { compareReplay } from '../core/event-replay-compare.ts';
import type { Playbook } from '../core/playbook.ts';
import type { Release } from '../core/release-model.ts';
import type { StoreReader } from '../store/store.ts';
import type { AuditProblem, AuditResult, ReleaseRef } from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import { findRelease } from './service-context.ts';
import { foldLockEvents } from './service-locks.ts';

/** Verifies one release, or every release of the project. Writes nothing. */
export async function verifyAudit(
  ctx: ServiceContext,
  ref: ReleaseRef = {},
): Promise<AuditResult[]> {
  const releases = ref.version
    ? [await findRelease(ctx, ctx.store, ref, 'read')]
    : await ctx.store.listReleases(ctx.project, { limit: 100000 });
  const results: AuditResult[] = [];
  for (const r of releases) results.push(await auditRelease(ctx.store, r));
  if (!ref.version) await auditLocks(ctx, releases, results);
  return results;
}

/**
 * The project's environment locks against the fold of every release's lock events: a lock the
 * table holds that no event left standing, or one the events left standing that the table lost
 * (or holds with another who, when or why). A problem is reported on the release whose log holds
 * the lock's event (the newest release when there is none).
 */
async function auditLocks(
  ctx: ServiceContext,
  releases: Release[],
  results: AuditResult[],
): Promise<void> {
  const logs = await Promise.all(
    releases.map(async (release) => ({ release, events: await ctx.store.listEvents(release.id) })),
  );
  const expected = foldLockEvents(logs);
  const table = await ctx.store.listEnvironmentLocks(ctx.project);
  const report = (version: string | undefined, problem: AuditProblem) => {
    const result = results.find((r) => r.version === version) ?? results[0];
    if (!result) return;
    result.problems.push(problem);
    result.ok = false;
  };
  for (const lock of table) {
    const want = expected.get(lock.environment);
    const row = `lock of ${lock.environment}`;
    if (!want) {
      report(lock.version, {
        kind: 'record',
        table: 'environment_locks',
        row,
        message: `${lock.environment} is locked in the record, but no event of the log locked it (or an unlock followed)`,
      });
      continue;
    }
    for (const field of ['actor', 'at', 'reason'] as const) {
      if (want[field] !== lock[field])
        report(want.version, {
          kind: 'record',
          seq: want.seq,
          table: 'environment_locks',
          row,
          field,
          message: `the lock of ${lock.environment} says ${field} ${JSON.stringify(lock[field])}, the log ${JSON.stringify(want[field])}`,
        });
    }
  }
  for (const [environment, want] of expected) {
    if (table.some((l) => l.environment === environment)) continue;
    report(want.version, {
      kind: 'record',
      seq: want.seq,
      table: 'environment_locks',
      row: `lock of ${environment}`,
      message: `the log locked ${environment} and never unlocked it, but the record holds no lock`,
    });
  }
}

/**
 * One release's audit. Problems come in the order a person reads them: the chain and its
 * anchor (is the log whole?), then the replay (does the log make sense?), then the tables
 * (do they say what the log says?).
 */
async function auditRelease(store: StoreReader, release: Release): Promise<AuditResult> {
  const [events, items, signoffs, decisions, deployments, overrides] = await Promise.all([
    store.listEvents(release.id),
    store.listItems(release.id),
    store.listSignoffs(release.id),
    store.listDecisions(release.id),
    store.listDeployments({ releaseId: release.id }),
    store.listOverrides(release.id),
  ]);
  const incidents = (
    await Promise.all(deployments.map((d) => store.listIncidents({ deploymentId: d.id })))
  ).flat();
  const anchor = release.head ?? emptyHead;
  const chain = verifyChain(events, anchor);
  const problems: AuditProblem[] = chain.problems.map((p) => ({ kind: 'chain', ...p }));

  const playbooks = new Map<string, Playbook>();
  for (const hash of new Set([...playbookHashesOf(events), release.playbookHash])) {
    const playbook = await store.getPlaybook(hash);
    if (playbook) playbooks.set(hash, playbook);
  }
  const replayed = replayEvents(events, playbooks);
  for (const p of replayed.problems)
    problems.push({ kind: 'replay', ...(p.seq > 0 ? { seq: p.seq } : {}), message: p.message });
  const tables = { release, items, signoffs, decisions, deployments, incidents, overrides };
  for (const d of compareReplay(replayed, tables)) problems.push({ kind: 'record', ...d });

  const overridden = events.filter((e) => e.realAt !== undefined);
  const result: AuditResult = {
    version: release.version,
    ok: problems.length === 0,
    checked: chain.checked,
    problems,
    head: anchor,
    clockOverrides: overridden.length,
  };
  const first = overridden[0];
  if (first) result.firstClockOverride = { seq: first.seq, at: first.at, realAt: first.realAt! };
  return result;
}
