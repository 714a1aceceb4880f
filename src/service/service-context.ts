/**
 * What every use case shares: who acts, the clock, the project, and the one transaction helper
 * (find and lock a release, record an event, set an item state, finish a release). Each use-case
 * file takes a {@link ServiceContext}; nothing here is a use case itself.
 */
import {
  ConflictError,
  InputError,
  IntegrityError,
  NotFoundError,
  TransitionError,
} from '../core/errors.ts';
import type { ErrorHint } from '../core/errors.ts';
import { chainEvent, emptyHead, headOf } from '../core/event-chain.ts';
import { cleanEventOrigin } from '../core/event-origin.ts';
import type { EventPayloads, EventType } from '../core/event-payloads.ts';
import {
  followSubItemsAction,
  followingParents,
  reopenCandidates,
  planParentSync,
} from '../core/item-parents.ts';
import { suggestName } from '../core/names.ts';
import type { Playbook } from '../core/playbook.ts';
import { acceptedStates, openReleaseStates, releaseStateWords } from '../core/release-model.ts';
import type {
  ChainHead,
  EventOrigin,
  Evidence,
  Release,
  ReleaseItem,
  ReleaseState,
} from '../core/release-model.ts';
import { signItemState, viewSignoffs } from '../core/release-rules.ts';
import { findControlChar } from '../core/text-safety.ts';
import type { Redactor } from '../core/redact.ts';
import type { ChangeBus } from '../store/change-bus.ts';
import { warnChangeBusError } from '../store/change-bus.ts';
import type { Store, StoreReader, StoreWriter } from '../store/store.ts';
import { publishAfterCommit } from './service-changes.ts';
import type { DeliverFn } from '../core/notify-delivery.ts';
import type {
  ReleaseExpectation,
  ReleaseRef,
  ReleaseView,
  ReleaseWriteRef,
} from './service-contract.ts';

export interface ServiceDeps {
  store: Store;
  /**
   * Who acts: an e-mail or user name, or a function that finds out, called on the first
   * write (a read-only command then never pays for the lookup).
   */
  actor: string | (() => string);
  /**
   * Where the changes come from (server mode: the client's address and user agent, the API
   * token by id), or a function that finds out, called on the first write. Kept in every event
   * this service records, bounded and cleaned (`core/event-origin.ts`). Local mode leaves it out.
   */
  origin?: EventOrigin | (() => EventOrigin | undefined);
  /** The project releases belong to (one per repository in local mode). */
  project?: string;
  /** The clock, injectable for tests. */
  now?: () => Date;
  /**
   * The real clock, given only when `now` is an override (tests, demos): every event then keeps
   * the real time beside the one it was given (`realAt`), so an override is never silent.
   */
  realNow?: () => Date;
  /**
   * The environment of the process that gives the input (local mode): the values of its
   * secret-named variables are masked in every note, reason and result before it is stored.
   */
  secretEnv?: Record<string, string | undefined>;
  /**
   * Where committed changes are announced for live updates (the server's event streams): after
   * each write transaction commits, one change per release that got events, with its newest seq.
   * Local mode has no watchers and leaves it out.
   */
  changes?: ChangeBus;
  /**
   * Where a failed announcement is reported; the write itself stands. A process warning unless
   * told.
   */
  onChangeError?: (error: unknown) => void;
  /**
   * Notifications: where channel variables are read at delivery time, the transport, and who
   * is told after a commit queued deliveries (the CLI starts its sender then).
   */
  notify?: {
    env?: Record<string, string | undefined>;
    deliver?: DeliverFn;
    onQueued?: () => void;
  };
}

export interface ServiceContext {
  store: Store;
  project: string;
  /** Who acts; a name with a control character in it is refused. */
  actor(): string;
  /** Where the change comes from, cleaned and masked, when the service was told. */
  origin(): Promise<EventOrigin | undefined>;
  now(): Date;
  iso(): string;
  /** The real time when the clock is overridden, else undefined. */
  realIso(): string | undefined;
  /**
   * `value` with secrets masked in every string in it (token shapes, URL passwords,
   * credentials, the secret values of {@link ServiceDeps.secretValues}), before it is stored.
   */
  mask<T>(value: T): Promise<T>;
}

