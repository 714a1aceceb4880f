/**
 * The release service over HTTP: the same `ReleaseService` the CLI uses locally, answered by a
 * team server. Each method maps to one route of the API table (`operationMap` below is the one
 * place that says which, and how the input becomes path, query, body and `If-Match`); answers
 * are parsed with the routes' response schemas and errors come back as the `GonogoError` the
 * server's service threw, so the CLI renders them, and exits, as it does locally.
 */
import type { ImportDeploymentsResult, MetricsReport } from '../api/api-metrics.ts';
import { latestVersion } from '../api/api-routes.ts';
import { InputError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import { playbookSourceOf } from '../core/playbook-source.ts';
import type { Playbook } from '../core/playbook.ts';
import type { Incident, Release, ReleaseEvent } from '../core/release-model.ts';
import type { AnalyticsReport } from '../core/release-analytics.ts';
import type {
  AuditResult,
  CheckPlan,
  DecideResult,
  DeployResult,
  EnvironmentView,
  ItemActionResult,
  ItemDetail,
  RecordCheckResultsResult,
  ReleaseRef,
  ReleaseService,
  ReleaseView,
  ReleaseWriteRef,
  ResnapshotResult,
  RollbackResult,
  SignResult,
  StatusView,
  EnvironmentLock,
  RecordRunResultResult,
  RunPlan,
  WatchPlan,
  RecordWatchMeasurementResult,
  CaptureBaselineInput,
  UnlockResult,
  DeliveryLog,
  NotifyChannelResult,
  NotifyItemResult,
  SendDueResult,
} from '../service/service-contract.ts';
import { createHttpTransport } from './http-transport.ts';
import type { HttpCall, HttpCredentials } from './http-transport.ts';

export interface HttpReleaseServiceOptions {
  /** The server's address, e.g. `https://gonogo.example.com`. */
  baseUrl: string;
  /** An API token (`gng_…`) for the project. */
  token?: string;
  /** Or a signed-in user's session. */
  session?: { secret: string; csrfToken: string };
  project: string;
  fetch?: typeof fetch;
  /** Per request; 30 s unless told. */
  timeoutMs?: number;
}

/**
 * The release service of `project` on the server at `baseUrl`, acting as the token's user.
 *
 * @example
 * const svc = createHttpReleaseService({ baseUrl: 'https://gonogo.example.com', token: 'gng_…', project: 'github.com/acme/app' });
 * const { outcome, blockers } = await svc.getStatus();
 */
export function createHttpReleaseService(options: HttpReleaseServiceOptions): ReleaseService {
  const credentials: HttpCredentials | undefined = options.token
    ? { token: options.token }
    : options.session
      ? { session: options.session.secret, csrfToken: options.session.csrfToken }
      : undefined;
  const http = createHttpTransport({
    baseUrl: options.baseUrl,
    ...(credentials ? { credentials } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const project = options.project;
  const at = (ref: ReleaseRef | undefined, extra: Record<string, string> = {}) => ({
    project,
    version: ref?.version ?? latestVersion,
    ...extra,
  });
  const call = async <T>(operationId: string, c: HttpCall): Promise<T> =>
    (await http.call(operationId, c)) as T;
  /** A write: the release in the path, `expect` as If-Match, the rest as the body. */
  const write = <T>(operationId: string, input: ReleaseWriteRef, body: object): Promise<T> =>
    call<T>(operationId, {
      params: at(input),
      body: defined(body),
      ...(input.expect ? { ifMatch: input.expect.events } : {}),
    });

  return {
    project,

    startRelease: async ({ playbook, ...rest }) =>
      call<ReleaseView>('startRelease', {
        params: { project },
        body: defined({ ...rest, playbookYaml: sourceOf(playbook) }),
      }),
    getRelease: (ref) => call<ReleaseView>('getRelease', { params: at(ref) }),
    listReleases: async () =>
      (await call<{ releases: Release[] }>('listReleases', { params: { project } })).releases,
    retarget: ({ commit, commitAt, ...ref }) =>
      write<Release>('retargetRelease', ref, { commit, commitAt }),
    abandonRelease: ({ reason, ...ref }) => write<Release>('abandonRelease', ref, { reason }),
    listEvents: async (ref) =>
      (await call<{ events: ReleaseEvent[] }>('listEvents', { params: at(ref) })).events,
    resnapshot: async ({ playbook, dryRun, ...ref }) =>
      write<ResnapshotResult>('resnapshotRelease', ref, {
        playbookYaml: sourceOf(playbook),
        dryRun,
      }),

    actOnItems: ({ refs, action, note, evidence, skipUnmatched, ...ref }) =>
      write<ItemActionResult>('actOnItems', ref, { refs, action, note, evidence, skipUnmatched }),
    getItem: ({ ref, ...release }) => call<ItemDetail>('getItem', { params: at(release, { ref }) }),
    getStatus: ({ gate, ...ref } = {}) =>
      call<StatusView>('getStatus', { params: at(ref), query: { gate } }),

    planChecks: ({ refs, phase, all, environment, ...ref }) =>
      call<CheckPlan>('planChecks', {
        params: at(ref),
        body: defined({ refs, phase, all, environment }),
      }),
    recordCheckResults: ({ results, ...ref }) =>
      write<RecordCheckResultsResult>('recordCheckResults', ref, {
        results: results.map((r) => defined({ ...r })),
      }),

    planWatches: (ref = {}) => call<WatchPlan>('planWatches', { params: at(ref), body: {} }),
    recordWatchMeasurement: ({ item, value, evidence, ...ref }) =>
      write<RecordWatchMeasurementResult>(
        'recordWatchMeasurement',
        ref,
        defined({ item, value, evidence }),
      ),
    captureBaseline: ({ environment, values, ...ref }) =>
      write<CaptureBaselineInput['values']>(
        'captureBaseline',
        ref,
        defined({ environment, values: values.map((v) => defined({ ...v })) }),
      ),
    planRun: ({ ref: item, ...ref }) =>
      call<RunPlan>('planRun', { params: at(ref), body: { ref: item } }),
    recordRunResult: ({ item, result, summary, evidence, durationMs, itemVersion, ...ref }) =>
      write<RecordRunResultResult>('recordRunResult', ref, {
        item,
        result,
        summary,
        evidence,
        durationMs,
        itemVersion,
      }),

    sign: ({ role, verdict, comment, gate, ...ref }) =>
      write<SignResult>('sign', ref, { role, verdict, comment, gate }),
    decide: ({ gate, overrideWindow, ...ref }) =>
      write<DecideResult>('decide', ref, { gate, overrideWindow }),
    deploy: ({ environment, status, force, commits, ...ref }) =>
      write<DeployResult>('deploy', ref, { environment, status, force, commits }),
    rollback: ({ environment, reason, ...ref }) =>
      write<RollbackResult>('rollback', ref, { environment, reason }),
    lockEnvironment: ({ environment, reason }) =>
      call<EnvironmentLock>('lockEnvironment', {
        params: { project, environment },
        body: { reason },
      }),
    unlockEnvironment: ({ environment, reason }) =>
      call<UnlockResult>('unlockEnvironment', {
        params: { project, environment },
        body: defined({ reason }),
      }),
    listEnvironments: async (input = {}) => {
      const { environments } = await call<{ environments: EnvironmentView[] }>('listEnvironments', {
        params: { project },
      });
      return inPromotionOrder(environments, input.playbook);
    },

    getMetrics: (input = {}) =>
      call<MetricsReport>('getMetrics', {
        params: { project },
        query: defined({ ...input }) as Record<string, string>,
      }),
    openIncident: (input) => call<Incident>('openIncident', { params: { project }, body: input }),
    resolveIncident: (input = {}) =>
      call<Incident>('resolveIncident', { params: { project }, body: defined({ ...input }) }),
    importDeployments: (input) =>
      call<ImportDeploymentsResult>('importDeployments', { params: { project }, body: input }),

    verifyAudit: async (ref = {}) =>
      (
        await call<{ results: AuditResult[] }>('verifyAudit', {
          params: { project },
          body: defined({ version: ref.version }),
        })
      ).results,

    analytics: ({ since, until, env, tz } = {}) =>
      call<AnalyticsReport>('getAnalytics', {
        params: { project },
        query: { since, until, env, tz },
      }),
    // Notifications (issue 11).
    performNotifyItem: ({ ref: item, ...ref }) =>
      write<NotifyItemResult>('performNotifyItem', ref, { ref: item }),
    listDeliveries: ({ version, limit } = {}) =>
      call<DeliveryLog>('listDeliveries', {
        params: { project },
        query: defined({ version, limit: limit === undefined ? undefined : String(limit) }),
      }),
    sendDueDeliveries: ({ limit } = {}) =>
      call<SendDueResult>('sendDueDeliveries', { params: { project }, body: defined({ limit }) }),
    enableNotifyChannel: ({ channel }) =>
      call<NotifyChannelResult>('enableNotifyChannel', { params: { project, channel }, body: {} }),
  };
}

/**
 * The YAML text the playbook was loaded from (the server compiles it itself). It must still
 * compile to this playbook: one changed after loading would otherwise reach the server as it
 * was read, not as it is.
 */
function sourceOf(playbook: Playbook): string {
  const text = playbookSourceOf(playbook);
  if (text === undefined || !sameJson(loadPlaybook(text).playbook, playbook)) {
    throw new InputError(
      [
        {
          message:
            'this playbook was not loaded from YAML text, and a server takes a playbook as its text',
          fix: 'load the playbook from its file (loadPlaybook) and pass that playbook unchanged',
        },
      ],
      { field: 'playbook' },
    );
  }
  return text;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The environments as the local service lists them: the playbook's first, in its promotion
 * order, then any other the project deployed to. The server lists only the latter (it takes a
 * stored playbook by hash, which it does not serve yet), so the client orders them.
 */
function inPromotionOrder(
  fromServer: EnvironmentView[],
  playbook: Playbook | undefined,
): EnvironmentView[] {
  if (!playbook) return fromServer;
  const byName = new Map(fromServer.map((e) => [e.environment, e]));
  const first = playbook.environments.map(
    (environment) => byName.get(environment) ?? { environment },
  );
  return [...first, ...fromServer.filter((e) => !playbook.environments.includes(e.environment))];
}

/** The object without its undefined fields (request bodies are strict about what they take). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
