import { loadPlaybook } from '../../core/playbook-yaml.ts';
import { countPlaybookItems } from '../../core/playbook.ts';
import { defineCommand } from '../cli-command.ts';
import { table } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo templates',
  summary:
    'Lists the built-in playbook templates: the id (what `gonogo init --template ID` takes, in any case), its title, size and purpose.',
  options: {},
  async run(ctx) {
    const { templates } = await import('../../core/templates.ts');
    const rows = templates.map((t) => {
      const { playbook } = loadPlaybook(t.yaml, `template:${t.name}`);
      return {
        // The id is what `init --template` takes; the title is what the playbook calls itself.
        id: t.name,
        name: t.name,
        title: playbook.name,
        summary: t.summary,
        fits: t.fits,
        phases: playbook.phases.length,
        items: countPlaybookItems(playbook),
      };
    });
    if (ctx.json) ctx.output.out(JSON.stringify(rows));
    else
      for (const line of table([
        ['ID', 'TITLE', 'ITEMS', 'SUMMARY'],
        ...rows.map((r) => [r.id, r.title, String(r.items), r.summary]),
      ]))
        ctx.output.out(line);
    return 0;
  },
});
