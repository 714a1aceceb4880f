/**
 * Runs checks in parallel with a concurrency limit, each under its own timeout and the run's
 * AbortSignal. Whatever happens (bad parameters, a timeout, Ctrl-C, a bug that throws) every job
 * ends with a result, so the caller always has one to record. Every result's summary, fix and
 * evidence are masked here (token shapes, credentials, and the values of the environment's
 * secret-named variables) before anyone sees them, so no check can forget to.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { checkParams, isCheckName } from '../core/check-params.ts';
import { collectSecretValues, createRedactor, redactDeep } from '../core/redact.ts';
import { loadCheck } from './check-registry.ts';
import type { CheckContext, CheckDefinition, CheckResult } from './check-types.ts';

export interface CheckJob {
  /** Identifies the job in events and results: the item number, or anything unique. */
  key: string | number;
  /** The check's name, e.g. "changelog". */
  name: string;
  /** Raw parameters as written in the playbook; parsed with the check's schema here. */
  params: unknown;
  /** Overrides the check's default timeout. */
  timeoutMs?: number;
}

export interface CheckEvent {
  type: 'start' | 'finish';
  job: CheckJob;
  /** Set on `finish`. */
  result?: CheckResult;
}

export interface RunChecksOptions {
  /** How many checks run at once (default: the number of CPUs, at least 2). */
  concurrency?: number;
  /** Aborting it (Ctrl-C) ends every unfinished job as `error: cancelled`. */
  signal?: AbortSignal;
  /** Called when a job starts and when it finishes (a job cancelled before it started only finishes). */
  onEvent?: (e: CheckEvent) => void;
}

type Outcome = Omit<CheckResult, 'durationMs'>;

const cancelled = (): Outcome => ({
  status: 'error',
  summary: 'cancelled',
  fix: 'run the check again',
  evidence: {},
});

/** Why a job's signal fired: the run was cancelled, or the job's own timeout elapsed. */
function abortOutcome(outer: AbortSignal | undefined, timeoutMs: number, evidence = {}): Outcome {
  if (outer?.aborted) return { ...cancelled(), evidence };
  const seconds = Math.round(timeoutMs / 100) / 10;
  return {
    status: 'error',
    summary: `timed out after ${seconds}s`,
    fix: "make what it checks answer faster, or raise the item's timeout (e.g. timeout: 2m)",
    evidence,
  };
}

/** The first problem of a failed parameter parse, naming the parameter. */
function describeParamProblem(name: string, issues: readonly ParamIssue[]): string {
  const issue = issues[0];
  if (!issue) return `check "${name}": bad parameters`;
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    return `check "${name}": unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const path = issue.path.map(String).join('.');
  return `check "${name}": ${path ? `parameter "${path}": ` : ''}${issue.message}`;
}

interface ParamIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/** Resolves when the signal aborts (never rejects), so it can race a check's promise. */
function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

async function runOne(
  job: CheckJob,
  ctx: CheckContext,
  outer: AbortSignal | undefined,
): Promise<Outcome> {
  if (outer?.aborted) return cancelled();
  if (!isCheckName(job.name)) {
    return {
      status: 'error',
      summary: `unknown check "${job.name}"`,
      fix: 'run gonogo playbook lint to find it',
      evidence: {},
    };
  }
  const parsed = checkParams[job.name].safeParse(job.params);
  if (!parsed.success) {
    return {
      status: 'error',
      summary: describeParamProblem(job.name, parsed.error.issues as readonly ParamIssue[]),
      fix: 'run gonogo playbook lint, which shows the place and the allowed parameters',
      evidence: {},
    };
  }
  let definition: CheckDefinition;
  try {
    definition = await loadCheck(job.name);
  } catch (err) {
    return {
      status: 'error',
      summary: `check "${job.name}" could not be loaded: ${errorMessage(err)}`,
      fix: 'this is a bug in gonogo: please report it',
      evidence: {},
    };
  }
  const timeoutMs = job.timeoutMs ?? definition.timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
  if (signal.aborted) return abortOutcome(outer, timeoutMs);

  let outcome: Outcome | undefined;
  const running = (async () => definition.run(ctx, parsed.data, signal))().then(
    (r) => {
      outcome = r;
    },
    (err: unknown) => {
      outcome = signal.aborted
        ? abortOutcome(outer, timeoutMs)
        : {
            status: 'error',
            summary: `check "${job.name}" crashed: ${errorMessage(err)}`,
            fix: 'this is a bug in gonogo: please report it with the message above',
            evidence: { stack: stackHead(err) },
          };
    },
  );
  // A check that ignores its signal still ends on time; its late answer is dropped.
  await Promise.race([running, whenAborted(signal)]);
  if (outcome && !signal.aborted) return outcome;
  if (outcome?.status === 'passed') return outcome;
  // Aborted: a check's own "cancelled" is reported for what it was (timeout or Ctrl-C).
  return abortOutcome(outer, timeoutMs, outcome?.evidence ?? {});
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function stackHead(err: unknown): string[] | undefined {
  return err instanceof Error && err.stack ? err.stack.split('\n').slice(0, 6) : undefined;
}

/**
 * Runs the jobs, at most `concurrency` at a time, and returns every job's result by key, in job
 * order. Never rejects for a check's sake: bad parameters, a timeout, cancellation and a check
 * that throws each become an `error` result.
 *
 * @example
 * const results = await runChecks(
 *   [{ key: 3, name: 'changelog', params: {} }, { key: 4, name: 'http', params: 'http://127.0.0.1:8080/health', timeoutMs: 5000 }],
 *   { root: process.cwd(), version: '1.4.0', policy: {}, env: process.env, now: () => new Date() },
 *   { signal: controller.signal, onEvent: (e) => console.log(e.type, e.job.key, e.result?.status) },
 * );
 */
export async function runChecks(
  jobs: CheckJob[],
  ctx: CheckContext,
  opts: RunChecksOptions = {},
): Promise<Map<CheckJob['key'], CheckResult>> {
  const concurrency = Math.max(
    1,
    Math.floor(opts.concurrency ?? Math.max(2, availableParallelism())),
  );
  const results: (CheckResult | undefined)[] = Array.from({ length: jobs.length });
  let next = 0;
  const redact = createRedactor({ secretValues: collectSecretValues(ctx.env) });

  const emit = (e: CheckEvent) => {
    try {
      opts.onEvent?.(e);
    } catch {
      // A progress display that throws must not lose a result.
    }
  };

  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index]!;
      const started = performance.now();
      if (!opts.signal?.aborted) emit({ type: 'start', job });
      let outcome: Outcome;
      try {
        outcome = await runOne(job, ctx, opts.signal);
      } catch (err) {
        outcome = {
          status: 'error',
          summary: `check "${job.name}" crashed: ${errorMessage(err)}`,
          fix: 'this is a bug in gonogo: please report it',
          evidence: {},
        };
      }
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const result: CheckResult = { ...redactDeep(outcome, redact), durationMs };
      results[index] = result;
      emit({ type: 'finish', job, result });
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return new Map(jobs.map((job, i) => [job.key, results[i]!]));
}
