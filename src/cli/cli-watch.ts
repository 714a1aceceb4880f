/**
 * What `gonogo watch` and `gonogo baseline capture` share: the Prometheus server to ask (the
 * playbook's, or GONOGO_PROMETHEUS_URL) and the check context measurements run in.
 */
import { parseDuration } from '../core/duration.ts';
import type { CheckContext } from '../checks/check-types.ts';
import { queryPrometheus } from '../checks/watch-measure.ts';
import type { ReleaseService, WatchPlan } from '../service/service-contract.ts';
import type { Context } from './cli-context.ts';
import { clockFromEnv } from './cli-context.ts';

/** The Prometheus server of a plan, GONOGO_PROMETHEUS_URL first. */
export function prometheusOf(plan: Pick<WatchPlan, 'prometheus'>) {
  const url = process.env.GONOGO_PROMETHEUS_URL || plan.prometheus?.url;
  if (!url) return undefined;
  return { url, timeoutMs: parseDuration(plan.prometheus?.timeout ?? '10s') ?? 10_000 };
}

/** The context an http watch's check runs in. */
export function checkContextOf(ctx: Context, plan: WatchPlan, environment: string): CheckContext {
  return {
    root: ctx.root,
    version: plan.release.version,
    ...(plan.release.commit ? { commit: plan.release.commit } : {}),
    policy: {},
    environment,
    env: process.env,
    now: clockFromEnv() ?? (() => new Date()),
  };
}

/**
 * Reads each metric with a query now and records the values as the release's baseline; the
 * values, or undefined when the playbook has no metric with a query or no Prometheus server.
 *
 * @example await captureBaselineNow(svc, plan, 'production')
 */
export async function captureBaselineNow(
  svc: ReleaseService,
  plan: WatchPlan,
  environment?: string,
): Promise<{ metric: string; value?: number; error?: string }[] | undefined> {
  const prometheus = prometheusOf(plan);
  if (!plan.metrics.length || !prometheus) return undefined;
  const values = await Promise.all(
    plan.metrics.map(async ({ metric, query }) => {
      const m = await queryPrometheus(prometheus.url, query, { timeoutMs: prometheus.timeoutMs });
      if (m.value.kind === 'value') return { metric, value: m.value.value };
      if (m.value.kind === 'empty') return { metric, error: 'the query returned no value' };
      return { metric, error: m.value.message };
    }),
  );
  return svc.captureBaseline({
    values,
    version: plan.release.version,
    ...(environment ? { environment } : {}),
  });
}
