/**
 * A project's members and their roles: one project role each (viewer, member, release manager,
 * admin) and the playbook's sign-off roles as checkboxes. Only the project's admins see the
 * controls. The API keeps no version of a membership, so a save first re-reads the member: when
 * someone changed the roles meanwhile, the current roles are shown and the input is kept (the
 * next save, on purpose, overwrites). Adding a member by e-mail; a user who does not exist yet
 * can be created by a server administrator (POST /users) on the spot.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { apiGet, apiRequest, ApiFailure, projectPath } from '../web-api.ts';
import { ErrorNote } from '../web-errors.tsx';
import { isProjectRole, projectRoles } from '../playbook/playbook-types.ts';
import type { Member, Playbook } from '../playbook/playbook-types.ts';
import { membersKey } from '../playbook/project-queries.ts';

const roleWords: Record<string, string> = {
  viewer: 'Viewer',
  member: 'Member',
  'release-manager': 'Release manager',
  admin: 'Admin',
};

const memberPath = (project: string, user: string) =>
  `${projectPath(project)}/members/${encodeURIComponent(user)}`;

const sameRoles = (a: readonly string[], b: readonly string[]) =>
  [...a].sort().join('\n') === [...b].sort().join('\n');

/** The sign-off roles to offer: the playbook's, and any a member holds that it no longer names. */
function signoffChoices(playbook: Playbook | undefined, held: readonly string[]): string[] {
  // A playbook role named like a project role (release-manager) comes with that project role.
  const ids = Object.keys(playbook?.roles ?? {}).filter((r) => !isProjectRole(r));
  return [...ids, ...held.filter((r) => !isProjectRole(r) && !ids.includes(r))];
}

