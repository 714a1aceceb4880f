/**
 * The dashboard, from one request (`GET /overview`): each project's releases in flight with
 * progress per phase and what blocks them, what runs in each environment (version, commit,
 * since when, by whom), and recent decisions, deployments and rollbacks.
 */
import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../web-api.ts';
import type { Overview } from '../web-api-types.ts';
import { ErrorNote } from '../web-errors.tsx';
import { formatTime, shortCommit } from '../web-format.ts';
import { Link, releaseUrl } from '../web-router.tsx';
import { useTitle } from '../web-title.ts';
import { ScrollTable } from '../web-table.tsx';

type ProjectOverview = Overview['projects'][number];

export function DashboardPage() {
  useTitle('Dashboard');
  const overview = useQuery({
    queryKey: ['overview'],
    queryFn: () => apiGet<Overview>('/overview'),
    // What runs where changes when any release of any project deploys. Polling while the tab is
    // visible (TanStack Query pauses the interval in a hidden tab; a return refetches) costs
    // one request every few seconds and no standing connection; a stream per release in flight
    // would hold up to ten connections per project (a browser allows six per server over
    // HTTP/1.1, starving the page's own requests), miss releases started after the load, and
    // re-read the whole overview on every tick of every release anyway.
    refetchInterval: 4_000,
    refetchOnWindowFocus: true,
  });
  return (
    <main className="wide">
      <h1>Dashboard</h1>
      <ErrorNote error={overview.error} />
      {overview.isPending ? <p role="status">Loading…</p> : null}
      {overview.data?.projects.length === 0 ? (
        <p>
          No projects yet. A server administrator creates one (New project, at the top right); the
          releases of your projects appear here.
        </p>
      ) : null}
      {overview.data?.projects.map((p) => (
        <ProjectPanel key={p.project.id} overview={p} />
      ))}
    </main>
  );
}

function ProjectPanel({ overview }: { overview: ProjectOverview }) {
  const { project, inFlight, environments, recent } = overview;
  const id = `project-${project.id.replace(/[^a-zA-Z0-9-]/g, '-')}`;
  return (
    <section className="project" aria-labelledby={id}>
      <h2 id={id}>{project.id}</h2>
      <div className="grid">
        <section className="card" aria-label={`Releases in flight in ${project.id}`}>
          <h3>Releases in flight</h3>
          {inFlight.length === 0 ? <p className="muted">None.</p> : null}
          <ul className="plain">
            {inFlight.map((r) => (
              <li key={r.release.id} className="flight">
                <p>
                  <Link href={releaseUrl(project.id, r.release.version)}>
                    Release {r.release.version}
                  </Link>{' '}
                  <span className={`badge ${r.outcome}`}>
                    {r.outcome === 'go' ? 'GO' : 'NO-GO'}
                  </span>{' '}
                  <span className="muted">at {r.gate.title}</span>
                </p>
                <ul className="plain phase-progress">
                  {r.phases.map((ph) => (
                    <li key={ph.phase}>
                      <span className="phase-name">{ph.title}</span>
                      <progress
                        max={Math.max(ph.total, 1)}
                        value={ph.accepted}
                        aria-label={`${ph.title}: ${ph.accepted} of ${ph.total} accepted`}
                      />
                      <span className="muted">
                        {ph.accepted}/{ph.total}
                        {ph.failed ? `, ${ph.failed} failed` : ''}
                      </span>
                    </li>
                  ))}
                </ul>
                {r.blockers.length ? (
                  <details>
                    <summary>
                      {r.blockers.length} blocker{r.blockers.length === 1 ? '' : 's'}
                    </summary>
                    <ul>
                      {r.blockers.slice(0, 8).map((b, i) => (
                        <li key={i}>
                          {b.item !== undefined ? (
                            <Link
                              href={`${releaseUrl(project.id, r.release.version)}#item-${b.item}`}
                            >
                              {b.message}
                            </Link>
                          ) : (
                            b.message
                          )}
                        </li>
                      ))}
                      {r.blockers.length > 8 ? <li>and {r.blockers.length - 8} more</li> : null}
                    </ul>
                  </details>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-label={`Environments of ${project.id}`}>
          <h3>What runs where</h3>
          {environments.length === 0 ? <p className="muted">Nothing deployed yet.</p> : null}
          {environments.length ? (
            <ScrollTable head={['Environment', 'Version', 'Commit', 'Since', 'By']}>
              {environments.map((e) => (
                <tr key={e.environment}>
                  <th scope="row">{e.environment}</th>
                  <td>
                    {e.current ? (
                      <Link href={releaseUrl(project.id, e.current.version)}>
                        {e.current.version}
                      </Link>
                    ) : (
                      '—'
                    )}
                    {e.rolledBack ? (
                      <span className="muted">
                        {' '}
                        ({e.rolledBack.deployment.version} rolled back)
                      </span>
                    ) : null}
                  </td>
                  <td>
                    <code>{shortCommit(e.current?.commit)}</code>
                  </td>
                  <td>
                    {formatTime(
                      e.rolledBack?.incident.openedAt ??
                        e.current?.finishedAt ??
                        e.current?.startedAt,
                    )}
                  </td>
                  <td>{e.current?.actor ?? ''}</td>
                </tr>
              ))}
            </ScrollTable>
          ) : null}
        </section>
        <section className="card" aria-label={`Recent activity in ${project.id}`}>
          <h3>Recent decisions, deployments, rollbacks</h3>
          {recent.length === 0 ? <p className="muted">Nothing yet.</p> : null}
          <ul className="plain activity">
            {recent.map((a, i) => (
              <li key={i}>
                <span className="muted">{formatTime(a.at)}</span>{' '}
                <Link href={releaseUrl(project.id, a.version)}>{a.version}</Link>{' '}
                {a.kind === 'decision'
                  ? `${a.outcome === 'go' ? 'GO' : 'NO-GO'} at ${a.gate ?? 'a gate'}`
                  : a.kind === 'deployment'
                    ? `deployed to ${a.environment ?? '?'} (${a.status ?? ''})`
                    : `rolled back ${a.environment ?? ''}: ${a.reason ?? ''}`}{' '}
                <span className="muted">by {a.actor}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </section>
  );
}
