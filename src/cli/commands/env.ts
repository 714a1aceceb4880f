import { existsSync } from 'node:fs';
import type { Playbook } from '../../core/playbook.ts';
import { defineCommand } from '../cli-command.ts';
import { paint, table } from '../cli-output.ts';
import { playbookPath, readPlaybook } from '../cli-playbook.ts';

export default defineCommand({
  usage: 'gonogo env',
  summary: 'What version and commit runs in each environment, since when, from which release.',
  options: {},
  async run(ctx) {
    let playbook: Playbook | undefined;
    if (existsSync(playbookPath(ctx))) playbook = readPlaybook(ctx).playbook;
    const svc = await ctx.service({ mustExist: true });
    const envs = await svc.listEnvironments(playbook ? { playbook } : {});
    if (ctx.json) {
      ctx.output.out(JSON.stringify(envs));
      return 0;
    }
    const o = ctx.output;
    const rows = envs.map((e) => {
      const c = e.current;
      const failedLast =
        e.last && e.last !== c && e.last.status !== 'succeeded'
          ? paint(o, 'yellow', ` (last: ${e.last.version} ${e.last.status})`)
          : '';
      return c
        ? [
            e.environment,
            c.version,
            c.commit?.slice(0, 10) ?? '',
            `since ${c.startedAt.slice(0, 16).replace('T', ' ')}`,
            `by ${c.actor}${failedLast}`,
          ]
        : [e.environment, paint(o, 'gray', '(nothing deployed)'), '', '', failedLast];
    });
    for (const line of table(rows)) o.out(line);
    return 0;
  },
});
