/** The release's timeline, newest first, from its event log as the stream delivered it. */
import { useState } from 'react';
import type { ReleaseEvent, ReleaseItem } from '../web-api-types.ts';
import { formatTime } from '../web-format.ts';
import { describeEvent } from './release-event-words.ts';

const firstShown = 30;

export function Timeline({ events, items }: { events: ReleaseEvent[]; items: ReleaseItem[] }) {
  const [all, setAll] = useState(false);
  const newest = [...events].reverse();
  const shown = all ? newest : newest.slice(0, firstShown);
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="plain timeline" aria-live="polite" aria-relevant="additions">
        {shown.map((ev) => {
          const w = describeEvent(ev, items);
          return (
            <li key={ev.seq}>
              <time dateTime={ev.at} className="muted">
                {formatTime(ev.at)}
              </time>{' '}
              <span className="actor">{ev.actor}</span>{' '}
              {w.item !== undefined ? <a href={`#item-${w.item}`}>{w.what}</a> : w.what}
              {w.note ? <span className="note"> “{w.note}”</span> : null}
            </li>
          );
        })}
      </ol>
      {newest.length > firstShown ? (
        <button type="button" className="link" onClick={() => setAll(!all)}>
          {all ? 'Show the newest only' : `Show all ${newest.length} events`}
        </button>
      ) : null}
    </section>
  );
}
