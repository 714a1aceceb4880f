/**
 * The in-process implementation of the service contract over a store: local mode for the CLI,
 * and what the server will call. Each use case lives in the file of its concern; this file
 * only binds them to one context.
 */
import type { ReleaseService } from './service-contract.ts';
import type { ServiceDeps } from './service-context.ts';
import { createServiceContext } from './service-context.ts';
import { verifyAudit } from './service-audit.ts';
import { analytics } from './service-analytics.ts';
import { planChecks, recordCheckResults } from './service-checks.ts';
import { deploy, listEnvironments, rollback } from './service-deployments.ts';
import { actOnItems, getItem } from './service-items.ts';
import {
  getRelease,
  listEvents,
  listReleases,
  retarget,
  startRelease,
} from './service-releases.ts';
import { abandonRelease } from './service-release-life.ts';
import { decide, getStatus, sign } from './service-signoffs.ts';
import { resnapshot } from './service-playbook-update.ts';
import { planRun, recordRunResult } from './service-runs.ts';
import { lockEnvironment, unlockEnvironment } from './service-locks.ts';
import { captureBaseline, planWatches, recordWatchMeasurement } from './service-watches.ts';
import {
  enableNotifyChannel,
  listDeliveries,
  performNotifyItem,
  sendDueDeliveries,
} from './service-notify.ts';
import { queueNotificationsOnCommit } from './service-notify-queue.ts';
import { openIncident, resolveIncident } from './service-incidents.ts';
import { getMetrics, importDeployments } from './service-metrics.ts';

export type { ServiceDeps } from './service-context.ts';

/**
 * Creates the service over a store.
 *
 * @example
 * const svc = createReleaseService({ store, actor: 'ana@example.com', project: 'github.com/acme/app' });
 * await svc.startRelease({ playbook, version: '1.4.0', commit: 'abc123' });
 */
export function createReleaseService(deps: ServiceDeps): ReleaseService {
  const ctx = createServiceContext(deps);
  // Outermost: the deliveries an event causes are queued in its transaction, and the events the
  // queueing appends (a reached notify item set running) are announced with the rest.
  ctx.store = queueNotificationsOnCommit(ctx, ctx.store, deps.notify?.onQueued);
  // What people and checks write (notes, reasons, comments, results) is masked before it is
  // stored: the record never holds a secret, whichever transport it came through.
  return {
    project: ctx.project,
    startRelease: (input) => startRelease(ctx, input),
    getRelease: (input) => getRelease(ctx, input),
    listReleases: () => listReleases(ctx),
    retarget: (input) => retarget(ctx, input),
    abandonRelease: async (input) => abandonRelease(ctx, await ctx.mask(input)),
    listEvents: (input) => listEvents(ctx, input),
    resnapshot: (input) => resnapshot(ctx, input),
    actOnItems: async (input) => actOnItems(ctx, await ctx.mask(input)),
    getItem: (input) => getItem(ctx, input),
    getStatus: (input) => getStatus(ctx, input),
    planChecks: (input) => planChecks(ctx, input),
    recordCheckResults: async (input) => recordCheckResults(ctx, await ctx.mask(input)),
    planRun: (input) => planRun(ctx, input),
    recordRunResult: async (input) => recordRunResult(ctx, await ctx.mask(input)),
    planWatches: (input) => planWatches(ctx, input),
    recordWatchMeasurement: async (input) => recordWatchMeasurement(ctx, await ctx.mask(input)),
    captureBaseline: async (input) => captureBaseline(ctx, await ctx.mask(input)),
    sign: async (input) => sign(ctx, await ctx.mask(input)),
    decide: async (input) => decide(ctx, await ctx.mask(input)),
    deploy: async (input) => deploy(ctx, await ctx.mask(input)),
    rollback: async (input) => rollback(ctx, await ctx.mask(input)),
    lockEnvironment: async (input) => lockEnvironment(ctx, await ctx.mask(input)),
    unlockEnvironment: async (input) => unlockEnvironment(ctx, await ctx.mask(input)),
    listEnvironments: (input) => listEnvironments(ctx, input),
    verifyAudit: (input) => verifyAudit(ctx, input),
    analytics: (input) => analytics(ctx, input),
    performNotifyItem: (input) => performNotifyItem(ctx, deps.notify ?? {}, input),
    listDeliveries: (input) => listDeliveries(ctx, input),
    sendDueDeliveries: (input) => sendDueDeliveries(ctx, deps.notify ?? {}, input),
    enableNotifyChannel: (input) => enableNotifyChannel(ctx, input),
    getMetrics: (input) => getMetrics(ctx, input),
    openIncident: async (input) => openIncident(ctx, await ctx.mask(input)),
    resolveIncident: (input) => resolveIncident(ctx, input),
    importDeployments: (input) => importDeployments(ctx, input),
  };
}
