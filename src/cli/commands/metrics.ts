import { UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';
import { renderMetrics } from '../cli-metrics-render.ts';

export default defineCommand({
  usage:
    'gonogo metrics [--since DATE] [--until DATE] [--env ENV] [--tz ZONE] [--bands 2023|2021] [--project P]',
  summary:
    "DORA's four keys of ENV (production by default) from what gonogo recorded: deployment frequency, lead time for changes, change failure rate and failed deployment recovery time, each with its DORA performance level and its trend against the period before of the same length. DATE is YYYY-MM-DD in --tz (UTC by default; --until includes that day) or an ISO time; the period is the last 90 days by default. Definitions: docs/metrics.md.",
  options: {
    since: { type: 'string' },
    until: { type: 'string' },
    env: { type: 'string' },
    tz: { type: 'string' },
    bands: { type: 'string' },
  },
  async run(ctx, v) {
    if (v.bands !== undefined && v.bands !== '2023' && v.bands !== '2021')
      throw new UsageError(`--bands is 2023 or 2021, not "${v.bands}"`, { field: 'bands' });
    const svc = await ctx.service({ mustExist: true });
    const report = await svc.getMetrics({
      ...(v.since !== undefined ? { since: v.since } : {}),
      ...(v.until !== undefined ? { until: v.until } : {}),
      ...(v.env !== undefined ? { env: v.env } : {}),
      ...(v.tz !== undefined ? { tz: v.tz } : {}),
      ...(v.bands !== undefined ? { bands: v.bands as '2023' | '2021' } : {}),
    });
    // The process analytics (cycle time, phase time, sign-off waits) join the report here as
    // `process`, in JSON and as a section after the four keys.
    if (ctx.json) {
      ctx.output.out(JSON.stringify(report));
      return 0;
    }
    for (const line of renderMetrics(ctx.output, report)) ctx.output.out(line);
    return 0;
  },
});