function RolePicker(props: {
  idBase: string;
  playbook: Playbook | undefined;
  roles: string[];
  onChange: (roles: string[]) => void;
}) {
  const { idBase, playbook, roles, onChange } = props;
  const projectRole = roles.find(isProjectRole) ?? 'member';
  const signoff = roles.filter((r) => !isProjectRole(r));
  const setProjectRole = (r: string) => onChange([r, ...signoff]);
  const toggle = (r: string, on: boolean) =>
    onChange([projectRole, ...(on ? [...signoff, r] : signoff.filter((s) => s !== r))]);
  return (
    <div className="roles-picker">
      <label>
        Project role
        <select value={projectRole} onChange={(e) => setProjectRole(e.target.value)}>
          {projectRoles.map((r) => (
            <option key={r} value={r}>
              {roleWords[r]}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Sign-off roles</legend>
        {signoffChoices(playbook, signoff).map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              id={`${idBase}-${r}`}
              checked={signoff.includes(r)}
              onChange={(e) => toggle(r, e.target.checked)}
            />{' '}
            {playbook?.roles[r] ?? r}
            {playbook?.roles[r] ? null : <span className="muted"> (not in the playbook)</span>}
          </label>
        ))}
        {signoffChoices(playbook, signoff).length === 0 ? (
          <span className="muted">The playbook names no other roles.</span>
        ) : null}
        {Object.keys(playbook?.roles ?? {}).some(isProjectRole) ? (
          <span className="muted small-note">
            {Object.keys(playbook?.roles ?? {})
              .filter(isProjectRole)
              .map((r) => playbook?.roles[r] ?? r)
              .join(', ')}
            : signed by the project role of that name or a higher one.
          </span>
        ) : null}
      </fieldset>
    </div>
  );
}

function roleText(playbook: Playbook | undefined, roles: readonly string[]): string {
  return roles.map((r) => roleWords[r] ?? playbook?.roles[r] ?? r).join(', ');
}

function MemberRow(props: {
  project: string;
  member: Member;
  playbook: Playbook | undefined;
  canEdit: boolean;
}) {
  const { project, member, playbook, canEdit } = props;
  const client = useQueryClient();
  const [base, setBase] = useState(member.roles);
  const [roles, setRoles] = useState(member.roles);
  const [changed, setChanged] = useState<string[] | undefined>();
  const path = memberPath(project, member.user.email || member.user.id);
  const save = useMutation({
    mutationFn: async () => {
      const now = (await apiGet<Member>(path)).roles;
      if (!sameRoles(now, base)) {
        setBase(now);
        setChanged(now);
        return undefined;
      }
      return (await apiRequest<Member>(path, { method: 'PUT', json: { roles } })).data;
    },
    onSuccess: async (saved) => {
      if (!saved) return;
      setChanged(undefined);
      setBase(saved.roles);
      setRoles(saved.roles);
      await client.invalidateQueries({ queryKey: membersKey(project) });
    },
  });
  const who = member.user.name ? `${member.user.name} <${member.user.email}>` : member.user.email;
  if (!canEdit) {
    return (
      <li className="member">
        <span className="member-who">{who}</span>{' '}
        <span className="muted">{roleText(playbook, member.roles)}</span>
      </li>
    );
  }
  return (
    <li className="member">
      <span className="member-who">{who}</span>
      <RolePicker
        idBase={`m-${member.user.id}`}
        playbook={playbook}
        roles={roles}
        onChange={setRoles}
      />
      {changed ? (
        <p className="error" role="alert">
          <strong>Changed meanwhile.</strong> Someone set the roles to {roleText(playbook, changed)}
          . Your choice is kept; save again to replace them.
        </p>
      ) : null}
      <ErrorNote error={save.error} />
      <button
        type="button"
        className="small"
        disabled={save.isPending || sameRoles(roles, base)}
        onClick={() => save.mutate()}
        aria-label={`Save roles of ${member.user.email}`}
      >
        Save roles
      </button>
      {save.isSuccess && save.data ? (
        <span role="status" className="muted">
          {' '}
          Saved.
        </span>
      ) : null}
    </li>
  );
}

function AddMember({ project, playbook }: { project: string; playbook: Playbook | undefined }) {
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<string[]>(['member']);
  const [missing, setMissing] = useState(false);
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const add = useMutation({
    mutationFn: async (createFirst: boolean) => {
      if (createFirst) {
        await apiRequest('/users', {
          method: 'POST',
          json: { email: email.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) },
        });
      }
      return apiRequest<Member>(memberPath(project, email.trim()), {
        method: 'PUT',
        json: { roles },
      });
    },
    onError: (e) => {
      if (e instanceof ApiFailure && e.status === 404 && e.body.error.field === 'user') {
        setMissing(true);
      }
    },
    onSuccess: async () => {
      setEmail('');
      setPassword('');
      setName('');
      setMissing(false);
      setRoles(['member']);
      await client.invalidateQueries({ queryKey: membersKey(project) });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(missing);
  };
  return (
    <form onSubmit={submit} className="stack add-member" aria-labelledby="add-member-title">
      <h3 id="add-member-title">Add a member</h3>
      <label>
        Member e-mail
        <input
          type="email"
          required
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            setMissing(false);
          }}
        />
      </label>
      <RolePicker idBase="new-member" playbook={playbook} roles={roles} onChange={setRoles} />
      {missing ? (
        <div className="card">
          <p>
            No user has this e-mail yet. A server administrator can create the account now; tell the
            person their first password.
          </p>
          <label>
            Their name (optional)
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            First password (at least 12 characters)
            <input
              type="password"
              autoComplete="new-password"
              required
              minLength={12}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
        </div>
      ) : null}
      {add.error && !(missing && add.error instanceof ApiFailure && add.error.status === 404) ? (
        <ErrorNote error={add.error} />
      ) : null}
      <button type="submit" className="primary" disabled={add.isPending}>
        {missing ? 'Create the user and add them' : 'Add the member'}
      </button>
      {add.isSuccess ? <p role="status">Added.</p> : null}
    </form>
  );
}

/** The members list; editing controls for the project's admins only. */
export function MembersPanel(props: {
  project: string;
  members: Member[];
  playbook: Playbook | undefined;
  isAdmin: boolean;
}) {
  const { project, members, playbook, isAdmin } = props;
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {!isAdmin ? (
        <p className="muted">Only the project’s admins change members and roles.</p>
      ) : null}
      <ul className="plain members">
        {members.map((m) => (
          <MemberRow
            key={m.user.id}
            project={project}
            member={m}
            playbook={playbook}
            canEdit={isAdmin}
          />
        ))}
      </ul>
      {isAdmin ? <AddMember project={project} playbook={playbook} /> : null}
    </section>
  );
}
