/**
 * Errors as HTTP answers: a GonogoError becomes the API's envelope (`api-errors.ts`) with its
 * code's status; anything else is a bug, answered 500 `internal` with a neutral message (the
 * real one, which may name files or SQL, goes to the log only).
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError, ApiErrorCode } from '../api/api-errors.ts';
import { httpStatusOf } from '../api/api-errors.ts';
import { ConflictError, GateClosedError, GonogoError, InputError } from '../core/errors.ts';

/**
 * The envelope and status for an error the service or the server threw.
 *
 * @example envelopeOf(new NotFoundError('no release 1.0')) // { status: 404, body: { error: { code: 'not-found', ... } } }
 */
export function envelopeOf(error: unknown): { status: number; body: ApiError; internal: boolean } {
  if (error instanceof GonogoError && error.code !== 'internal') {
    const body: ApiError = { error: { code: error.code, message: error.message } };
    if (error.field !== undefined) body.error.field = error.field;
    if (error.hint !== undefined) body.error.hint = error.hint as ApiError['error']['hint'];
    if (error instanceof InputError && error.problems.length) body.error.problems = error.problems;
    if (error instanceof GateClosedError) body.error.blockers = error.blockers;
    // A stale write: the release as it is now, so a client can show what changed meanwhile.
    if (error instanceof ConflictError && error.current) body.current = error.current;
    return { status: httpStatusOf(error.code), body, internal: false };
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code: ApiErrorCode = error.status === 413 ? 'payload-too-large' : 'invalid-input';
    return {
      status: error.status,
      body: { error: { code, message: error.message || 'the request is not valid' } },
      internal: false,
    };
  }
  return {
    status: 500,
    body: {
      error: { code: 'internal', message: 'internal error; the server log has the details' },
    },
    internal: true,
  };
}

/**
 * An error answer in the envelope, built from a code and a message (for what the HTTP layer
 * itself refuses: no credentials, a body too large, too many attempts).
 *
 * @example return errorResponse(c, 'unauthenticated', 'sign in or send a token')
 */
export function errorResponse(
  c: Context,
  code: ApiErrorCode,
  message: string,
  extra: Partial<ApiError['error']> = {},
): Response {
  const body: ApiError = { error: { code, message, ...extra } };
  return c.json(body, httpStatusOf(code) as ContentfulStatusCode);
}
