import { UsageError } from '../../core/errors.ts';
import { exportGithub } from '../../core/release-export-github.ts';
import { exportMarkdown } from '../../core/release-export-markdown.ts';
import { parseReleaseNotes } from '../../core/release-notes-parse.ts';
import type { ReleaseNotes } from '../../core/release-notes-parse.ts';
import { escapeJsonControls } from '../../core/text-safety.ts';
import { readReleaseChangelog } from '../cli-changelog.ts';
import { defineCommand } from '../cli-command.ts';

export default defineCommand({
  usage: 'gonogo export [--format md|json|github] [-o FILE] [VERSION]',
  summary:
    'The release as a record: a Markdown checklist with every state in words and the sign-off, decision, deployment and rollback history; JSON; or a GitHub issue body.',
  options: { format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } },
  positionals: [0, 1],
  async run(ctx, v, [version]) {
    const format = v.format ?? (ctx.json ? 'json' : 'md');
    if (!['md', 'json', 'github'].includes(format))
      throw new UsageError(`--format is md, json or github, not "${format}"`);
    const svc = await ctx.service({ mustExist: true });
    const ver = version ?? ctx.release;
    const view = await svc.getRelease(ver ? { version: ver } : {});
    // The log gives the history the view holds only the latest of (every sign-off, what an
    // item was waived from); the renderers are pure and get it with the view.
    const events = await svc.listEvents({ version: view.release.version });
    // JSON carries the log and its anchored head (as `release.head`, and on top for a reader);
    // Markdown and GitHub name the head in a line of their own.
    const text =
      format === 'json'
        ? `${escapeJsonControls(
            JSON.stringify({ head: view.release.head ?? null, ...view, events }, null, 2),
          )}\n`
        : format === 'github'
          ? exportGithub({ ...view, events, ...(await readNotes(ctx, view)) })
          : exportMarkdown({ ...view, events });
    if (v.output) ctx.writeText(v.output, text);
    else process.stdout.write(text);
    return 0;
  },
});

/**
 * The release notes of the changelog at the release commit, for the GitHub issue body; none
 * when there is no changelog or no section for the version (the export is made all the same).
 */
async function readNotes(
  ctx: Parameters<typeof readReleaseChangelog>[0],
  view: Parameters<typeof readReleaseChangelog>[1] & {},
): Promise<{ notes?: ReleaseNotes }> {
  const read = await readReleaseChangelog(ctx, view);
  if (!read.ok) return {};
  const notes = parseReleaseNotes(read.changelog.text, view.release.version, read.changelog.file);
  return notes ? { notes } : {};
}
