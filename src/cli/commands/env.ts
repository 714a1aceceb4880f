import { existsSync } from 'node:fs';
import type { Playbook } from '../../core/playbook.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine, paint, table } from '../cli-output.ts';
import { playbookPath, readPlaybook } from '../cli-playbook.ts';

export default defineCommand({
  usage: 'gonogo env',
  summary:
    'What version and commit runs in each environment, since when, from which release, and which environments are locked (who, when, why).',
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
    const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');
    const rows = envs.map((e) => {
      const c = e.current;
      const rb = e.rolledBack;
      const failedLast =
        e.last && e.last !== c && e.last.status !== 'succeeded' && e.last !== rb?.deployment
          ? paint(o, 'yellow', ` (last: ${e.last.version} ${e.last.status})`)
          : '';
      // What runs after a rollback runs again since the rollback, not since its own deploy.
      const after = rb
        ? paint(
            o,
            'yellow',
            ` after ${rb.deployment.version} was rolled back at ${when(rb.incident.openedAt)} by ${oneLine(rb.incident.actor)}: ${oneLine(rb.incident.reason)}`,
          )
        : '';
      const lock = e.lock
        ? paint(
            o,
            'red',
            ` LOCKED by ${oneLine(e.lock.actor)} at ${when(e.lock.at)}: ${oneLine(e.lock.reason)}`,
          )
        : '';
      return c
        ? [
            e.environment,
            c.version,
            c.commit?.slice(0, 10) ?? '',
            `since ${when(rb ? rb.incident.openedAt : c.startedAt)}`,
            `by ${oneLine(c.actor)}${after}${failedLast}${lock}`,
          ]
        : [
            e.environment,
            paint(o, 'gray', rb ? '(nothing runs)' : '(nothing deployed)'),
            '',
            '',
            `${after.trim()}${failedLast}${lock}`.trim(),
          ];
    });
    for (const line of table(rows)) o.out(line);
    return 0;
  },
});
