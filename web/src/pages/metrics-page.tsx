/**
 * A project's metrics: DORA's four keys as tiles (value, level, trend against the previous
 * period; `GET .../metrics`), charts of production deployments per week, cycle time per week and
 * rollbacks per month (computed here from the releases of `GET .../analytics`, since the DORA
 * report carries totals, not series), and the process analytics as tables. The period (since,
 * until, environment) lives in the page's query string, so a view can be linked. Lazily
 * loaded: the chart library stays out of the main bundle.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { apiGet, projectPath } from '../web-api.ts';
import type { AnalyticsReport, MetricsReport } from '../web-api-types.ts';
import { ErrorNote } from '../web-errors.tsx';
import { formatTime, releaseStateWords } from '../web-format.ts';
import { Link, releaseUrl } from '../web-router.tsx';
import { useTitle } from '../web-title.ts';
import { TimeChart } from '../metrics/metrics-chart.tsx';
import type { ChartSeries } from '../metrics/metrics-chart.tsx';
import { formatDay, formatFrequency, formatShare, formatSpan } from '../metrics/metrics-format.ts';
import { monthlyRollbacks, weeklySeries } from '../metrics/metrics-series.ts';
import '../metrics/metrics-styles.css';

interface Period {
  since: string;
  until: string;
  env: string;
}

function periodFromUrl(): Period {
  const q = new URLSearchParams(window.location.search);
  return { since: q.get('since') ?? '', until: q.get('until') ?? '', env: q.get('env') ?? '' };
}

function queryOf(p: Period): string {
  const q = new URLSearchParams();
  if (p.since) q.set('since', p.since);
  if (p.until) q.set('until', p.until);
  if (p.env) q.set('env', p.env);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function MetricsPage({ project }: { project: string }) {
  useTitle('Metrics', project);
  const [period, setPeriod] = useState(periodFromUrl);
  const query = queryOf(period);
  const keys = useQuery({
    queryKey: ['metrics', project, query],
    queryFn: () => apiGet<MetricsReport>(`${projectPath(project)}/metrics${query}`),
    retry: false,
  });
  const process = useQuery({
    queryKey: ['analytics', project, query],
    queryFn: () => apiGet<AnalyticsReport>(`${projectPath(project)}/analytics${query}`),
    retry: false,
  });
  const apply = (next: Period) => {
    setPeriod(next);
    window.history.replaceState(null, '', `${window.location.pathname}${queryOf(next)}`);
  };
  const report = process.data;
  return (
    <main className="wide mx-page">
      <h1>Metrics</h1>
      <p className="muted">{project}</p>
      <PeriodForm period={period} onApply={apply} />
      {report ? (
        <p className="muted" role="status">
          Releases started {formatTime(report.period.since)} to {formatTime(report.period.until)}
          {report.truncated ? ' (only the newest were read)' : ''}.
        </p>
      ) : null}
      <section aria-labelledby="keys-title">
        <h2 id="keys-title">DORA’s four keys</h2>
        <ErrorNote error={keys.error} />
        {keys.isPending ? <p role="status">Loading…</p> : null}
        {keys.data ? <KeyTiles report={keys.data} /> : null}
      </section>
      <ErrorNote error={process.error} />
      {process.isPending ? <p role="status">Loading…</p> : null}
      {report ? <ProcessCharts report={report} /> : null}
      {report ? <ProcessTables project={project} report={report} /> : null}
    </main>
  );
}

function PeriodForm({ period, onApply }: { period: Period; onApply: (p: Period) => void }) {
  const [draft, setDraft] = useState(period);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  const field = (name: keyof Period, label: string, type: string, hint?: string) => (
    <label>
      {label}
      <input
        type={type}
        name={name}
        value={draft[name]}
        placeholder={hint}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
      />
    </label>
  );
  return (
    <form className="mx-period" onSubmit={submit} aria-label="Period">
      {field('since', 'Since', 'date')}
      {field('until', 'Until', 'date')}
      {field('env', 'Environment', 'text', 'production')}
      <button type="submit">Show</button>
    </form>
  );
}

type KeyName = keyof MetricsReport['keys'];
const keyWords: Record<KeyName, string> = {
  deploymentFrequency: 'Deployment frequency',
  leadTime: 'Lead time for changes',
  changeFailureRate: 'Change failure rate',
  recoveryTime: 'Time to restore',
};
const trendWords = { better: '↑ better', worse: '↓ worse', same: '→ same', 'n/a': 'no trend' };

/** A key's value in its unit's words. */
export function formatKey(unit: 'per-day' | 'seconds' | 'ratio', value: number | null): string {
  if (value === null) return '—';
  if (unit === 'per-day') return formatFrequency(value);
  if (unit === 'seconds') return formatSpan(value * 1000);
  return formatShare(value);
}

