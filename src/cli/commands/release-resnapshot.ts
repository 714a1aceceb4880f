import type { ChangedItem, GateChange } from '../../core/playbook-diff.ts';
import type { ResnapshotResult } from '../../service/service-contract.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine, paint } from '../cli-output.ts';
import type { Output } from '../cli-output.ts';
import { readPlaybook } from '../cli-playbook.ts';

export default defineCommand({
  usage: 'gonogo release resnapshot [--playbook FILE] [--dry-run]',
  summary:
    'Takes the edited playbook into the release in progress, as one event with the difference: unchanged items keep their number and state, changed ones go back to pending when the change voids their state, new ones get new numbers, removed ones leave (their last state kept in the log); sign-offs of changed gates must be given again, and a no-go still stands. --dry-run shows the difference and records nothing.',
  options: {
    playbook: { type: 'string', short: 'p' },
    'dry-run': { type: 'boolean' },
  },
  positionals: [0, 0],
  async run(ctx, v) {
    // A playbook with problems is refused here, before the database is opened.
    const loaded = readPlaybook(ctx, v.playbook);
    const svc = await ctx.service({ mustExist: true });
    const result = await svc.resnapshot({
      playbook: loaded.playbook,
      ...(v['dry-run'] ? { dryRun: true } : {}),
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    if (ctx.json) {
      ctx.output.out(JSON.stringify({ file: loaded.file, ...result }));
      return 0;
    }
    for (const line of renderResnapshot(ctx.output, result, loaded.file)) ctx.output.out(line);
    return 0;
  },
});

const short = (hash: string) => hash.slice(0, 12);
const title = (t: string) => JSON.stringify(oneLine(t));
const states = (n: number) => `${n} item${n === 1 ? '' : 's'}`;

/**
 * The difference a re-snapshot made (or would make), for a person.
 *
 * @example for (const line of renderResnapshot(ctx.output, result, 'gonogo.yaml')) ctx.output.out(line);
 */
export function renderResnapshot(o: Output, r: ResnapshotResult, file: string): string[] {
  const v = r.release.version;
  if (r.same) {
    return [`release ${v} already has this playbook (${file}, ${short(r.to)}): nothing changed`];
  }
  const d = r.diff;
  const lines = [
    `release ${v}: playbook ${short(r.from)} → ${short(r.to)} (${file})`,
    `  ${states(d.unchanged)} as they were, ${d.changed.length} changed, ${d.added.length} added, ${d.removed.length} removed`,
  ];
  const block = (label: string, rows: string[]) =>
    rows.forEach((row, i) => lines.push(`  ${(i === 0 ? label : '').padEnd(9)}${row}`));
  block('changed', d.changed.map(describeChange));
  block(
    'added',
    d.added.map((a) => `#${a.item} ${title(a.title)} (${oneLine(a.phase)})`),
  );
  block(
    'removed',
    d.removed.map(
      (x) => `#${x.item} ${title(x.title)} (was ${x.state}${x.note ? `: ${oneLine(x.note)}` : ''})`,
    ),
  );
  block('gates', d.gates.map(describeGate));
  if (r.staleSignoffs.length) {
    lines.push(
      `  sign-offs that count no more (${r.recorded ? 'to be given again' : 'would have to be given again'}):`,
    );
    for (const s of r.staleSignoffs)
      lines.push(
        `    ${s.role}'s ${s.verdict} for ${s.target?.kind} ${oneLine(s.target?.id ?? '')} (${oneLine(s.actor)})${s.verdict === 'no-go' ? ': as a no-go it still stands until the role says go' : ''}`,
      );
  }
  if (d.settings.length) lines.push(`  also changed: ${d.settings.join(', ')}`);
  for (const t of r.retitled) {
    lines.push(
      paint(
        o,
        'yellow',
        `  note: #${t.removed} ${title(t.title)} is removed and #${t.added} added in the same section: an item without an id is known by its title; if it is one item retitled, ${r.recorded ? 'its number and state are in the log, and an `id:` on an item keeps them next time' : `give it \`id: ${t.id}\` in the playbook to keep its number and state`}`,
      ),
    );
  }
  for (const s of r.strandedNoGos) {
    lines.push(
      paint(
        o,
        'red',
        `  warning: ${s.role}'s no-go (${oneLine(s.actor)}${s.comment ? `: ${oneLine(s.comment)}` : ''}) still blocks every gate, and no gate or sign item names ${s.role} now: only ${s.role} saying go lifts it, so name the role again`,
      ),
    );
  }
  if (r.recorded) lines.push(`recorded as event ${r.seq}; next: gonogo status`);
  else lines.push('dry run: nothing recorded (run without --dry-run to record it)');
  return lines;
}

function describeChange(c: ChangedItem): string {
  const fields = c.fields.map((f) => (f === 'title' && c.was ? `title (was ${title(c.was)})` : f));
  const outcome =
    c.to === c.from
      ? `stays ${c.to}`
      : `back to ${c.to} (was ${c.from}${c.note ? `: ${oneLine(c.note)}` : ''})`;
  return `#${c.item} ${title(c.title)}: ${fields.join(', ')} changed; ${outcome}`;
}

function describeGate(g: GateChange): string {
  const name = `${title(g.title)} (${oneLine(g.id)})`;
  if (g.change === 'added') return `${name} added: ${g.roles.to.join(', ') || 'no roles'}`;
  if (g.change === 'removed')
    return `${name} removed (was ${g.roles.from.join(', ') || 'no roles'})`;
  const parts: string[] = [];
  if ([...g.roles.from].sort().join() !== [...g.roles.to].sort().join())
    parts.push(`roles ${g.roles.from.join(', ') || 'none'} → ${g.roles.to.join(', ') || 'none'}`);
  const nums = (ns: number[]) => ns.map((n) => `#${n}`).join(' ');
  if (g.items.added.length) parts.push(`now covers ${nums(g.items.added)}`);
  if (g.items.removed.length) parts.push(`no longer ${nums(g.items.removed)}`);
  if (g.items.changed.length) parts.push(`${nums(g.items.changed)} changed`);
  return `${name}: ${parts.join('; ')}`;
}
