import { describeReleaseState } from '../../core/release-life.ts';
import { defineCommand } from '../cli-command.ts';
import { clockOverride } from '../cli-context.ts';
import { oneLine, paint } from '../cli-output.ts';
import { clockOverrideNote, nextActions, renderBlockers, renderProgress } from '../cli-render.ts';
import {
  followUpsAsBlockers,
  renderFollowUps,
  renderWatches,
  renderLifeHeadline,
  renderRollbackOpen,
} from '../cli-render-life.ts';

export default defineCommand({
  usage: 'gonogo status [VERSION]',
  summary:
    'Where the release stands: its state (deployed, rolled back, ...), progress per phase, what blocks the next gate or what remains after the deployment, and the next actions.',
  options: {},
  positionals: [0, 1],
  async run(ctx, _v, [version]) {
    const svc = await ctx.service({ mustExist: true });
    const v = version ?? ctx.release;
    const { view, gate, outcome, blockers, phases, life, locks } = await svc.getStatus(
      v ? { version: v } : {},
    );
    const r = view.release;
    const ended = r.state === 'abandoned' || r.state === 'superseded';
    // What to do next follows the release's life: the rollback procedure, then follow-ups,
    // then the gate.
    const gateId = gate.kind === 'release' ? undefined : gate.id;
    const actions = ended
      ? []
      : life.rollbackOpen.length
        ? nextActions(view, life.rollbackOpen, 5)
        : blockers.length || r.state === 'active'
          ? nextActions(view, blockers, 5, gateId)
          : nextActions(view, followUpsAsBlockers(life.followUps), 5);
    // The gate was judged at the overridden time: say so, with the real time beside it.
    const clock = clockOverride();
    if (ctx.json) {
      ctx.output.out(
        JSON.stringify({
          release: view.release,
          state: describeReleaseState(r),
          phases,
          gate: { id: gate.id, title: gate.title, outcome, blockers },
          life,
          locks: locks ?? [],
          next: actions,
          // The time the gate was judged at; the real time is this moment, left out so the same
          // record reads the same.
          ...(clock ? { clock: { overridden: true, at: clock.at } } : {}),
        }),
      );
      return 0;
    }
    const o = ctx.output;
    o.out(
      `${paint(o, 'bold', `${oneLine(view.playbook.name)} ${r.version}`)}  ${oneLine(describeReleaseState(r))}${r.type ? ` · ${r.type}` : ''} · commit ${r.commit?.slice(0, 10) ?? '(none)'}`,
    );
    if (r.supersedes) o.out(paint(o, 'gray', `  supersedes ${oneLine(r.supersedes)}`));
    for (const l of locks ?? [])
      o.out(
        paint(
          o,
          'red',
          `  ${l.environment} is LOCKED by ${oneLine(l.actor)} at ${l.at.slice(0, 16).replace('T', ' ')}: ${oneLine(l.reason)} (gonogo unlock ${l.environment})`,
        ),
      );
    if (clock) o.out(paint(o, 'yellow', clockOverrideNote(clock.at, clock.realAt)));
    const headline = renderLifeHeadline(o, view, life);
    if (headline.length) o.out(...headline, '');
    for (const line of renderProgress(o, phases)) o.out(line);
    if (life.rollbackOpen.length) o.out('', ...renderRollbackOpen(o, life.rollbackOpen));
    const pastGates = r.state === 'deployed' || r.state === 'finished' || r.state === 'rolled-back';
    if (!ended && (!pastGates || blockers.length)) {
      const verdict =
        outcome === 'go'
          ? paint(o, 'green', 'GO')
          : paint(o, 'red', `NO-GO, ${blockers.length} blocker${blockers.length === 1 ? '' : 's'}`);
      o.out(
        '',
        `${gate.kind === 'release' ? 'Release' : `Gate "${oneLine(gate.title)}"`}: ${verdict}`,
      );
      for (const line of renderBlockers(o, blockers, { max: 8, width: 75 })) o.out(line);
    }
    const watches = renderWatches(o, life, new Date());
    if (watches.length) o.out('', ...watches);
    if (r.state === 'deployed') o.out('', ...renderFollowUps(o, life.followUps));
    if (actions.length) {
      o.out('', 'Next:');
      for (const a of actions) o.out(`  ${a}`);
    } else if (outcome === 'go' && r.state === 'active') {
      o.out('', 'Next:', '  gonogo decide');
    } else if (r.state === 'superseded' && r.supersededBy) {
      o.out('', 'Next:', `  gonogo status ${r.supersededBy}`);
    }
    return 0;
  },
});
