/**
 * The one implementation of the Store over Kysely: the same queries run on SQLite and
 * PostgreSQL. The rows and how they become the model are in `store-rows.ts`.
 */
import { newRowId } from './row-id.ts';
import { createGroupCommit } from './sqlite-group-commit.ts';
import type { GroupCommit } from './sqlite-group-commit.ts';
import { createPlaybookCache } from './store-playbook-cache.ts';
import type { PlaybookCache } from './store-playbook-cache.ts';
import { sql } from 'kysely';
import type { Kysely, Updateable } from 'kysely';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import type { Playbook } from '../core/playbook.ts';
import type {
  ChainHead,
  Decision,
  EnvironmentLock,
  Deployment,
  GateOverride,
  Incident,
  Release,
  ReleaseEvent,
  ReleaseItem,
  Signoff,
  SignoffTarget,
} from '../core/release-model.ts';
import type {
  ApiToken,
  ApiTokenRecord,
  Membership,
  Session,
  UserRecord,
} from '../core/account-model.ts';
import type { AccountTables, UserPatch } from './store-accounts.ts';
import { accountReads, accountWrites } from './store-accounts.ts';
import type { JobTables, ScheduledJob } from './store-jobs.ts';
import { jobReads, jobWrites } from './store-jobs.ts';
import { readReleaseHistories } from './store-analytics.ts';
import type { ReleaseHistories, ReleaseHistoryQuery } from './store-analytics.ts';
import type { DisabledChannel, NotifyDelivery } from '../core/notify-delivery.ts';
import type { DeliveryFilter, DeliveryPatch, NotifyTables } from './store-notify.ts';
import { notifyReads, notifyWrites } from './store-notify.ts';
import {
  insertDeploymentCommits,
  insertImportedDeployments,
  readMetricsFacts,
  refreshDeploymentFacts,
  renameMetricsProject,
} from './store-metrics.ts';
import type { ImportedDeployment, MetricsDb } from './store-metrics.ts';
import type { DeploymentCommit, MetricsFacts } from '../core/metrics-report.ts';
import type {
  Dialect,
  ItemSnapshotPatch,
  ReleasePatch,
  Store,
  StoreReader,
  StoreWriter,
} from './store.ts';
import { defaultEventPage, maxEventPage } from './store.ts';
import {
  toDecision,
  toDeployment,
  toEvent,
  toIncident,
  toItem,
  toOverride,
  toRelease,
  toSignoff,
} from './store-rows.ts';
import type {
  DeploymentRow,
  IncidentRow,
  ReleaseItemRow,
  ReleaseRow,
  StoreTables,
} from './store-rows.ts';

/** Booleans read back as 0/1 from SQLite and as true/false from PostgreSQL. */
/** Reads, on the database or on a transaction. */
export class KyselyStoreReader implements StoreReader {
  readonly dialect: Dialect;
  protected readonly db: Kysely<StoreTables>;
  /** Parsed playbooks of this store, shared with its transactions' writers. */
  protected readonly playbooks: PlaybookCache;

  constructor(db: Kysely<StoreTables>, dialect: Dialect, playbooks = createPlaybookCache()) {
    this.db = db;
    this.dialect = dialect;
    this.playbooks = playbooks;
  }

  /** The metrics database view: the same connection, with the metrics tables typed. */
  protected get metricsDb(): MetricsDb {
    return this.db as unknown as MetricsDb;
  }

  async readMetricsFacts(q: {
    project: string;
    environment: string;
    since: number;
    until: number;
    weeks: number[];
  }): Promise<MetricsFacts> {
    return readMetricsFacts(this.metricsDb, q);
  }

