/**
 * The signed-in user's API tokens for this project: create one (its secret shown once, with a
 * copy button, and kept nowhere but this component until dismissed), list them with when they
 * were last used and when they expire, revoke one. A token acts with the roles chosen, never
 * more than its creator holds.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { apiGet, apiRequest } from '../web-api.ts';
import { ErrorNote } from '../web-errors.tsx';
import { formatTime } from '../web-format.ts';
import { isProjectRole, projectRoles } from '../playbook/playbook-types.ts';
import type { CreatedToken, Token } from '../playbook/playbook-types.ts';
import { ScrollTable } from '../web-table.tsx';

const tokensKey = ['tokens'] as const;
const lifetimes: [string, number | undefined][] = [
  ['30 days', 30],
  ['90 days', 90],
  ['1 year', 365],
  ['never', undefined],
];

function ShownOnce({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState<string | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.secret);
      setCopied('Copied.');
    } catch {
      setCopied('Copying was refused; select the text and copy it.');
    }
  };
  return (
    <div className="card token-once" role="region" aria-label="New token">
      <p>
        <strong>Token “{token.name}” created.</strong> Copy it now: it is shown this once and never
        again.
      </p>
      <p>
        <code className="token-secret">{token.secret}</code>
      </p>
      <button type="button" onClick={() => void copy()}>
        Copy
      </button>{' '}
      <button type="button" className="primary" onClick={onDone}>
        Done, hide it
      </button>
      {copied ? (
        <span role="status" className="muted">
          {' '}
          {copied}
        </span>
      ) : null}
    </div>
  );
}

/** The tokens panel. */
export function TokensPanel({ project, myRoles }: { project: string; myRoles: string[] }) {
  const client = useQueryClient();
  const tokens = useQuery({
    queryKey: tokensKey,
    queryFn: async () => (await apiGet<{ tokens: Token[] }>('/tokens')).tokens,
  });
  const mine = myRoles.find(isProjectRole);
  const allowed = projectRoles.slice(0, mine ? projectRoles.indexOf(mine as 'admin') + 1 : 1);
  const mySignoff = myRoles.filter((r) => !isProjectRole(r));
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('');
  const [signoff, setSignoff] = useState<string[]>([]);
  const [days, setDays] = useState('90 days');
  const [shown, setShown] = useState<CreatedToken | undefined>();
  const chosenRole =
    role || ((allowed as readonly string[]).includes('member') ? 'member' : allowed[0]!);
  const create = useMutation({
    mutationFn: async () => {
      const life = lifetimes.find(([w]) => w === days)?.[1];
      const expiresAt =
        life === undefined ? undefined : new Date(Date.now() + life * 86_400_000).toISOString();
      return (
        await apiRequest<CreatedToken>('/tokens', {
          method: 'POST',
          json: {
            name: name.trim(),
            project,
            roles: [chosenRole, ...signoff],
            ...(expiresAt ? { expiresAt } : {}),
          },
        })
      ).data;
    },
    onSuccess: async (created) => {
      setShown(created);
      setName('');
      await client.invalidateQueries({ queryKey: tokensKey });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: tokensKey }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const list = (tokens.data ?? []).filter((t) => t.project === project);
  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Your API tokens for this project</h2>
      <p className="muted">
        For CI and the CLI: <code>GONOGO_SERVER={window.location.origin}</code> and{' '}
        <code>GONOGO_TOKEN=…</code>.
      </p>
      {shown ? <ShownOnce token={shown} onDone={() => setShown(undefined)} /> : null}
      <ErrorNote error={tokens.error} />
      {list.length === 0 && tokens.isSuccess ? <p className="muted">No tokens yet.</p> : null}
      {list.length ? (
        <ScrollTable
          className="tokens"
          head={[
            'Name',
            'Roles',
            'Created',
            'Last used',
            'Expires',
            <span className="sr-only">Revoke</span>,
          ]}
        >
          {list.map((t) => (
            <tr key={t.id}>
              <th scope="row">{t.name}</th>
              <td>{t.roles.join(', ')}</td>
              <td>{formatTime(t.createdAt)}</td>
              <td>{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'never'}</td>
              <td>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</td>
              <td>
                {t.revokedAt ? (
                  <span className="muted">revoked {formatTime(t.revokedAt)}</span>
                ) : (
                  <button
                    type="button"
                    className="small nogo"
                    disabled={revoke.isPending}
                    aria-label={`Revoke the token ${t.name}`}
                    onClick={() => revoke.mutate(t.id)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      ) : null}
      <ErrorNote error={revoke.error} />
      <form onSubmit={submit} className="stack new-token" aria-labelledby="new-token-title">
        <h3 id="new-token-title">Create a token</h3>
        <label>
          Token name
          <input required value={name} placeholder="ci" onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Acts as
          <select value={chosenRole} onChange={(e) => setRole(e.target.value)}>
            {allowed.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        {mySignoff.length ? (
          <fieldset>
            <legend>With the sign-off roles</legend>
            {mySignoff.map((r) => (
              <label key={r} className="check">
                <input
                  type="checkbox"
                  checked={signoff.includes(r)}
                  onChange={(e) =>
                    setSignoff(e.target.checked ? [...signoff, r] : signoff.filter((s) => s !== r))
                  }
                />{' '}
                {r}
              </label>
            ))}
          </fieldset>
        ) : null}
        <label>
          Expires after
          <select value={days} onChange={(e) => setDays(e.target.value)}>
            {lifetimes.map(([w]) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        </label>
        <ErrorNote error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create the token
        </button>
      </form>
    </section>
  );
}