/** The longest note, comment or reason a person may give, in characters. */
export const maxTextLength = 4000;
/** The longest evidence link. */
export const maxLinkLength = 2000;

/**
 * Builds the context of a service instance.
 *
 * @example const ctx = createServiceContext({ store, actor: 'ana@example.com', project: 'acme/app' });
 */
export function createServiceContext(deps: ServiceDeps): ServiceContext {
  let knownActor: string | undefined;
  let knownOrigin: Promise<EventOrigin | undefined> | undefined;
  let redactor: Redactor | undefined;
  const now = deps.now ?? (() => new Date());
  const { realNow } = deps;
  const ctx: ServiceContext = {
    store: deps.changes
      ? publishAfterCommit(deps.store, deps.changes, deps.onChangeError ?? warnChangeBusError)
      : deps.store,
    project: deps.project ?? 'default',
    actor: () =>
      (knownActor ??= checkActor(typeof deps.actor === 'function' ? deps.actor() : deps.actor)),
    now,
    iso: () => now().toISOString(),
    realIso: () => realNow?.().toISOString(),
    async mask(value) {
      // Loaded on the first write: reads never pay for compiling the secret patterns.
      const { collectSecretValues, createRedactor, redactDeep } = await import('../core/redact.ts');
      redactor ??= createRedactor({
        secretValues: deps.secretEnv ? collectSecretValues(deps.secretEnv) : [],
      });
      return redactDeep(value, redactor);
    },
    origin: () =>
      (knownOrigin ??= (async () => {
        const raw = typeof deps.origin === 'function' ? deps.origin() : deps.origin;
        const origin = cleanEventOrigin(raw);
        // A user agent is the client's text, masked like a note (a token pasted into it). Only
        // it: the redactor would take `tokenId` for a credential by its name.
        if (origin?.userAgent) origin.userAgent = await ctx.mask(origin.userAgent);
        return origin;
      })()),
  };
  return ctx;
}

/** An actor's name is on every line of the record: it may not carry a control character. */
function checkActor(name: string): string {
  const bad = findControlChar(name);
  if (bad) {
    throw new InputError(`the name of who acts, ${JSON.stringify(name)}, contains ${bad}`, {
      field: 'actor',
    });
  }
  return name;
}

/**
 * Appends one event to the release's hash-chained log and moves the head the release row
 * anchors, in the caller's transaction. When the anchored head is not where the log ends (the
 * newest events were deleted, or added, outside the service), nothing is recorded: appending
 * would hide the gap.
 */
export async function recordEvent<T extends EventType>(
  ctx: ServiceContext,
  tx: StoreWriter,
  releaseId: string,
  type: T,
  payload: EventPayloads[T],
  at: string,
) {
  const prev = await tx.lastEvent(releaseId);
  const realAt = ctx.realIso();
  const origin = await ctx.origin();
  const event = chainEvent(prev, {
    releaseId,
    at,
    ...(realAt !== undefined ? { realAt } : {}),
    actor: ctx.actor(),
    ...(origin !== undefined ? { origin } : {}),
    type,
    payload,
  });
  await tx.appendEvent(event);
  const from = prev ? headOf([prev]) : emptyHead;
  if (!(await tx.updateReleaseHead(releaseId, headOf([event]), from))) {
    const release = await tx.getRelease(releaseId);
    throw anchorMismatch(release, from);
  }
  return event;
}

function anchorMismatch(release: Release | undefined, log: ChainHead): IntegrityError {
  const version = release?.version ?? '(unknown)';
  const anchored = release?.head ?? emptyHead;
  return new IntegrityError(
    `the event log of release ${version} ends at event ${log.count}, but the release anchors ` +
      `${anchored.count} events (head ${anchored.hash.slice(0, 12)}): the log was changed outside ` +
      'gonogo; nothing more is recorded on it, since a new event would hide the change',
    { hint: { action: 'audit.verify', refs: [version] } },
  );
}

/** `v1.4.0` and `1.4.0` name the same release; it is stored without the `v`. */
export const normalizeVersionRef = (v: string) => v.trim().replace(/^v(?=\d)/i, '');

