import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { loadPlaybook } from '../../core/playbook-yaml.ts';
import { countPlaybookItems } from '../../core/playbook.ts';
import { defineCommand } from '../cli-command.ts';
import { existsError, writeOutputText } from '../cli-user-files.ts';
import { defaultPlaybookFile } from '../cli-playbook.ts';

export default defineCommand({
  usage: 'gonogo init [--template NAME | --from FILE] [-o FILE] [--force]',
  summary:
    'Writes gonogo.yaml from a built-in template (default: "default") or an imported Markdown checklist.',
  options: {
    template: { type: 'string', short: 't' },
    from: { type: 'string' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
  },
  async run(ctx, v) {
    if (v.template && v.from) throw new UsageError('give --template or --from, not both');
    const out = v.output ?? defaultPlaybookFile;
    // Refuse before the work; writing refuses again if the file appears meanwhile.
    if (existsSync(resolve(ctx.cwd, out)) && !v.force) throw existsError(out);
    let yaml: string;
    let commandChecks: { title: string; command: string }[] | undefined;
    let commandLines: string[] = [];
    // The template's id as listed, however --template spelt it.
    let templateName: string | undefined;
    let report: object | undefined;
    if (v.from) {
      const { importChecklist } = await import('../../core/playbook-import.ts');
      const { detectTestCommand } = await import('../cli-project.ts');
      const testCommand = detectTestCommand(ctx.root);
      const result = importChecklist(
        ctx.readText(v.from),
        v.from,
        testCommand ? { testCommand } : {},
      );
      yaml = result.yaml;
      commandChecks = result.commandChecks;
      const { describeCommandChecks } = await import('./playbook-import.ts');
      const { describeReport } = await import('../../core/playbook-import-summary.ts');
      // The same account of the import as `playbook import` gives: every heading's fate.
      commandLines = [
        ...describeReport(result.report),
        ...describeCommandChecks(result.commandChecks),
      ];
      report = result.report;
    } else {
      const { findTemplate } = await import('../../core/templates.ts');
      const template = findTemplate(v.template ?? 'default');
      yaml = template.yaml;
      templateName = template.name;
    }
    const { playbook } = loadPlaybook(yaml, out);
    writeOutputText(ctx.cwd, out, yaml, { overwrite: v.force ?? false });
    if (ctx.json)
      ctx.output.out(
        JSON.stringify({
          file: out,
          ...(templateName ? { template: templateName } : {}),
          name: playbook.name,
          phases: playbook.phases.length,
          items: countPlaybookItems(playbook),
          ...(commandChecks ? { commandChecks } : {}),
          ...(report ?? {}),
        }),
      );
    else
      ctx.output.out(
        `wrote ${out}${templateName ? ` from template ${templateName}` : ''}: "${playbook.name}", ${playbook.phases.length} phases, ${countPlaybookItems(playbook)} items`,
        ...commandLines,
        'next: gonogo release start 1.0.0',
      );
    return 0;
  },
});
