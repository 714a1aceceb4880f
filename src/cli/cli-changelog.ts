/**
 * The changelog a release's notes come from, read as the release commit holds it (DESIGN.md §1,
 * evidence is of the release commit), or from the working tree when there is no release or no
 * commit, or outside git. Shared by `gonogo notes` (which fails without one) and `gonogo export`
 * (which leaves the notes out).
 */
import type { Problem } from '../core/errors.ts';
import { changelogNames } from '../checks/changelog-check.ts';
import { openReleaseTree } from '../checks/check-tree.ts';
import type { ReleaseView } from '../service/service-contract.ts';
import type { Context } from './cli-context.ts';

/** A changelog read for a release: its text, path, and where it was read. */
export interface ReleaseChangelog {
  text: string;
  file: string;
  /** `at the release commit abc1234` or `in the working tree`. */
  where: string;
  commit?: string;
}

/** The file the playbook's changelog check names, if it names one. */
function changelogFileOf(view: ReleaseView | undefined): string | undefined {
  for (const item of view?.items ?? []) {
    const check = item.spec.check;
    if (check?.name !== 'changelog') continue;
    const file = (check.params as { file?: unknown } | undefined)?.file;
    if (typeof file === 'string' && file) return file;
  }
  return undefined;
}

/**
 * The release's changelog: the file named (`--file`), else the one the playbook's changelog
 * check names, else the first of the usual names; or the problem, with its fix.
 *
 * @example
 * const read = await readReleaseChangelog(ctx, view);
 * if (read.ok) buildReleaseNotes(read.changelog.text, view.release.version, view);
 */
export async function readReleaseChangelog(
  ctx: Pick<Context, 'root'>,
  view: ReleaseView | undefined,
  file?: string,
): Promise<{ ok: true; changelog: ReleaseChangelog } | { ok: false; problem: Problem }> {
  const named = file ?? changelogFileOf(view);
  const tree = await openReleaseTree(
    {
      root: ctx.root,
      version: view?.release.version ?? '',
      ...(view?.release.commit ? { commit: view.release.commit } : {}),
      policy: view?.playbook.policy ?? {},
      env: process.env,
      now: () => new Date(),
    },
    AbortSignal.timeout(30_000),
  );
  if ('error' in tree) {
    return {
      ok: false,
      problem: { message: tree.error.summary, ...(tree.error.fix ? { fix: tree.error.fix } : {}) },
    };
  }
  const where = tree.commit
    ? `at the release commit ${tree.commit.slice(0, 7)}`
    : 'in the working tree';
  const candidates = named ? [named] : changelogNames;
  for (const name of candidates) {
    const read = await tree.read(name);
    if (read.ok) {
      const changelog: ReleaseChangelog = {
        text: read.bytes.toString('utf8').replace(/^\uFEFF/, ''),
        file: read.path,
        where,
        ...(tree.commit ? { commit: tree.commit } : {}),
      };
      return { ok: true, changelog };
    }
    if (read.problem !== 'missing') {
      return {
        ok: false,
        problem: {
          file: name,
          message: `cannot read ${name} ${where}: ${read.message}`,
          fix: 'name a changelog file inside the repository with --file',
        },
      };
    }
  }
  const hint = tree.commit ? await tree.explainDifference(candidates[0]!) : undefined;
  return {
    ok: false,
    problem: {
      message: named
        ? `${named} is not ${where}`
        : `no changelog ${where} (looked for ${changelogNames.join(', ')})`,
      fix: hint
        ? `${hint}.`
        : named
          ? 'name a file the release commit holds with --file'
          : 'write CHANGELOG.md with a section per version ("## [1.2.0] - YYYY-MM-DD"), or name yours with --file',
    },
  };
}
