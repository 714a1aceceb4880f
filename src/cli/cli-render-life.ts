/**
 * How `status` tells a release's life past its gates: the production deployment, the
 * follow-ups that remain with when they are due, a rollback with what runs again, and the end
 * of an abandoned or superseded release.
 */
import { formatNumbers } from '../core/item-refs.ts';
import type { FollowUp } from '../core/release-life.ts';
import type { Blocker } from '../core/release-model.ts';
import type { ReleaseLife, ReleaseView } from '../service/service-contract.ts';
import type { Output } from './cli-output.ts';
import { oneLine, paint } from './cli-output.ts';
import { renderBlockers } from './cli-render.ts';

const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/**
 * The lines that lead `status` for a release that left "in progress": what happened, when, who
 * and why. Empty for a release in progress without a rollback.
 *
 * @example renderLifeHeadline(o, view, life) // ['ROLLED BACK from production 2026-11-23 14:02 by ana: error rate 7%', ...]
 */
export function renderLifeHeadline(o: Output, view: ReleaseView, life: ReleaseLife): string[] {
  const r = view.release;
  const by = r.stateBy ? ` by ${oneLine(r.stateBy)}` : '';
  const at = r.stateAt ? ` ${when(r.stateAt)}` : '';
  const out: string[] = [];
  const rb = life.rollback;
  if (r.state === 'abandoned') {
    out.push(paint(o, 'gray', `ABANDONED${at}${by}: ${oneLine(r.stateReason ?? '(no reason)')}`));
  } else if (r.state === 'superseded') {
    out.push(paint(o, 'gray', `SUPERSEDED by ${oneLine(r.supersededBy ?? '?')}${at}${by}`));
  }
  const ended = ['rolled-back', 'abandoned', 'superseded'].includes(r.state);
  if (rb && (ended || !rb.incident.resolvedAt)) {
    out.push(
      paint(
        o,
        'red',
        `ROLLED BACK from ${rb.deployment.environment} ${when(rb.incident.openedAt)} by ${oneLine(rb.incident.actor)}: ${oneLine(rb.incident.reason)}`,
      ),
    );
    const runs = rb.runsNow;
    // The target in words, the version production runs again included.
    out.push(
      `  rolled ${rb.deployment.environment} back from ${rb.deployment.version} to ${runs ? runs.version : '(no earlier version recorded there)'}`,
    );
    out.push(
      runs
        ? `  ${rb.deployment.environment} runs ${runs.version} again${runs.commit ? ` (${runs.commit.slice(0, 10)})` : ''}, since ${when(rb.incident.openedAt)}`
        : `  ${rb.deployment.environment} runs nothing gonogo recorded now`,
    );
    out.push(
      rb.incident.resolvedAt
        ? `  rollback procedure complete ${when(rb.incident.resolvedAt)}`
        : `  rollback procedure: ${life.rollbackOpen.length} item${life.rollbackOpen.length === 1 ? '' : 's'} open`,
    );
  } else if (r.state === 'deployed' && life.deployedAt) {
    out.push(paint(o, 'green', `DEPLOYED to production ${when(life.deployedAt)}${by}`));
  } else if (r.state === 'finished') {
    out.push(paint(o, 'green', `FINISHED${at}${by}`));
  }
  return out;
}

/**
 * The follow-ups once production runs the release: each with its due time (overdue in red),
 * soonest first, at most `max`.
 *
 * @example renderFollowUps(o, life.followUps, now) // ['Follow-ups: 14 open, not blockers', '  #88 ... due +24h (2026-11-24 10:00)']
 */
export function renderFollowUps(o: Output, all: FollowUp[], max = 8): string[] {
  const followUps = all.filter((f) => !f.beforeDeployment);
  const leftOpen = all.filter((f) => f.beforeDeployment);
  const out = [
    followUps.length
      ? `Follow-ups: ${followUps.length} open (what remains after the deployment, not blockers)`
      : 'Follow-ups: none open',
  ];
  for (const f of followUps.slice(0, max)) {
    const due = f.dueAt
      ? f.overdue
        ? paint(o, 'red', `overdue since ${when(f.dueAt)} (${f.due})`)
        : `due ${when(f.dueAt)} (${f.due})`
      : paint(o, 'gray', 'no due time');
    const optional = f.optional ? paint(o, 'gray', ' (optional)') : '';
    const title = oneLine(f.title);
    out.push(
      `  #${f.item} ${JSON.stringify(title.length > 50 ? `${title.slice(0, 49)}…` : title)}  ${due}${optional}`,
    );
  }
  if (followUps.length > max) out.push(paint(o, 'gray', `  … and ${followUps.length - max} more`));
  // Items before the deployment point still open went out unchecked: said apart, not hidden.
  if (leftOpen.length)
    out.push(
      paint(
        o,
        'yellow',
        `Left open before the deployment: ${leftOpen.length} item${leftOpen.length === 1 ? '' : 's'} (${formatNumbers(leftOpen.map((f) => f.item))})`,
      ),
    );
  return out;
}

/** The rollback procedure's open items, as `status` lists blockers. */
export function renderRollbackOpen(o: Output, open: Blocker[]): string[] {
  return open.length
    ? ['Rollback procedure:', ...renderBlockers(o, open, { max: 8, width: 75 })]
    : [];
}

/** Follow-ups as blockers, so the next actions can name the commands that close them. */
export function followUpsAsBlockers(followUps: FollowUp[]): Blocker[] {
  return followUps
    .filter((f) => !f.optional)
    .map((f) => ({ kind: 'item-open', message: f.title, item: f.item }));
}

/**
 * The watch windows: a failed one's rollback recommendation first, then each window with its
 * countdown, latest value, criteria and outcome.
 *
 * @example renderWatches(o, life, new Date()) // ['ROLLBACK RECOMMENDED: #31 Errors stay low: ...', 'Watches:', ...]
 */
export function renderWatches(o: Output, life: ReleaseLife, now: Date): string[] {
  const out: string[] = [];
  for (const r of life.rollbackRecommended ?? [])
    out.push(
      paint(
        o,
        'red',
        `ROLLBACK RECOMMENDED: #${r.item} ${oneLine(r.title)} failed: ${oneLine(r.evidence)}`,
      ),
      `  gonogo rollback production --reason ${JSON.stringify(`watch #${r.item} failed`)}`,
    );
  for (const u of life.undecided ?? [])
    out.push(
      paint(
        o,
        'yellow',
        `A PERSON DECIDES: #${u.item} ${oneLine(u.title)} is inconclusive: ${oneLine(u.reason)}`,
      ),
      `  gonogo item done ${u.item} --note TEXT  or  gonogo item fail ${u.item} --note TEXT`,
    );
  if (!life.watches?.length) return out;
  out.push('Watches:');
  for (const w of life.watches) {
    const next = w.nextDueAt ? Date.parse(w.nextDueAt) - now.getTime() : undefined;
    const countdown =
      next === undefined ? '' : next > 0 ? `, next in ${Math.ceil(next / 1000)}s` : ', due now';
    const latest = w.latest
      ? `, latest ${w.latest.value ?? 'no value'} (${w.latest.phase}${w.latest.late ? ', late' : ''})`
      : '';
    out.push(
      `  #${w.item} ${oneLine(w.title)}: ${w.outcome} ${w.taken}/${w.count}${countdown}${latest} — ${w.measures}`,
    );
    for (const c of w.criteria) out.push(paint(o, 'gray', `      ${oneLine(c)}`));
  }
  return out;
}
