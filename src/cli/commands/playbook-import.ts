import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPlaybook } from '../../core/playbook-yaml.ts';
import { importChecklist } from '../../core/playbook-import.ts';
import type { ImportResult } from '../../core/playbook-import.ts';
import { describeReport } from '../../core/playbook-import-summary.ts';
import { defineCommand } from '../cli-command.ts';
import { existsError, writeOutputText } from '../cli-user-files.ts';
import { detectTestCommand } from '../cli-project.ts';

export default defineCommand({
  usage: 'gonogo playbook import FILE [-o OUT] [--force]',
  summary:
    'Turns a Markdown or text checklist into a gonogo.yaml playbook (to stdout, or to OUT; an existing OUT only with --force), and reports what became of every heading, the blanks to fill and the roles without members.',
  options: { output: { type: 'string', short: 'o' }, force: { type: 'boolean' } },
  positionals: [1, 1],
  async run(ctx, v, [file]) {
    // Refuse before the work; writing refuses again if the file appears meanwhile.
    if (v.output && !v.force && existsSync(resolve(ctx.cwd, v.output))) throw existsError(v.output);
    const testCommand = detectTestCommand(ctx.root);
    const result = importChecklist(ctx.readText(file!), file!, testCommand ? { testCommand } : {});
    // Never write what would not load: the import's own lint is the last step before writing.
    loadPlaybook(result.yaml, v.output ?? file!);
    const s = result.stats;
    const summary = `${file}: ${s.phases} phases, ${s.sections} sections, ${s.items} items (${s.automated} automated by a check, ${s.sign} sign-offs, ${s.optional} optional, ${s.suggestedRuns} suggested commands)`;
    const checks = result.commandChecks;
    const report = result.report;
    const told = [summary, ...describeReport(report), ...describeCommandChecks(checks)];
    if (v.output) {
      writeOutputText(ctx.cwd, v.output, result.yaml, { overwrite: v.force ?? false });
      if (ctx.json)
        ctx.output.out(
          JSON.stringify({ file, output: v.output, stats: s, commandChecks: checks, ...report }),
        );
      else ctx.output.out(...told, `wrote ${v.output}`);
    } else if (ctx.json) {
      ctx.output.out(
        JSON.stringify({ file, stats: s, commandChecks: checks, ...report, yaml: result.yaml }),
      );
    } else {
      process.stdout.write(result.yaml);
      ctx.output.err(told.join('\n'));
    }
    return 0;
  },
});

/**
 * The commands an import turned into checks, one line each, for a person to review before
 * `gonogo check` runs them; nothing when there are none.
 *
 * @example describeCommandChecks([{ title: 'Tests pass', command: 'npm test' }])
 * // ['commands that gonogo check will run (known test, lint, type and audit tools):', '  Tests pass: npm test']
 */
export function describeCommandChecks(checks: ImportResult['commandChecks']): string[] {
  if (!checks.length) return [];
  // Titles and commands are the checklist's text: shown without control characters.
  // eslint-disable-next-line no-control-regex
  const printable = (t: string) => t.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return [
    'commands that gonogo check will run (known test, lint, type and audit tools):',
    ...checks.map((c) => `  ${printable(c.title)}: ${printable(c.command)}`),
  ];
}
