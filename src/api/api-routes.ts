/**
 * Every endpoint of the HTTP API under `/api/v1`, as data: method, path, the role it needs,
 * whether it changes state, its parameters, body and response schemas. The server mounts its
 * handlers from this table, the client builds its requests from it, and `api-openapi.ts` turns
 * it into the OpenAPI document, so the three cannot disagree.
 */
import { z } from 'zod';
import type { ApiErrorCode } from './api-errors.ts';
import {
  createProjectRequestSchema,
  createTokenRequestSchema,
  createUserRequestSchema,
  createdTokenSchema,
  healthSchema,
  membershipListSchema,
  membershipSchema,
  projectListSchema,
  projectSchema,
  putMembershipRequestSchema,
  readinessSchema,
  sessionRequestSchema,
  sessionSchema,
  setupRequestSchema,
  tokenListSchema,
  userSchema,
} from './api-accounts.ts';
import type { ProjectRole } from './api-accounts.ts';
import {
  playbookImportResultSchema,
  playbookLintResultSchema,
  resnapshotResultSchema,
  storedPlaybookSchema,
} from './api-playbook.ts';
import { named } from './api-registry.ts';
import { analyticsQuerySchema, analyticsReportSchema } from './api-analytics.ts';
import {
  importDeploymentsRequestSchema,
  importDeploymentsResultSchema,
  metricsQuerySchema,
  metricsReportSchema,
  openIncidentRequestSchema,
  resolveIncidentRequestSchema,
} from './api-metrics.ts';
import { incidentSchema, releaseSchema } from './api-release.ts';
import {
  abandonRequestSchema,
  auditVerifyRequestSchema,
  decideRequestSchema,
  deployRequestSchema,
  environmentParamSchema,
  environmentsQuerySchema,
  lockEnvironmentRequestSchema,
  planRunRequestSchema,
  planWatchesRequestSchema,
  recordWatchMeasurementRequestSchema,
  captureBaselineRequestSchema,
  recordRunResultRequestSchema,
  unlockEnvironmentRequestSchema,
  eventsQuerySchema,
  hashParamSchema,
  idParamSchema,
  itemActionRequestSchema,
  itemRefParamSchema,
  planChecksRequestSchema,
  playbookTextRequestSchema,
  projectParamSchema,
  recordCheckResultsRequestSchema,
  resnapshotRequestSchema,
  retargetRequestSchema,
  rollbackRequestSchema,
  signOutQuerySchema,
  signRequestSchema,
  startReleaseRequestSchema,
  statusQuerySchema,
  userParamSchema,
  versionParamSchema,
} from './api-requests.ts';
import {
  auditResultListSchema,
  checkPlanSchema,
  decideResultSchema,
  deployResultSchema,
  environmentListSchema,
  environmentLockSchema,
  itemActionResultSchema,
  recordRunResultResultSchema,
  runPlanSchema,
  watchPlanSchema,
  recordWatchMeasurementResultSchema,
  baselineValuesSchema,
  unlockResultSchema,
  itemDetailSchema,
  overviewSchema,
  recordCheckResultsResultSchema,
  releaseEventListSchema,
  releaseListSchema,
  releaseViewSchema,
  rollbackResultSchema,
  signResultSchema,
  statusViewSchema,
} from './api-views.ts';
import {
  channelParamSchema,
  deliveriesQuerySchema,
  deliveryLogSchema,
  enableChannelRequestSchema,
  notifyChannelResultSchema,
  notifyItemResultSchema,
  performNotifyItemRequestSchema,
  sendDueRequestSchema,
  sendDueResultSchema,
} from './api-notify.ts';

/** Where every route lives. */
export const apiBase = '/api/v1';

/**
 * Who may call a route: `none` anyone (health, readiness, sign-in, set-up), `user` anyone
 * signed in or holding a token, else at least that role in the route's project (roles rank
 * viewer < member < release-manager < admin). Signing needs the playbook role signed as too,
 * and window overrides and forced deployments the roles the playbook's policy names: the server
 * checks those on top, from the request.
 */
export type RouteAuth = 'none' | 'user' | ProjectRole;

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface ApiRoute {
  operationId: string;
  method: HttpMethod;
  /** Under {@link apiBase}, with `{name}` parameters. */
  path: string;
  summary: string;
  tag: 'system' | 'accounts' | 'projects' | 'playbooks' | 'releases';
  auth: RouteAuth;
  /**
   * Changes state: recorded, CSRF-checked for a browser session. Read-only POSTs (lint, import,
   * check plan, audit verify) are not mutations.
   */
  mutation: boolean;
  /** Takes `If-Match` with the release's ETag (see `api-requests.ts`); 409 when stale. */
  ifMatch?: boolean;
  /** Answers with the release's ETag. */
  etag?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success status and body; `undefined` body for 204. */
  status: 200 | 201 | 204;
  response?: z.ZodType;
  /** Codes this route can answer with beyond those every route of its kind can (see `errorCodesOf`). */
  errors?: ApiErrorCode[];
}