/**
 * Finds a release of the project: the version named, else for `write` the newest release in
 * progress, for `read` the newest release of any state.
 */
export async function findRelease(
  ctx: ServiceContext,
  r: StoreReader,
  ref: ReleaseRef = {},
  mode: 'read' | 'write' = 'write',
): Promise<Release> {
  if (ref.version) {
    const version = normalizeVersionRef(ref.version);
    const found = await r.findRelease(ctx.project, version);
    if (found) return found;
    const all = await r.listReleases(ctx.project, { limit: 200 });
    const near = suggestName(
      version,
      all.map((x) => x.version),
    );
    throw new NotFoundError(
      `no release "${ref.version}" in project ${ctx.project}${near ? `; did you mean "${near}"?` : ''}`,
      { hint: { action: 'release.list' }, field: 'version' },
    );
  }
  const [current] = await r.listReleases(
    ctx.project,
    mode === 'write' ? { states: openReleaseStates, limit: 1 } : { limit: 1 },
  );
  if (!current) {
    throw new NotFoundError(
      mode === 'write'
        ? `no release in progress in project ${ctx.project}`
        : `no release yet in project ${ctx.project}`,
      { hint: { action: 'release.start' } },
    );
  }
  return current;
}

/**
 * Finds the release inside a write transaction and locks it, so concurrent writers queue. With
 * `ref.expect`, refuses a release that has moved since the client read it (see
 * {@link assertExpected}): compared under the lock, so of writers that read the same state
 * exactly one gets through.
 */
export async function lockRelease(
  ctx: ServiceContext,
  tx: StoreWriter,
  ref: ReleaseWriteRef = {},
  states: readonly Release['state'][] = openReleaseStates,
): Promise<Release> {
  // A named version may be any state the caller accepts; without one, the newest in progress.
  const found = await findRelease(
    ctx,
    tx,
    ref,
    ref.version && states.length > 1 ? 'read' : 'write',
  );
  // Read again under the lock (the row may have changed while we waited for it): the lock
  // returns it where it had to wait; where the transaction held the lock before `found` was
  // read (SQLite), `found` is current.
  const release = (await tx.lockRelease(found.id)) ?? found;
  // Before the state: a client whose view is stale learns first what it has not seen.
  assertExpected(release, ref.expect);
  if (!states.includes(release.state)) assertOpen(release);
  return release;
}

/**
 * Throws `conflict` with the release as it is now when `expect` names another event count than
 * the release has: someone changed it since the client read it. Nothing without `expect`. Call
 * it on the release read under its lock (as {@link lockRelease} does).
 *
 * @example assertExpected(release, { events: 12 }) // throws when release.head.count is 13
 */
export function assertExpected(release: Release, expect: ReleaseExpectation | undefined): void {
  if (expect === undefined) return;
  const then = expect.events;
  if (!Number.isSafeInteger(then) || then < 0) {
    throw new InputError(
      `the expected event count of release ${release.version} is ${JSON.stringify(then)}; it is a whole number, 0 or more`,
      { field: 'expect' },
    );
  }
  const now = release.head?.count ?? 0;
  if (now === then) return;
  const events = (n: number) => `${n} event${n === 1 ? '' : 's'}`;
  throw new ConflictError(
    `release ${release.version} changed since it was read (${events(then)} then, ${now} now); ` +
      'nothing was recorded: look at what changed and decide again',
    {
      current: release,
      hint: { action: 'release.show', refs: [release.version] },
    },
  );
}

export async function loadPlaybookOf(r: StoreReader, release: Release): Promise<Playbook> {
  const pb = await r.getPlaybook(release.playbookHash);
  if (!pb)
    throw new NotFoundError(
      `playbook ${release.playbookHash.slice(0, 12)} of release ${release.version} is missing from the store`,
    );
  return pb;
}

/** The release with everything recorded about it. */
export async function viewRelease(r: StoreReader, release: Release): Promise<ReleaseView> {
  const [playbook, items, signoffs, decisions, deployments, overrides] = await Promise.all([
    loadPlaybookOf(r, release),
    r.listItems(release.id),
    r.listSignoffs(release.id),
    r.listDecisions(release.id),
    r.listDeployments({ releaseId: release.id }),
    r.listOverrides(release.id),
  ]);
  const incidents = (
    await Promise.all(deployments.map((d) => r.listIncidents({ deploymentId: d.id })))
  ).flat();
  incidents.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
  return {
    release,
    playbook,
    items,
    signoffs: viewSignoffs(signoffs, release.commit),
    decisions,
    deployments,
    overrides,
    incidents,
  };
}

