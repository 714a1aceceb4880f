/**
 * The release's items by phase and section: each with its number, title, kind, state, who and
 * when, and note; a checkbox to select it for one action on several; its evidence; go/no-go for
 * a sign item. Finished sections start collapsed; a filter opens what it matches. Rows use a
 * roving tab stop (one row in the tab order; j/k move between rows).
 */
import type { Membership, ReleaseItem } from '../web-api-types.ts';
import { formatTime, stateWords } from '../web-format.ts';
import { maySignAs } from './release-model.ts';
import type { PhaseGroup } from './release-model.ts';
import { SignButtons } from './release-signoffs.tsx';

export interface ItemListProps {
  phases: PhaseGroup[];
  filtering: boolean;
  selected: ReadonlySet<number>;
  onToggle: (n: number) => void;
  focused: number | undefined;
  onFocus: (n: number) => void;
  onEvidence: (n: number) => void;
  isOpen: (key: string, finished: boolean) => boolean;
  setOpen: (key: string, open: boolean) => void;
  sign: {
    apiPath: string;
    etag: string | undefined;
    membership: Membership | undefined;
    onChanged: () => void;
    roleName: (role: string) => string;
  };
}

export function ItemList(props: ItemListProps) {
  const { phases, filtering, isOpen, setOpen } = props;
  const firstRow = phases[0]?.sections[0]?.items[0]?.number;
  return (
    <div className="phases">
      {phases.map((phase) => (
        <section key={phase.id} className="phase" aria-labelledby={`phase-${phase.id}`}>
          <h2 id={`phase-${phase.id}`}>{phase.title}</h2>
          {phase.sections.map((section) => {
            const open = filtering || isOpen(section.key, section.finished);
            const accepted = section.items.filter(
              (i) => stateWords[i.state] && isAccepted(i),
            ).length;
            return (
              <details
                key={section.key}
                open={open}
                onToggle={(e) => {
                  const now = (e.currentTarget as HTMLDetailsElement).open;
                  if (now !== open && !filtering) setOpen(section.key, now);
                }}
              >
                <summary>
                  <span className="section-title">{section.title}</span>{' '}
                  <span className="muted">
                    {accepted}/{section.items.length}
                    {section.finished ? ' · finished' : ''}
                  </span>
                </summary>
                {open ? (
                  <ul className="items">
                    {section.items.map((item) => (
                      <ItemRow
                        key={item.number}
                        item={item}
                        tabStop={(props.focused ?? firstRow) === item.number}
                        {...props}
                      />
                    ))}
                  </ul>
                ) : null}
              </details>
            );
          })}
        </section>
      ))}
    </div>
  );
}

function isAccepted(item: ReleaseItem): boolean {
  return ['done', 'passed', 'na', 'waived'].includes(item.state);
}

function ItemRow(props: ItemListProps & { item: ReleaseItem; tabStop: boolean }) {
  const { item, selected, onToggle, onFocus, onEvidence, sign, tabStop, focused } = props;
  const n = item.number;
  const roles = item.kind === 'sign' ? (item.spec.sign ?? []) : [];
  return (
    <li
      id={`item-${n}`}
      data-item={n}
      tabIndex={tabStop ? 0 : -1}
      className={`item s-${item.state}${selected.has(n) ? ' selected' : ''}${focused === n ? ' focused' : ''}`}
      aria-labelledby={`item-${n}-title`}
      onFocus={(e) => {
        if (e.target === e.currentTarget) onFocus(n);
      }}
    >
      <input
        type="checkbox"
        checked={selected.has(n)}
        onChange={() => onToggle(n)}
        aria-label={`Select #${n}`}
      />
      <span className="num">#{n}</span>
      <span className="title" id={`item-${n}-title`}>
        {item.title}
        {item.optional ? <span className="muted"> (optional)</span> : null}
      </span>
      <span className="kind">{item.kind}</span>
      <span className={`state s-${item.state}`}>{stateWords[item.state]}</span>
      {item.updatedBy ? (
        <span className="who muted">
          {item.updatedBy} · <time dateTime={item.updatedAt}>{formatTime(item.updatedAt)}</time>
        </span>
      ) : null}
      {item.note ? <span className="note">{item.note}</span> : null}
      <button type="button" className="small" onClick={() => onEvidence(n)}>
        Evidence<span className="sr-only"> for #{n}</span>
      </button>
      {roles
        .filter((role) => maySignAs(sign.membership, role))
        .map((role) => (
          <SignButtons key={role} {...sign} role={role} target={item.id} label={`#${n}`} />
        ))}
    </li>
  );
}
