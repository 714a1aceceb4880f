/**
 * The sign-off panel and the gate: each gate's roles with who said go or no-go and when (stale
 * ones marked, four-eyes refusals explained), sign buttons for the roles the member holds, and
 * the next gate's GO / NO-GO with every blocker linking to its item or gate.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { apiRequest } from '../web-api.ts';
import type { Blocker, Membership, SignoffView, StatusView } from '../web-api-types.ts';
import { ErrorNote } from '../web-errors.tsx';
import { formatTime, shortCommit } from '../web-format.ts';
import { gatesOf, maySignAs } from './release-model.ts';

interface Shared {
  apiPath: string;
  etag: string | undefined;
  membership: Membership | undefined;
  onChanged: () => void;
  roleName: (role: string) => string;
}

/**
 * Go and no-go buttons for one role and target (a gate id or a sign item's id), with the
 * server's refusal shown beside them.
 */
export function SignButtons(props: Shared & { role: string; target: string; label: string }) {
  const { apiPath, etag, role, target, onChanged, roleName, label } = props;
  const [comment, setComment] = useState('');
  const sign = useMutation({
    mutationFn: (verdict: 'go' | 'no-go') =>
      apiRequest(`${apiPath}/signoffs`, {
        method: 'POST',
        json: {
          role,
          verdict,
          gate: target,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
        },
        ifMatch: etag,
      }),
    onSuccess: () => {
      setComment('');
      onChanged();
    },
    onError: () => onChanged(),
  });
  return (
    <div className="sign">
      <input
        className="comment"
        aria-label={`Comment for your sign-off as ${roleName(role)} on ${label}`}
        placeholder="Comment (optional)"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <button
        type="button"
        className="go"
        disabled={sign.isPending}
        onClick={() => sign.mutate('go')}
      >
        Go as {roleName(role)}
      </button>
      <button
        type="button"
        className="nogo"
        disabled={sign.isPending}
        onClick={() => sign.mutate('no-go')}
      >
        No-go as {roleName(role)}
      </button>
      <ErrorNote error={sign.error} />
    </div>
  );
}

/** One sign-off in words. */
export function SignoffLine({ s, roleName }: { s: SignoffView; roleName: (r: string) => string }) {
  return (
    <li className={s.stale ? 'stale' : ''}>
      <span className={`badge ${s.verdict === 'go' ? 'go' : 'no-go'}`}>
        {s.verdict === 'go' ? 'go' : 'no-go'}
      </span>{' '}
      {roleName(s.role)} · {s.actor} · <time dateTime={s.at}>{formatTime(s.at)}</time>
      {s.commit ? <span className="muted"> · commit {shortCommit(s.commit)}</span> : null}
      {s.stale ? (
        <strong className="stale-mark"> stale: given for another commit; sign again</strong>
      ) : null}
      {s.comment ? <span className="note"> “{s.comment}”</span> : null}
    </li>
  );
}

/** Every gate with its roles and sign-offs. */
export function SignoffPanel(props: Shared & { status: StatusView }) {
  const { status, roleName } = props;
  const view = status.view;
  const gates = gatesOf(view);
  return (
    <section className="card" aria-labelledby="signoffs-title">
      <h2 id="signoffs-title">Sign-offs</h2>
      {gates.length === 0 ? <p className="muted">This playbook has no gates.</p> : null}
      {gates.map((gate) => {
        const given = view.signoffs
          .filter((s) => s.target?.kind === 'gate' && s.target.id === gate.id)
          .sort((a, b) => b.at.localeCompare(a.at));
        const refusals =
          status.gate.id === gate.id
            ? status.blockers.filter((b) => b.kind === 'signoff-four-eyes')
            : [];
        return (
          <article key={gate.id} id={`gate-${gate.id}`} className="gate" tabIndex={-1}>
            <h3>
              {gate.title}
              {gate.fourEyes ? <span className="muted"> · four eyes</span> : null}
            </h3>
            {gate.roles.length === 0 ? <p className="muted">No roles need to sign here.</p> : null}
            {gate.roles.map((role) => {
              const mine = given.filter((s) => s.role === role);
              return (
                <div key={role} className="role">
                  <p>
                    <strong>{roleName(role)}</strong>
                    {mine.length === 0 ? <span className="muted"> · not signed yet</span> : null}
                  </p>
                  {mine.length ? (
                    <ul className="plain">
                      {mine.map((s, i) => (
                        <SignoffLine key={s.id ?? i} s={s} roleName={roleName} />
                      ))}
                    </ul>
                  ) : null}
                  {maySignAs(props.membership, role) ? (
                    <SignButtons {...props} role={role} target={gate.id} label={gate.title} />
                  ) : null}
                </div>
              );
            })}
            {refusals.map((b, i) => (
              <p key={i} className="refusal">
                Four eyes: {b.message}
              </p>
            ))}
          </article>
        );
      })}
    </section>
  );
}

/** Where a blocker points: its item, else its gate's sign-off card. */
function blockerHref(b: Blocker): string | undefined {
  if (b.item !== undefined) return `#item-${b.item}`;
  if (b.gate) return `#gate-${b.gate}`;
  return undefined;
}

/** The next gate's GO / NO-GO now, every blocker linked, and a button to record it. */
export function GatePanel(props: Shared & { status: StatusView }) {
  const { status, apiPath, etag, onChanged } = props;
  const go = status.outcome === 'go';
  const decide = useMutation({
    mutationFn: () =>
      apiRequest(`${apiPath}/decisions`, {
        method: 'POST',
        json: { gate: status.gate.id },
        ifMatch: etag,
      }),
    onSettled: () => onChanged(),
  });
  return (
    <section className={`card verdict ${go ? 'is-go' : 'is-no-go'}`} aria-labelledby="gate-title">
      <h2 id="gate-title">
        <span className={`badge big ${go ? 'go' : 'no-go'}`}>{go ? 'GO' : 'NO-GO'}</span>{' '}
        {status.gate.title}
      </h2>
      <p className="muted" role="status" aria-live="polite">
        {go
          ? 'Every item before this gate is accepted and every role said go.'
          : `${status.blockers.length} blocker${status.blockers.length === 1 ? '' : 's'}.`}
      </p>
      {status.blockers.length ? (
        <ul className="blockers">
          {status.blockers.map((b, i) => {
            const href = blockerHref(b);
            return <li key={i}>{href ? <a href={href}>{b.message}</a> : b.message}</li>;
          })}
        </ul>
      ) : null}
      {props.membership ? (
        <p>
          <button type="button" onClick={() => decide.mutate()} disabled={decide.isPending}>
            Record this decision
          </button>
        </p>
      ) : null}
      <ErrorNote error={decide.error} />
    </section>
  );
}
