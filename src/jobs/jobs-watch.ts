/**
 * Watch windows on the scheduler: each running window of a deployed release has one job, keyed
 * by release and item, due when its next measurement is. The job takes the measurement with the
 * same code as `gonogo watch` and schedules the next, until the window is decided. Windows are
 * (re)planned at start, when a release's log grows (a production deployment, a person deciding
 * an item), and after each measurement; scheduling a key again only moves its job.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { GonogoError } from '../core/errors.ts';
import { acceptedStates } from '../core/release-model.ts';
import type { WatchView } from '../core/watch-state.ts';
import type { ReleaseService, WatchPlan } from '../service/service-contract.ts';
import type { JobHandler, Scheduler } from './jobs-scheduler.ts';
import { describeLate } from './jobs-scheduler.ts';
import type { MeasureSetting } from './watch-take.ts';
import { takeDueMeasurement } from './watch-take.ts';

export const watchJobKind = 'watch.measure';

/** A measurement that could not be recorded is tried again after this long at the earliest. */
const retryAfterMs = 30_000;

const watchJobPayload = z.object({
  project: z.string().min(1),
  releaseId: z.string().min(1),
  version: z.string().min(1),
  item: z.number().int().positive(),
});
export type WatchJobPayload = z.infer<typeof watchJobPayload>;

/** A release whose windows may need planning. */
export interface WatchedRelease {
  project: string;
  releaseId: string;
  version: string;
}

export interface WatchJobsOptions {
  /** The release service of a project, acting as the scheduler. */
  releases: (project: string) => ReleaseService;
  scheduler: Pick<Scheduler, 'schedule'>;
  logger: Logger;
  /** Releases deployed or in progress: what start-up plans. */
  listOpenReleases: () => Promise<WatchedRelease[]>;
  setting: MeasureSetting;
  /** Changes to one release within this many ms are planned once (250 unless told). */
  settleMs?: number;
}

export interface WatchJobs {
  /** The job handler of {@link watchJobKind}. */
  handle: JobHandler;
  /** Schedules the next measurement of each running window of the release; how many. */
  planRelease(release: WatchedRelease): Promise<number>;
  /** Plans every open release (at start, and after the change feed may have missed some). */
  planOpenReleases(): Promise<number>;
  /** A release's log grew: plan it again soon (changes close together are planned once). */
  noteChange(release: WatchedRelease): void;
  /** Drops the planning not yet started. */
  close(): void;
}

/** The key of a window's job. */
export function watchJobKey(r: WatchedRelease, item: number): string {
  return `watch:${r.project}:${r.releaseId}:${item}`;
}

/**
 * The scheduler's side of watch windows.
 *
 * @example
 * const watch = createWatchJobs({ releases, scheduler, logger, listOpenReleases, setting });
 * await watch.planOpenReleases();
 */
