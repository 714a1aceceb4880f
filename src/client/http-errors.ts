/**
 * The API's error envelope turned back into the `GonogoError` the service threw, with its code,
 * message, field, hint, problems, blockers and `current`, so the CLI renders an error from the
 * server exactly as one from the local service and exits with the same code.
 */
import { apiErrorSchema } from '../api/api-errors.ts';
import type { ApiError } from '../api/api-errors.ts';
import {
  ConflictError,
  EnvironmentError,
  ForbiddenError,
  GateClosedError,
  InputError,
  IntegrityError,
  InternalError,
  NotFoundError,
  PlaybookError,
  TransitionError,
  UnauthenticatedError,
  UsageError,
} from '../core/errors.ts';
import type { ErrorHint, ErrorOptions, Problem, GonogoError } from '../core/errors.ts';
import type { Blocker, Release } from '../core/release-model.ts';

/**
 * The error an error response stands for. A body that is not the envelope (a proxy's page, a
 * server that is not gonogo) is an `EnvironmentError` naming the server.
 *
 * @example
 * const res = await fetch(url);
 * if (!res.ok) throw errorFromResponse(res.status, await res.text(), 'https://gonogo.example.com');
 */
export function errorFromResponse(status: number, text: string, server: string): GonogoError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = apiErrorSchema.safeParse(json);
  if (!parsed.success) {
    return new EnvironmentError({
      place: server,
      message: `${server} answered HTTP ${status} without gonogo's error envelope`,
      fix: 'check that GONOGO_SERVER is the address of a gonogo server (gonogo serve)',
    });
  }
  return errorFromEnvelope(parsed.data);
}

/**
 * The `GonogoError` subclass of an envelope's code.
 *
 * @example errorFromEnvelope({ error: { code: 'not-found', message: 'no release 2.0.0' } }) // NotFoundError
 */
export function errorFromEnvelope(envelope: ApiError): GonogoError {
  const { code, message, field, hint, problems, blockers, retryAfterSeconds } = envelope.error;
  const options: ErrorOptions = {};
  if (field !== undefined) options.field = field;
  if (hint !== undefined) options.hint = hint as ErrorHint;
  switch (code) {
    case 'usage':
      return new UsageError(message, options);
    case 'invalid-input':
    case 'payload-too-large':
      return withMessage(new InputError(problemsOf(problems, message), options), message);
    case 'invalid-playbook':
      return withMessage(new PlaybookError(problemsOf(problems, message), options), message);
    case 'not-found':
      return new NotFoundError(message, options);
    case 'conflict':
      return new ConflictError(message, {
        ...options,
        ...(envelope.current ? { current: envelope.current as Release } : {}),
      });
    case 'forbidden':
      return new ForbiddenError(message, options);
    case 'unauthenticated':
      return new UnauthenticatedError(message, options);
    case 'invalid-transition':
      return new TransitionError(message, options);
    case 'gate-closed':
      return new GateClosedError(message, (blockers ?? []) as Blocker[], options);
    case 'integrity':
      return new IntegrityError(message, options);
    case 'rate-limited':
      return new UsageError(
        retryAfterSeconds === undefined ? message : `${message} (retry in ${retryAfterSeconds} s)`,
        options,
      );
    case 'environment':
      return withMessage(
        new EnvironmentError({ place: 'the server', message, fix: '' }, options),
        message,
      );
    case 'internal':
      return new InternalError(message, options);
  }
}

function problemsOf(problems: Problem[] | undefined, message: string): Problem[] {
  return problems?.length ? problems : [{ message }];
}

/**
 * The message as the server wrote it: the subclasses format theirs from parts, which the
 * server did already.
 */
function withMessage<E extends GonogoError>(error: E, message: string): E {
  Object.defineProperty(error, 'message', { value: message, enumerable: false, writable: true });
  return error;
}
