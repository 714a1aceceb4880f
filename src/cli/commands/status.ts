import { defineCommand } from '../cli-command.ts';
import { clockOverride } from '../cli-context.ts';
import { oneLine, paint } from '../cli-output.ts';
import { clockOverrideNote, nextActions, renderBlockers, renderProgress } from '../cli-render.ts';

export default defineCommand({
  usage: 'gonogo status [VERSION]',
  summary: 'Progress per phase, what blocks the next gate, and the next actions.',
  options: {},
  positionals: [0, 1],
  async run(ctx, _v, [version]) {
    const svc = await ctx.service({ mustExist: true });
    const v = version ?? ctx.release;
    const { view, gate, outcome, blockers, phases } = await svc.getStatus(v ? { version: v } : {});
    const actions = nextActions(view, blockers, 5, gate.kind === 'release' ? undefined : gate.id);
    // The gate was judged at the overridden time: say so, with the real time beside it.
    const clock = clockOverride();
    if (ctx.json) {
      ctx.output.out(
        JSON.stringify({
          release: view.release,
          phases,
          gate: { id: gate.id, title: gate.title, outcome, blockers },
          next: actions,
          // The time the gate was judged at; the real time is this moment, left out so the same
          // record reads the same.
          ...(clock ? { clock: { overridden: true, at: clock.at } } : {}),
        }),
      );
      return 0;
    }
    const o = ctx.output;
    const r = view.release;
    o.out(
      `${paint(o, 'bold', `${oneLine(view.playbook.name)} ${r.version}`)}  ${r.state}${r.type ? ` · ${r.type}` : ''} · commit ${r.commit?.slice(0, 10) ?? '(none)'}`,
    );
    if (clock) o.out(paint(o, 'yellow', clockOverrideNote(clock.at, clock.realAt)));
    for (const line of renderProgress(o, phases)) o.out(line);
    const verdict =
      outcome === 'go'
        ? paint(o, 'green', 'GO')
        : paint(o, 'red', `NO-GO, ${blockers.length} blocker${blockers.length === 1 ? '' : 's'}`);
    o.out(
      '',
      `${gate.kind === 'release' ? 'Release' : `Gate "${oneLine(gate.title)}"`}: ${verdict}`,
    );
    for (const line of renderBlockers(o, blockers, { max: 8, width: 75 })) o.out(line);
    if (actions.length) {
      o.out('', 'Next:');
      for (const a of actions) o.out(`  ${a}`);
    } else if (outcome === 'go' && r.state === 'active') {
      o.out('', 'Next:', '  gonogo decide');
    }
    return 0;
  },
});
