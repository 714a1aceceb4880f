/**
 * What `gonogo watch` and `gonogo baseline capture` share: the Prometheus server to ask (the
 * playbook's, or GONOGO_PROMETHEUS_URL) and where measurements run (the measuring itself is
 * `jobs/watch-take.ts`, shared with the server's scheduler).
 */
import { queryPrometheus } from '../checks/watch-measure.ts';
import { prometheusOf as prometheusIn } from '../jobs/watch-take.ts';
import type { MeasureSetting } from '../jobs/watch-take.ts';
import type { ReleaseService, WatchPlan } from '../service/service-contract.ts';
import type { Context } from './cli-context.ts';
import { clockFromEnv } from './cli-context.ts';

/** The Prometheus server of a plan, GONOGO_PROMETHEUS_URL first. */
export function prometheusOf(plan: Pick<WatchPlan, 'prometheus'>) {
  return prometheusIn(plan, process.env);
}

/** Where the CLI's measurements run: the repository root, its environment, its clock. */
export function measureSettingOf(ctx: Context): MeasureSetting {
  return { root: ctx.root, env: process.env, now: clockFromEnv() ?? (() => new Date()) };
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
