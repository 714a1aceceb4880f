/**
 * The evidence drawer of one item: its state, who and when, the note, and what the result rests
 * on (command, exit code, duration, output, findings, files and hashes, links), with the item's
 * history read from the API. Everything is rendered as text; only http(s) links become links.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { apiGet } from '../web-api.ts';
import type { ItemDetail, ReleaseEvent, ReleaseItem } from '../web-api-types.ts';
import { ErrorNote } from '../web-errors.tsx';
import { formatTime, stateWords } from '../web-format.ts';
import { describeEvent } from './release-event-words.ts';

type Evidence = Record<string, unknown>;

function safeUrl(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function lines(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export function EvidenceDrawer(props: {
  apiPath: string;
  item: ReleaseItem;
  items: ReleaseItem[];
  headCount: number;
  onClose: () => void;
}) {
  const { apiPath, item, items, headCount, onClose } = props;
  const closeButton = useRef<HTMLButtonElement>(null);
  const detail = useQuery({
    queryKey: ['item', apiPath, item.number, headCount],
    queryFn: () => apiGet<ItemDetail>(`${apiPath}/items/${item.number}`),
  });
  useEffect(() => {
    closeButton.current?.focus();
  }, [item.number]);
  const e = (item.evidence ?? {}) as Evidence;
  const output = e.output as { head?: unknown; tail?: unknown; lines?: unknown } | undefined;
  const findings = Array.isArray(e.findings) ? (e.findings as Evidence[]) : [];
  const files = Array.isArray(e.files) ? (e.files as Evidence[]) : [];
  const links = [e.url, ...(Array.isArray(e.links) ? e.links : [])].map(safeUrl).filter(Boolean);
  const command = Array.isArray(e.command) ? e.command.map(String).join(' ') : e.command;
  const headLines = lines(output?.head);
  const tailLines = lines(output?.tail);
  const total =
    typeof output?.lines === 'number' ? output.lines : headLines.length + tailLines.length;
  const history: ReleaseEvent[] = detail.data?.history ?? [];
  return (
    <aside
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="drawer-title"
      onKeyDown={(k) => {
        if (k.key === 'Escape') onClose();
      }}
    >
      <header>
        <h2 id="drawer-title">
          #{item.number} {item.title}
        </h2>
        <button type="button" ref={closeButton} onClick={onClose}>
          Close
        </button>
      </header>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <span className={`state s-${item.state}`}>{stateWords[item.state]}</span>
        </dd>
        <dt>Kind</dt>
        <dd>{item.kind}</dd>
        {item.updatedBy ? (
          <>
            <dt>By</dt>
            <dd>
              {item.updatedBy}, {formatTime(item.updatedAt)}
            </dd>
          </>
        ) : null}
        {item.note ? (
          <>
            <dt>Note</dt>
            <dd className="pre">{item.note}</dd>
          </>
        ) : null}
        {typeof command === 'string' && command ? (
          <>
            <dt>Command</dt>
            <dd>
              <code>{command}</code>
            </dd>
          </>
        ) : null}
        {typeof e.exitCode === 'number' || e.exitCode === null ? (
          <>
            <dt>Exit code</dt>
            <dd>{e.exitCode === null ? 'none (stopped)' : String(e.exitCode)}</dd>
          </>
        ) : null}
        {typeof e.durationMs === 'number' ? (
          <>
            <dt>Duration</dt>
            <dd>{(e.durationMs / 1000).toFixed(1)} s</dd>
          </>
        ) : null}
        {typeof e.summary === 'string' ? (
          <>
            <dt>Summary</dt>
            <dd>{e.summary}</dd>
          </>
        ) : null}
        {typeof e.fix === 'string' ? (
          <>
            <dt>How to fix</dt>
            <dd>{e.fix}</dd>
          </>
        ) : null}
      </dl>
      {headLines.length || tailLines.length ? (
        <section>
          <h3>Output ({total} lines)</h3>
          <pre className="output">
            {headLines.join('\n')}
            {total > headLines.length + tailLines.length
              ? `\n… ${total - headLines.length - tailLines.length} lines left out …\n`
              : tailLines.length
                ? '\n'
                : ''}
            {tailLines.join('\n')}
          </pre>
        </section>
      ) : null}
      {findings.length ? (
        <section>
          <h3>Findings</h3>
          <ul>
            {findings.map((f, i) => (
              <li key={i}>
                <code>{String(f.where ?? '')}</code> {String(f.message ?? '')}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {files.length ? (
        <section>
          <h3>Files</h3>
          <ul>
            {files.map((f, i) => (
              <li key={i}>
                <code>{String(f.path ?? '')}</code>{' '}
                <span className="muted hash">{String(f.sha256 ?? '')}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {links.length ? (
        <section>
          <h3>Links</h3>
          <ul>
            {links.map((href) => (
              <li key={href}>
                <a href={href} rel="noopener noreferrer" target="_blank">
                  {href}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h3>History</h3>
        <ErrorNote error={detail.error} />
        {detail.isPending ? <p role="status">Loading…</p> : null}
        <ol className="plain history">
          {history.map((ev) => {
            const w = describeEvent(ev, items);
            return (
              <li key={ev.seq}>
                <span className="muted">{formatTime(ev.at)}</span> {ev.actor}: {w.what}
                {w.note ? <span className="note"> “{w.note}”</span> : null}
              </li>
            );
          })}
        </ol>
      </section>
    </aside>
  );
}
