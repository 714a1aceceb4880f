import { formatProblem } from '../../core/errors.ts';
import { lintPlaybook } from '../../core/playbook-yaml.ts';
import { countPlaybookItems } from '../../core/playbook.ts';
import { defineCommand } from '../cli-command.ts';
import { playbookPath } from '../cli-playbook.ts';
import { relative } from 'node:path';

export default defineCommand({
  usage: 'gonogo playbook lint [FILE]',
  summary:
    'Validates a playbook and prints every problem as FILE:LINE:COL message (exit 2 on any).',
  options: {},
  positionals: [0, 1],
  async run(ctx, _v, [file]) {
    const path = relative(ctx.cwd, playbookPath(ctx, file)) || playbookPath(ctx, file);
    const { problems, loaded } = lintPlaybook(ctx.readText(path), path);
    if (ctx.json) {
      ctx.output.out(
        JSON.stringify({ file: path, ok: problems.length === 0, problems, hash: loaded?.hash }),
      );
    } else if (problems.length) {
      for (const p of problems) ctx.output.out(formatProblem(p));
      ctx.output.err(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${path}`);
    } else {
      ctx.output.out(
        `${path}: ok, "${loaded!.playbook.name}", ${loaded!.playbook.phases.length} phases, ${countPlaybookItems(loaded!.playbook)} items, hash ${loaded!.hash.slice(0, 12)}`,
      );
    }
    return problems.length ? 2 : 0;
  },
});
