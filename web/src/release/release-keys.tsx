/** The release page's keys, and the dialog `?` opens to list them. */
import { useEffect, useRef } from 'react';

export const releaseKeys: [string, string][] = [
  ['j / k', 'next / previous item'],
  ['x', 'tick the selected items (or the focused one) done'],
  ['n', 'mark n/a: type the reason, then Enter'],
  ['space', 'select or unselect the focused item'],
  ['e', 'open the evidence of the focused item'],
  ['o', 'jump to the next open item'],
  ['/', 'filter the items'],
  ['?', 'show these keys'],
  ['Esc', 'close a dialog, leave the filter'],
];

export function KeysDialog({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="overlay">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="keys-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <h2 id="keys-title">Keyboard</h2>
        <dl className="keys">
          {releaseKeys.map(([k, what]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <button type="button" ref={close} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
