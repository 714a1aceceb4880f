import { formatProblem } from '../../core/errors.ts';
import { lintPlaybook } from '../../core/playbook-yaml.ts';
import { countPlaybookItems } from '../../core/playbook.ts';
import { defineCommand } from '../cli-command.ts';
import { playbookPath } from '../cli-playbook.ts';
import { relative } from 'node:path';

export default defineCommand({
  usage: 'gonogo playbook lint [FILE]',
  summary:
    'Validates a playbook and prints every problem as FILE:LINE:COL message (exit 2 on any), and every warning (exit 0 when there are only warnings).',
  options: {},
  positionals: [0, 1],
  async run(ctx, _v, [file]) {
    const path = relative(ctx.cwd, playbookPath(ctx, file)) || playbookPath(ctx, file);
    const { problems, warnings, loaded } = lintPlaybook(ctx.readText(path), path);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    if (ctx.json) {
      const all = [
        ...problems.map((p) => ({ ...p, severity: 'error' as const })),
        ...warnings.map((p) => ({ ...p, severity: 'warning' as const })),
      ].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
      ctx.output.out(
        JSON.stringify({
          file: path,
          ok: problems.length === 0,
          problems: all,
          errors: problems.length,
          warnings: warnings.length,
          hash: loaded?.hash,
        }),
      );
    } else if (problems.length) {
      for (const p of problems) ctx.output.out(formatProblem(p));
      ctx.output.err(`${plural(problems.length, 'problem')} in ${path}`);
    } else {
      for (const w of warnings)
        ctx.output.out(formatProblem({ ...w, message: `warning: ${w.message}` }));
      ctx.output.out(
        `${path}: ok, "${loaded!.playbook.name}", ${loaded!.playbook.phases.length} phases, ${countPlaybookItems(loaded!.playbook)} items, hash ${loaded!.hash.slice(0, 12)}${warnings.length ? `, ${plural(warnings.length, 'warning')}` : ''}`,
      );
    }
    return problems.length ? 2 : 0;
  },
});
