/**
 * Notifications on the scheduler (`gonogo serve`): one job per project (`notify:PROJECT`),
 * due when its earliest queued delivery is. The job sends what is due through the service
 * (`sendDueDeliveries`, outside any transaction) and schedules itself again for the next
 * attempt. It is planned at start (what a stopped server left queued is sent then), whenever a
 * release's log grows (the change may have queued deliveries), and after each run. The rows are
 * the queue; a job only says when to look, so a lost or doubled job loses or doubles nothing.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ReleaseService } from '../service/service-contract.ts';
import type { JobHandler, Scheduler } from './jobs-scheduler.ts';

export const notifyJobKind = 'notify.deliver';

const notifyJobPayload = z.object({ project: z.string().min(1) });

export interface NotifyJobsOptions {
  /** The release service of a project, acting as the scheduler. */
  releases: (project: string) => ReleaseService;
  scheduler: Pick<Scheduler, 'schedule'>;
  logger: Logger;
  /** The projects (at start, every one is looked at). */
  listProjects: () => Promise<string[]>;
  /** When the project's earliest queued delivery is due (a read of the store), or undefined. */
  nextDueAt: (project: string) => Promise<string | undefined>;
  /** Changes to one project within this many ms are planned once (250 unless told). */
  settleMs?: number;
}

export interface NotifyJobs {
  /** The job handler of {@link notifyJobKind}. */
  handle: JobHandler;
  /** Schedules the project's job at its earliest queued delivery; whether there was one. */
  planProject(project: string): Promise<boolean>;
  /** Plans every project (at start). */
  planAll(): Promise<number>;
  /** A release of the project changed: plan it again soon. */
  noteChange(project: string): void;
  close(): void;
}

/** The key of a project's notification job. */
export const notifyJobKey = (project: string) => `notify:${project}`;

/**
 * The scheduler's side of the outbox.
 *
 * @example
 * const notify = createNotifyJobs({ releases, scheduler, logger, listProjects, nextDueAt });
 * await notify.planAll();
 */
export function createNotifyJobs(opts: NotifyJobsOptions): NotifyJobs {
  const { scheduler, logger } = opts;
  const settleMs = opts.settleMs ?? 250;
  const pending = new Map<string, NodeJS.Timeout>();
  // What this instance scheduled last per project: the same time again costs no write.
  const scheduled = new Map<string, number>();

  async function scheduleAt(project: string, at: string | undefined): Promise<boolean> {
    if (at === undefined) return false;
    const ms = Date.parse(at);
    if (scheduled.get(project) === ms) return true;
    await scheduler.schedule(
      { key: notifyJobKey(project), kind: notifyJobKind, payload: { project } },
      new Date(ms),
    );
    scheduled.set(project, ms);
    return true;
  }

  async function planProject(project: string): Promise<boolean> {
    return scheduleAt(project, await opts.nextDueAt(project));
  }

  const handle: JobHandler = async (run) => {
    const { project } = notifyJobPayload.parse(run.payload);
    scheduled.delete(project);
    const r = await opts.releases(project).sendDueDeliveries({});
    for (const d of r.deliveries)
      logger.info(
        {
          project,
          channel: d.channel,
          delivery: d.id,
          status: d.status,
          attempts: d.attempts,
          ...(d.lastStatus !== undefined ? { answer: d.lastStatus } : {}),
          ...(d.lastError ? { error: d.lastError } : {}),
        },
        `notification to ${d.channel}: ${d.status}`,
      );
    await scheduleAt(project, r.nextAttemptAt);
    return `${r.attempted} attempted, ${r.delivered} delivered${r.nextAttemptAt ? `; next ${r.nextAttemptAt}` : ''}`;
  };

  return {
    handle,
    planProject,
    async planAll() {
      let n = 0;
      for (const p of await opts.listProjects())
        if (
          await planProject(p).catch((e: unknown) => {
            logger.warn({ err: e, project: p }, 'notification planning');
            return false;
          })
        )
          n++;
      return n;
    },
    noteChange(project) {
      if (pending.has(project)) return;
      const t = setTimeout(() => {
        pending.delete(project);
        planProject(project).catch((e: unknown) =>
          logger.warn({ err: e, project }, 'notification planning'),
        );
      }, settleMs);
      pending.set(project, t);
    },
    close() {
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
    },
  };
}
