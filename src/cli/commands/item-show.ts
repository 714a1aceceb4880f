import type { CheckEvidence } from '../../checks/check-types.ts';
import { defineCommand } from '../cli-command.ts';
import { indentLines, oneLine, paint } from '../cli-output.ts';

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
    // Everything below but numbers and states is recorded text: shown, never obeyed.
    o.out(`${paint(o, 'bold', `#${item.number} ${oneLine(item.title)}`)}`);
    o.out(
      `  id ${item.phase}/${item.id} · ${item.kind}${item.optional ? ' · optional' : ''} · ${item.state}`,
    );
    for (const d of item.spec.details ?? []) o.out(`  · ${oneLine(d)}`);
    if (item.spec.sign) o.out(`  signed by: ${item.spec.sign.join(' or ')}`);
    if (item.spec.check)
      o.out(`  check: ${item.spec.check.name} ${oneLine(JSON.stringify(item.spec.check.params))}`);
    if (item.spec.run) o.out(`  run: ${oneLine([item.spec.run].flat().join(' '))}`);
    if (item.spec.suggest?.run)
      o.out(
        '  suggested (never run unasked):',
        `    ${indentLines(item.spec.suggest.run, '    ').join('\n')}`,
      );
    if (item.note) o.out(`  note: ${indentLines(item.note, '        ').join('\n')}`);
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
          `  result: ${e.result}${e.summary ? ` — ${oneLine(e.summary)}` : ''}${e.checkedAt ? ` (checked ${e.checkedAt.slice(0, 19).replace('T', ' ')})` : ''}`,
        );
      if (e.fix) o.out(`  fix: ${oneLine(e.fix)}`);
      if (e.url) o.out(`  evidence: ${oneLine(e.url)}`);
      const { summarizeEvidence } = await import('../../checks/check-junit.ts');
      // Captured output line by line: each stays one line, however it was printed.
      for (const line of summarizeEvidence(e)) o.out(`  ${oneLine(line)}`);
    }
    if (events.length) {
      o.out('  history:');
      for (const e of events) {
        const when = e.at.slice(0, 19).replace('T', ' ');
        // Who posted it, and with which API token when it came through the server.
        const by = `by ${oneLine(e.actor)}${e.origin?.tokenId ? ` (token ${oneLine(e.origin.tokenId)})` : ''}`;
        if (e.type === 'check.result') {
          const p = e.payload as { result: string; summary: string; reason?: string };
          o.out(
            `    ${when} check ${p.result} ${by}, not applied: ${oneLine(p.reason ?? p.summary)}`,
          );
          continue;
        }
        const p = e.payload as { from: string; to: string; note?: string };
        const clock = e.realAt
          ? paint(
              o,
              'yellow',
              ` (clock overridden; real time ${e.realAt.slice(0, 19).replace('T', ' ')})`,
            )
          : '';
        o.out(
          `    ${when} ${p.from} → ${p.to} ${by}${p.note ? ` — ${oneLine(p.note)}` : ''}${clock}`,
        );
      }
    }
    return 0;
  },
});
