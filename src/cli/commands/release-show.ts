import { describeReleaseState } from '../../core/release-life.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine, paint } from '../cli-output.ts';
import { renderItems } from '../cli-render.ts';

export default defineCommand({
  usage: 'gonogo release show [VERSION]',
  summary: 'Shows a release with every item, its sign-offs, decisions and deployments.',
  options: {},
  positionals: [0, 1],
  async run(ctx, _v, [version]) {
    const svc = await ctx.service({ mustExist: true });
    const view = await svc.getRelease({
      ...((version ?? ctx.release) ? { version: version ?? ctx.release } : {}),
    });
    if (ctx.json) {
      ctx.output.out(JSON.stringify(view));
      return 0;
    }
    const o = ctx.output;
    const r = view.release;
    o.out(
      `${paint(o, 'bold', `${oneLine(view.playbook.name)} ${r.version}`)}  ${oneLine(describeReleaseState(r))}${r.stateBy && r.stateAt ? ` (${r.stateAt.slice(0, 16).replace('T', ' ')} by ${oneLine(r.stateBy)})` : ''}${r.type ? `, ${r.type}` : ''}, commit ${r.commit?.slice(0, 12) ?? '(none)'}, started ${r.createdAt.slice(0, 16).replace('T', ' ')} by ${oneLine(r.createdBy)}`,
    );
    for (const line of renderItems(o, view)) o.out(line);
    if (view.signoffs.length) {
      o.out('', paint(o, 'bold', 'Sign-offs'));
      for (const s of view.signoffs)
        o.out(
          `  ${s.role}: ${s.verdict === 'go' ? paint(o, 'green', 'go') : paint(o, 'red', 'no-go')}${s.target ? ` for ${s.target.kind} ${oneLine(s.target.id)}` : ''} by ${oneLine(s.actor)}${s.stale ? paint(o, 'yellow', ' (stale)') : ''}${s.carriedFrom ? paint(o, 'gray', ` (carried from ${oneLine(s.carriedFrom)})`) : ''}${s.comment ? ` — ${oneLine(s.comment)}` : ''}`,
        );
    }
    if (view.decisions.length) {
      o.out('', paint(o, 'bold', 'Decisions'));
      for (const d of view.decisions)
        o.out(
          `  ${d.at.slice(0, 16).replace('T', ' ')} ${d.gate}: ${d.outcome === 'go' ? paint(o, 'green', 'GO') : paint(o, 'red', 'NO-GO')} (${d.blockers.length} blockers) by ${oneLine(d.actor)}`,
        );
    }
    if (view.deployments.length) {
      o.out('', paint(o, 'bold', 'Deployments'));
      for (const d of view.deployments)
        o.out(
          `  ${d.startedAt.slice(0, 16).replace('T', ' ')} ${d.environment}: ${d.status} by ${oneLine(d.actor)}`,
        );
    }
    if (view.incidents.length) {
      o.out('', paint(o, 'bold', 'Rollbacks and incidents'));
      for (const i of view.incidents)
        o.out(
          `  ${i.openedAt.slice(0, 16).replace('T', ' ')} ${i.kind} by ${oneLine(i.actor)} — ${oneLine(i.reason)}${i.resolvedAt ? `; resolved ${i.resolvedAt.slice(0, 16).replace('T', ' ')}` : '; open'}`,
        );
    }
    if (view.overrides.length) {
      o.out('', paint(o, 'bold', 'Overrides'));
      for (const x of view.overrides)
        o.out(
          `  ${x.at.slice(0, 16).replace('T', ' ')} ${x.kind === 'window' ? `window at gate ${x.gate}` : `forced to ${x.environment} past ${x.blockers.length} blockers`} by ${oneLine(x.actor)} as ${x.role} — ${oneLine(x.reason)}`,
        );
    }
    return 0;
  },
});
