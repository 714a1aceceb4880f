/**
 * `command`: runs a program in the repository and passes on exit code 0. A string is split into
 * words and run directly (no shell); only when the playbook names a shell is the string given
 * to that shell, with `pipefail`, so `false | cat` fails. Output is kept bounded (the first and
 * last 20 lines and a count) and has its secrets masked (token shapes, credentials, and the
 * values of secret-named environment variables) before it becomes evidence. On abort the whole
 * process group is killed, so a test runner's children do not outlive the check.
 *
 * It runs in the working tree, so its result stands for the release commit only when HEAD is
 * that commit and no tracked file differs from it; otherwise it cannot run and says why.
 */
import { execFile, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CheckParams } from '../core/check-params.ts';
import {
  collectSecretValues,
  createRedactor,
  redactArgv,
  redactText,
  type Redactor,
} from '../core/redact.ts';
import type { CheckOutcome } from './check-git.ts';
import { checkReleaseCheckout } from './check-tree.ts';
import type { CheckContext, CheckDefinition, CheckEvidence } from './check-types.ts';

type Params = CheckParams<'command'>;

const headLines = 20;
const tailLines = 20;
// Long lines are kept whole up to this many characters so a secret on them is masked before
// the line is cut down for display.
const maxRawLine = 4096;
const maxShownLine = 400;
const killGraceMs = 2000;
const pipeGraceMs = 1000;

/**
 * Splits a command line into words the way a POSIX shell would for plain words and quotes, with
 * no expansion of anything: `'single'` is literal, `"double"` honours `\"` and `\\`. Returns
 * undefined for an unterminated quote.
 *
 * @example splitCommand(`npm run "unit tests" -- --reporter=dot`) // ['npm', 'run', 'unit tests', '--', '--reporter=dot']
 */
export function splitCommand(line: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return undefined;
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) j++;
        word += line[j];
      }
      if (j >= line.length) return undefined;
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * Keeps the first and last lines of a stream of output chunks and counts them, in bounded
 * memory whatever the output size. Each source (stdout, stderr) has its own partial line.
 */
export class OutputCapture {
  readonly head: string[] = [];
  readonly tail: string[] = [];
  lines = 0;
  private readonly partial = new Map<string, string>();

  /** Adds a chunk of text from `source`. */
  push(source: string, chunk: string): void {
    let text = (this.partial.get(source) ?? '') + chunk;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      this.addLine(text.slice(0, nl));
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    // A line that never ends is kept only up to the cap; the rest is counted with it.
    this.partial.set(source, text.length > maxRawLine ? text.slice(0, maxRawLine) : text);
  }

  /** Flushes unterminated last lines. */
  end(): void {
    for (const text of this.partial.values()) if (text !== '') this.addLine(text);
    this.partial.clear();
  }

  private addLine(raw: string): void {
    const line = (raw.length > maxRawLine ? raw.slice(0, maxRawLine) : raw).replace(/\r$/, '');
    this.lines++;
    if (this.head.length < headLines) {
      this.head.push(line);
      return;
    }
    this.tail.push(line);
    if (this.tail.length > tailLines) this.tail.shift();
  }

  /** The evidence form: secrets masked (across lines, for key blocks), long lines shortened. */
  summary(redact: Redactor = redactText): NonNullable<CheckEvidence['output']> {
    const clean = (lines: string[]) =>
      lines.length === 0
        ? []
        : redact(lines.join('\n'))
            .split('\n')
            .map((l) => (l.length > maxShownLine ? `${l.slice(0, maxShownLine)}…` : l));
    return { head: clean(this.head), tail: clean(this.tail), lines: this.lines };
  }
}

interface Invocation {
  argv: string[];
  cwd: string;
  display: string;
  /** With a shell: whether it runs with pipefail, and why not. */
  shell?: { name: string; pipefail: boolean; note?: string };
}

/**
 * True when a shell command line has a pipeline: a `|` outside quotes that is not part of `||`
 * or `>|`. Approximate on purpose (a `|` inside `$(...)` or a `case` pattern counts too), since
 * it only decides whether a shell without pipefail is refused.
 *
 * @example hasPipeline('npm test | tee log') // true
 * @example hasPipeline("grep 'a|b' f || true") // false
 */