  async listProjects(): Promise<{ id: string; createdAt: string }[]> {
    const rows = await this.db
      .selectFrom('projects')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at }));
  }

  async getPlaybook(hash: string): Promise<Playbook | undefined> {
    const row = await this.db
      .selectFrom('playbooks')
      .select('body')
      .where('hash', '=', hash)
      .executeTakeFirst();
    return row ? this.playbooks.parse(hash, row.body) : undefined;
  }

  async getProjectPlaybook(project: string, hash: string): Promise<Playbook | undefined> {
    const filed = await this.db
      .selectFrom('project_playbooks')
      .select('hash')
      .where('project', '=', project)
      .where('hash', '=', hash)
      .executeTakeFirst();
    const used =
      filed ??
      (await this.db
        .selectFrom('releases')
        .select('playbook_hash as hash')
        .where('project', '=', project)
        .where('playbook_hash', '=', hash)
        .limit(1)
        .executeTakeFirst());
    return used ? this.getPlaybook(hash) : undefined;
  }

  async latestProjectPlaybook(project: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('project_playbooks')
      .select('hash')
      .where('project', '=', project)
      .orderBy('stored_at', 'desc')
      .orderBy('hash')
      .limit(1)
      .executeTakeFirst();
    return row?.hash;
  }

  async getRelease(id: string): Promise<Release | undefined> {
    const row = await this.db
      .selectFrom('releases')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRelease(row);
  }

  async findRelease(project: string, version: string): Promise<Release | undefined> {
    const row = await this.db
      .selectFrom('releases')
      .selectAll()
      .where('project', '=', project)
      .where('version', '=', version)
      .executeTakeFirst();
    return row && toRelease(row);
  }

  async listReleases(
    project: string,
    opts: { states?: readonly Release['state'][]; limit?: number } = {},
  ): Promise<Release[]> {
    let query = this.db
      .selectFrom('releases')
      .selectAll()
      .where('project', '=', project)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc');
    if (opts.states !== undefined) query = query.where('state', 'in', [...opts.states]);
    if (opts.limit !== undefined) query = query.limit(opts.limit);
    return (await query.execute()).map(toRelease);
  }

  async listItems(releaseId: string): Promise<ReleaseItem[]> {
    const rows = await this.db
      .selectFrom('release_items')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('number')
      .execute();
    return rows.map(toItem);
  }

  async listSignoffs(releaseId: string): Promise<Signoff[]> {
    const rows = await this.db
      .selectFrom('signoffs')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map(toSignoff);
  }

  async listDecisions(releaseId: string): Promise<Decision[]> {
    const rows = await this.db
      .selectFrom('decisions')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map(toDecision);
  }

  async nextScheduledJobAt(): Promise<string | undefined> {
    return jobReads.nextScheduledJobAt(this.db as unknown as Kysely<JobTables>);
  }

  async listScheduledJobs(key?: string): Promise<ScheduledJob[]> {
    return jobReads.listScheduledJobs(this.db as unknown as Kysely<JobTables>, key);
  }

  // Notifications (store-notify.ts).
  protected get outbox(): Kysely<NotifyTables> {
    return this.db as unknown as Kysely<NotifyTables>;
  }

  listDeliveries(filter: DeliveryFilter): Promise<NotifyDelivery[]> {
    return notifyReads.listDeliveries(this.outbox, filter);
  }

  nextDeliveryAt(project?: string): Promise<string | undefined> {
    return notifyReads.nextDeliveryAt(this.outbox, project);
  }

  listDisabledChannels(project: string): Promise<DisabledChannel[]> {
    return notifyReads.listDisabledChannels(this.outbox, project);
  }

  async listEnvironmentLocks(project: string): Promise<EnvironmentLock[]> {
    const rows = await this.db
      .selectFrom('environment_locks')
      .selectAll()
      .where('project', '=', project)
      .orderBy('environment')
      .execute();
    return rows.map((r) => ({
      project: r.project,
      environment: r.environment,
      reason: r.reason,
      actor: r.actor,
      at: r.at,
      ...(r.version !== null ? { version: r.version } : {}),
    }));
  }

  async listOverrides(releaseId: string): Promise<GateOverride[]> {
    const rows = await this.db
      .selectFrom('gate_overrides')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map(toOverride);
  }

  async listDeployments(filter: {
    project?: string;
    releaseId?: string;
    environment?: string;
  }): Promise<Deployment[]> {
    let query = this.db.selectFrom('deployments').selectAll();
    if (filter.project !== undefined) query = query.where('project', '=', filter.project);
    if (filter.releaseId !== undefined) query = query.where('release_id', '=', filter.releaseId);
    if (filter.environment !== undefined) {
      query = query.where('environment', '=', filter.environment);
    }
    const rows = await query.orderBy('started_at').orderBy('id').execute();
    return rows.map(toDeployment);
  }

  async listIncidents(filter: { deploymentId?: string; project?: string }): Promise<Incident[]> {
    let query = this.db
      .selectFrom('incidents')
      .innerJoin('deployments', 'deployments.id', 'incidents.deployment_id')
      .selectAll('incidents');
    if (filter.deploymentId !== undefined) {
      query = query.where('incidents.deployment_id', '=', filter.deploymentId);
    }
    if (filter.project !== undefined)
      query = query.where('deployments.project', '=', filter.project);
    const rows = await query.orderBy('incidents.opened_at').orderBy('incidents.id').execute();
    return rows.map(toIncident);
  }

  async listEvents(releaseId: string): Promise<ReleaseEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('seq')
      .execute();
    return rows.map(toEvent);
  }

  async listEventsSince(
    releaseId: string,
    afterSeq: number,
    limit = defaultEventPage,
  ): Promise<ReleaseEvent[]> {
    // A bad bound (NaN, negative, fractional) from a caller's header is clamped, not sent to SQL.
    const after = Number.isFinite(afterSeq) ? Math.max(0, Math.floor(afterSeq)) : 0;
    const page = Number.isFinite(limit)
      ? Math.min(maxEventPage, Math.max(1, Math.floor(limit)))
      : defaultEventPage;
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('release_id', '=', releaseId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(page)
      .execute();
    return rows.map(toEvent);
  }

  async lastItemStateEvent(releaseId: string, number: number): Promise<ReleaseEvent | undefined> {
    // The payload is JSON text on both databases; the scan runs from the newest event back,
    // inside the database, and stops at the first match.
    const item =
      this.dialect === 'sqlite'
        ? sql<number>`json_extract(payload, '$.item')`
        : sql<number>`(payload::jsonb ->> 'item')::numeric`;
    const row = await this.db
      .selectFrom('events')
      .selectAll()
      .where('release_id', '=', releaseId)
      .where('type', '=', 'item.state')
      .where(item, '=', number)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toEvent(row);
  }

  async readReleaseHistories(
    project: string,
    query: ReleaseHistoryQuery,
  ): Promise<ReleaseHistories> {
    return readReleaseHistories(this.db, this.dialect, project, query);
  }

  async lastEvent(releaseId: string): Promise<ReleaseEvent | undefined> {
    const row = await this.db
      .selectFrom('events')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toEvent(row);
  }

  /** The accounts tables' view of this database or transaction. */
  protected get accounts(): Kysely<AccountTables> {
    return this.db as unknown as Kysely<AccountTables>;
  }

  countUsers(filter: { admin?: boolean } = {}): Promise<number> {
    return accountReads.countUsers(this.accounts, filter);
  }

  getUser(id: string): Promise<UserRecord | undefined> {
    return accountReads.getUser(this.accounts, id);
  }

  findUserByEmail(email: string): Promise<UserRecord | undefined> {
    return accountReads.findUserByEmail(this.accounts, email);
  }

  getSession(id: string): Promise<Session | undefined> {
    return accountReads.getSession(this.accounts, id);
  }

  findApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    return accountReads.findApiTokenByHash(this.accounts, tokenHash);
  }

  getApiToken(id: string): Promise<ApiToken | undefined> {
    return accountReads.getApiToken(this.accounts, id);
  }

  listApiTokens(userId: string): Promise<ApiToken[]> {
    return accountReads.listApiTokens(this.accounts, userId);
  }

  getMembership(project: string, userId: string): Promise<Membership | undefined> {
    return accountReads.getMembership(this.accounts, project, userId);
  }

  listMemberships(filter: { project?: string; userId?: string }): Promise<Membership[]> {
    return accountReads.listMemberships(this.accounts, filter);
  }
}

