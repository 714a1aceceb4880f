/**
 * The app's frame: which page a path shows, the way in for someone not signed in (set-up while
 * the server has no user, else sign-in, then back where they were going), and the header.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { apiRequest } from './web-api.ts';
import { Link, navigate, usePath } from './web-router.tsx';
import { adoptSession, useSession, useSetupOpen } from './web-session.ts';
import { DashboardPage } from './pages/dashboard-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { ReleasePage, releaseStatusQuery } from './pages/release-page.tsx';
import { SetupPage } from './pages/setup-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { ProjectNav, projectRoute } from './web-project-nav.tsx';

const publicPaths = new Set(['/sign-in', '/setup']);

/** The whole app. */
export function App() {
  const path = usePath();
  const session = useSession();
  const signedOut = session.data === null;
  const setupOpen = useSetupOpen(signedOut);
  const client = useQueryClient();

  // A release page's status is asked for beside the session, not after it.
  useEffect(() => {
    const release = releaseOf(path);
    if (release) void client.prefetchQuery(releaseStatusQuery(release.project, release.version));
  }, [client, path]);

  useEffect(() => {
    if (!signedOut || publicPaths.has(path) || setupOpen.data === undefined) return;
    const next = encodeURIComponent(window.location.pathname + window.location.hash);
    navigate(setupOpen.data ? '/setup' : `/sign-in?next=${next}`, { replace: true });
  }, [signedOut, path, setupOpen.data]);

  if (path === '/setup') return <SetupPage />;
  if (path === '/sign-in') return <SignInPage />;
  if (session.isPending || (signedOut && setupOpen.isPending)) {
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  }
  if (session.isError) {
    return (
      <main className="narrow">
        <h1>gonogo</h1>
        <p role="alert">The server cannot be reached. The page retries when you reload it.</p>
      </main>
    );
  }
  if (!session.data) return null;
  return (
    <>
      <Header email={session.data.user.email} />
      <ProjectNav path={path} />
      <Page path={path} />
    </>
  );
}

/** The project and version a release page's path names. */
function releaseOf(path: string): { project: string; version: string } | undefined {
  const m = /^\/projects\/([^/]+)\/releases\/([^/]+)\/?$/.exec(path);
  return m ? { project: decodeURIComponent(m[1]!), version: decodeURIComponent(m[2]!) } : undefined;
}

function Page({ path }: { path: string }) {
  if (path === '/') return <DashboardPage />;
  const release = releaseOf(path);
  if (release) return <ReleasePage project={release.project} version={release.version} />;
  const projectPage = projectRoute(path);
  if (projectPage) return projectPage;
  return <NotFoundPage />;
}

function Header({ email }: { email: string }) {
  const client = useQueryClient();
  const signOut = async () => {
    await apiRequest('/session', { method: 'DELETE' }).catch(() => undefined);
    adoptSession(client, null);
    navigate('/sign-in', { replace: true });
  };
  return (
    <header className="top">
      <Link href="/" className="brand">
        gonogo
      </Link>
      <nav aria-label="Account">
        <span className="muted who">{email}</span>
        <button type="button" className="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </nav>
    </header>
  );
}
