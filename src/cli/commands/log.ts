import { describeEvent } from '../../core/release-event-words.ts';
import { defineCommand } from '../cli-command.ts';
import { fit, oneLine, paint } from '../cli-output.ts';
import { clockOverrideNote } from '../cli-render.ts';

export default defineCommand({
  usage: 'gonogo log [VERSION]',
  summary:
    "The release's event log, one line per event: time (UTC), who, what, on which item, the note. --json for the events as recorded.",
  options: {},
  positionals: [0, 1],
  async run(ctx, _v, [version]) {
    const svc = await ctx.service({ mustExist: true });
    const ver = version ?? ctx.release;
    const events = await svc.listEvents(ver ? { version: ver } : {});
    if (ctx.json) {
      ctx.output.out(JSON.stringify(events));
      return 0;
    }
    // The release's playbook and items name the gates and items the events refer to.
    const view = events.length ? await svc.getRelease(ver ? { version: ver } : {}) : undefined;
    const words = { items: view?.items ?? [], ...(view ? { playbook: view.playbook } : {}) };
    const o = ctx.output;
    // Only a terminal cuts lines to its width: a file or a pipe gets every word.
    // (One column less than the terminal's: a line as wide as it would wrap on some terminals.)
    const width = process.stdout.isTTY
      ? Math.max(40, (process.stdout.columns || 80) - 1)
      : undefined;
    const who = Math.max(0, ...events.map((e) => oneLine(e.actor).length));
    for (const e of events) {
      const { what, note } = describeEvent(e, words);
      const time = e.at.slice(0, 19).replace('T', ' ');
      const line = `${time}  ${oneLine(e.actor).padEnd(who)}  ${oneLine(what)}${note ? ` — ${oneLine(note)}` : ''}`;
      const shown = width ? fit(line, width) : line;
      // Colour after cutting, so the cut never splits a colour code.
      o.out(`${paint(o, 'gray', shown.slice(0, time.length))}${shown.slice(time.length)}`);
      // An event written under an overridden clock says so on the line under it.
      if (e.realAt) {
        const clock = `     ${clockOverrideNote(e.at, e.realAt)}`;
        o.out(paint(o, 'yellow', width ? fit(clock, width) : clock));
      }
    }
    return 0;
  },
});