/**
 * Writes, on a transaction. In patches, a key that is present with the value `undefined`
 * clears an optional field (note, evidence, commit, ...); a key that is absent leaves it.
 */
export class KyselyStoreWriter extends KyselyStoreReader implements StoreWriter {
  /**
   * The items of each release read in this transaction, kept up to date by its own item
   * writes: a write on a release reads its items several times (plan, parents, finish, answer),
   * and with a hundred items that reading cost more than the write. Other transactions cannot
   * change them meanwhile: item writes hold the release's lock (and are guarded by row_version).
   */
  #items = new Map<string, ReleaseItem[]>();

  override async listItems(releaseId: string): Promise<ReleaseItem[]> {
    let items = this.#items.get(releaseId);
    if (!items) {
      items = await super.listItems(releaseId);
      this.#items.set(releaseId, items);
    }
    // Copies: a caller that changes what it got must not change what the next one gets.
    return items.map((item) => ({ ...item }));
  }

  async lockRelease(id: string): Promise<Release | undefined> {
    // SQLite: BEGIN IMMEDIATE already holds the database's write lock for the transaction.
    if (this.dialect === 'sqlite') return undefined;
    // The locked row comes back with the lock: one round trip instead of two.
    const row = await this.db
      .selectFrom('releases')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && toRelease(row);
  }

