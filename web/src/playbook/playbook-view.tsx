/**
 * A compiled playbook as a person reads it: its roles, environments and release window, then
 * phases → sections → items, each item with its kind, the check that verifies it (and the
 * check's parameters), `when:`, due point, what it deploys and who signs it; each gate with its
 * roles and four-eyes rule. Every text from the playbook is rendered as text, never as HTML.
 */
import type { Playbook, PlaybookItem, PlaybookSection } from './playbook-types.ts';
import { windowInWords } from './playbook-window.ts';

type When = PlaybookItem['when'];

function whenWords(when: When): string {
  if (!when) return '';
  const parts: string[] = [];
  if (when.type?.length) parts.push(`${when.type.join('/')} releases`);
  if (when.environment?.length) parts.push(`${when.environment.join('/')} only`);
  return parts.join(', ');
}

/** A multi-line command's first line, marked as shortened. */
function firstLine(command: string): string {
  const [first, ...rest] = command.trim().split('\n');
  return rest.length ? `${first} …` : (first ?? '');
}

function paramsText(params: unknown): string {
  if (params === undefined || params === null) return '';
  if (typeof params === 'object' && Object.keys(params).length === 0) return '';
  return JSON.stringify(params);
}

/** Role ids with their names from the playbook: `qa-lead` → `QA Lead`. */
function roleNames(playbook: Playbook, roles: readonly string[] | undefined): string {
  return (roles ?? []).map((r) => playbook.roles[r] ?? r).join(', ');
}

function GateNote(props: { playbook: Playbook; gate?: string[]; fourEyes?: true; when?: When }) {
  const { playbook, gate, fourEyes, when } = props;
  const parts: string[] = [];
  if (gate) {
    parts.push(
      gate.length
        ? `Go/no-go gate: ${roleNames(playbook, gate)} sign${gate.length === 1 ? 's' : ''}`
        : 'Go/no-go gate: the sign-offs above it',
    );
  }
  if (fourEyes) parts.push('four eyes (signers must differ from who did the work)');
  if (when) parts.push(`only for ${whenWords(when)}`);
  return parts.length ? <p className="pb-gate">{parts.join('; ')}</p> : null;
}

function ItemRow({ playbook, item }: { playbook: Playbook; item: PlaybookItem }) {
  const check = item.check ?? item.watch?.check;
  const facts: string[] = [];
  if (item.optional) facts.push('optional');
  if (item.when) facts.push(`when ${whenWords(item.when)}`);
  if (item.due) facts.push(`due ${item.due}`);
  if (item.deploys?.length) facts.push(`deploys to ${item.deploys.join(', ')}`);
  if (item.sign?.length) facts.push(`signed by ${roleNames(playbook, item.sign)}`);
  if (item.watch) facts.push(`watch for ${item.watch.for}`);
  if (item.timeout) facts.push(`timeout ${item.timeout}`);
  return (
    <li className={check ? 'pb-item automated' : 'pb-item'}>
      <span className="pb-kind">{item.kind}</span> <span className="pb-title">{item.title}</span>
      {check ? (
        <span className="pb-check">
          {' '}
          automated: check <code>{check.name}</code>
          {paramsText(check.params) ? (
            <code className="pb-params"> {paramsText(check.params)}</code>
          ) : null}
        </span>
      ) : null}
      {item.suggest?.run ? (
        <span className="pb-suggest muted">
          {' '}
          suggested command <code>{firstLine(item.suggest.run)}</code>
        </span>
      ) : null}
      {facts.length ? <span className="muted"> · {facts.join(' · ')}</span> : null}
      {item.items?.length ? (
        <ul className="pb-items">
          {item.items.map((sub) => (
            <ItemRow key={sub.id} playbook={playbook} item={sub} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function SectionBlock(props: { playbook: Playbook; section: PlaybookSection; level: 3 | 4 }) {
  const { playbook, section, level } = props;
  const Heading = level === 3 ? 'h3' : 'h4';
  return (
    <section className="pb-section">
      <Heading>{section.title ?? section.id}</Heading>
      <GateNote
        playbook={playbook}
        {...(section.gate ? { gate: section.gate } : {})}
        {...(section.fourEyes ? { fourEyes: section.fourEyes } : {})}
        when={section.when}
      />
      {section.items.length ? (
        <ul className="pb-items">
          {section.items.map((item) => (
            <ItemRow key={item.id} playbook={playbook} item={item} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** Counts the items of a playbook and those a check verifies (sub-items included). */
export function countItems(playbook: Playbook): { items: number; automated: number } {
  let items = 0;
  let automated = 0;
  const walk = (list: readonly PlaybookItem[]) => {
    for (const i of list) {
      items += 1;
      if (i.check ?? i.watch?.check) automated += 1;
      walk(i.items ?? []);
    }
  };
  for (const phase of playbook.phases) for (const s of phase.sections) walk(s.items);
  for (const s of playbook.rollback) walk(s.items);
  return { items, automated };
}

/**
 * The whole compiled playbook.
 *
 * @example <PlaybookView playbook={stored.playbook} />
 */
export function PlaybookView({ playbook, label }: { playbook: Playbook; label: string }) {
  const window = windowInWords(playbook.policy.window);
  const counts = countItems(playbook);
  return (
    <div className="pb-view" aria-label={label} role="region">
      <dl className="facts pb-facts">
        <dt>Name</dt>
        <dd>{playbook.name}</dd>
        {playbook.description ? (
          <>
            <dt>About</dt>
            <dd>{playbook.description}</dd>
          </>
        ) : null}
        <dt>Items</dt>
        <dd>
          {counts.items}, {counts.automated} automated by a check
        </dd>
        <dt>Roles</dt>
        <dd>
          {Object.entries(playbook.roles)
            .map(([id, name]) => `${name} (${id})`)
            .join(', ') || 'none'}
        </dd>
        <dt>Environments</dt>
        <dd>{playbook.environments.join(', ') || 'none'}</dd>
        {playbook.types.length ? (
          <>
            <dt>Release types</dt>
            <dd>{playbook.types.join(', ')}</dd>
          </>
        ) : null}
        <dt>Release window</dt>
        <dd className="pb-window">{window ?? 'any time (the playbook sets no window)'}</dd>
        {playbook.policy.force?.length ? (
          <>
            <dt>May force a deployment</dt>
            <dd>{roleNames(playbook, playbook.policy.force)}</dd>
          </>
        ) : null}
      </dl>
      {playbook.phases.map((phase) => (
        <section key={phase.id} className="pb-phase">
          <h3>{phase.title}</h3>
          <GateNote
            playbook={playbook}
            {...(phase.gate ? { gate: phase.gate } : {})}
            {...(phase.fourEyes ? { fourEyes: phase.fourEyes } : {})}
            when={phase.when}
          />
          {phase.sections.map((section) => (
            <SectionBlock key={section.id} playbook={playbook} section={section} level={4} />
          ))}
        </section>
      ))}
      {playbook.rollback.length ? (
        <section className="pb-phase">
          <h3>Rollback procedure</h3>
          {playbook.policy.rollback?.when.length ? (
            <p className="pb-gate">Roll back when: {playbook.policy.rollback.when.join('; ')}</p>
          ) : null}
          {playbook.rollback.map((section) => (
            <SectionBlock key={section.id} playbook={playbook} section={section} level={4} />
          ))}
        </section>
      ) : null}
    </div>
  );
}
