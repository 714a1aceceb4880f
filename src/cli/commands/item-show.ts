import type { CheckEvidence } from '../../checks/check-types.ts';
import { defineCommand } from '../cli-command.ts';
import { paint } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo item show REF',
  summary: 'Shows an item: its spec, state, note, evidence and history.',
  options: {},
  positionals: [1, 1],
  async run(ctx, _v, [ref]) {
    const svc = await ctx.service({ mustExist: true });
    const { item, history: events } = await svc.getItem({
      ref: ref!,
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    if (ctx.json) {
      ctx.output.out(JSON.stringify({ item, history: events }));
      return 0;
    }
    const o = ctx.output;
    o.out(`${paint(o, 'bold', `#${item.number} ${item.title}`)}`);
    o.out(
      `  id ${item.phase}/${item.id} · ${item.kind}${item.optional ? ' · optional' : ''} · ${item.state}`,
    );
    for (const d of item.spec.details ?? []) o.out(`  · ${d}`);
    if (item.spec.sign) o.out(`  signed by: ${item.spec.sign.join(' or ')}`);
    if (item.spec.check)
      o.out(`  check: ${item.spec.check.name} ${JSON.stringify(item.spec.check.params)}`);
    if (item.spec.run) o.out(`  run: ${[item.spec.run].flat().join(' ')}`);
    if (item.spec.suggest?.run)
      o.out(`  suggested (never run unasked):\n${item.spec.suggest.run.replace(/^/gm, '    ')}`);
    if (item.note) o.out(`  note: ${item.note}`);
    if (item.evidence) {
      const e = item.evidence as CheckEvidence & {
        result?: string;
        summary?: string;
        fix?: string;
        checkedAt?: string;
        url?: string;
      };
      if (e.result)
        o.out(
          `  result: ${e.result}${e.summary ? ` — ${e.summary}` : ''}${e.checkedAt ? ` (checked ${e.checkedAt.slice(0, 19).replace('T', ' ')})` : ''}`,
        );
      if (e.fix) o.out(`  fix: ${e.fix}`);
      if (e.url) o.out(`  evidence: ${e.url}`);
      const { summarizeEvidence } = await import('../../checks/check-junit.ts');
      for (const line of summarizeEvidence(e)) o.out(`  ${line}`);
    }
    if (events.length) {
      o.out('  history:');
      for (const e of events) {
        const when = e.at.slice(0, 19).replace('T', ' ');
        if (e.type === 'check.result') {
          const p = e.payload as { result: string; summary: string; reason?: string };
          o.out(`    ${when} check ${p.result}, not applied: ${p.reason ?? p.summary}`);
          continue;
        }
        const p = e.payload as { from: string; to: string; note?: string };
        o.out(`    ${when} ${p.from} → ${p.to} by ${e.actor}${p.note ? ` — ${p.note}` : ''}`);
      }
    }
    return 0;
  },
});