  async ensureProject(id: string, at: string): Promise<void> {
    await this.db
      .insertInto('projects')
      .values({ id, created_at: at })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async renameProject(from: string, to: string): Promise<void> {
    const taken = await this.db
      .selectFrom('releases')
      .select('id')
      .where('project', '=', to)
      .limit(1)
      .executeTakeFirst();
    if (taken) throw new ConflictError(`project ${to} already has releases`);
    await this.db
      .updateTable('releases')
      .set({ project: to })
      .where('project', '=', from)
      .execute();
    await this.db
      .updateTable('deployments')
      .set({ project: to })
      .where('project', '=', from)
      .execute();
    await this.outbox
      .updateTable('notify_deliveries')
      .set({ project: to })
      .where('project', '=', from)
      .execute();
    await renameMetricsProject(this.metricsDb, from, to);
    const row = await this.db
      .selectFrom('projects')
      .select('created_at')
      .where('id', '=', from)
      .executeTakeFirst();
    await this.db.deleteFrom('projects').where('id', '=', from).execute();
    await this.ensureProject(to, row?.created_at ?? new Date().toISOString());
  }

  async putProjectPlaybook(
    project: string,
    hash: string,
    playbook: Playbook,
    by: string,
    at: string,
  ): Promise<void> {
    await this.putPlaybook(hash, playbook);
    await this.db
      .insertInto('project_playbooks')
      .values({ project, hash, stored_by: by, stored_at: at })
      // Storing a playbook again makes it the project's current one again.
      .onConflict((oc) =>
        oc.columns(['project', 'hash']).doUpdateSet({ stored_by: by, stored_at: at }),
      )
      .execute();
  }

  async putPlaybook(hash: string, playbook: Playbook): Promise<void> {
    await this.db
      .insertInto('playbooks')
      .values({
        hash,
        name: playbook.name,
        body: JSON.stringify(playbook),
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
  }

  async insertRelease(release: Release): Promise<void> {
    await mapUnique(
      () =>
        this.db
          .insertInto('releases')
          .values({
            id: release.id,
            project: release.project,
            version: release.version,
            type: release.type ?? null,
            commit_sha: release.commit ?? null,
            commit_at: release.commitAt ?? null,
            playbook_hash: release.playbookHash,
            state: release.state,
            created_at: release.createdAt,
            created_by: release.createdBy,
            updated_at: release.updatedAt,
            row_version: release.rowVersion,
            event_count: release.head?.count ?? 0,
            head_hash: release.head?.hash ?? null,
            state_reason: release.stateReason ?? null,
            state_by: release.stateBy ?? null,
            state_at: release.stateAt ?? null,
            supersedes: release.supersedes ?? null,
            superseded_by: release.supersededBy ?? null,
          })
          .execute(),
      `release ${release.version} of ${release.project} already exists ` +
        '(choose another version, or continue the existing release)',
    );
  }

  async updateRelease(id: string, patch: ReleasePatch, expectedVersion: number): Promise<void> {
    const set: Updateable<ReleaseRow> = {};
    if ('commit' in patch) set.commit_sha = patch.commit ?? null;
    if ('commitAt' in patch) set.commit_at = patch.commitAt ?? null;
    if (patch.state !== undefined) set.state = patch.state;
    if ('stateReason' in patch) set.state_reason = patch.stateReason ?? null;
    if ('stateBy' in patch) set.state_by = patch.stateBy ?? null;
    if ('stateAt' in patch) set.state_at = patch.stateAt ?? null;
    if ('supersedes' in patch) set.supersedes = patch.supersedes ?? null;
    if ('supersededBy' in patch) set.superseded_by = patch.supersededBy ?? null;
    if (patch.playbookHash !== undefined) set.playbook_hash = patch.playbookHash;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    const result = await this.db
      .updateTable('releases')
      .set((eb) => ({ ...set, row_version: eb('row_version', '+', 1) }))
      .where('id', '=', id)
      .where('row_version', '=', expectedVersion)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return;
    const current = await this.db
      .selectFrom('releases')
      .select(['version', 'row_version'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) throw new NotFoundError(`release ${id} does not exist`);
    throw staleError(`release ${current.version}`, expectedVersion, current.row_version);
  }

  async updateReleaseHead(id: string, head: ChainHead, expected: ChainHead): Promise<boolean> {
    let query = this.db
      .updateTable('releases')
      .set({ event_count: head.count, head_hash: head.hash })
      .where('id', '=', id)
      .where('event_count', '=', expected.count);
    // An empty log has no head hash on the row.
    query =
      expected.count === 0
        ? query.where('head_hash', 'is', null)
        : query.where('head_hash', '=', expected.hash);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async insertItems(items: ReleaseItem[]): Promise<void> {
    for (const releaseId of new Set(items.map((i) => i.releaseId))) this.#items.delete(releaseId);
    if (items.length === 0) return;
    const rows = items.map((item) => ({
      release_id: item.releaseId,
      number: item.number,
      item_id: item.id,
      phase: item.phase,
      section: item.section,
      title: item.title,
      kind: item.kind,
      optional: item.optional,
      parent: item.parent ?? null,
      rollback: item.rollback,
      spec: JSON.stringify(item.spec),
      state: item.state,
      note: item.note ?? null,
      evidence: item.evidence === undefined ? null : JSON.stringify(item.evidence),
      updated_at: item.updatedAt,
      updated_by: item.updatedBy ?? null,
      row_version: item.rowVersion,
    }));
    // Chunks keep each statement under SQLite's bound-parameter limit (32766).
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await mapUnique(
        () => this.db.insertInto('release_items').values(chunk).execute(),
        `an item number or id repeats in release ${items[0]?.releaseId} (item numbers and ids ` +
          'must be unique within a release)',
      );
    }
  }

  async updateItem(
    releaseId: string,
    number: number,
    patch: Partial<Pick<ReleaseItem, 'state' | 'note' | 'evidence' | 'updatedAt' | 'updatedBy'>>,
    expectedVersion: number,
  ): Promise<void> {
    // The state fields are a part of the snapshot's: one guarded write serves both.
    await this.updateItemSnapshot(releaseId, number, patch, expectedVersion);
  }

  async updateItemSnapshot(
    releaseId: string,
    number: number,
    patch: ItemSnapshotPatch,
    expectedVersion: number,
  ): Promise<void> {
    const set: Updateable<ReleaseItemRow> = {};
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.kind !== undefined) set.kind = patch.kind;
    if (patch.optional !== undefined) set.optional = patch.optional;
    if (patch.phase !== undefined) set.phase = patch.phase;
    if (patch.section !== undefined) set.section = patch.section;
    if ('parent' in patch) set.parent = patch.parent ?? null;
    if (patch.rollback !== undefined) set.rollback = patch.rollback;
    if (patch.spec !== undefined) set.spec = JSON.stringify(patch.spec);
    if (patch.state !== undefined) set.state = patch.state;
    if ('note' in patch) set.note = patch.note ?? null;
    if ('evidence' in patch) {
      set.evidence = patch.evidence === undefined ? null : JSON.stringify(patch.evidence);
    }
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    if ('updatedBy' in patch) set.updated_by = patch.updatedBy ?? null;
    const updated = await this.db
      .updateTable('release_items')
      .set((eb) => ({ ...set, row_version: eb('row_version', '+', 1) }))
      .where('release_id', '=', releaseId)
      .where('number', '=', number)
      .where('row_version', '=', expectedVersion)
      .returningAll()
      .executeTakeFirst();
    if (updated) {
      const items = this.#items.get(releaseId);
      const at = items?.findIndex((i) => i.number === number) ?? -1;
      if (items && at >= 0) items[at] = toItem(updated);
      else this.#items.delete(releaseId);
      return;
    }
    const current = await this.db
      .selectFrom('release_items')
      .select('row_version')
      .where('release_id', '=', releaseId)
      .where('number', '=', number)
      .executeTakeFirst();
    if (!current) throw new NotFoundError(`item ${number} does not exist in release ${releaseId}`);
    throw staleError(`item ${number}`, expectedVersion, current.row_version);
  }

  async deleteItems(releaseId: string, numbers: number[]): Promise<void> {
    this.#items.delete(releaseId);
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < numbers.length; i += 500) {
      await this.db
        .deleteFrom('release_items')
        .where('release_id', '=', releaseId)
        .where('number', 'in', numbers.slice(i, i + 500))
        .execute();
    }
  }

  async insertSignoff(signoff: Signoff): Promise<void> {
    await this.db
      .insertInto('signoffs')
      .values({
        id: signoff.id ?? newRowId(),
        release_id: signoff.releaseId,
        role: signoff.role,
        verdict: signoff.verdict,
        target_kind: signoff.target?.kind ?? null,
        target: signoff.target?.id ?? null,
        commit_sha: signoff.commit ?? null,
        actor: signoff.actor,
        at: signoff.at,
        comment: signoff.comment ?? null,
        carried_from: signoff.carriedFrom ?? null,
        stale_since: signoff.staleSince ?? null,
      })
      .execute();
  }

  async markSignoffsStale(
    releaseId: string,
    targets: SignoffTarget[],
    seq: number,
  ): Promise<Signoff[]> {
    const marked: Signoff[] = [];
    for (const kind of ['gate', 'item'] as const) {
      const ids = [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.id))];
      for (let i = 0; i < ids.length; i += 500) {
        const where = ids.slice(i, i + 500);
        const rows = await this.db
          .selectFrom('signoffs')
          .selectAll()
          .where('release_id', '=', releaseId)
          .where('target_kind', '=', kind)
          .where('target', 'in', where)
          .where('stale_since', 'is', null)
          .execute();
        if (rows.length === 0) continue;
        // The same rows: the caller holds the release's lock, so none came in between.
        await this.db
          .updateTable('signoffs')
          .set({ stale_since: seq })
          .where('release_id', '=', releaseId)
          .where('target_kind', '=', kind)
          .where('target', 'in', where)
          .where('stale_since', 'is', null)
          .execute();
        marked.push(...rows.map((r) => toSignoff({ ...r, stale_since: seq })));
      }
    }
    return marked.sort((a, b) => a.at.localeCompare(b.at) || a.id!.localeCompare(b.id!));
  }

