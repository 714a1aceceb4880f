/**
 * The project pages' frame: the navigation under the header (the project → Releases, Playbook,
 * Metrics, Settings; "New project" everywhere), and the routes of those pages, loaded lazily so the
 * first page's JS stays small.
 */
import { lazy, Suspense } from 'react';
import type { ReactNode } from 'react';
import { Link } from './web-router.tsx';
import { projectOfPath, projectPageOf, projectUrl } from './web-project-url.ts';
import type { ProjectPageName } from './web-project-url.ts';
import './web-project-nav.css';

const PlaybookPage = lazy(async () => ({
  default: (await import('./pages/playbook-page.tsx')).PlaybookPage,
}));
const SettingsPage = lazy(async () => ({
  default: (await import('./pages/settings-page.tsx')).SettingsPage,
}));
const ProjectReleasesPage = lazy(async () => ({
  default: (await import('./pages/project-releases-page.tsx')).ProjectReleasesPage,
}));
// The metrics page carries the chart library: its own chunk, loaded only there.
const MetricsPage = lazy(async () => ({
  default: (await import('./pages/metrics-page.tsx')).MetricsPage,
}));
const NewProjectPage = lazy(async () => ({
  default: (await import('./pages/new-project-page.tsx')).NewProjectPage,
}));

const loading = (
  <p className="loading" role="status">
    Loading…
  </p>
);

/**
 * The page of a project path (or `/projects/new`); undefined for any other path.
 *
 * @example projectRoute('/projects/acme%2Fapp/playbook') // <PlaybookPage project="acme/app" />
 */
export function projectRoute(path: string): ReactNode | undefined {
  let page: ReactNode;
  if (path === '/projects/new') page = <NewProjectPage />;
  else {
    const at = projectPageOf(path);
    if (!at) return undefined;
    if (at.page === 'playbook') page = <PlaybookPage key={at.project} project={at.project} />;
    else if (at.page === 'metrics') page = <MetricsPage key={at.project} project={at.project} />;
    else if (at.page === 'settings') page = <SettingsPage key={at.project} project={at.project} />;
    else page = <ProjectReleasesPage key={at.project} project={at.project} />;
  }
  return <Suspense fallback={loading}>{page}</Suspense>;
}

const pages: [ProjectPageName, string][] = [
  ['releases', 'Releases'],
  ['playbook', 'Playbook'],
  ['metrics', 'Metrics'],
  ['settings', 'Settings'],
];

/** The navigation bar: the current project's pages, and a way to a new project. */
export function ProjectNav({ path }: { path: string }) {
  const project = projectOfPath(path);
  const current = projectPageOf(path)?.page;
  return (
    <nav className="project-nav" aria-label="Project">
      {project ? (
        <>
          <span className="project-name">{project}</span>
          <ul>
            {pages.map(([page, words]) => {
              const href = projectUrl(project, page);
              return (
                <li key={page}>
                  <Link href={href} {...(current === page ? { 'aria-current': 'page' } : {})}>
                    {words}
                  </Link>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
      <Link href="/projects/new" className="new-project">
        New project
      </Link>
    </nav>
  );
}
