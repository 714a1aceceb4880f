/**
 * The audit use case: does the record still hold what the log says happened?
 */
import { verifyChain } from '../core/event-chain.ts';
import type { AuditResult, ReleaseRef } from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import { findRelease } from './service-context.ts';

/** Recomputes the event hash chain of one release, or of every release of the project. */
export async function verifyAudit(
  ctx: ServiceContext,
  ref: ReleaseRef = {},
): Promise<AuditResult[]> {
  const releases = ref.version
    ? [await findRelease(ctx, ctx.store, ref, 'read')]
    : await ctx.store.listReleases(ctx.project, { limit: 100000 });
  const results: AuditResult[] = [];
  for (const r of releases)
    results.push({ version: r.version, ...verifyChain(await ctx.store.listEvents(r.id)) });
  return results;
}