/** The schema of each path parameter, by name. */
export const pathParamSchemas: Record<string, z.ZodType> = {
  project: projectParamSchema,
  version: versionParamSchema,
  ref: itemRefParamSchema,
  hash: hashParamSchema,
  id: idParamSchema,
  user: userParamSchema,
  environment: environmentParamSchema,
  channel: channelParamSchema,
};

/**
 * The version segment that names the release the CLI acts on without `--release`: for a write
 * the newest release in progress, for a read the newest release. No version can take this name
 * (a version starts with a letter or digit).
 */
export const latestVersion = '@latest';

export const openApiDocumentSchema = named(
  'OpenApiDocument',
  z.record(z.string(), z.unknown()),
  'This document.',
);

const release = '/projects/{project}/releases/{version}';

export const apiRoutes: readonly ApiRoute[] = [
  // System: no credentials.
  r('get', '/health', 'getHealth', 'Liveness: the process answers', 'system', 'none', {
    response: healthSchema,
  }),
  r(
    'get',
    '/ready',
    'getReadiness',
    'Readiness: database reachable, migrations applied',
    'system',
    'none',
    {
      response: readinessSchema,
    },
  ),
  r('get', '/openapi.json', 'getOpenApiDocument', 'This API, as OpenAPI 3.1', 'system', 'none', {
    response: openApiDocumentSchema,
  }),

  // Accounts.
  r(
    'post',
    '/setup',
    'setUp',
    'Create the first administrator with the one-time code',
    'accounts',
    'none',
    {
      mutation: true,
      body: setupRequestSchema,
      status: 201,
      response: sessionSchema,
      errors: ['conflict', 'rate-limited'],
    },
  ),
  r('post', '/session', 'signIn', 'Sign in with e-mail and password', 'accounts', 'none', {
    mutation: true,
    body: sessionRequestSchema,
    status: 201,
    response: sessionSchema,
    errors: ['rate-limited'],
  }),
  r('get', '/session', 'getSession', 'Who is signed in', 'accounts', 'user', {
    response: sessionSchema,
  }),
  r(
    'delete',
    '/session',
    'signOut',
    'Sign out (everywhere=true: every session of the user)',
    'accounts',
    'user',
    {
      mutation: true,
      query: signOutQuerySchema,
      status: 204,
    },
  ),
  r('post', '/users', 'createUser', 'Create a user (server administrators)', 'accounts', 'user', {
    mutation: true,
    body: createUserRequestSchema,
    status: 201,
    response: userSchema,
    errors: ['forbidden', 'conflict'],
  }),
  r('get', '/tokens', 'listTokens', 'The API tokens of the user', 'accounts', 'user', {
    response: tokenListSchema,
  }),
  r(
    'post',
    '/tokens',
    'createToken',
    'Create an API token (its secret is shown once)',
    'accounts',
    'user',
    {
      mutation: true,
      body: createTokenRequestSchema,
      status: 201,
      response: createdTokenSchema,
      errors: ['forbidden', 'not-found'],
    },
  ),
  r('delete', '/tokens/{id}', 'revokeToken', 'Revoke an API token', 'accounts', 'user', {
    mutation: true,
    status: 204,
    errors: ['not-found'],
  }),

  // Projects and members.
  r(
    'get',
    '/projects',
    'listProjects',
    'The projects the user is a member of',
    'projects',
    'user',
    {
      response: projectListSchema,
    },
  ),
  r(
    'post',
    '/projects',
    'createProject',
    'Create a project; its creator becomes its admin',
    'projects',
    'user',
    {
      mutation: true,
      body: createProjectRequestSchema,
      status: 201,
      response: projectSchema,
      errors: ['conflict'],
    },
  ),
  r(
    'get',
    '/overview',
    'getOverview',
    "The dashboard: each of the caller's projects with releases in flight, environments, recent activity",
    'projects',
    'user',
    { response: overviewSchema },
  ),
  r('get', '/projects/{project}', 'getProject', 'A project', 'projects', 'viewer', {
    response: projectSchema,
  }),
  r(
    'get',
    '/projects/{project}/members',
    'listMembers',
    'Members of a project with their roles',
    'projects',
    'viewer',
    {
      response: membershipListSchema,
    },
  ),
  r(
    'get',
    '/projects/{project}/members/{user}',
    'getMember',
    "A member's roles",
    'projects',
    'viewer',
    {
      response: membershipSchema,
    },
  ),
  r(
    'put',
    '/projects/{project}/members/{user}',
    'putMember',
    "Set a user's roles in the project",
    'projects',
    'admin',
    {
      mutation: true,
      body: putMembershipRequestSchema,
      response: membershipSchema,
    },
  ),
  r(
    'get',
    '/projects/{project}/environments',
    'listEnvironments',
    'What runs in each environment',
    'projects',
    'viewer',
    {
      query: environmentsQuerySchema,
      response: environmentListSchema,
    },
  ),
  r(
    'post',
    '/projects/{project}/environments/{environment}/lock',
    'lockEnvironment',
    'Lock an environment: deployments to it are refused until it is unlocked',
    'projects',
    'release-manager',
    {
      mutation: true,
      body: lockEnvironmentRequestSchema,
      status: 201,
      response: environmentLockSchema,
      errors: ['conflict', 'invalid-transition'],
    },
  ),
  r(
    'post',
    '/projects/{project}/environments/{environment}/unlock',
    'unlockEnvironment',
    "Lift an environment's lock",
    'projects',
    'release-manager',
    {
      mutation: true,
      body: unlockEnvironmentRequestSchema,
      response: unlockResultSchema,
      errors: ['invalid-transition'],
    },
  ),
  r(
    'get',
    '/projects/{project}/analytics',
    'getAnalytics',
    'Process analytics: cycle time, phase times, sign-off waits, slowest and most skipped items',
    'projects',
    'viewer',
    { query: analyticsQuerySchema, response: analyticsReportSchema },
  ),
  r(
    'post',
    '/projects/{project}/audit/verify',
    'verifyAudit',
    'Replay the log of one release, or all, against the record',
    'projects',
    'viewer',
    {
      body: auditVerifyRequestSchema,
      response: auditResultListSchema,
    },
  ),

  // Playbooks.
  r(
    'post',
    '/playbooks/lint',
    'lintPlaybook',
    'Validate a playbook (YAML); every problem with its place',
    'playbooks',
    'user',
    {
      body: playbookTextRequestSchema,
      response: playbookLintResultSchema,
    },
  ),
  r(
    'post',
    '/playbooks/import',
    'importPlaybook',
    'Turn a Markdown checklist into a playbook, with a report',
    'playbooks',
    'user',
    {
      body: playbookTextRequestSchema,
      response: playbookImportResultSchema,
    },
  ),
  r(
    'post',
    '/projects/{project}/playbooks',
    'uploadPlaybook',
    'Compile and store a playbook (YAML) under its hash',
    'playbooks',
    'release-manager',
    {
      mutation: true,
      body: playbookTextRequestSchema,
      status: 201,
      response: storedPlaybookSchema,
      errors: ['invalid-playbook'],
    },
  ),
  r(
    'get',
    '/projects/{project}/playbooks/{hash}',
    'getPlaybook',
    'A stored playbook',
    'playbooks',
    'viewer',
    {
      response: storedPlaybookSchema,
    },
  ),

  // Releases.
  r(
    'get',
    '/projects/{project}/releases',
    'listReleases',
    'Releases of the project, newest first',
    'releases',
    'viewer',
    {
      response: releaseListSchema,
    },
  ),
  r(
    'post',
    '/projects/{project}/releases',
    'startRelease',
    'Start a release',
    'releases',
    'release-manager',
    {
      mutation: true,
      body: startReleaseRequestSchema,
      status: 201,
      etag: true,
      response: releaseViewSchema,
      errors: ['conflict', 'invalid-playbook', 'invalid-transition'],
    },
  ),
  r(
    'get',
    release,
    'getRelease',
    'A release with everything recorded about it',
    'releases',
    'viewer',
    {
      etag: true,
      response: releaseViewSchema,
    },
  ),
  r(
    'get',
    `${release}/status`,
    'getStatus',
    "The next gate's evaluation now, progress, the release's life",
    'releases',
    'viewer',
    {
      query: statusQuerySchema,
      etag: true,
      response: statusViewSchema,
    },
  ),
  r(
    'get',
    `${release}/events`,
    'listEvents',
    "The release's events after a seq (server-sent events to follow)",
    'releases',
    'viewer',
    {
      query: eventsQuerySchema,
      response: releaseEventListSchema,
    },
  ),
  r('get', `${release}/items/{ref}`, 'getItem', 'An item with its history', 'releases', 'viewer', {
    response: itemDetailSchema,
  }),
  r(
    'post',
    `${release}/retarget`,
    'retargetRelease',
    'Move the release to a new candidate commit',
    'releases',
    'release-manager',
    {
      mutation: true,
      ifMatch: true,
      body: retargetRequestSchema,
      response: releaseSchema,
    },
  ),
  r(
    'post',
    `${release}/abandon`,
    'abandonRelease',
    'End a release that will not ship, with a reason',
    'releases',
    'release-manager',
    {
      mutation: true,
      ifMatch: true,
      body: abandonRequestSchema,
      response: releaseSchema,
    },
  ),
  r(
    'post',
    `${release}/resnapshot`,
    'resnapshotRelease',
    'Re-snapshot an edited playbook into the release',
    'releases',
    'release-manager',
    {
      mutation: true,
      ifMatch: true,
      body: resnapshotRequestSchema,
      response: resnapshotResultSchema,
      errors: ['invalid-playbook'],
    },
  ),
  r(
    'post',
    `${release}/items/actions`,
    'actOnItems',
    'Mark items done, n/a, waived, failed, or reset them',
    'releases',
    'member',
    {
      mutation: true,
      ifMatch: true,
      body: itemActionRequestSchema,
      response: itemActionResultSchema,
    },
  ),
  r(
    'post',
    `${release}/checks/plan`,
    'planChecks',
    'The check items to run',
    'releases',
    'viewer',
    {
      body: planChecksRequestSchema,
      response: checkPlanSchema,
    },
  ),
  r(
    'post',
    `${release}/checks/results`,
    'recordCheckResults',
    'Record check results run by a client, with evidence',
    'releases',
    'member',
    {
      mutation: true,
      ifMatch: true,
      body: recordCheckResultsRequestSchema,
      response: recordCheckResultsResultSchema,
    },
  ),
  r(
    'post',
    `${release}/runs/plan`,
    'planRun',
    'The run item to run, when the user may run it (its by: roles)',
    'releases',
    'member',
    {
      body: planRunRequestSchema,
      response: runPlanSchema,
    },
  ),
  r(
    'post',
    `${release}/runs/results`,
    'recordRunResult',
    "Record a run item's result, run by a client, with evidence",
    'releases',
    'member',
    {
      mutation: true,
      ifMatch: true,
      body: recordRunResultRequestSchema,
      response: recordRunResultResultSchema,
    },
  ),
  r(
    'post',
    `${release}/watches/plan`,
    'planWatches',
    'The watch windows and the measurements due now',
    'releases',
    'viewer',
    { body: planWatchesRequestSchema, response: watchPlanSchema },
  ),
  r(
    'post',
    `${release}/watches/measurements`,
    'recordWatchMeasurement',
    'Record a measurement of a watch due now, taken by a client; the server judges it',
    'releases',
    'member',
    {
      mutation: true,
      ifMatch: true,
      body: recordWatchMeasurementRequestSchema,
      response: recordWatchMeasurementResultSchema,
    },
  ),
  r(
    'post',
    `${release}/baselines`,
    'captureBaseline',
    "Record each metric's value before the deploy",
    'releases',
    'member',
    {
      mutation: true,
      ifMatch: true,
      body: captureBaselineRequestSchema,
      response: baselineValuesSchema,
    },
  ),
  r(
    'post',
    `${release}/signoffs`,
    'sign',
    'A sign-off for one gate or sign item, as a role the user holds',
    'releases',
    'member',
    {
      mutation: true,
      ifMatch: true,
      body: signRequestSchema,
      status: 201,
      response: signResultSchema,
    },
  ),
  r(
    'post',
    `${release}/decisions`,
    'decide',
    "Record a gate's GO or NO-GO with its blockers",
    'releases',
    'member',
    {
      mutation: true,
      ifMatch: true,
      body: decideRequestSchema,
      status: 201,
      response: decideResultSchema,
    },
  ),
  r(
    'post',
    `${release}/deployments`,
    'deploy',
    'Record a deployment; the gates in front of it are evaluated again',
    'releases',
    'release-manager',
    {
      mutation: true,
      ifMatch: true,
      body: deployRequestSchema,
      status: 201,
      response: deployResultSchema,
      errors: ['gate-closed'],
    },
  ),
  r(
    'post',
    `${release}/rollbacks`,
    'rollback',
    'Roll back an environment and open the rollback procedure',
    'releases',
    'release-manager',
    {
      mutation: true,
      ifMatch: true,
      body: rollbackRequestSchema,
      status: 201,
      response: rollbackResultSchema,
    },
  ),

  // Notifications (issue 11; api-notify.ts).
  r(
    'post',
    `${release}/notify`,
    'performNotifyItem',
    'Perform a notify item now: send its message to each channel; the item ends done or failed',
    'releases',
    'member',
    {
      mutation: true,
      ifMatch: true,
      body: performNotifyItemRequestSchema,
      response: notifyItemResultSchema,
    },
  ),
  r(
    'get',
    '/projects/{project}/notify/deliveries',
    'listDeliveries',
    'The delivery log: deliveries with status and attempts, disabled channels',
    'projects',
    'viewer',
    { query: deliveriesQuerySchema, response: deliveryLogSchema },
  ),
  r(
    'post',
    '/projects/{project}/notify/send',
    'sendDueDeliveries',
    'Send the queued deliveries that are due now',
    'projects',
    'release-manager',
    { mutation: true, body: sendDueRequestSchema, response: sendDueResultSchema },
  ),
  r(
    'post',
    '/projects/{project}/notify/channels/{channel}/enable',
    'enableNotifyChannel',
    'Enable a channel that an endpoint answering 410 Gone disabled',
    'projects',
    'release-manager',
    { mutation: true, body: enableChannelRequestSchema, response: notifyChannelResultSchema },
  ),
  // DORA's four keys (docs/metrics.md), incidents, deployments imported from tags.
  r(
    'get',
    '/projects/{project}/metrics',
    'getMetrics',
    "DORA's four keys of an environment over a period, with levels and the trend",
    'projects',
    'viewer',
    { query: metricsQuerySchema, response: metricsReportSchema },
  ),
  r(
    'post',
    '/projects/{project}/incidents',
    'openIncident',
    'Open an incident on the deployment running in an environment (a change failure)',
    'projects',
    'member',
    {
      mutation: true,
      body: openIncidentRequestSchema,
      status: 201,
      response: incidentSchema,
      errors: ['invalid-transition'],
    },
  ),
  r(
    'post',
    '/projects/{project}/incidents/resolve',
    'resolveIncident',
    'Resolve an incident (by id, or the newest open one)',
    'projects',
    'member',
    {
      mutation: true,
      body: resolveIncidentRequestSchema,
      response: incidentSchema,
      errors: ['not-found', 'invalid-transition'],
    },
  ),
  r(
    'post',
    '/projects/{project}/deployments/import',
    'importDeployments',
    'Record deployments read from git tags, marked imported',
    'projects',
    'release-manager',
    {
      mutation: true,
      body: importDeploymentsRequestSchema,
      response: importDeploymentsResultSchema,
    },
  ),
];

