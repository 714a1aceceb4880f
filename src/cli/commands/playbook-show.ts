import type { CheckSpec, PlaybookItem } from '../../core/playbook.ts';
import { defineCommand } from '../cli-command.ts';
import { readPlaybook } from '../cli-playbook.ts';
import { oneLine, paint } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo playbook show [FILE]',
  summary:
    'Shows the compiled playbook: phases, sections, items with their kinds and ids. A run item shows its command (gonogo run REF runs it) and its keys: timeout (default 15m), by: [ROLE] (who may run it), cwd (a folder of the repository), confirm: true (asks first on a terminal).',
  options: {},
  positionals: [0, 1],
  async run(ctx, _v, [file]) {
    const { playbook, hash } = readPlaybook(ctx, file);
    if (ctx.json) {
      ctx.output.out(JSON.stringify({ hash, playbook }));
      return 0;
    }
    const o = ctx.output;
    o.out(`${paint(o, 'bold', playbook.name)}  ${paint(o, 'gray', hash.slice(0, 12))}`);
    if (Object.keys(playbook.roles).length)
      o.out(
        `roles: ${Object.entries(playbook.roles)
          .map(([id, n]) => `${id} (${n})`)
          .join(', ')}`,
      );
    o.out(
      `environments: ${playbook.environments.join(' → ')}   types: ${playbook.types.join(', ')}`,
    );
    const w = playbook.policy.window;
    if (w)
      o.out(
        `window: ${w.timezone}${w.deny?.length ? `, no ${w.deny.join('/')}` : ''}${w.deny_hours?.length ? `, not ${w.deny_hours.join(', ')}` : ''}${w.freezes?.length ? `, ${w.freezes.length} freeze(s)` : ''}`,
      );
    if (playbook.policy.rollback)
      o.out(`roll back when: ${playbook.policy.rollback.when.join('; ')}`);
    const item = (it: PlaybookItem, depth: number) => {
      const tags = [
        it.kind !== 'manual' ? it.kind : '',
        it.optional ? 'optional' : '',
        it.sign ? `by ${it.sign.join('|')}` : '',
        it.when?.type ? `type ${it.when.type.join('|')}` : '',
        it.when?.environment ? `env ${it.when.environment.join('|')}` : '',
        it.due ? `due ${it.due}` : '',
        it.deploys ? `deploys to ${it.deploys.join('|')}` : '',
        ...runsOf(it).map((c) => `runs: ${c}`),
        it.run !== undefined
          ? `gonogo run: ${oneLine(Array.isArray(it.run) ? it.run.map((w) => JSON.stringify(w)).join(' ') : it.run)}`
          : '',
        it.kind === 'run' && it.by ? `run by ${it.by.join('|')}` : '',
        it.kind === 'run' ? `timeout ${it.timeout ?? '15m'}` : '',
        it.cwd ? `in ${it.cwd}` : '',
        it.confirm ? 'asks first' : '',
        it.suggest?.run ? 'suggested run' : '',
      ]
        .filter(Boolean)
        .join(', ');
      o.out(
        `${'  '.repeat(depth + 2)}- ${oneLine(it.title)}  ${paint(o, 'gray', `${it.id}${tags ? ` [${tags}]` : ''}`)}`,
      );
      for (const c of it.items ?? []) item(c, depth + 1);
    };
    for (const p of playbook.phases) {
      o.out(
        `\n${paint(o, 'bold', p.title)}  ${paint(o, 'gray', p.id)}${p.gate ? paint(o, 'magenta', `  gate: ${p.gate.join(', ') || '(sign-offs above)'}`) : ''}`,
      );
      for (const s of p.sections) {
        const limit = [
          s.when?.type ? `type ${s.when.type.join('|')}` : '',
          s.when?.environment ? `env ${s.when.environment.join('|')}` : '',
        ]
          .filter(Boolean)
          .join(', ');
        if (s.title)
          o.out(
            `  ${oneLine(s.title)}${limit ? paint(o, 'gray', `  [${limit}]`) : ''}${s.gate ? paint(o, 'magenta', `  gate: ${s.gate.join(', ') || '(sign-offs above)'}`) : ''}`,
          );
        for (const it of s.items) item(it, 0);
      }
    }
    if (playbook.rollback.length) {
      o.out(`\n${paint(o, 'bold', 'Rollback procedure')}`);
      for (const s of playbook.rollback) {
        if (s.title) o.out(`  ${oneLine(s.title)}`);
        for (const it of s.items) item(it, 0);
      }
    }
    const metrics = Object.entries(playbook.metrics ?? {});
    if (metrics.length) {
      o.out(`\n${paint(o, 'bold', 'Metrics')}`);
      for (const [id, m] of metrics)
        o.out(
          `  ${id}: ${oneLine(m.title)}${m.query ? paint(o, 'gray', `  query: ${oneLine(m.query)}`) : paint(o, 'gray', '  (no query yet)')}`,
        );
    }
    if (playbook.notes?.length) {
      o.out(`\n${paint(o, 'bold', 'Notes')}  ${paint(o, 'gray', '(kept for people to read)')}`);
      for (const n of playbook.notes) {
        const lines = n.text.split('\n').filter((l) => l.trim()).length;
        o.out(
          `  ${oneLine(n.title)}  ${paint(o, 'gray', `${lines} line${lines === 1 ? '' : 's'}`)}`,
        );
      }
    }
    return 0;
  },
});

/**
 * The commands gonogo runs for an item: a `command` check (also inside a watch), so a reader
 * sees at a glance what executes (a `run` item is shown apart: a person runs it, for now).
 * Control characters are left out.
 */
function runsOf(it: PlaybookItem): string[] {
  const words = (v: unknown): string =>
    typeof v === 'string' ? v : Array.isArray(v) ? v.join(' ') : '';
  const fromCheck = (c: CheckSpec | undefined): string => {
    if (c?.name !== 'command') return '';
    const p = c.params as unknown;
    return p && typeof p === 'object' && !Array.isArray(p)
      ? words((p as { run?: unknown }).run)
      : words(p);
  };
  return (
    [fromCheck(it.check), fromCheck(it.watch?.check)]
      // eslint-disable-next-line no-control-regex
      .map((c) => c.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim())
      .filter(Boolean)
  );
}