  async insertDecision(decision: Decision): Promise<void> {
    await this.db
      .insertInto('decisions')
      .values({
        id: decision.id ?? newRowId(),
        release_id: decision.releaseId,
        gate: decision.gate,
        outcome: decision.outcome,
        blockers: JSON.stringify(decision.blockers),
        inputs: JSON.stringify(decision.inputs ?? null),
        commit_sha: decision.commit ?? null,
        actor: decision.actor,
        at: decision.at,
        override: decision.override === undefined ? null : JSON.stringify(decision.override),
      })
      .execute();
  }

  async insertOverride(override: GateOverride): Promise<void> {
    await this.db
      .insertInto('gate_overrides')
      .values({
        id: newRowId(),
        release_id: override.releaseId,
        kind: override.kind,
        gate: override.gate ?? null,
        environment: override.environment ?? null,
        commit_sha: override.commit ?? null,
        role: override.role,
        actor: override.actor,
        at: override.at,
        reason: override.reason,
        blockers: JSON.stringify(override.blockers),
      })
      .execute();
  }

  async insertDeployment(deployment: Deployment): Promise<void> {
    await mapUnique(
      () =>
        this.db
          .insertInto('deployments')
          .values({
            id: deployment.id,
            project: deployment.project,
            release_id: deployment.releaseId,
            version: deployment.version,
            commit_sha: deployment.commit ?? null,
            environment: deployment.environment,
            status: deployment.status,
            started_at: deployment.startedAt,
            finished_at: deployment.finishedAt ?? null,
            actor: deployment.actor,
          })
          .execute(),
      `deployment ${deployment.id} already exists (record it once)`,
    );
    await refreshDeploymentFacts(this.metricsDb, deployment.id);
  }

