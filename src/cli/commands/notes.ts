import { InputError, NotFoundError, UsageError } from '../../core/errors.ts';
import { buildReleaseNotes } from '../../core/release-notes-build.ts';
import type { ReleaseNotesFormat } from '../../core/release-notes-render.ts';
import { escapeJsonControls, sanitizeText } from '../../core/text-safety.ts';
import { normalizeVersion, validateVersion } from '../../core/version.ts';
import type { ReleaseView } from '../../service/service-contract.ts';
import { readReleaseChangelog } from '../cli-changelog.ts';
import { defineCommand } from '../cli-command.ts';
import type { Context } from '../cli-context.ts';

const formats: ReleaseNotesFormat[] = ['md', 'html', 'slack'];

export default defineCommand({
  usage: 'gonogo notes [VERSION] [--format md|html|slack] [--file CHANGELOG] [-o FILE]',
  summary:
    "The release notes: the version's section of the changelog (Keep a Changelog, History.md, changesets, release-please) read from the release commit, with the release's GO, waivers and deployments; as Markdown, HTML or Slack mrkdwn. VERSION defaults to the release's; outside a release, the working tree's changelog is read.",
  options: {
    format: { type: 'string', short: 'f' },
    file: { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
  positionals: [0, 1],
  async run(ctx, v, [asked]) {
    const format = (v.format ?? 'md') as ReleaseNotesFormat;
    if (!formats.includes(format))
      throw new UsageError(`--format is md, html or slack, not "${v.format}"`);
    // A version that is neither semver nor tag-safe is bad input, before anything is read.
    const named = asked !== undefined ? validateVersion(asked) : undefined;
    const view = await findRelease(ctx, named ?? ctx.release);
    const version = named ?? normalizeVersion(view!.release.version);
    const read = await readReleaseChangelog(ctx, view, v.file);
    if (!read.ok) throw new InputError([read.problem]);
    const changelog = read.changelog;
    const built = buildReleaseNotes(changelog.text, version, view, {
      file: changelog.file,
      title: view?.release.project ?? ctx.project(),
    });
    if (!built.found) {
      const has = built.versions.length
        ? `it has ${built.versions.slice(0, 10).join(', ')}${built.versions.length > 10 ? `, … (${built.versions.length} in all)` : ''}`
        : 'it has no version headings';
      throw new InputError([
        {
          message: `${changelog.file} has no section for ${version} ${changelog.where}; ${has}`,
          fix: built.versions.length
            ? `add a section "## [${version}] - YYYY-MM-DD" and commit it, or name a version it has: gonogo notes ${built.versions[0]}`
            : `add a section "## [${version}] - YYYY-MM-DD" and commit it`,
        },
      ]);
    }
    const text = format === 'html' ? built.html : format === 'slack' ? built.slack : built.markdown;
    if (ctx.json) {
      const out = {
        version,
        file: changelog.file,
        read: changelog.where,
        ...(changelog.commit ? { commit: changelog.commit } : {}),
        notes: built.notes,
        ...(built.record ? { record: built.record } : {}),
        format,
        text,
      };
      const json = `${escapeJsonControls(JSON.stringify(out, null, 2))}\n`;
      if (v.output) ctx.writeText(v.output, json);
      else process.stdout.write(json);
      return 0;
    }
    if (v.output) ctx.writeText(v.output, text);
    else process.stdout.write(sanitizeText(text));
    return 0;
  },
});

/**
 * The release the notes are for: the one named, else the newest. Outside a release (no
 * database, no such release) a named version is enough: the working tree's changelog is read.
 */
async function findRelease(ctx: Context, version?: string): Promise<ReleaseView | undefined> {
  try {
    const svc = await ctx.service({ mustExist: true });
    return await svc.getRelease(version ? { version } : {});
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    if (version) return undefined;
    throw new UsageError(`${e.message}; outside a release, name the version: gonogo notes 1.2.0`, {
      cause: e,
    });
  }
}
