/**
 * The in-process implementation of the service contract over a store: local mode for the CLI,
 * and what the server will call. Each use case lives in the file of its concern; this file
 * only binds them to one context.
 */
import type { ReleaseService } from './service-contract.ts';
import type { ServiceDeps } from './service-context.ts';
import { createServiceContext } from './service-context.ts';
import { verifyAudit } from './service-audit.ts';
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
import { decide, getStatus, sign } from './service-signoffs.ts';

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
  return {
    project: ctx.project,
    startRelease: (input) => startRelease(ctx, input),
    getRelease: (input) => getRelease(ctx, input),
    listReleases: () => listReleases(ctx),
    retarget: (input) => retarget(ctx, input),
    listEvents: (input) => listEvents(ctx, input),
    actOnItems: (input) => actOnItems(ctx, input),
    getItem: (input) => getItem(ctx, input),
    getStatus: (input) => getStatus(ctx, input),
    planChecks: (input) => planChecks(ctx, input),
    recordCheckResults: (input) => recordCheckResults(ctx, input),
    sign: (input) => sign(ctx, input),
    decide: (input) => decide(ctx, input),
    deploy: (input) => deploy(ctx, input),
    rollback: (input) => rollback(ctx, input),
    listEnvironments: (input) => listEnvironments(ctx, input),
    verifyAudit: (input) => verifyAudit(ctx, input),
  };
}
