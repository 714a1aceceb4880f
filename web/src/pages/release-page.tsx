/**
 * The release page: where the release stands (the next gate's GO / NO-GO with its blockers),
 * its phases, sections and items, the sign-off panel, the timeline, and the evidence drawer.
 * One status read and one event stream load it; every event the stream brings re-reads the
 * status, so a change made anywhere shows here without a reload.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiFailure, apiRequest, countOfEtag, projectPath, releasePath } from '../web-api.ts';
import type {
  ItemAction,
  ItemActionResult,
  Membership,
  ReleaseEvent,
  StatusView,
} from '../web-api-types.ts';
import { ErrorNote } from '../web-errors.tsx';
import { acceptedStates, formatTime, shortCommit, stateWords } from '../web-format.ts';
import { Link } from '../web-router.tsx';
import { useSession } from '../web-session.ts';
import { useTitle } from '../web-title.ts';
import { ActionBar, needsReason } from '../release/release-actions.tsx';
import type { Conflict, Skipped } from '../release/release-actions.tsx';
import { EvidenceDrawer } from '../release/release-evidence.tsx';
import { DeploymentsPanel } from '../release/release-deployments.tsx';
import { ItemList } from '../release/release-items.tsx';
import { FollowUps, LifeBanner } from '../release/release-life.tsx';
import { KeysDialog } from '../release/release-keys.tsx';
import { groupItems, matchesFilter, noFilter } from '../release/release-model.ts';
import type { ItemFilter } from '../release/release-model.ts';
import { GatePanel, SignoffPanel } from '../release/release-signoffs.tsx';
import { useReleaseStream } from '../release/release-stream.ts';
import { Timeline } from '../release/release-timeline.tsx';

/** The performance mark set when the items first render with data (bench/bench-web.ts reads it). */
const itemsRenderedMark = 'gonogo:items-rendered';

/**
 * The release's status as a query: the page reads it, and the app asks for it beside the
 * session (before the page mounts), so a release page loads in one round of requests.
 *
 * @example void client.prefetchQuery(releaseStatusQuery('acme/app', '1.0.0'));
 */
export function releaseStatusQuery(project: string, version: string) {
  return {
    queryKey: ['status', project, version],
    queryFn: () => apiRequest<StatusView>(`${releasePath(project, version)}/status`),
  };
}

