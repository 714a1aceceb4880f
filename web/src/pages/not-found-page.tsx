/** A path the app does not know. */
import { Link } from '../web-router.tsx';
import { useTitle } from '../web-title.ts';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <main className="narrow">
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <Link href="/">Go to the dashboard</Link>.
      </p>
    </main>
  );
}