function KeyTiles({ report }: { report: MetricsReport }) {
  const names = Object.keys(keyWords) as KeyName[];
  return (
    <>
      <p className="muted">
        To {report.environment}, against the period before ({report.bands.source}).
      </p>
      <ul className="mx-tiles plain">
        {names.map((name) => {
          const k = report.keys[name];
          return (
            <li key={name} className="mx-tile" data-key={name} data-value={k.value ?? ''}>
              <h3>{keyWords[name]}</h3>
              <p className="mx-value">{formatKey(k.unit, k.value)}</p>
              {k.note ? <p className="muted">{k.note}</p> : null}
              <p>
                {k.level ? (
                  <span className={`mx-level level-${k.level}`}>{k.level}</span>
                ) : (
                  <span className="muted">no level</span>
                )}{' '}
                <span className={`mx-trend trend-${k.trend === 'n/a' ? 'none' : k.trend}`}>
                  {trendWords[k.trend]}
                </span>
                <span className="muted"> (before: {formatKey(k.unit, k.previous.value)})</span>
              </p>
            </li>
          );
        })}
      </ul>
    </>
  );
}

function ProcessCharts({ report }: { report: AnalyticsReport }) {
  const since = Date.parse(report.period.since);
  const until = Date.parse(report.period.until);
  const weekly = useMemo(() => weeklySeries(report.cycles, since, until), [report, since, until]);
  const monthly = useMemo(
    () => monthlyRollbacks(report.cycles, since, until),
    [report, since, until],
  );
  const weekLabel = (x: number) => `Week of ${formatDay(x * 1000)}`;
  const monthLabel = (x: number) =>
    new Date(x * 1000).toLocaleDateString(undefined, {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
  const deploys = useMemo<ChartSeries[]>(
    () => [{ label: 'Deployments', values: weekly.deployments, color: '--accent', bars: true }],
    [weekly],
  );
  const cycle = useMemo<ChartSeries[]>(
    () => [
      { label: 'Median', values: weekly.cycleMedianH, color: '--accent' },
      { label: 'p90', values: weekly.cycleP90H, color: '--nogo' },
    ],
    [weekly],
  );
  const rollbacks = useMemo<ChartSeries[]>(
    () => [{ label: 'Rolled back', values: monthly.share, color: '--nogo', bars: true }],
    [monthly],
  );
  return (
    <section aria-labelledby="charts-title">
      <h2 id="charts-title">Over time</h2>
      <p className="muted">
        From the releases gonogo recorded (the DORA report has totals only): each release counts in
        the week, or month, it first reached production.
      </p>
      <div className="mx-charts">
        <TimeChart
          id="deploys-per-week"
          title="Production deployments per week"
          xs={weekly.xs}
          xLabel={weekLabel}
          xHeading="Week"
          series={deploys}
          format={countFormat}
        />
        <TimeChart
          id="cycle-per-week"
          title="Cycle time per week (start to production)"
          xs={weekly.xs}
          xLabel={weekLabel}
          xHeading="Week"
          series={cycle}
          format={hoursFormat}
        />
        <TimeChart
          id="rollbacks-per-month"
          title="Releases rolled back per month"
          xs={monthly.xs}
          xLabel={monthLabel}
          xHeading="Month"
          series={rollbacks}
          format={formatShare}
        />
      </div>
    </section>
  );
}

const countFormat = (v: number) => String(Math.round(v * 10) / 10);
const hoursFormat = (h: number) => formatSpan(h * 3_600_000);

function Stats({ s }: { s: { medianMs?: number; p90Ms?: number; maxMs?: number; count: number } }) {
  return (
    <>
      <td>{formatSpan(s.medianMs)}</td>
      <td>{formatSpan(s.p90Ms)}</td>
      <td>{formatSpan(s.maxMs)}</td>
      <td>{s.count}</td>
    </>
  );
}

const statHeads = ['Median', 'p90', 'Max', 'Releases'];

function Table(props: { label: string; heads: string[]; children: React.ReactNode }) {
  return (
    <div className="scroll">
      <table aria-label={props.label}>
        <thead>
          <tr>
            {props.heads.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

function ProcessTables({ project, report }: { project: string; report: AnalyticsReport }) {
  const r = report.releases;
  const recent = report.cycles.slice(-30).reverse();
  return (
    <section aria-labelledby="process-title">
      <h2 id="process-title">Process</h2>
      <p>
        {r.total} releases started, {r.deployed} reached {report.environment ?? 'production'},{' '}
        {r.rolledBack} rolled back, {r.abandoned} abandoned. Cycle time (start to production):
        median {formatSpan(report.cycleTime.medianMs)}, p90 {formatSpan(report.cycleTime.p90Ms)}.
      </p>
      <div className="mx-grid">
        <section className="card" aria-labelledby="cycles-title">
          <h3 id="cycles-title">Cycle time per release</h3>
          {recent.length === 0 ? <p className="muted">No releases in this period.</p> : null}
          {recent.length ? (
            <Table label="Cycle time per release" heads={['Release', 'State', 'Started', 'Cycle']}>
              {recent.map((c) => (
                <tr key={c.version}>
                  <th scope="row">
                    <Link href={releaseUrl(project, c.version)}>{c.version}</Link>
                  </th>
                  <td>
                    {releaseStateWords[c.state] ?? c.state}
                    {c.rolledBack ? ' (rolled back)' : ''}
                  </td>
                  <td>{formatTime(c.startedAt)}</td>
                  <td>{formatSpan(c.cycleMs)}</td>
                </tr>
              ))}
            </Table>
          ) : null}
          {report.cycles.length > recent.length ? (
            <p className="muted">
              The newest {recent.length} of {report.cycles.length}.
            </p>
          ) : null}
        </section>
        <section className="card" aria-labelledby="phases-title">
          <h3 id="phases-title">Time per phase</h3>
          {report.phases.length === 0 ? <p className="muted">None yet.</p> : null}
          {report.phases.length ? (
            <Table label="Time per phase" heads={['Phase', ...statHeads, 'Not done']}>
              {report.phases.map((p) => (
                <tr key={p.phase}>
                  <th scope="row">{p.title}</th>
                  <Stats s={p} />
                  <td>{p.incomplete}</td>
                </tr>
              ))}
            </Table>
          ) : null}
        </section>
        <section className="card" aria-labelledby="waits-title">
          <h3 id="waits-title">Waiting for sign-off</h3>
          {report.signoffWaits.length === 0 ? <p className="muted">No gates.</p> : null}
          {report.signoffWaits.length ? (
            <Table label="Waiting for sign-off" heads={['Gate · role', ...statHeads, 'Pending']}>
              {report.signoffWaits.map((w) => (
                <tr key={`${w.gate} ${w.role}`}>
                  <th scope="row">
                    {w.gateTitle} · {w.role}
                  </th>
                  <Stats s={w} />
                  <td>{w.pending}</td>
                </tr>
              ))}
            </Table>
          ) : null}
        </section>
        <section className="card" aria-labelledby="slowest-title">
          <h3 id="slowest-title">Slowest items</h3>
          <p className="muted">From actionable to done, across releases.</p>
          {report.slowestItems.length === 0 ? <p className="muted">None yet.</p> : null}
          {report.slowestItems.length ? (
            <Table label="Slowest items" heads={['Item', ...statHeads]}>
              {report.slowestItems.map((i) => (
                <tr key={i.id}>
                  <th scope="row">{i.title}</th>
                  <Stats s={i} />
                </tr>
              ))}
            </Table>
          ) : null}
        </section>
        <section className="card" aria-labelledby="skipped-title">
          <h3 id="skipped-title">Most often waived or n/a</h3>
          <p className="muted">Candidates to drop from the playbook.</p>
          {report.skippedItems.length === 0 ? <p className="muted">None.</p> : null}
          {report.skippedItems.length ? (
            <Table
              label="Most often waived or n/a"
              heads={['Item', 'Share', 'Waived', 'n/a', 'Reasons']}
            >
              {report.skippedItems.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.title}</th>
                  <td>
                    {formatShare(s.share)} of {s.releases}
                  </td>
                  <td>{s.waived}</td>
                  <td>{s.na}</td>
                  <td>{s.reasons.join('; ')}</td>
                </tr>
              ))}
            </Table>
          ) : null}
        </section>
      </div>
      {report.problems.map((p) => (
        <p key={p.version} className="muted">
          {p.version}: {p.message}
        </p>
      ))}
    </section>
  );
}