export function createWatchJobs(opts: WatchJobsOptions): WatchJobs {
  const { releases, scheduler, logger } = opts;
  const settleMs = opts.settleMs ?? 250;
  const pending = new Map<string, NodeJS.Timeout>();
  // What this instance scheduled last per key: planning the same time again (every change of a
  // release replans it) costs no write. A key's entry goes when its job starts here.
  const scheduled = new Map<string, number>();

  /** Schedules the window's next measurement, when it is running and has one; 1 or 0. */
  async function scheduleWatch(r: WatchedRelease, w: WatchView, notBefore?: number) {
    if (w.outcome !== 'running' || !w.nextDueAt) return 0;
    if (acceptedStates.includes(w.state) || w.state === 'failed') return 0;
    const key = watchJobKey(r, w.item);
    const at = Math.max(Date.parse(w.nextDueAt), notBefore ?? 0);
    if (scheduled.get(key) === at) return 1;
    const payload: WatchJobPayload = { ...r, item: w.item };
    await scheduler.schedule({ key, kind: watchJobKind, payload }, new Date(at));
    scheduled.set(key, at);
    return 1;
  }

  async function scheduleFrom(
    r: WatchedRelease,
    plan: WatchPlan,
    notBefore?: number,
    only?: number,
  ): Promise<number> {
    if (!plan.deployedAt) return 0;
    if (plan.release.state !== 'deployed' && plan.release.state !== 'active') return 0;
    let n = 0;
    for (const w of plan.watches)
      if (only === undefined || w.item === only) n += await scheduleWatch(r, w, notBefore);
    return n;
  }

  async function planRelease(
    r: WatchedRelease,
    notBefore?: number,
    only?: number,
  ): Promise<number> {
    const plan = await releases(r.project).planWatches({ version: r.version });
    return scheduleFrom(r, plan, notBefore, only);
  }

  const handle: JobHandler = async (run, signal) => {
    const p = watchJobPayload.parse(run.payload);
    scheduled.delete(watchJobKey(p, p.item));
    const svc = releases(p.project);
    const plan = await svc.planWatches({ version: p.version });
    const due = plan.due.find((d) => d.item === p.item);
    const log = { release: p.version, project: p.project, item: p.item, lateMs: run.lateMs };
    let said: string;
    let notBefore: number | undefined;
    let after: WatchView | undefined;
    if (!due) {
      said = `#${p.item}: nothing due (${plan.watches.find((w) => w.item === p.item)?.outcome ?? 'no such watch'})`;
    } else {
      try {
        const r = await takeDueMeasurement(svc, plan, due, opts.setting, signal);
        const m = r.measurement;
        after = r.watch;
        const late =
          m.skipped > 0
            ? `; due ${m.dueAt}, stands for ${m.skipped} missed`
            : run.lateMs > 0
              ? `; ${describeLate(run.lateMs)}`
              : '';
        said = `#${p.item}: ${r.watch.measures} = ${m.value ?? 'no value'} (${m.phase}) ${r.watch.taken}/${r.watch.count}, ${m.outcome}${late}`;
        logger.info(
          {
            ...log,
            value: m.value,
            phase: m.phase,
            outcome: m.outcome,
            skipped: m.skipped,
            dueAt: m.dueAt,
          },
          m.outcome === 'failed'
            ? `watch #${p.item} of ${p.version} failed: rollback recommended (${m.reason ?? ''})`
            : `watch #${p.item} of ${p.version} measured (${describeLate(run.lateMs)})`,
        );
      } catch (e) {
        // Decided or taken meanwhile (`gonogo watch`, a person, another instance): plan again.
        said = `#${p.item}: ${e instanceof Error ? e.message : String(e)}`;
        // A failure that is still there at once (the database) is not tried in a tight loop;
        // a refusal of the service (taken meanwhile, decided, finished) is planned as usual.
        if (!(e instanceof GonogoError)) notBefore = Date.now() + retryAfterMs;
        logger.info({ ...log, err: e }, `watch #${p.item} of ${p.version} not measured`);
      }
    }
    // The recorded measurement says when the next is due: no second read of the release.
    const next = after ? await scheduleWatch(p, after) : await planRelease(p, notBefore, p.item);
    return `${said}${next ? '' : '; nothing more to schedule'}`;
  };

  return {
    handle,
    planRelease,
    async planOpenReleases() {
      let n = 0;
      for (const r of await opts.listOpenReleases()) {
        n += await planRelease(r).catch((e: unknown) => {
          logger.warn({ err: e, release: r.version, project: r.project }, 'watch planning');
          return 0;
        });
      }
      return n;
    },
    noteChange(r) {
      if (pending.has(r.releaseId)) return;
      const t = setTimeout(() => {
        pending.delete(r.releaseId);
        planRelease(r).catch((e: unknown) =>
          logger.warn({ err: e, release: r.version, project: r.project }, 'watch planning'),
        );
      }, settleMs);
      pending.set(r.releaseId, t);
    },
    close() {
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
    },
  };
}
