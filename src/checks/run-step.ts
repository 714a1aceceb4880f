/**
 * Runs a playbook `run` item (`gonogo run REF`): the command exactly as the playbook names it
 * (an argv list, or a string split into words without a shell, as the command check does), in
 * the repository's working tree at the release commit, with its output passed through live and
 * kept bounded and masked for the evidence. A timeout or an abort (Ctrl-C) kills the whole
 * process group, so a deploy script's children do not outlive it.
 *
 * Unlike a command check, a run item has no `shell:`: what it runs is one program with its
 * arguments, never a line a shell would expand.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError, TransitionError } from '../core/errors.ts';
import { parseDuration } from '../core/duration.ts';
import { collectSecretValues, createRedactor, redactArgv, type Redactor } from '../core/redact.ts';
import type { PlaybookItem } from '../core/playbook.ts';
import { checkReleaseCheckout } from './check-tree.ts';
import type { CheckEvidence } from './check-types.ts';
import { killGroup, OutputCapture, splitCommand } from './command-check.ts';

/** How long a run item may take when it names no `timeout:`. */
export const defaultRunTimeoutMs = 15 * 60_000;
const killGraceMs = 2000;
const pipeGraceMs = 1000;

/** What `gonogo run` will run: the words, where, for how long, as a person reads it (masked). */
export interface RunStepPlan {
  argv: string[];
  /** Absolute folder it runs in. */
  cwd: string;
  /** The folder relative to the repository root (`.` for the root). */
  cwdShown: string;
  timeoutMs: number;
  /** The command line with secrets masked and words quoted where needed. */
  display: string;
  /** The argv with secrets masked, for the evidence. */
  shownArgv: string[];
  redact: Redactor;
}

/**
 * Plans a run item: splits its command (no shell), resolves its folder inside the repository and
 * its timeout. Throws {@link InputError} for a command that cannot be split or a folder that is
 * not a folder of the repository.
 *
 * @example planRunStep('/repo', { run: './deploy.sh production', timeout: '20m' }, process.env).display // './deploy.sh production'
 */
export function planRunStep(
  root: string,
  item: Pick<PlaybookItem, 'run' | 'cwd' | 'timeout'>,
  env: Record<string, string | undefined>,
): RunStepPlan {
  const redact = createRedactor({ secretValues: collectSecretValues(env) });
  if (item.run === undefined) throw new InputError('the item names no command to run');
  const argv = Array.isArray(item.run) ? item.run : splitCommand(item.run);
  if (!argv || argv.length === 0)
    throw new InputError(
      `cannot split "${redact(String(item.run))}" into words (unterminated quote?): give the command as a list, such as [./deploy.sh, production]`,
      { field: 'run' },
    );
  const cwd = resolve(root, item.cwd ?? '.');
  const inside = relative(resolve(root), cwd);
  if (inside.startsWith('..') || isAbsolute(inside))
    throw new InputError(`cwd "${item.cwd}" is outside the repository`, { field: 'cwd' });
  if (!statSync(cwd, { throwIfNoEntry: false })?.isDirectory())
    throw new InputError(
      `cwd "${item.cwd ?? '.'}" is not a folder of the repository: create it, or correct cwd in the playbook`,
      { field: 'cwd' },
    );
  const timeoutMs = (item.timeout ? parseDuration(item.timeout) : undefined) ?? defaultRunTimeoutMs;
  const shownArgv = redactArgv(argv, redact);
  const display = shownArgv
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))
    .join(' ');
  return { argv, cwd, cwdShown: inside || '.', timeoutMs, display, shownArgv, redact };
}

/**
 * Refuses unless the working tree stands for the release commit: HEAD is that commit and no
 * tracked file differs. A release without a commit, or a folder outside git, runs as it is (the
 * evidence says so). Returns what to keep as evidence of the checkout.
 *
 * @example const where = await assertRunCheckout('/repo', 'abc123', signal);
 */
export async function assertRunCheckout(
  root: string,
  commit: string | undefined,
  signal: AbortSignal,
): Promise<CheckEvidence> {
  const state = await checkReleaseCheckout(
    {
      root,
      version: '',
      policy: {},
      env: {},
      now: () => new Date(),
      ...(commit ? { commit } : {}),
    },
    signal,
  );
  if (state.ok) return state.evidence;
  throw new TransitionError(
    `${state.error.summary.replace(/ and run the check again/, '')}; nothing was run`,
    {},
  );
}

