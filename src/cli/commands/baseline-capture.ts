import { UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';
import { captureBaselineNow } from '../cli-watch.ts';

export default defineCommand({
  usage: 'gonogo baseline capture [--json]',
  summary:
    'Reads each metric of the playbook that has a query (metrics:) from Prometheus now and records the values as the release\'s baseline, for criteria such as "p99_latency > 2x baseline". gonogo deploy does this by itself before a production deployment.',
  options: {},
  positionals: [0, 0],
  async run(ctx) {
    const svc = await ctx.service({ mustExist: true });
    const plan = await svc.planWatches(ctx.release ? { version: ctx.release } : {});
    const values = await captureBaselineNow(svc, plan);
    if (!values)
      throw new UsageError(
        plan.metrics.length
          ? 'no Prometheus server to ask: set prometheus: { url: ... } in the playbook or GONOGO_PROMETHEUS_URL'
          : 'the playbook has no metric with a query: declare metrics: { ID: { title: ..., query: "PromQL" } }',
      );
    if (ctx.json) ctx.output.out(JSON.stringify({ version: plan.release.version, values }));
    else
      for (const v of values)
        ctx.output.out(
          `baseline ${v.metric} = ${v.value !== undefined ? v.value : `none (${v.error})`}`,
        );
    return values.every((v) => v.value !== undefined) ? 0 : 1;
  },
});
