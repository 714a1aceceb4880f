/**
 * Where the release is in its life past the gates, in the words of `gonogo status`
 * (cli-render-life.ts): the state with who, when and why; a rollback's banner with what runs
 * again and its procedure as the next thing to do; a deployed release's follow-ups with when
 * each is due.
 */
import type { ReleaseItem, StatusView } from '../web-api-types.ts';
import { formatTime, releaseStateWords, shortCommit } from '../web-format.ts';

type Life = StatusView['life'];
type ReleaseInfo = StatusView['view']['release'];

/**
 * The release's state line, and the rollback banner with its procedure when one is open.
 *
 * @example <LifeBanner release={view.release} life={status.life} items={view.items} />
 */
export function LifeBanner(props: { release: ReleaseInfo; life: Life; items: ReleaseItem[] }) {
  const { release: r, life } = props;
  const by = r.stateBy ? ` by ${r.stateBy}` : '';
  const at = r.stateAt ? `, ${formatTime(r.stateAt)}` : '';
  const rb = life.rollback;
  const ended = ['rolled-back', 'abandoned', 'superseded'].includes(r.state);
  const headline =
    r.state === 'abandoned'
      ? `Abandoned${at}${by}: ${r.stateReason ?? '(no reason)'}`
      : r.state === 'superseded'
        ? `Superseded by ${r.supersededBy ?? '?'}${at}${by}`
        : r.state === 'deployed' && life.deployedAt
          ? `Deployed to production, ${formatTime(life.deployedAt)}${by}`
          : r.state === 'finished'
            ? `Finished${at}${by}`
            : r.state === 'rolled-back'
              ? `Rolled back${at}${by}`
              : 'In progress';
  return (
    <>
      <p className={`life s-${r.state}`} data-state={r.state}>
        <span className="badge">{releaseStateWords[r.state] ?? r.state}</span> {headline}
      </p>
      {rb && (ended || !rb.incident.resolvedAt) ? (
        <section className="card rollback" role="alert" aria-labelledby="rollback-title">
          <h2 id="rollback-title">
            ROLLED BACK from {rb.deployment.environment} {formatTime(rb.incident.openedAt)} by{' '}
            {rb.incident.actor}: {rb.incident.reason}
          </h2>
          <p>
            {rb.runsNow
              ? `${rb.deployment.environment} runs ${rb.runsNow.version} again${rb.runsNow.commit ? ` (${shortCommit(rb.runsNow.commit)})` : ''}, since ${formatTime(rb.incident.openedAt)}.`
              : `${rb.deployment.environment} runs nothing gonogo recorded now.`}
          </p>
          {rb.incident.resolvedAt ? (
            <p>Rollback procedure complete, {formatTime(rb.incident.resolvedAt)}.</p>
          ) : (
            <>
              <p>
                <strong>Next: the rollback procedure</strong> ({life.rollbackOpen.length} item
                {life.rollbackOpen.length === 1 ? '' : 's'} open)
              </p>
              <ol className="procedure">
                {life.rollbackOpen.map((b, i) => (
                  <li key={b.item ?? i}>
                    {b.item !== undefined ? <a href={`#item-${b.item}`}>{b.message}</a> : b.message}
                  </li>
                ))}
              </ol>
            </>
          )}
        </section>
      ) : null}
    </>
  );
}

/**
 * A deployed release's follow-ups: what remains after production got it, soonest due first,
 * overdue ones marked; items left open before the deployment said apart.
 *
 * @example <FollowUps life={status.life} />
 */
export function FollowUps({ life }: { life: Life }) {
  if (!life.deployedAt) return null;
  const after = life.followUps.filter((f) => !f.beforeDeployment);
  const before = life.followUps.filter((f) => f.beforeDeployment);
  return (
    <section className="card" aria-labelledby="followups-title">
      <h2 id="followups-title">Follow-ups</h2>
      <p className="muted">
        {after.length
          ? `${after.length} open: what remains after the deployment, not blockers.`
          : 'None open.'}
      </p>
      {after.length ? (
        <ul className="plain followups">
          {after.map((f) => (
            <li key={f.item} className={f.overdue ? 'overdue' : ''}>
              <a href={`#item-${f.item}`}>
                #{f.item} {f.title}
              </a>{' '}
              {f.dueAt ? (
                <span className={f.overdue ? 'due overdue' : 'due'}>
                  {f.overdue ? 'overdue since' : 'due'}{' '}
                  <time dateTime={f.dueAt}>{formatTime(f.dueAt)}</time> ({f.due})
                </span>
              ) : (
                <span className="muted">no due time</span>
              )}
              {f.optional ? <span className="muted"> (optional)</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {before.length ? (
        <p className="warn">
          Left open before the deployment: {before.map((f) => `#${f.item}`).join(', ')}.
        </p>
      ) : null}
    </section>
  );
}
