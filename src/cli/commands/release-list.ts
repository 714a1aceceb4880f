import { describeReleaseState } from '../../core/release-life.ts';
import type { Release } from '../../core/release-model.ts';
import { defineCommand } from '../cli-command.ts';
import type { Output } from '../cli-output.ts';
import { oneLine, paint, table } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo release list',
  summary: 'Lists releases, newest first.',
  options: {},
  async run(ctx) {
    const svc = await ctx.service({ mustExist: true });
    const releases = await svc.listReleases();
    if (ctx.json) {
      ctx.output.out(JSON.stringify(releases));
      return 0;
    }
    if (!releases.length) ctx.output.out('no releases yet: gonogo release start VERSION');
    const o = ctx.output;
    for (const line of table(
      releases.map((r) => [
        r.version,
        paintState(o, r),
        r.type ?? '',
        r.commit?.slice(0, 10) ?? '',
        r.createdAt.slice(0, 16).replace('T', ' '),
        r.createdBy,
        r.stateBy && r.stateAt
          ? `${r.stateAt.slice(0, 16).replace('T', ' ')} by ${oneLine(r.stateBy)}`
          : '',
      ]),
    ))
      o.out(line);
    return 0;
  },
});

const colours: Partial<Record<Release['state'], 'yellow' | 'green' | 'red' | 'gray'>> = {
  active: 'yellow',
  deployed: 'green',
  'rolled-back': 'red',
  abandoned: 'gray',
  superseded: 'gray',
};

/** The state with its reason, coloured by how it ended. */
function paintState(o: Output, r: Release): string {
  const text = oneLine(describeReleaseState(r));
  const short = text.length > 60 ? `${text.slice(0, 59)}…` : text;
  const colour = colours[r.state];
  return colour ? paint(o, colour, short) : short;
}
