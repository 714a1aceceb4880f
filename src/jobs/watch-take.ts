/**
 * Taking one due watch measurement: measure the target (a Prometheus query or an http check)
 * and record the value through the service, which judges it. `gonogo watch` in the foreground
 * and the server's scheduler call this same code.
 */
import type { CheckContext } from '../checks/check-types.ts';
import { measureTarget } from '../checks/watch-measure.ts';
import { parseDuration } from '../core/duration.ts';
import type {
  RecordWatchMeasurementResult,
  ReleaseService,
  WatchDue,
  WatchPlan,
} from '../service/service-contract.ts';

/** Where measurements run: the working directory, the environment variables and the clock. */
export interface MeasureSetting {
  root: string;
  env: Record<string, string | undefined>;
  now: () => Date;
}

/**
 * The Prometheus server of a plan: GONOGO_PROMETHEUS_URL first, else the playbook's.
 *
 * @example prometheusOf({ prometheus: { url: 'http://127.0.0.1:9090' } }, {}) // { url, timeoutMs: 10000 }
 */
export function prometheusOf(
  plan: Pick<WatchPlan, 'prometheus'>,
  env: Record<string, string | undefined>,
): { url: string; timeoutMs: number } | undefined {
  const url = env.GONOGO_PROMETHEUS_URL || plan.prometheus?.url;
  if (!url) return undefined;
  return { url, timeoutMs: parseDuration(plan.prometheus?.timeout ?? '10s') ?? 10_000 };
}

/**
 * The context an http watch's check runs in.
 *
 * @example checkContextOf(plan, 'production', { root: process.cwd(), env: process.env, now: () => new Date() })
 */
export function checkContextOf(
  plan: WatchPlan,
  environment: string,
  setting: MeasureSetting,
): CheckContext {
  return {
    root: setting.root,
    version: plan.release.version,
    ...(plan.release.commit ? { commit: plan.release.commit } : {}),
    policy: {},
    environment,
    env: setting.env,
    now: setting.now,
  };
}

/**
 * Measures one due watch item and records the value; the service says what it means (and
 * throws a ConflictError when the window was decided or the slot taken meanwhile).
 *
 * @example const r = await takeDueMeasurement(svc, plan, plan.due[0], setting, signal);
 */
export async function takeDueMeasurement(
  svc: ReleaseService,
  plan: WatchPlan,
  due: WatchDue,
  setting: MeasureSetting,
  signal?: AbortSignal,
): Promise<RecordWatchMeasurementResult> {
  const prometheus = prometheusOf(plan, setting.env);
  const m = await measureTarget(
    due.target,
    { ...(prometheus ? { prometheus } : {}), ...(signal ? { signal } : {}) },
    checkContextOf(plan, plan.environment ?? 'production', setting),
  );
  return svc.recordWatchMeasurement({
    item: due.item,
    value: m.value,
    evidence: m.evidence,
    version: plan.release.version,
  });
}