  async insertDeploymentCommits(
    deploymentId: string,
    commits: readonly DeploymentCommit[],
    truncated: boolean,
  ): Promise<number> {
    return insertDeploymentCommits(this.metricsDb, deploymentId, commits, truncated);
  }

  async insertImportedDeployments(
    project: string,
    environment: string,
    deployments: readonly ImportedDeployment[],
  ): Promise<{ imported: number; skipped: number; commits: number }> {
    return insertImportedDeployments(this.metricsDb, project, environment, deployments);
  }

  async updateDeployment(
    id: string,
    patch: Partial<Pick<Deployment, 'status' | 'finishedAt'>>,
  ): Promise<void> {
    const set: Updateable<DeploymentRow> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if ('finishedAt' in patch) set.finished_at = patch.finishedAt ?? null;
    // An empty SET is not SQL; re-setting the id keeps the not-found check below uniform.
    const result = await this.db
      .updateTable('deployments')
      .set({ ...set, id })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError(`deployment ${id} does not exist`);
    await refreshDeploymentFacts(this.metricsDb, id);
  }

  async insertEnvironmentLock(lock: EnvironmentLock): Promise<void> {
    await mapUnique(
      () =>
        this.db
          .insertInto('environment_locks')
          .values({
            project: lock.project,
            environment: lock.environment,
            reason: lock.reason,
            actor: lock.actor,
            at: lock.at,
            version: lock.version ?? null,
          })
          .execute(),
      `${lock.environment} is locked already`,
    );
  }

