/**
 * A project's playbook page: the compiled playbook it stored last, a form to start a release
 * from it, the import box (Markdown → preview → save) and the YAML box (lint with places).
 */
import { ErrorNote } from '../web-errors.tsx';
import { useTitle } from '../web-title.ts';
import { ImportBox } from '../playbook/playbook-import.tsx';
import { LintBox } from '../playbook/playbook-lint.tsx';
import { StartRelease } from '../playbook/playbook-start.tsx';
import { PlaybookView } from '../playbook/playbook-view.tsx';
import { useCurrentPlaybook, useMyRoles } from '../playbook/project-queries.ts';
import '../playbook/playbook-styles.css';

const managers = new Set(['release-manager', 'admin']);

export function PlaybookPage({ project }: { project: string }) {
  useTitle('Playbook', project);
  const current = useCurrentPlaybook(project);
  const roles = useMyRoles(project);
  const canManage = roles.some((r) => managers.has(r));
  const stored = current.data;
  return (
    <main className="wide pb-page">
      <h1>Playbook</h1>
      <p className="muted">{project}</p>
      <ErrorNote error={current.error} />
      {current.isPending ? <p role="status">Loading…</p> : null}
      {stored === null ? (
        <p className="pb-empty">
          No playbook yet. Import your Markdown checklist below, or paste a gonogo.yaml, and save it
          as the project’s playbook.
        </p>
      ) : null}
      {stored ? (
        <>
          {canManage ? (
            <StartRelease project={project} hash={stored.hash} types={stored.playbook.types} />
          ) : null}
          <section className="card" aria-labelledby="current-title">
            <h2 id="current-title">
              {stored.playbook.name}{' '}
              <span className="muted pb-hash">
                <code>{stored.hash.slice(0, 12)}</code>
              </span>
            </h2>
            <PlaybookView playbook={stored.playbook} label="The project’s playbook" />
          </section>
        </>
      ) : null}
      <ImportBox project={project} canSave={canManage} />
      <LintBox project={project} canSave={canManage} />
    </main>
  );
}
