import { InputError } from '../../core/errors.ts';
import { validateVersion } from '../../core/version.ts';
import { defineCommand } from '../cli-command.ts';
import { resolveCommit } from '../cli-git.ts';
import { readPlaybook } from '../cli-playbook.ts';

export default defineCommand({
  usage:
    'gonogo release start VERSION [--type T] [--commit SHA] [--playbook FILE] [--supersedes V]',
  summary:
    'Starts a release: snapshots the playbook, expands its items for the release type, pins the commit (HEAD by default). With --supersedes, the release it replaces ends as superseded, and its sign-offs at the same commit carry over.',
  options: {
    type: { type: 'string' },
    commit: { type: 'string' },
    playbook: { type: 'string', short: 'p' },
    supersedes: { type: 'string' },
  },
  positionals: [1, 1],
  async run(ctx, v, [version]) {
    // Everything that can be wrong with the input is found before the database is opened.
    validateVersion(version!);
    const loaded = readPlaybook(ctx, v.playbook);
    const commit = pickCommit(ctx.root, v.commit);
    const svc = await ctx.service();
    const view = await svc.startRelease({
      playbook: loaded.playbook,
      version: version!,
      ...(v.type ? { type: v.type } : {}),
      ...(v.supersedes !== undefined ? { supersedes: v.supersedes } : {}),
      ...commit,
    });
    if (ctx.json) {
      ctx.output.out(JSON.stringify({ release: view.release, items: view.items.length }));
      return 0;
    }
    const r = view.release;
    ctx.output.out(
      `started release ${r.version}${r.type ? ` (${r.type})` : ''} from "${view.playbook.name}" (${loaded.file}, ${r.playbookHash.slice(0, 12)})`,
    );
    ctx.output.out(
      `  ${view.items.length} items in ${new Set(view.items.map((i) => i.phase)).size} phases, commit ${r.commit?.slice(0, 12) ?? '(none: not a git repository; pass --commit SHA)'}`,
    );
    if (r.supersedes) {
      const carried = view.signoffs.filter((s) => s.carriedFrom === r.supersedes).length;
      ctx.output.out(
        `  supersedes ${r.supersedes} (now superseded); ${carried ? `${carried} sign-off${carried === 1 ? '' : 's'} carried over at the same commit` : 'no sign-offs carried over (they hold only at the same commit)'}`,
      );
    }
    ctx.output.out('next: gonogo status');
    return 0;
  },
});

/** The commit to pin: the one named (resolved through git when possible), else HEAD. */
export function pickCommit(
  root: string,
  named: string | undefined,
): { commit?: string; commitAt?: string } {
  if (named !== undefined) {
    if (!/^[0-9a-zA-Z][0-9a-zA-Z._/-]{0,199}$/.test(named)) {
      throw new InputError([
        { message: `invalid commit "${named}"`, fix: 'give a commit SHA or a branch or tag name' },
      ]);
    }
    const found = resolveCommit(root, named);
    if (found) return { commit: found.sha, ...(found.at ? { commitAt: found.at } : {}) };
    if (/^[0-9a-f]{7,64}$/i.test(named)) return { commit: named.toLowerCase() };
    throw new InputError([
      {
        message: `commit "${named}" is not in this repository`,
        fix: 'give a full SHA, or fetch the commit first',
      },
    ]);
  }
  const head = resolveCommit(root);
  return head ? { commit: head.sha, ...(head.at ? { commitAt: head.at } : {}) } : {};
}