/** Writes an item's new state and its event, guarded by the item's row version. */
export async function setItemState(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  item: ReleaseItem,
  state: ReleaseItem['state'],
  at: string,
  extra: { note?: string; evidence?: Evidence; action?: string } = {},
) {
  const patch: Parameters<StoreWriter['updateItem']>[2] = {
    state,
    updatedAt: at,
    updatedBy: ctx.actor(),
  };
  if (extra.note !== undefined) patch.note = extra.note;
  if (extra.evidence !== undefined) patch.evidence = extra.evidence;
  await tx.updateItem(release.id, item.number, patch, item.rowVersion);
  await recordEvent(
    ctx,
    tx,
    release.id,
    'item.state',
    {
      item: item.number,
      id: item.id,
      from: item.state,
      to: state,
      ...(extra.action ? { action: extra.action } : {}),
      ...(extra.note !== undefined ? { note: extra.note } : {}),
      ...(extra.evidence !== undefined ? { evidence: extra.evidence } : {}),
    },
    at,
  );
}

/** Brings sign items in line with the current sign-offs, and their parents with them. */
export async function syncSignItems(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  at: string,
) {
  const views = viewSignoffs(await tx.listSignoffs(release.id), release.commit);
  for (const item of await tx.listItems(release.id)) {
    if (item.kind !== 'sign') continue;
    const next = signItemState(item, views);
    if (next !== item.state && !(item.state === 'waived' || item.state === 'na')) {
      await setItemState(ctx, tx, release, item, next, at, { action: 'sign-sync' });
    }
  }
  await syncParentItems(ctx, tx, release, at);
}

/**
 * Moves parents to follow their sub-items (`core/item-parents.ts`): done when every sub-item is
 * accepted, back to pending when one no longer is and the parent was done by this rule. Each
 * move is an `item.state` event by whoever made the change that caused it. Every use case that
 * changes item states calls it, in its transaction, before {@link maybeFinish}. Returns the
 * parents it moved, as they are now.
 *
 * @example const followed = await syncParentItems(ctx, tx, release, at);
 */
export async function syncParentItems(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  at: string,
): Promise<ReleaseItem[]> {
  const items = await tx.listItems(release.id);
  // Only a parent that might go back to pending needs its latest state event: a lookup per
  // such parent, never the whole log (which grows with every write).
  const latest = [];
  for (const parent of reopenCandidates(items)) {
    const event = await tx.lastItemStateEvent(release.id, parent);
    if (event) latest.push(event);
  }
  const following = followingParents(latest);
  const changes = planParentSync(items, following);
  for (const c of changes) {
    await setItemState(ctx, tx, release, c.item, c.to, at, {
      action: followSubItemsAction,
      note: c.note,
    });
  }
  if (changes.length === 0) return [];
  const after = await tx.listItems(release.id);
  return changes.map((c) => after.find((i) => i.number === c.item.number)!);
}

/**
 * Moves the release to another state of its life and records it (`release.state`) with the
 * reason and, for `superseded`, the version that replaced it; who and when come from the
 * context. Returns the release as it is now.
 */
export async function setReleaseState(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  to: ReleaseState,
  at: string,
  extra: { reason?: string; supersededBy?: string } = {},
): Promise<Release> {
  const fresh = (await tx.getRelease(release.id)) ?? release;
  const patch = {
    state: to,
    stateReason: extra.reason,
    stateBy: ctx.actor(),
    stateAt: at,
    updatedAt: at,
    ...(extra.supersededBy !== undefined ? { supersededBy: extra.supersededBy } : {}),
  };
  await tx.updateRelease(release.id, patch, fresh.rowVersion);
  await recordEvent(
    ctx,
    tx,
    release.id,
    'release.state',
    {
      from: fresh.state,
      to,
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
      ...(extra.supersededBy !== undefined ? { supersededBy: extra.supersededBy } : {}),
    },
    at,
  );
  return (await tx.getRelease(release.id)) ?? { ...fresh, ...patch };
}

