/**
 * One action on the selected items (or the focused one): tick, n/a with a reason, waive, fail,
 * reset, through `POST …/items/actions` with the ETag the page was drawn from. A 409 keeps the
 * selection and the note and lists what changed meanwhile; other refusals appear here, beside
 * the buttons that caused them.
 */
import type { RefObject } from 'react';
import type { ItemAction, ReleaseEvent, ReleaseItem } from '../web-api-types.ts';
import { ErrorNote } from '../web-errors.tsx';
import { describeEvent } from './release-event-words.ts';

export interface Conflict {
  /** The event count the refused write was decided on. */
  base: number;
}

export interface Skipped {
  ref: string;
  reason: string;
}

const labels: Record<ItemAction, string> = {
  done: 'Tick done',
  na: 'Mark n/a',
  waive: 'Waive',
  fail: 'Mark failed',
  reset: 'Reset',
};

/** Actions that need a reason in the note. */
export const needsReason = new Set<ItemAction>(['na', 'waive']);

export function ActionBar(props: {
  targets: number[];
  note: string;
  setNote: (note: string) => void;
  noteRef: RefObject<HTMLInputElement | null>;
  pending: ItemAction | undefined;
  busy: boolean;
  onAct: (action: ItemAction) => void;
  onClear: () => void;
  error: unknown;
  reasonMissing: ItemAction | undefined;
  conflict: Conflict | undefined;
  skipped: Skipped[];
  events: ReleaseEvent[];
  items: ReleaseItem[];
}) {
  const { targets, note, setNote, noteRef, pending, busy, onAct, conflict, events, items } = props;
  const changed = conflict ? events.filter((e) => e.seq > conflict.base) : [];
  return (
    <div className="actions" role="toolbar" aria-label="Act on the selected items">
      <p className="count" aria-live="polite">
        {targets.length === 0
          ? 'Select items (or focus one) to act on them.'
          : targets.length === 1
            ? `#${targets[0]} selected`
            : `${targets.length} items selected`}
        {targets.length > 1 ? (
          <button type="button" className="link" onClick={props.onClear}>
            Clear
          </button>
        ) : null}
      </p>
      <label className="note-input">
        Note or reason
        <input
          ref={noteRef}
          value={note}
          placeholder={pending && needsReason.has(pending) ? 'Why? (required)' : 'Optional'}
          onChange={(e) => setNote(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              onAct(pending ?? 'done');
            }
          }}
        />
      </label>
      <div className="buttons">
        {(Object.keys(labels) as ItemAction[]).map((action) => (
          <button
            key={action}
            type="button"
            className={action === 'done' ? 'primary' : ''}
            disabled={busy || targets.length === 0}
            onClick={() => onAct(action)}
          >
            {labels[action]}
          </button>
        ))}
      </div>
      {props.reasonMissing ? (
        <p className="error" role="alert">
          Give a reason in the note to {labels[props.reasonMissing].toLowerCase()}, then press
          Enter.
        </p>
      ) : null}
      {conflict ? (
        <div className="error" role="alert">
          <p>
            <strong>The release changed while you were deciding.</strong> Your selection and note
            are kept; look at what changed, then apply again.
          </p>
          <ul>
            {changed.map((e) => {
              const w = describeEvent(e, items);
              return (
                <li key={e.seq}>
                  {e.actor}: {w.what}
                </li>
              );
            })}
          </ul>
        </div>
      ) : (
        <ErrorNote error={props.error} />
      )}
      {props.skipped.length ? (
        <ul className="skipped" aria-label="Items left as they were">
          {props.skipped.map((s) => (
            <li key={s.ref}>
              #{s.ref} left as it was: {s.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
