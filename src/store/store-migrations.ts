/**
 * The database schema as Kysely migrations, written with the schema builder so one source
 * serves SQLite and PostgreSQL. Times are ISO-8601 text (portable, sortable as text), JSON is
 * text, and primary keys are text or natural keys (no autoincrement, which differs between
 * dialects). Never edit a migration that has shipped: add a new one.
 */
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { EnvironmentError, GonogoError, InternalError } from '../core/errors.ts';
import { rebuildDeploymentFacts } from './store-metrics.ts';
import type { MetricsDb } from './store-metrics.ts';

export const migrationTable = 'gonogo_migration';
export const migrationLockTable = 'gonogo_migration_lock';

/** Migrations by name; names sort in the order they run. */
export const storeMigrations: Record<string, Migration> = {
  '0001-initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('playbooks')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('releases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('type', 'text')
        .addColumn('commit_sha', 'text')
        .addColumn('commit_at', 'text')
        .addColumn('playbook_hash', 'text', (c) => c.notNull().references('playbooks.hash'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('row_version', 'integer', (c) => c.notNull())
        .addUniqueConstraint('releases_project_version_unique', ['project', 'version'])
        .execute();
      await db.schema
        .createIndex('releases_project_state_created_idx')
        .on('releases')
        .columns(['project', 'state', 'created_at'])
        .execute();

      await db.schema
        .createTable('release_items')
        .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('section', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('optional', 'boolean', (c) => c.notNull())
        .addColumn('parent', 'integer')
        .addColumn('rollback', 'boolean', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('evidence', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .addColumn('row_version', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('release_items_pk', ['release_id', 'number'])
        .addUniqueConstraint('release_items_item_id_unique', ['release_id', 'item_id'])
        .execute();

      await db.schema
        .createTable('signoffs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('commit_sha', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('comment', 'text')
        .execute();
      await db.schema
        .createIndex('signoffs_release_at_idx')
        .on('signoffs')
        .columns(['release_id', 'at'])
        .execute();

      await db.schema
        .createTable('decisions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
        .addColumn('gate', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('blockers', 'text', (c) => c.notNull())
        .addColumn('inputs', 'text', (c) => c.notNull())
        .addColumn('commit_sha', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('override', 'text')
        .execute();
      await db.schema
        .createIndex('decisions_release_at_idx')
        .on('decisions')
        .columns(['release_id', 'at'])
        .execute();

      await db.schema
        .createTable('deployments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('commit_sha', 'text')
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('deployments_project_env_started_idx')
        .on('deployments')
        .columns(['project', 'environment', 'started_at'])
        .execute();
      await db.schema
        .createIndex('deployments_release_idx')
        .on('deployments')
        .column('release_id')
        .execute();

      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('deployment_id', 'text', (c) => c.notNull().references('deployments.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('incidents_deployment_idx')
        .on('incidents')
        .column('deployment_id')
        .execute();

      await db.schema
        .createTable('events')
        .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pk', ['release_id', 'seq'])
        .execute();
    },
  },
  // A release belongs to a project (a repository, or a project on the server). Releases already
  // carried a project key; this gives projects a row of their own, one for each key in use.
  '0002-projects': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('projects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into projects (id, created_at)
        select project, min(created_at) from releases group by project`.execute(db);
      await db.schema
        .createIndex('deployments_release_env_idx')
        .on('deployments')
        .columns(['release_id', 'environment'])
        .execute();
    },
  },
  // Sign-offs name the gate or sign item they are for; window overrides and forced
  // deployments become records of their own, read when a gate is evaluated.
  '0003-signoff-gate': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Null on sign-offs recorded before: they count for no gate (a no-go among them stands).
      await db.schema.alterTable('signoffs').addColumn('target_kind', 'text').execute();
      await db.schema.alterTable('signoffs').addColumn('target', 'text').execute();

      await db.schema
        .createTable('gate_overrides')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('gate', 'text')
        .addColumn('environment', 'text')
        .addColumn('commit_sha', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('blockers', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('gate_overrides_release_at_idx')
        .on('gate_overrides')
        .columns(['release_id', 'at'])
        .execute();
    },
  },
  '0004-chain-anchor': {
    async up(db: Kysely<unknown>): Promise<void> {
      // The head of each release's log, kept on the release row (outside the event rows), so a
      // deleted newest event shows; and the real time of an event written under an overridden
      // clock. One column per statement: SQLite adds one at a time.
      await db.schema
        .alterTable('releases')
        .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('releases').addColumn('head_hash', 'text').execute();
      await db.schema.alterTable('events').addColumn('real_at', 'text').execute();
      // Logs written before: anchored where they end now (from here on, changes show).
      await sql`
        update releases set
          event_count = coalesce(
            (select max(e.seq) from events e where e.release_id = releases.id), 0),
          head_hash = (
            select e.hash from events e where e.release_id = releases.id
            order by e.seq desc limit 1)
      `.execute(db);
    },
  }, // A release's life beyond active/finished: who moved it to its state and why, and which
  // release it replaces or was replaced by (versions of the same project).
  '0005-release-life': {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const column of ['state_reason', 'state_by', 'state_at', 'supersedes', 'superseded_by'])
        await db.schema.alterTable('releases').addColumn(column, 'text').execute();
      // A sign-off carried over from the release it supersedes names that release's version.
      await db.schema.alterTable('signoffs').addColumn('carried_from', 'text').execute();
    },
  },
  // A re-snapshot of the playbook that changes a gate or sign item makes the sign-offs given
  // for it before count no more: the event that did it, on each such sign-off (null: it counts).
  '0006-signoff-stale-since': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('signoffs').addColumn('stale_since', 'integer').execute();
    },
  },
  // The team server's accounts (DESIGN.md §1 Trust model, server mode). Secrets are never
  // stored: a password as its scrypt hash (with its parameters), a session or API token as the
  // SHA-256 of its 256-bit random secret (the session's id is that hash). Roles are JSON text:
  // {"role": "member", "signoff": ["qa-lead"]}.
  '0007-accounts': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('admin', 'boolean', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text')
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('address', 'text')
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createIndex('api_tokens_user_idx')
        .on('api_tokens')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('memberships')
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('row_version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['project', 'user_id'])
        .execute();
      await db.schema
        .createIndex('memberships_user_idx')
        .on('memberships')
        .column('user_id')
        .execute();
    },
  },
  // Where each change came from, beside who made it (server mode): the client's address and
  // user agent and the API token by id, as JSON text; null for events written without one
  // (local mode, and every event before this migration, which hash as they always did).
  '0008-event-origin': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('events').addColumn('origin', 'text').execute();
    },
  },
  // Playbooks a project stored on the server (under their hash) to start releases from.
  '0009-project-playbooks': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('project_playbooks')
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().references('playbooks.hash'))
        .addColumn('stored_by', 'text', (c) => c.notNull())
        .addColumn('stored_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('project_playbooks_pk', ['project', 'hash'])
        .execute();
    },
  },
  // Environment locks standing now, one per environment of a project: a lock refuses every
  // deployment there until it is lifted (the row is deleted). Each lock and unlock is also an
  // event on a release's log, which `audit verify` folds and compares with this table.
  '0010-environment-locks': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('environment_locks')
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('version', 'text')
        .addPrimaryKeyConstraint('environment_locks_pk', ['project', 'environment'])
        .execute();
    },
  },
  // Timed work on SQLite (the in-process scheduler of jobs/): one row per scheduled run, kept
  // with its outcome. A key has at most one waiting row (the partial unique index); the timer
  // looks up the earliest waiting run_at.
  '0011-scheduled-jobs': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('scheduled_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('scheduled_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('late_ms', 'integer')
        .addColumn('outcome', 'text')
        .execute();
      await db.schema
        .createIndex('scheduled_jobs_waiting_key_idx')
        .on('scheduled_jobs')
        .column('key')
        .unique()
        .where(sql.ref('state'), '=', 'scheduled')
        .execute();
      await db.schema
        .createIndex('scheduled_jobs_state_run_at_idx')
        .on('scheduled_jobs')
        .columns(['state', 'run_at'])
        .execute();
    },
  },
  // The outbox of notifications (issue 11): one row per message and channel, queued in the
  // transaction of the event that causes it and kept with every attempt's outcome (the delivery
  // log); and the channels a project disabled (an endpoint answered 410 Gone) until a person
  // enables them again.
  '0012-notify-deliveries': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('notify_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('item', 'integer')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('message_id', 'text')
        .addColumn('response', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('notify_deliveries_due_idx')
        .on('notify_deliveries')
        .columns(['project', 'status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('notify_deliveries_release_idx')
        .on('notify_deliveries')
        .columns(['release_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('notify_channel_states')
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('notify_channel_states_pk', ['project', 'channel'])
        .execute();
    },
  },
  // DORA's four keys (docs/metrics.md) over a million deployments: one fact row per deployment
  // (recorded or imported from tags) with the values the aggregation needs as integers (epoch
  // seconds, 0/1 flags, its recovery time), the commits each deployment shipped first with
  // their lead time, and a daily and monthly roll-up of counts and log-scale histograms that the store
  // refreshes with every change of a deployment or incident (store-metrics.ts).
  '0013-deployment-metrics': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('deployment_facts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('commit_sha', 'text')
        .addColumn('deployed_at', 'text', (c) => c.notNull())
        .addColumn('deployed_s', 'bigint', (c) => c.notNull())
        .addColumn('counted', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('recovery_s', 'bigint')
        .addColumn('recovery_bucket', 'integer')
        .addColumn('imported', 'integer', (c) => c.notNull())
        .addColumn('truncated', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('deployment_facts_counted_idx')
        .on('deployment_facts')
        .columns(['project', 'environment', 'counted', 'deployed_s'])
        .execute();
      await db.schema
        .createIndex('deployment_facts_recovery_idx')
        .on('deployment_facts')
        .columns(['project', 'environment', 'recovery_bucket', 'recovery_s', 'deployed_s'])
        // Only failures that recovered: the percentile read walks this, not every deployment.
        .where(sql.ref('recovery_bucket'), 'is not', null)
        .execute();

      await db.schema
        .createTable('deployment_commits')
        .addColumn('deployment_id', 'text', (c) => c.notNull())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('committed_at', 'text', (c) => c.notNull())
        .addColumn('deployed_s', 'bigint', (c) => c.notNull())
        .addColumn('lead_s', 'bigint', (c) => c.notNull())
        .addColumn('lead_bucket', 'integer', (c) => c.notNull())
        // A commit counts once per environment: with the first deployment that shipped it.
        .addPrimaryKeyConstraint('deployment_commits_pk', ['project', 'environment', 'sha'])
        .execute();
      await db.schema
        .createIndex('deployment_commits_deployment_idx')
        .on('deployment_commits')
        .column('deployment_id')
        .execute();
      await db.schema
        .createIndex('deployment_commits_deployed_idx')
        .on('deployment_commits')
        .columns(['project', 'environment', 'deployed_s'])
        .execute();
      await db.schema
        .createIndex('deployment_commits_lead_idx')
        .on('deployment_commits')
        .columns(['project', 'environment', 'lead_bucket', 'lead_s', 'deployed_s'])
        .execute();

      await db.schema
        .createTable('metrics_rollup')
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('grain', 'text', (c) => c.notNull())
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('bucket', 'integer', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('metrics_rollup_pk', [
          'project',
          'environment',
          'grain',
          'day',
          'kind',
          'bucket',
        ])
        .execute();

      // Deployments recorded before: their facts, from the deployments and incidents tables.
      await rebuildDeploymentFacts(db as MetricsDb);
    },
  },
};

/**
 * Brings the database up to the newest migration. Safe to call on every open and from two
 * processes at once: the Migrator runs inside one transaction (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: plus an advisory lock). A database that a newer gonogo has migrated (a migration
 * name this build does not know) is refused untouched; with `readOnly`, a database that needs a
 * migration is refused instead of migrated. `place` names the database in those messages.
 *
 * @example
 * await migrateStore(db, { schema: 'gonogo_test_1', place: 'postgres://gonogo@db/gonogo' });
 */
export async function migrateStore(
  db: Kysely<unknown>,
  opts: { schema?: string; place?: string; readOnly?: boolean } = {},
): Promise<void> {
  const applied = await readApplied(db, opts.schema);
  const known = Object.keys(storeMigrations);
  const where = opts.place ? `the database ${opts.place}` : 'the database';
  const unknown = applied?.filter((name) => !(name in storeMigrations)) ?? [];
  if (unknown.length) {
    throw new EnvironmentError(
      {
        place: opts.place ?? 'the database',
        message: `${where} was made by a newer gonogo (with migration ${unknown.join(', ')}, which this version does not know); it was left untouched`,
        fix: 'upgrade gonogo to the version that made it',
      },
      { hint: { action: 'upgrade' } },
    );
  }
  const pending = known.filter((name) => !applied?.includes(name));
  if (pending.length === 0) return;
  if (opts.readOnly) {
    throw new EnvironmentError({
      place: opts.place ?? 'the database',
      message: applied
        ? `${where} needs migration ${pending.join(', ')} to be read by this gonogo, and it is read-only`
        : `${where} holds no gonogo data, and it is read-only`,
      fix: applied
        ? 'make it writable for one command, which upgrades it'
        : 'name the database that holds the releases',
    });
  }
  const provider: MigrationProvider = { getMigrations: async () => storeMigrations };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: migrationTable,
    migrationLockTableName: migrationLockTable,
    // The migration tables live beside the data; Kysely's introspection would otherwise find
    // another schema's table of the same name and then miss it through search_path.
    ...(opts.schema ? { migrationTableSchema: opts.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    // An environment problem met on the way (refused connection, no permission) is reported
    // as such by the store that opened the database; this is what is left: a bug.
    if (error instanceof GonogoError) throw error;
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const what = failed ? `database migration ${failed}` : 'database migration';
    const why = error instanceof Error ? error.message : String(error);
    throw new InternalError(`${what} failed: ${why}`, { cause: error });
  }
}

/**
 * The names of the applied migrations, in one cheap read (so opening an up-to-date database,
 * as every CLI command does, costs no lock table and no transaction); undefined when there is
 * no migration table yet (a new database). Any other failure (a refused connection, a damaged
 * file) is thrown for the store to describe.
 */
async function readApplied(db: Kysely<unknown>, schema?: string): Promise<string[] | undefined> {
  const table = schema ? sql.id(schema, migrationTable) : sql.id(migrationTable);
  try {
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
    return rows.map((r) => r.name);
  } catch (error) {
    if (isMissingTable(error)) return undefined;
    throw error;
  }
}

/** SQLite: "no such table"; PostgreSQL: undefined_table (42P01). */
function isMissingTable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e?.code === '42P01' || (typeof e?.message === 'string' && /no such table/.test(e.message));
}
