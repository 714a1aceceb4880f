/**
 * gonogo's error classes. Each carries a stable `code` (for `--json` output and for
 * tests) and an optional `cause`. The CLI's one top-level handler maps them to exit codes:
 * input and usage errors → 2, a deployment a closed gate refused ({@link GateClosedError}) → 1,
 * anything else → 3. A gate or check saying "no" is otherwise a result, not an error, and
 * exits 1.
 */
import type { Blocker, Release } from './release-model.ts';

/** A place in an input file, 1-based line and column. */
export interface Place {
  file?: string;
  line?: number;
  col?: number;
}

/** One problem found in an input, with where it is and how to fix it. */
export interface Problem extends Place {
  message: string;
  /** What to do about it, when there is something obvious. */
  fix?: string;
}

/** Formats a problem as `FILE:LINE:COL message (fix)`, leaving out the parts it lacks. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.col].filter((x) => x !== undefined && x !== '').join(':');
  const text = p.fix ? `${p.message} (${p.fix})` : p.message;
  return where ? `${where} ${text}` : text;
}

export type ErrorCode =
  | 'usage'
  | 'invalid-input'
  | 'invalid-playbook'
  | 'not-found'
  | 'conflict'
  | 'forbidden'
  | 'unauthenticated'
  | 'invalid-transition'
  | 'gate-closed'
  | 'integrity'
  | 'internal'
  | 'environment';

/**
 * What would help, as data: the use case to call next and what it needs. The CLI renders it as
 * a command line (`gonogo item waive 12 --note TEXT`), the server as JSON, a web page as a
 * button; so messages themselves never name a flag or a command.
 */
export interface ErrorHint {
  action: HintAction;
  /** The items (numbers or ids), role, environment or version it applies to. */
  refs?: string[];
  /** Inputs the action needs, e.g. `['note']`, `['reason']`, `['comment']`. */
  needs?: string[];
}

export type HintAction =
  | 'release.start'
  | 'release.list'
  | 'release.show'
  | 'release.retarget'
  | 'release.abandon'
  | 'status'
  | 'check.run'
  | 'item.done'
  | 'item.na'
  | 'item.waive'
  | 'item.fail'
  | 'item.reset'
  | 'sign.go'
  | 'sign.no-go'
  | 'decide'
  | 'decide.override-window'
  | 'deploy'
  | 'deploy.force'
  | 'rollback'
  | 'playbook.edit'
  | 'audit.verify'
  | 'upgrade';

export interface ErrorOptions {
  cause?: unknown;
  /** What to do about it. */
  hint?: ErrorHint;
  /** The input field at fault (`note`, `version`, ...), for a form or a JSON error. */
  field?: string;
}

export class GonogoError extends Error {
  readonly code: ErrorCode;
  /** Exit code for the CLI: 1 a gate said no, 2 bad usage or input, 3 internal. */
  readonly exitCode: 1 | 2 | 3;
  readonly hint?: ErrorHint;
  readonly field?: string;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions & { exitCode?: 1 | 2 | 3 }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options?.exitCode ?? 2;
    if (options?.hint) this.hint = options.hint;
    if (options?.field) this.field = options.field;
  }
}

/** The command line was used wrongly (unknown flag, missing argument). */
export class UsageError extends GonogoError {
  constructor(message: string, options?: ErrorOptions) {
    super('usage', message, options);
  }
}

/** An input (file, argument value) is bad; lists every problem with its place. */
export class InputError extends GonogoError {
  readonly problems: Problem[];
  constructor(problems: Problem[] | string, options?: ErrorOptions & { code?: ErrorCode }) {
    const list = typeof problems === 'string' ? [{ message: problems }] : problems;
    super(options?.code ?? 'invalid-input', list.map(formatProblem).join('\n'), options);
    this.problems = list;
  }
}

/** A playbook failed to parse or validate. */
export class PlaybookError extends InputError {
  constructor(problems: Problem[], options?: ErrorOptions) {
    super(problems, { ...options, code: 'invalid-playbook' });
  }
}

/** A release, item, role or environment that was named does not exist. */
export class NotFoundError extends GonogoError {
  constructor(message: string, options?: ErrorOptions) {
    super('not-found', message, options);
  }
}

/**
 * A write lost a race (stale version) or would duplicate something unique. When the write named
 * the version of the release it expected and the release has moved since, `current` is the
 * release as it is now, so a client can show what changed before it asks again.
 */
export class ConflictError extends GonogoError {
  readonly current?: Release;
  constructor(message: string, options?: ErrorOptions & { current?: Release }) {
    super('conflict', message, options);
    if (options?.current) this.current = options.current;
  }
}

/** The actor lacks the role the action needs. */
export class ForbiddenError extends GonogoError {
  constructor(message: string, options?: ErrorOptions) {
    super('forbidden', message, options);
  }
}

/**
 * The credentials (password, session, token) do not identify an active user. One neutral
 * message for every cause (unknown e-mail, wrong password, expired, revoked, disabled), so the
 * answer tells a guesser nothing; the secret itself is never part of it.
 */
export class UnauthenticatedError extends GonogoError {
  constructor(message: string, options?: ErrorOptions) {
    super('unauthenticated', message, options);
  }
}

/** The item or release is not in a state that allows this change. */
export class TransitionError extends GonogoError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid-transition', message, options);
  }
}

/**
 * A gate in front of what was asked says NO-GO (exit 1, like a NO-GO decision): carries every
 * blocker, each with the `gate` it belongs to.
 */
export class GateClosedError extends GonogoError {
  readonly blockers: Blocker[];
  constructor(message: string, blockers: Blocker[], options?: ErrorOptions) {
    super('gate-closed', message, { ...options, exitCode: 1 });
    this.blockers = blockers;
  }
}

/**
 * The record does not hold together: the event log does not end where the release anchors it,
 * so it was changed outside gonogo. Nothing more is recorded on it until a person has looked.
 */
export class IntegrityError extends GonogoError {
  constructor(message: string, options?: ErrorOptions) {
    super('integrity', message, options);
  }
}

/** A bug or an environment failure: exit 3. */
export class InternalError extends GonogoError {
  constructor(message: string, options?: ErrorOptions) {
    super('internal', message, { ...options, exitCode: 3 });
  }
}

/**
 * The machine is not as gonogo needs it: a database it cannot open or write, a folder it cannot
 * write to, a database server that refuses it. Exit 2, like bad input: the place and the fix
 * are in the message, and nothing was written.
 *
 * @example
 * throw new EnvironmentError({
 *   place: '/srv/gonogo.db',
 *   message: 'the database /srv/gonogo.db is read-only',
 *   fix: 'make it writable',
 * });
 */
export class EnvironmentError extends GonogoError {
  /** The file, folder or (password-masked) URL at fault. */
  readonly place: string;
  /** What to do about it. */
  readonly fix: string;
  constructor(problem: { place: string; message: string; fix: string }, options?: ErrorOptions) {
    super('environment', `${problem.message} (${problem.fix})`, options);
    this.place = problem.place;
    this.fix = problem.fix;
  }
}