function r(
  method: HttpMethod,
  path: string,
  operationId: string,
  summary: string,
  tag: ApiRoute['tag'],
  auth: RouteAuth,
  rest: Partial<Omit<ApiRoute, 'method' | 'path' | 'operationId' | 'summary' | 'tag' | 'auth'>>,
): ApiRoute {
  return { method, path, operationId, summary, tag, auth, mutation: false, status: 200, ...rest };
}

/**
 * The `{name}` parameters of a route path, in order.
 *
 * @example pathParamsOf('/projects/{project}/members/{user}') // ['project', 'user']
 */
export function pathParamsOf(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/**
 * Every error code a route can answer with: those of its kind (credentials, a body, a project,
 * a release, a write) and its own.
 *
 * @example errorCodesOf(apiRoutes.find((r) => r.operationId === 'deploy')!).includes('gate-closed') // true
 */
export function errorCodesOf(route: ApiRoute): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>(['internal']);
  if (route.path !== '/health') codes.add('environment');
  if (route.auth !== 'none') codes.add('unauthenticated');
  if (route.auth !== 'none' && route.auth !== 'user') codes.add('forbidden');
  if (route.body || route.query || pathParamsOf(route.path).length) codes.add('invalid-input');
  if (route.body) codes.add('payload-too-large');
  if (pathParamsOf(route.path).length) codes.add('not-found');
  if (route.mutation && route.path.startsWith(release)) {
    codes.add('conflict');
    codes.add('invalid-transition');
    codes.add('integrity');
  }
  for (const c of route.errors ?? []) codes.add(c);
  return [...codes];
}

/**
 * A route's path with its parameters filled in, each percent-encoded as one segment (a project
 * id such as `github.com/acme/app` holds slashes).
 *
 * @example fillApiPath('/projects/{project}/releases/{version}', { project: 'github.com/acme/app', version: '1.4.0' })
 * // '/api/v1/projects/github.com%2Facme%2Fapp/releases/1.4.0'
 */
export function fillApiPath(path: string, params: Record<string, string>): string {
  return (
    apiBase +
    path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`missing path parameter "${name}" for ${path}`);
      return encodeURIComponent(value);
    })
  );
}
