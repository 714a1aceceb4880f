/**
 * The release's deployments (environment, status, who, when, commit, forced past NO-GO with the
 * reason) and, for a holder of the release-manager role, the controls: record a deployment to an
 * environment (the server evaluates every gate in front of it again and refuses on NO-GO with
 * the blockers; a role the policy names may then force it with a reason), and roll back an
 * environment this release runs in, with a required reason. Writes carry the ETag the page was
 * drawn from; a 409 shows what changed meanwhile and keeps the reason typed.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiFailure, apiRequest, countOfEtag } from '../web-api.ts';
import type { Membership, ReleaseEvent, ReleaseItem, StatusView } from '../web-api-types.ts';
import { ErrorNote } from '../web-errors.tsx';
import { formatTime, shortCommit } from '../web-format.ts';
import { describeEvent } from './release-event-words.ts';
import { maySignAs } from './release-model.ts';
import { ScrollTable } from '../web-table.tsx';

interface Props {
  status: StatusView;
  apiPath: string;
  etag: string | undefined;
  membership: Membership | undefined;
  onChanged: () => void;
  events: ReleaseEvent[];
  items: ReleaseItem[];
}

const endedStates = new Set(['abandoned', 'superseded']);

export function DeploymentsPanel(props: Props) {
  const { status, apiPath, etag, membership, onChanged, events, items } = props;
  const view = status.view;
  const environments = view.playbook.environments;
  const forceRoles = view.playbook.policy.force ?? [];
  const mayDeploy =
    maySignAs(membership, 'release-manager') && !endedStates.has(view.release.state);
  const mayForce = forceRoles.some((role) => maySignAs(membership, role));
  const [forceReason, setForceReason] = useState('');
  const [rollbackReason, setRollbackReason] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<string | undefined>();
  const [base, setBase] = useState<number | undefined>();

  const deploy = useMutation({
    mutationFn: (input: { environment: string; force?: string }) =>
      apiRequest(`${apiPath}/deployments`, {
        method: 'POST',
        json: {
          environment: input.environment,
          ...(input.force ? { force: { reason: input.force } } : {}),
        },
        ifMatch: etag,
      }),
    onMutate: () => setBase(countOfEtag(etag)),
    onSuccess: () => setForceReason(''),
    onSettled: () => onChanged(),
  });
  const rollback = useMutation({
    mutationFn: (input: { environment: string; reason: string }) =>
      apiRequest(`${apiPath}/rollbacks`, {
        method: 'POST',
        json: input,
        ifMatch: etag,
      }),
    onMutate: () => setBase(countOfEtag(etag)),
    onSuccess: (_answer, input) => setRollbackReason((r) => ({ ...r, [input.environment]: '' })),
    onSettled: () => onChanged(),
  });

  const forcedAt = (environment: string, at: string) =>
    view.overrides.find((o) => o.kind === 'force' && o.environment === environment && o.at === at);
  // Where this release runs now: its newest succeeded deployment per environment.
  const running = environments.filter(
    (env) => view.deployments.filter((d) => d.environment === env).at(-1)?.status === 'succeeded',
  );
  const refused = deploy.error instanceof ApiFailure && deploy.error.code === 'gate-closed';
  const deployEnv = deploy.variables?.environment;

  const rollBack = (environment: string) => {
    const reason = (rollbackReason[environment] ?? '').trim();
    if (!reason) {
      setMissing(environment);
      return;
    }
    setMissing(undefined);
    rollback.mutate({ environment, reason });
  };

  return (
    <section className="card" aria-labelledby="deployments-title">
      <h2 id="deployments-title">Deployments</h2>
      {view.deployments.length === 0 ? (
        <p className="muted">Not deployed anywhere yet.</p>
      ) : (
        <ScrollTable
          className="deployments"
          head={['Environment', 'Status', 'By', 'When', 'Commit']}
        >
          {[...view.deployments].reverse().map((d) => {
            const forced = forcedAt(d.environment, d.startedAt);
            return (
              <tr key={d.id}>
                <th scope="row">{d.environment}</th>
                <td>
                  {d.status === 'rolled-back' ? 'rolled back' : d.status}
                  {forced ? (
                    <span className="forced">
                      {' '}
                      · forced past NO-GO by {forced.actor}: {forced.reason}
                    </span>
                  ) : null}
                </td>
                <td>{d.actor}</td>
                <td>
                  <time dateTime={d.startedAt}>{formatTime(d.startedAt)}</time>
                </td>
                <td>
                  <code>{shortCommit(d.commit)}</code>
                </td>
              </tr>
            );
          })}
        </ScrollTable>
      )}
      {mayDeploy ? (
        <div className="deploy-controls">
          <p className="buttons">
            {environments.map((env) => (
              <button
                key={env}
                type="button"
                disabled={deploy.isPending}
                onClick={() => deploy.mutate({ environment: env })}
              >
                Record deployment to {env}
              </button>
            ))}
          </p>
          {deploy.error ? (
            <Refusal error={deploy.error} base={base} events={events} items={items} />
          ) : null}
          {refused && mayForce && deployEnv ? (
            <div className="force">
              <label>
                Reason to force the deployment to {deployEnv} past NO-GO
                <input value={forceReason} onChange={(e) => setForceReason(e.target.value)} />
              </label>
              <button
                type="button"
                className="nogo"
                disabled={deploy.isPending || !forceReason.trim()}
                onClick={() => deploy.mutate({ environment: deployEnv, force: forceReason.trim() })}
              >
                Force deployment to {deployEnv}
              </button>
            </div>
          ) : null}
          {running.map((env) => (
            <div key={env} className="rollback-control">
              <label>
                Why roll back {env}? (required)
                <input
                  value={rollbackReason[env] ?? ''}
                  onChange={(e) => setRollbackReason((r) => ({ ...r, [env]: e.target.value }))}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') rollBack(env);
                  }}
                />
              </label>
              <button
                type="button"
                className="nogo"
                disabled={rollback.isPending}
                onClick={() => rollBack(env)}
              >
                Roll back {env}
              </button>
              {missing === env ? (
                <p className="error" role="alert">
                  Give the reason for the rollback; it goes into the record and the banner.
                </p>
              ) : null}
              {rollback.error && rollback.variables?.environment === env ? (
                <Refusal error={rollback.error} base={base} events={events} items={items} />
              ) : null}
            </div>
          ))}
        </div>
      ) : null}
    </section>
  );
}

/**
 * A refused deployment or rollback: a 409 from a stale ETag lists what changed since the page
 * was drawn (the input stays as typed); a NO-GO lists every blocker linked to its item; anything
 * else in the service's words.
 */
function Refusal(props: {
  error: unknown;
  base: number | undefined;
  events: ReleaseEvent[];
  items: ReleaseItem[];
}) {
  const { error, base, events, items } = props;
  if (error instanceof ApiFailure && error.code === 'conflict') {
    const changed = events.filter((e) => e.seq > (base ?? 0));
    return (
      <div className="error" role="alert">
        <p>
          <strong>The release changed while you were deciding.</strong> What you typed is kept; look
          at what changed, then try again.
        </p>
        <ul className="changed">
          {changed.map((e) => (
            <li key={e.seq}>
              {e.actor}: {describeEvent(e, items).what}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const blockers = error instanceof ApiFailure ? (error.body.error.blockers ?? []) : [];
  return (
    <>
      <ErrorNote error={error} />
      {blockers.length ? (
        <ul className="blockers refused" aria-label="What blocks the deployment">
          {blockers.map((b, i) => (
            <li key={i}>
              {b.item !== undefined ? <a href={`#item-${b.item}`}>{b.message}</a> : b.message}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