/**
 * Settles what follows from the record after a change: a rollback whose procedure is complete
 * resolves its incidents (time to restore ends there); a release that production runs, with
 * nothing required left open, is finished.
 */
export async function maybeFinish(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  playbook: Playbook,
  at: string,
) {
  const items = await tx.listItems(release.id);
  await maybeCompleteRollback(ctx, tx, release, items, at);
  const fresh = (await tx.getRelease(release.id)) ?? release;
  if (fresh.state !== 'deployed' && fresh.state !== 'active') return;
  const last = playbook.environments.at(-1);
  const deployments = await tx.listDeployments({ releaseId: release.id, environment: last });
  if (!deployments.some((d) => d.status === 'succeeded')) return;
  if (items.some((i) => !i.optional && !acceptedStates.includes(i.state))) return;
  await tx.updateRelease(
    release.id,
    { state: 'finished', stateReason: undefined, stateBy: ctx.actor(), stateAt: at, updatedAt: at },
    fresh.rowVersion,
  );
  await recordEvent(
    ctx,
    tx,
    release.id,
    'release.finished',
    { version: release.version, from: fresh.state, resolvedIncidents: [] },
    at,
  );
}

/** Resolves the release's open incidents once every required rollback item is accepted. */
async function maybeCompleteRollback(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  items: ReleaseItem[],
  at: string,
) {
  const procedure = items.filter((i) => i.rollback);
  if (!procedure.length) return;
  if (procedure.some((i) => !i.optional && !acceptedStates.includes(i.state))) return;
  const open: string[] = [];
  for (const d of await tx.listDeployments({ releaseId: release.id }))
    for (const inc of await tx.listIncidents({ deploymentId: d.id }))
      if (!inc.resolvedAt) open.push(inc.id);
  if (!open.length) return;
  for (const id of open) await tx.updateIncident(id, { resolvedAt: at });
  await recordEvent(ctx, tx, release.id, 'rollback.completed', { resolvedIncidents: open }, at);
}

/**
 * Throws unless the release still takes work: in progress, deployed (follow-ups open) or rolled
 * back (its rollback procedure open).
 */
export function assertOpen(release: Release) {
  if (!openReleaseStates.includes(release.state)) {
    const why = release.stateReason ? ` (${release.stateReason})` : '';
    const by = release.supersededBy ? ` by ${release.supersededBy}` : '';
    throw new TransitionError(
      `release ${release.version} is ${releaseStateWords[release.state]}${by}${why}; it takes no more changes`,
      { hint: { action: 'release.start' } },
    );
  }
}

export function assertEnvironment(playbook: Playbook, env: string) {
  assertKnown(
    env,
    playbook.environments,
    `unknown environment "${env}"`,
    "the playbook's environments",
    'environment',
  );
}

/** Throws an InputError for a name that is not among the known ones, with a "did you mean". */
export function assertKnown(
  name: string,
  known: readonly string[],
  message: string,
  listName: string,
  field?: string,
) {
  if (known.includes(name)) return;
  const near = suggestName(name, known);
  throw new InputError(
    [
      {
        message,
        fix: near
          ? `did you mean "${near}"?`
          : known.length
            ? `${listName} are: ${known.join(', ')}`
            : `${listName}: none are declared in the playbook`,
      },
    ],
    field ? { field } : undefined,
  );
}

/**
 * Checks a person's text (note, comment, reason) against the limits: not longer than
 * {@link maxTextLength}; with `required`, not blank.
 */
export function assertText(
  text: string | undefined,
  field: string,
  opts: { required?: string; max?: number; hint?: ErrorHint } = {},
): void {
  const max = opts.max ?? maxTextLength;
  if (text !== undefined && text.length > max) {
    throw new InputError(`the ${field} is ${text.length} characters; the limit is ${max}`, {
      field,
    });
  }
  if (opts.required && !text?.trim()) {
    throw new InputError(opts.required, { field, ...(opts.hint ? { hint: opts.hint } : {}) });
  }
}