  async putScheduledJob(
    job: { key: string; kind: string; payload: unknown; runAt: string },
    at: string,
  ): Promise<ScheduledJob> {
    return jobWrites.putScheduledJob(this.db as unknown as Kysely<JobTables>, job, at);
  }

  async claimDueJobs(now: string, limit: number): Promise<ScheduledJob[]> {
    return jobWrites.claimDueJobs(this.db as unknown as Kysely<JobTables>, now, limit);
  }

  async finishScheduledJob(
    id: string,
    end: { state: 'done' | 'failed'; at: string; outcome?: string },
  ): Promise<void> {
    await jobWrites.finishScheduledJob(this.db as unknown as Kysely<JobTables>, id, end);
  }

  async failInterruptedJobs(at: string): Promise<number> {
    return jobWrites.failInterruptedJobs(this.db as unknown as Kysely<JobTables>, at);
  }

  // Notifications (store-notify.ts).
  insertDeliveries(deliveries: NotifyDelivery[]): Promise<NotifyDelivery[]> {
    return notifyWrites.insertDeliveries(this.outbox, deliveries);
  }

  claimDeliveries(claim: {
    project: string;
    now: string;
    leaseUntil: string;
    limit: number;
    ids?: string[];
  }): Promise<NotifyDelivery[]> {
    return notifyWrites.claimDeliveries(this.outbox, claim);
  }

  finishDelivery(id: string, attempts: number, patch: DeliveryPatch): Promise<boolean> {
    return notifyWrites.finishDelivery(this.outbox, id, attempts, patch);
  }

  disableChannel(state: DisabledChannel): Promise<void> {
    return notifyWrites.disableChannel(this.outbox, state);
  }

  enableChannel(project: string, channel: string): Promise<boolean> {
    return notifyWrites.enableChannel(this.outbox, project, channel);
  }

