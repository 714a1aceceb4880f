/** A project's releases, newest first (`GET .../releases`), each linking to its page. */
import { useQuery } from '@tanstack/react-query';
import { apiGet, projectPath } from '../web-api.ts';
import { ErrorNote } from '../web-errors.tsx';
import { formatTime, shortCommit } from '../web-format.ts';
import { Link, releaseUrl } from '../web-router.tsx';
import { useTitle } from '../web-title.ts';
import type { ReleaseList } from '../playbook/playbook-types.ts';
import { ScrollTable } from '../web-table.tsx';

export function ProjectReleasesPage({ project }: { project: string }) {
  useTitle('Releases', project);
  const list = useQuery({
    queryKey: ['releases', project],
    queryFn: () => apiGet<ReleaseList>(`${projectPath(project)}/releases`),
  });
  return (
    <main className="wide">
      <h1>Releases</h1>
      <p className="muted">{project}</p>
      <ErrorNote error={list.error} />
      {list.isPending ? <p role="status">Loading…</p> : null}
      {list.data?.releases.length === 0 ? <p>No releases yet.</p> : null}
      {list.data?.releases.length ? (
        <ScrollTable head={['Version', 'State', 'Commit', 'Started', 'By']}>
          {list.data.releases.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link href={releaseUrl(project, r.version)}>{r.version}</Link>
              </th>
              <td>{r.state}</td>
              <td>
                <code>{shortCommit(r.commit)}</code>
              </td>
              <td>{formatTime(r.createdAt)}</td>
              <td>{r.createdBy}</td>
            </tr>
          ))}
        </ScrollTable>
      ) : null}
    </main>
  );
}