export function ReleasePage({ project, version }: { project: string; version: string }) {
  const apiPath = releasePath(project, version);
  const client = useQueryClient();
  const statusQuery = useMemo(() => releaseStatusQuery(project, version), [project, version]);
  const statusKey = statusQuery.queryKey;
  const status = useQuery(statusQuery);
  const me = useSession().data?.user.email ?? '';
  const membership = useQuery({
    queryKey: ['member', project, me],
    queryFn: async () =>
      (
        await apiRequest<Membership>(
          `${projectPath(project)}/members/${encodeURIComponent(me)}`,
        ).catch(() => ({ data: undefined }))
      ).data ?? null,
    enabled: me !== '',
  });
  const refresh = useCallback(
    () => void client.invalidateQueries({ queryKey: statusKey }),
    [client, statusKey],
  );
  const seen = countOfEtag(status.data?.etag);
  const onEvents = (batch: ReleaseEvent[]) => {
    if (batch.at(-1)!.seq > seen) refresh();
  };
  const stream = useReleaseStream(apiPath, onEvents);

  const view = status.data?.data.view;
  useTitle(
    view
      ? `Release ${version} (${status.data!.data.outcome === 'go' ? 'GO' : 'NO-GO'})`
      : `Release ${version}`,
    project,
  );

  const [filter, setFilter] = useState<ItemFilter>(noFilter);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [focused, setFocused] = useState<number | undefined>();
  const [drawer, setDrawer] = useState<number | undefined>();
  const [help, setHelp] = useState(false);
  const [note, setNote] = useState('');
  const [pending, setPending] = useState<ItemAction | undefined>();
  const [reasonMissing, setReasonMissing] = useState<ItemAction | undefined>();
  const [conflict, setConflict] = useState<Conflict | undefined>();
  const [skipped, setSkipped] = useState<Skipped[]>([]);
  const [opened, setOpened] = useState<Record<string, boolean>>({});
  const filterRef = useRef<HTMLInputElement>(null);
  const focusedRef = useRef<number | undefined>(undefined);
  focusedRef.current = focused;
  const noteRef = useRef<HTMLInputElement>(null);

  const phases = useMemo(() => (view ? groupItems(view) : []), [view]);
  const filtering = filter.text !== '' || filter.state !== '' || filter.kind !== '';
  const shownPhases = useMemo(
    () =>
      phases
        .map((p) => ({
          ...p,
          sections: p.sections
            .map((s) => ({ ...s, items: s.items.filter((i) => matchesFilter(i, filter)) }))
            .filter((s) => s.items.length),
        }))
        .filter((p) => p.sections.length),
    [phases, filter],
  );
  const sectionOf = useCallback(
    (n: number) =>
      phases.flatMap((p) => p.sections).find((s) => s.items.some((i) => i.number === n)),
    [phases],
  );
  const isOpen = (key: string, finished: boolean) => opened[key] ?? !finished;
  const setOpen = (key: string, open: boolean) => setOpened((o) => ({ ...o, [key]: open }));

  /** Focuses item `n`'s row, opening its section first when it is collapsed. */
  const focusItem = useCallback(
    (n: number) => {
      const section = sectionOf(n);
      if (section) setOpened((o) => ({ ...o, [section.key]: true }));
      setFocused(n);
      requestAnimationFrame(() => {
        const row = document.getElementById(`item-${n}`);
        row?.focus();
        row?.scrollIntoView({ block: 'nearest' });
      });
    },
    [sectionOf],
  );

  // A deep link (#item-12, #gate-go-no-go) opens and focuses its target, on load and on click.
  useEffect(() => {
    if (!view) return;
    const follow = () => {
      const hash = window.location.hash;
      const item = /^#item-(\d+)$/.exec(hash);
      if (item) focusItem(Number(item[1]));
      else if (hash.startsWith('#gate-')) document.getElementById(hash.slice(1))?.focus();
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
    // Only when the release first arrives, not on every refresh.
  }, [view === undefined]);

  // The bench reads this mark (navigation start to the items on screen with data), once a load.
  const marked = useRef(false);
  useEffect(() => {
    if (!view || marked.current) return;
    marked.current = true;
    performance.mark(itemsRenderedMark);
  }, [view]);

  const targets = useMemo(
    () =>
      selected.size ? [...selected].sort((a, b) => a - b) : focused !== undefined ? [focused] : [],
    [selected, focused],
  );

  const act = useMutation({
    mutationFn: (input: { action: ItemAction; refs: number[]; note: string; etag?: string }) =>
      apiRequest<ItemActionResult>(`${apiPath}/items/actions`, {
        method: 'POST',
        json: {
          refs: input.refs.map(String),
          action: input.action,
          ...(input.note.trim() ? { note: input.note.trim() } : {}),
        },
        ifMatch: input.etag,
      }),
    onSuccess: (answer) => {
      // Back to the list after a reason typed in the note, so the keys work again.
      if (document.activeElement === noteRef.current && focusedRef.current !== undefined) {
        focusItem(focusedRef.current);
      }
      setSelected(new Set());
      setNote('');
      setPending(undefined);
      setConflict(undefined);
      setSkipped(answer.data.skipped.map((s) => ({ ref: s.ref, reason: s.reason })));
      refresh();
    },
    onError: (error, input) => {
      setConflict(
        error instanceof ApiFailure && error.status === 409
          ? { base: countOfEtag(input.etag) }
          : undefined,
      );
      refresh();
    },
  });

  const runAction = (action: ItemAction, on: readonly number[] = targets) => {
    if (!on.length) return;
    if (needsReason.has(action) && !note.trim()) {
      setPending(action);
      setReasonMissing(action);
      noteRef.current?.focus();
      return;
    }
    setReasonMissing(undefined);
    act.mutate({
      action,
      refs: [...on],
      note,
      ...(status.data?.etag ? { etag: status.data.etag } : {}),
    });
  };

  const toggle = (n: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(n)) next.delete(n);
      else next.add(n);
      return next;
    });

  const nextOpen = () => {
    const all = phases.flatMap((p) => p.sections.flatMap((s) => s.items));
    const open = all.filter((i) => !acceptedStates.has(i.state) && matchesFilter(i, filter));
    const after = open.find((i) => i.number > (focused ?? 0)) ?? open[0];
    if (after) focusItem(after.number);
  };

  // Keys: j/k move, x ticks, n n/a, space selects, e evidence, o next open, / filter, ? help.
  const keys = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keys.current = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (e.key === 'Escape') {
      if (help) setHelp(false);
      else if (drawer !== undefined) setDrawer(undefined);
      else if (target === filterRef.current) filterRef.current?.blur();
      return;
    }
    if (e.metaKey || e.ctrlKey || e.altKey || help) return;
    if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
    const move = (delta: number) => {
      const rows = [...document.querySelectorAll<HTMLElement>('[data-item]')];
      if (!rows.length) return;
      const at = rows.findIndex((r) => Number(r.dataset.item) === focused);
      const next = rows[Math.min(rows.length - 1, Math.max(0, at < 0 ? 0 : at + delta))]!;
      focusItem(Number(next.dataset.item));
    };
    const onRow = target.closest('[data-item]') !== null || target === document.body;
    // The row that has the focus now: a key pressed right after the focus moved (a deep link,
    // a click) may come before React has rendered the new `focused`, so the DOM decides.
    const row = target.closest<HTMLElement>('[data-item]')?.dataset.item;
    const here = row === undefined ? undefined : Number(row);
    const keyTargets = selected.size || here === undefined ? targets : [here];
    switch (e.key) {
      case 'j':
        e.preventDefault();
        move(1);
        break;
      case 'k':
        e.preventDefault();
        move(-1);
        break;
      case 'x':
        e.preventDefault();
        runAction('done', keyTargets);
        break;
      case 'n':
        if (!keyTargets.length) return;
        e.preventDefault();
        if (here !== undefined && here !== focused) setFocused(here);
        setPending('na');
        noteRef.current?.focus();
        break;
      case ' ':
        if (!onRow || focused === undefined || target.tagName === 'BUTTON') return;
        e.preventDefault();
        toggle(focused);
        break;
      case 'e':
        if (focused !== undefined) setDrawer(focused);
        break;
      case 'o':
        nextOpen();
        break;
      case '/':
        e.preventDefault();
        filterRef.current?.focus();
        break;
      case '?':
        setHelp(true);
        break;
    }
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => keys.current(e);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  if (status.isPending)
    return (
      <p className="loading" role="status">
        Loading release {version}…
      </p>
    );
  if (status.isError || !view) {
    return (
      <main className="narrow">
        <h1>Release {version}</h1>
        <ErrorNote error={status.error} />
        <Link href="/">Back to the dashboard</Link>
      </main>
    );
  }
  const s = status.data.data;
  const roleName = (role: string) => view.playbook.roles[role] ?? role;
  const shared = {
    apiPath,
    etag: status.data.etag,
    membership: membership.data ?? undefined,
    onChanged: refresh,
    roleName,
  };
  const drawerItem = view.items.find((i) => i.number === drawer);
  const total = view.items.length;
  const accepted = view.items.filter((i) => acceptedStates.has(i.state)).length;

  return (
    <main className="release">
      {!stream.connected ? (
        <div className="banner" role="status">
          Live updates paused: the connection to the server was lost. Reconnecting…
        </div>
      ) : null}
      <header className="release-head">
        <p className="crumbs">
          <Link href="/">Dashboard</Link> / {project}
        </p>
        <h1>Release {view.release.version}</h1>
        <LifeBanner release={view.release} life={s.life} items={view.items} />
        <p className="muted">
          {view.release.type ? `${view.release.type} · ` : ''}commit{' '}
          <code>{shortCommit(view.release.commit)}</code> · started by {view.release.createdBy},{' '}
          {formatTime(view.release.createdAt)} · {accepted}/{total} items accepted
        </p>
      </header>
      <div className="release-grid">
        <div className="release-main">
          <GatePanel {...shared} status={s} />
          <DeploymentsPanel {...shared} status={s} events={stream.events} items={view.items} />
          <FollowUps life={s.life} />
          <div className="toolbar" role="search">
            <label>
              Filter
              <input
                ref={filterRef}
                type="search"
                value={filter.text}
                placeholder="Title or number  ( / )"
                onChange={(e) => setFilter({ ...filter, text: e.target.value })}
              />
            </label>
            <label>
              State
              <select
                value={filter.state}
                onChange={(e) => setFilter({ ...filter, state: e.target.value })}
              >
                <option value="">any</option>
                <option value="open">not finished</option>
                {Object.entries(stateWords).map(([k, w]) => (
                  <option key={k} value={k}>
                    {w}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Kind
              <select
                value={filter.kind}
                onChange={(e) => setFilter({ ...filter, kind: e.target.value })}
              >
                <option value="">any</option>
                {['manual', 'check', 'run', 'sign', 'watch', 'notify'].map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={nextOpen}>
              Next open item
            </button>
            <button type="button" className="link" onClick={() => setHelp(true)}>
              Keys (?)
            </button>
          </div>
          <ActionBar
            targets={targets}
            note={note}
            setNote={setNote}
            noteRef={noteRef}
            pending={pending}
            busy={act.isPending}
            onAct={runAction}
            onClear={() => setSelected(new Set())}
            error={act.error}
            reasonMissing={reasonMissing}
            conflict={conflict}
            skipped={skipped}
            events={stream.events}
            items={view.items}
          />
          {shownPhases.length === 0 ? <p>No item matches the filter.</p> : null}
          <ItemList
            phases={shownPhases}
            filtering={filtering}
            selected={selected}
            onToggle={toggle}
            focused={focused}
            onFocus={setFocused}
            onEvidence={setDrawer}
            isOpen={isOpen}
            setOpen={setOpen}
            sign={shared}
          />
        </div>
        <div className="release-side">
          <SignoffPanel {...shared} status={s} />
          <Timeline events={stream.events} items={view.items} />
        </div>
      </div>
      {drawerItem ? (
        <EvidenceDrawer
          apiPath={apiPath}
          item={drawerItem}
          items={view.items}
          headCount={seen}
          onClose={() => {
            setDrawer(undefined);
            focusItem(drawerItem.number);
          }}
        />
      ) : null}
      {help ? <KeysDialog onClose={() => setHelp(false)} /> : null}
    </main>
  );
}
