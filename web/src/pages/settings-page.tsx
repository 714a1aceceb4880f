/**
 * A project's settings: its members and their roles (editable by its admins), the signed-in
 * user's API tokens for it, and the release window of its playbook in words.
 */
import { ErrorNote } from '../web-errors.tsx';
import { useTitle } from '../web-title.ts';
import { windowInWords } from '../playbook/playbook-window.ts';
import { useCurrentPlaybook, useMembers, useMyRoles } from '../playbook/project-queries.ts';
import { MembersPanel } from '../settings/settings-members.tsx';
import { TokensPanel } from '../settings/settings-tokens.tsx';
import '../playbook/playbook-styles.css';

export function SettingsPage({ project }: { project: string }) {
  useTitle('Settings', project);
  const current = useCurrentPlaybook(project);
  const members = useMembers(project);
  const myRoles = useMyRoles(project);
  const playbook = current.data?.playbook;
  const window = playbook ? windowInWords(playbook.policy.window) : undefined;
  return (
    <main className="wide pb-page">
      <h1>Settings</h1>
      <p className="muted">{project}</p>
      <section className="card" aria-labelledby="window-title">
        <h2 id="window-title">Release window</h2>
        <p className="pb-window">
          {current.isPending
            ? 'Loading…'
            : !playbook
              ? 'No playbook yet, so no window.'
              : (window ?? 'Any time: the playbook sets no release window.')}
        </p>
      </section>
      <ErrorNote error={members.error ?? current.error} />
      {members.data ? (
        <MembersPanel
          project={project}
          members={members.data}
          playbook={playbook}
          isAdmin={myRoles.includes('admin')}
        />
      ) : null}
      <TokensPanel key={myRoles.join(',')} project={project} myRoles={myRoles} />
    </main>
  );
}
