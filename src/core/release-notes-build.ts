/**
 * Release notes in one call, for whoever needs them as text (a notification's `release-notes`
 * message, the CLI, an export): the version's changelog section and the record's facts in every
 * format. Pure: needs no service, no API, no file system.
 */
import { listChangelogVersions, parseReleaseNotes } from './release-notes-parse.ts';
import type { ReleaseNotes } from './release-notes-parse.ts';
import { collectReleaseFacts } from './release-notes-record.ts';
import type { ReleaseNotesInput, ReleaseRecordFacts } from './release-notes-record.ts';
import { renderReleaseNotes } from './release-notes-render.ts';
import type { RenderNotesOptions } from './release-notes-render.ts';
import { normalizeVersion } from './version.ts';

/** What {@link buildReleaseNotes} gives. */
export interface BuiltReleaseNotes {
  /** The changelog has a section for the version. */
  found: boolean;
  notes?: ReleaseNotes;
  record?: ReleaseRecordFacts;
  /** The versions the changelog has sections for, newest (first written) first. */
  versions: string[];
  markdown: string;
  html: string;
  slack: string;
}

/**
 * The release notes of `version` from a changelog's text, with the release's GO, waivers and
 * deployments when a release view is given. When the changelog has no section for the version,
 * `found` is false and the texts hold only the record (or only the title).
 *
 * @example
 * const built = buildReleaseNotes(changelogText, '1.2.0', view);
 * if (built.found) send(built.slack);
 */
export function buildReleaseNotes(
  changelogText: string,
  version: string,
  release?: ReleaseNotesInput,
  opts: Omit<RenderNotesOptions, 'record' | 'version'> & { file?: string } = {},
): BuiltReleaseNotes {
  const { file, ...render } = opts;
  const notes = parseReleaseNotes(changelogText, version, file);
  const record = release ? collectReleaseFacts(release) : undefined;
  const options: RenderNotesOptions = {
    ...render,
    version: normalizeVersion(version),
    ...(record ? { record } : {}),
  };
  return {
    found: notes !== undefined,
    ...(notes ? { notes } : {}),
    ...(record ? { record } : {}),
    versions: listChangelogVersions(changelogText),
    markdown: renderReleaseNotes(notes, 'md', options),
    html: renderReleaseNotes(notes, 'html', options),
    slack: renderReleaseNotes(notes, 'slack', options),
  };
}
