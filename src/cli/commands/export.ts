import { UsageError } from '../../core/errors.ts';
import { exportGithub, exportMarkdown } from '../../core/release-export.ts';
import { escapeJsonControls } from '../../core/text-safety.ts';
import { defineCommand } from '../cli-command.ts';

export default defineCommand({
  usage: 'gonogo export [--format md|json|github] [-o FILE] [VERSION]',
  summary: 'The release as a Markdown task list, JSON, or a GitHub issue body.',
  options: { format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } },
  positionals: [0, 1],
  async run(ctx, v, [version]) {
    const format = v.format ?? (ctx.json ? 'json' : 'md');
    if (!['md', 'json', 'github'].includes(format))
      throw new UsageError(`--format is md, json or github, not "${format}"`);
    const svc = await ctx.service({ mustExist: true });
    const ver = version ?? ctx.release;
    const view = await svc.getRelease(ver ? { version: ver } : {});
    // JSON carries the log and its anchored head (as `release.head`, and on top for a reader);
    // Markdown and GitHub name the head in a line of their own.
    const text =
      format === 'json'
        ? `${escapeJsonControls(
            JSON.stringify(
              {
                head: view.release.head ?? null,
                ...view,
                events: await svc.listEvents({ version: view.release.version }),
              },
              null,
              2,
            ),
          )}\n`
        : format === 'github'
          ? exportGithub(view)
          : exportMarkdown(view);
    if (v.output) ctx.writeText(v.output, text);
    else process.stdout.write(text);
    return 0;
  },
});