  async deleteEnvironmentLock(project: string, environment: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('environment_locks')
      .where('project', '=', project)
      .where('environment', '=', environment)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async insertIncident(incident: Incident): Promise<void> {
    await mapUnique(
      () =>
        this.db
          .insertInto('incidents')
          .values({
            id: incident.id,
            deployment_id: incident.deploymentId,
            kind: incident.kind,
            reason: incident.reason,
            opened_at: incident.openedAt,
            resolved_at: incident.resolvedAt ?? null,
            actor: incident.actor,
          })
          .execute(),
      `incident ${incident.id} already exists (record it once)`,
    );
    await refreshDeploymentFacts(this.metricsDb, incident.deploymentId);
  }

  async updateIncident(id: string, patch: Partial<Pick<Incident, 'resolvedAt'>>): Promise<void> {
    const set: Updateable<IncidentRow> = {};
    if ('resolvedAt' in patch) set.resolved_at = patch.resolvedAt ?? null;
    const result = await this.db
      .updateTable('incidents')
      .set({ ...set, id })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError(`incident ${id} does not exist`);
    const row = await this.db
      .selectFrom('incidents')
      .select('deployment_id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (row) await refreshDeploymentFacts(this.metricsDb, row.deployment_id);
  }

  async appendEvent(event: ReleaseEvent): Promise<void> {
    await mapUnique(
      () =>
        this.db
          .insertInto('events')
          .values({
            release_id: event.releaseId,
            seq: event.seq,
            at: event.at,
            actor: event.actor,
            type: event.type,
            payload: JSON.stringify(event.payload ?? null),
            prev_hash: event.prevHash,
            hash: event.hash,
            real_at: event.realAt ?? null,
            origin: event.origin === undefined ? null : JSON.stringify(event.origin),
          })
          .execute(),
      `event ${event.seq} of release ${event.releaseId} already exists: someone else changed ` +
        'the release at the same time; run the command again',
    );
  }

  lockAccounts(): Promise<void> {
    return accountWrites.lockAccounts(this.accounts, this.dialect);
  }

  insertUser(user: UserRecord): Promise<void> {
    return accountWrites.insertUser(this.accounts, user);
  }

  updateUser(id: string, patch: UserPatch): Promise<void> {
    return accountWrites.updateUser(this.accounts, id, patch);
  }

  insertSession(session: Session): Promise<void> {
    return accountWrites.insertSession(this.accounts, session);
  }

  touchSession(id: string, at: string, ifSeenBefore: string): Promise<boolean> {
    return accountWrites.touchSession(this.accounts, id, at, ifSeenBefore);
  }

  revokeSessions(filter: { userId: string } | { id: string }, at: string): Promise<number> {
    return accountWrites.revokeSessions(this.accounts, filter, at);
  }

  insertApiToken(token: ApiTokenRecord): Promise<void> {
    return accountWrites.insertApiToken(this.accounts, token);
  }

  touchApiToken(id: string, at: string, ifUsedBefore: string): Promise<boolean> {
    return accountWrites.touchApiToken(this.accounts, id, at, ifUsedBefore);
  }

  revokeApiToken(id: string, at: string): Promise<boolean> {
    return accountWrites.revokeApiToken(this.accounts, id, at);
  }

  putMembership(
    membership: Omit<Membership, 'rowVersion'>,
    expectedVersion?: number,
  ): Promise<Membership> {
    return accountWrites.putMembership(this.accounts, membership, expectedVersion);
  }
}

/** The Store: reads outside transactions, writes inside {@link KyselyStore.transaction}. */
export class KyselyStore extends KyselyStoreReader implements Store {
  /**
   * Runs `fn` in one transaction on this store's database.
   *
   * @example
   * await store.transaction(async (tx) => tx.appendEvent(event));
   */
  async transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    // On SQLite the single connection is held for the whole transaction: reading through
    // the outer store inside `fn` would wait forever, so read through `tx`.
    if (this.dialect === 'sqlite') {
      this.#group ??= createGroupCommit(this.db as Kysely<unknown>);
      return this.#group.run((conn) =>
        fn(new KyselyStoreWriter(conn as Kysely<StoreTables>, this.dialect, this.playbooks)),
      );
    }
    return this.db
      .transaction()
      .execute((trx) => fn(new KyselyStoreWriter(trx, this.dialect, this.playbooks)));
  }

  #group: GroupCommit | undefined;

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/**
 * True for a unique or primary-key violation from either driver.
 *
 * @example
 * isUniqueViolation({ code: '23505' }) // true
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown };
  if (e.code === '23505') return true; // PostgreSQL unique_violation
  // SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
  if (e.errcode === 2067 || e.errcode === 1555) return true;
  return typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed');
}

async function mapUnique<T>(write: () => Promise<T>, message: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(message, { cause: error });
    throw error;
  }
}

function staleError(what: string, expected: number, actual: number): ConflictError {
  return new ConflictError(
    `${what} was changed by someone else (version ${actual}, expected ${expected}); ` +
      'run the command again',
  );
}