export function hasPipeline(line: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '|' && line[i + 1] !== '|' && line[i - 1] !== '|' && line[i - 1] !== '>') {
      return true;
    }
  }
  return false;
}

let shPipefail: Promise<boolean> | undefined;

/** Whether this machine's `sh` takes `-o pipefail` (bash, busybox and newer dash do; older dash not). */
function shHasPipefail(): Promise<boolean> {
  shPipefail ??= new Promise((done) =>
    execFile('sh', ['-o', 'pipefail', '-c', 'true'], { timeout: 10_000 }, (error) => done(!error)),
  );
  return shPipefail;
}

async function shellArgv(
  shell: NonNullable<Params['shell']>,
  line: string,
): Promise<{ argv: string[]; pipefail: boolean; note?: string } | CheckOutcome> {
  if (shell === 'bash' || shell === 'zsh') {
    return { argv: [shell, '-o', 'pipefail', '-c', line], pipefail: true };
  }
  if (shell === 'pwsh') {
    // PowerShell has no pipefail; a failing command in a pipeline sets $? and the exit code.
    return { argv: [shell, '-c', line], pipefail: false, note: 'pwsh has no pipefail' };
  }
  if (await shHasPipefail()) return { argv: [shell, '-o', 'pipefail', '-c', line], pipefail: true };
  // Without pipefail, `failing | tee log` exits 0: refusing is safer than a pass that lies.
  if (hasPipeline(line)) {
    return {
      status: 'error',
      summary: 'sh on this machine has no pipefail, so a failure before a "|" would pass unseen',
      fix: 'Name a shell with pipefail in the playbook: { run: ..., shell: bash }.',
      evidence: {},
    };
  }
  return {
    argv: [shell, '-c', line],
    pipefail: false,
    note: 'sh on this machine has no pipefail; the command has no pipeline',
  };
}

async function planInvocation(
  ctx: CheckContext,
  params: Params,
  redact: Redactor,
): Promise<Invocation | CheckOutcome> {
  let argv: string[];
  let shell: Invocation['shell'];
  if (Array.isArray(params.run)) argv = params.run;
  else if (params.shell) {
    const planned = await shellArgv(params.shell, params.run);
    if ('status' in planned) return planned;
    argv = planned.argv;
    shell = {
      name: params.shell,
      pipefail: planned.pipefail,
      ...(planned.note ? { note: planned.note } : {}),
    };
  } else {
    const words = splitCommand(params.run);
    if (!words || words.length === 0) {
      return {
        status: 'error',
        summary: `cannot split "${redact(params.run)}" into words (unterminated quote?)`,
        fix: 'Close the quote, or give the command as a list: [npm, test].',
        evidence: {},
      };
    }
    argv = words;
  }
  const cwd = resolve(ctx.root, params.cwd ?? '.');
  const inside = relative(resolve(ctx.root), cwd);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    return {
      status: 'error',
      summary: `cwd "${params.cwd}" is outside the repository`,
      fix: 'Give cwd relative to the repository root, without leading "..".',
      evidence: {},
    };
  }
  if (!statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
    return {
      status: 'error',
      summary: `cwd "${params.cwd ?? '.'}" is not a directory in the repository`,
      fix: 'Create it, or correct cwd in the playbook.',
      evidence: {},
    };
  }
  const shown = redactArgv(argv, redact);
  const display = shown.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
  return { argv, cwd, display, ...(shell ? { shell } : {}) };
}

function buildEnv(ctx: CheckContext, params: Params): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...params.env };
}

/**
 * Sends `signal` to the process group `pid` leads (a program spawned `detached`), ignoring one
 * that is gone already.
 *
 * @example killGroup(child.pid, 'SIGTERM')
 */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

type RunOutcome =
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'spawn-error'; error: NodeJS.ErrnoException }
  | { kind: 'cancelled' };