/** How a run ended. */
export interface RunStepOutcome {
  /** `exited` with a code, `killed` by a signal, `timed-out`, `cancelled`, or `not-started`. */
  end: 'exited' | 'killed' | 'timed-out' | 'cancelled' | 'not-started';
  exitCode: number | null;
  signal?: NodeJS.Signals;
  /** Why it could not start (ENOENT, EACCES). */
  startError?: string;
  durationMs: number;
  /** First and last lines, secrets masked. */
  output: { head: string[]; tail: string[]; lines: number };
}

/**
 * Runs the planned command in its own process group; its output goes to `onOutput` as it comes
 * (the terminal) and into a bounded capture. Ends at the timeout or on `signal`, killing the
 * group (SIGTERM, then SIGKILL after a grace period).
 *
 * @example const outcome = await runStep(plan, { env: process.env, signal, onOutput: (s, c) => process[s].write(c) });
 */
export async function runStep(
  plan: RunStepPlan,
  options: {
    env: Record<string, string | undefined>;
    signal: AbortSignal;
    onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  },
): Promise<RunStepOutcome> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  const capture = new OutputCapture();
  const started = performance.now();
  const [file, ...args] = plan.argv as [string, ...string[]];
  let timedOut = false;
  const result = await new Promise<Omit<RunStepOutcome, 'durationMs' | 'output'>>((done) => {
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(file, args, {
      cwd: plan.cwd,
      env,
      detached: true,
      // Its own process group (not the terminal's foreground one), so it must not read the
      // terminal: it would be stopped. Ctrl-C reaches gonogo, which stops the group.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stop = () => {
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), killGraceMs);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, plan.timeoutMs);
    options.signal.addEventListener('abort', stop, { once: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        capture.push(stream, chunk);
        options.onOutput?.(stream, chunk);
      });
    }
    const finish = (r: Omit<RunStepOutcome, 'durationMs' | 'output'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', stop);
      // The group may have children left that ignored SIGTERM: they go with the run.
      if (timedOut || options.signal.aborted) killGroup(child.pid, 'SIGKILL');
      if (killTimer) clearTimeout(killTimer);
      capture.end();
      done(r);
    };
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish({ end: 'not-started', exitCode: null, startError: error.code ?? error.message }),
    );
    const ended = (code: number | null, sig: NodeJS.Signals | null) => {
      if (timedOut) finish({ end: 'timed-out', exitCode: code, ...(sig ? { signal: sig } : {}) });
      else if (options.signal.aborted)
        finish({ end: 'cancelled', exitCode: code, ...(sig ? { signal: sig } : {}) });
      else if (sig) finish({ end: 'killed', exitCode: null, signal: sig });
      else finish({ end: 'exited', exitCode: code });
    };
    child.on('close', ended);
    // A background process it started may hold the pipes open: once the program has exited,
    // wait a moment for the rest of its output, then stop reading.
    child.on('exit', (code, sig) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        ended(code, sig);
      }, pipeGraceMs).unref();
    });
  });
  return {
    ...result,
    durationMs: Math.round(performance.now() - started),
    output: capture.summary(plan.redact),
  };
}

/**
 * One line saying how a run ended, for the record and the terminal.
 *
 * @example describeRunOutcome(plan, { end: 'exited', exitCode: 3, ... }) // './deploy.sh failed with exit code 3'
 */
export function describeRunOutcome(plan: RunStepPlan, o: RunStepOutcome): string {
  switch (o.end) {
    case 'exited':
      return o.exitCode === 0
        ? `${plan.display} exited 0`
        : `${plan.display} failed with exit code ${o.exitCode}`;
    case 'killed':
      return `${plan.display} was killed by ${o.signal}`;
    case 'timed-out':
      return `${plan.display} timed out after ${Math.round(plan.timeoutMs / 1000)}s and was stopped`;
    case 'cancelled':
      return `${plan.display} was cancelled (interrupted)`;
    case 'not-started':
      return o.startError === 'ENOENT'
        ? `${plan.redact(plan.argv[0]!)}: command not found`
        : `${plan.redact(plan.argv[0]!)} could not be started (${o.startError})`;
  }
}