async function runCommand(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const env = buildEnv(ctx, params);
  // The playbook's own env counts too: a value it names a secret is masked like the caller's.
  const redact = createRedactor({ secretValues: collectSecretValues(env) });
  const plan = await planInvocation(ctx, params, redact);
  if ('status' in plan) return plan;
  const checkout = await checkReleaseCheckout(ctx, signal);
  if (!checkout.ok) return checkout.error;
  const { argv, cwd, display, shell } = plan;
  const capture = new OutputCapture();
  const evidence = (exitCode?: number | null): CheckEvidence => ({
    ...checkout.evidence,
    command: redactArgv(argv, redact),
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(params.cwd ? { cwd: params.cwd } : {}),
    ...(shell ? { shell } : {}),
    output: capture.summary(redact),
  });
  if (signal.aborted) return { status: 'error', summary: 'cancelled', evidence: evidence() };

  const [file, ...args] = argv as [string, ...string[]];
  const outcome = await new Promise<RunOutcome>((done) => {
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(file, args, {
      cwd,
      env,
      // Its own process group, so an abort can stop the program and everything it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onAbort = () => {
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), killGraceMs);
      killTimer.unref();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => capture.push('stdout', chunk));
    child.stderr.on('data', (chunk: string) => capture.push('stderr', chunk));
    const finish = (result: RunOutcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (killTimer && result.kind !== 'cancelled') clearTimeout(killTimer);
      capture.end();
      done(result);
    };
    child.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'spawn-error', error }));
    const ended = (code: number | null, sig: NodeJS.Signals | null) =>
      finish(signal.aborted ? { kind: 'cancelled' } : { kind: 'exit', code, signal: sig });
    child.on('close', ended);
    // A background process it started may hold the output pipes open for ever: once the
    // program itself has exited, wait a moment for the rest of its output, then stop reading.
    child.on('exit', (code, sig) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        ended(code, sig);
      }, pipeGraceMs).unref();
    });
  });

  if (outcome.kind === 'cancelled') {
    return { status: 'error', summary: 'cancelled', evidence: evidence(null) };
  }
  if (outcome.kind === 'spawn-error') {
    const code = outcome.error.code;
    const program = redact(argv[0]!);
    if (code === 'ENOENT') {
      return {
        status: 'error',
        summary: `${program}: command not found; install it or fix the command`,
        fix: `Install ${program} (or put it on the PATH), or correct the command in the playbook.`,
        evidence: evidence(),
      };
    }
    return {
      status: 'error',
      summary: `${program} could not be started (${code ?? outcome.error.message})`,
      fix: code === 'EACCES' ? `Make ${program} executable (chmod +x).` : 'Check the command.',
      evidence: evidence(),
    };
  }
  const { code, signal: killedBy } = outcome;
  if (code === 0) {
    return {
      status: 'passed',
      summary: `${display} exited 0 (${capture.lines} lines of output)`,
      evidence: evidence(0),
    };
  }
  const output = capture.summary(redact);
  const lastLine = [...output.head, ...output.tail].reverse().find((l) => l.trim() !== '');
  // 127 and 126 are how a shell (and env, xargs, npx) says it could not start a program.
  if (!killedBy && (code === 127 || code === 126)) {
    const why = code === 127 ? 'command not found' : 'not executable';
    return {
      status: 'error',
      summary: `${display} could not run a program (exit code ${code}: ${why})${lastLine ? `: ${lastLine.trim().slice(0, 160)}` : ''}`,
      fix:
        code === 127
          ? 'Install the missing program (or put it on the PATH), or correct the command in the playbook.'
          : 'Make the program executable (chmod +x), or correct the command in the playbook.',
      evidence: evidence(code),
    };
  }
  return {
    status: 'failed',
    summary: killedBy
      ? `${display} was killed by ${killedBy}`
      : `${display} failed with exit code ${code}${lastLine ? `: ${lastLine.trim().slice(0, 160)}` : ''}`,
    fix: 'Read the output in the evidence (gonogo item show REF), fix the cause and run gonogo check again.',
    evidence: evidence(code),
  };
}

const commandCheck: CheckDefinition<Params> = {
  name: 'command',
  timeoutMs: 600_000,
  run: (ctx, params, signal) => runCommand(ctx, params, signal),
};

export default commandCheck;
