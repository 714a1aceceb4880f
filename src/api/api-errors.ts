/**
 * The error envelope every failed request answers with, `{ error: { code, message, field?,
 * hint? } }`, and the HTTP status of each code. The codes are those of `core/errors.ts` (what
 * the service throws) plus the few only the HTTP layer produces (no credentials, too many
 * attempts, a body too large). The mapping lives here, in the shared contract, because the
 * OpenAPI document lists each operation's error statuses from it; the server is its only
 * runtime caller (clients read `code` from the body, never guess it from the status).
 */
import { z } from 'zod';
import type { ErrorCode, HintAction } from '../core/errors.ts';
import { named } from './api-registry.ts';
import { problemSchema } from './api-playbook.ts';
import { blockerSchema, releaseSchema } from './api-release.ts';

/** Codes only the HTTP layer produces: the service never throws them. */
export type HttpOnlyErrorCode = 'rate-limited' | 'payload-too-large';
export type ApiErrorCode = ErrorCode | HttpOnlyErrorCode;

/**
 * Each code's status. A `Record` over the union, so a code added to `core/errors.ts` without a
 * status here does not compile.
 *
 * - `invalid-playbook` 422: the request was well formed, the playbook text in it is not.
 * - `gate-closed` 409, not 422: nothing is wrong with the request, the release's state (a gate
 *   saying NO-GO) refuses it, and the same request succeeds once the blockers are cleared; the
 *   body carries every blocker.
 * - `invalid-transition` 409: likewise a state of the resource, not a bad request.
 * - `integrity` 500: the log was changed outside gonogo and the server refuses to write past
 *   it. The client did nothing wrong and retrying will not help (so not 409, and not 503, which
 *   promises a retry); an operator must look (`audit verify`).
 * - `environment` 503: the database is unreachable or read-only; a retry later may succeed.
 */
const statusOf: Record<ApiErrorCode, number> = {
  usage: 400,
  'invalid-input': 400,
  'invalid-playbook': 422,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'invalid-transition': 409,
  'gate-closed': 409,
  'payload-too-large': 413,
  'rate-limited': 429,
  integrity: 500,
  internal: 500,
  environment: 503,
};

/** Every code the API answers with, in a stable order. */
export const apiErrorCodes = Object.keys(statusOf) as ApiErrorCode[];

/**
 * The HTTP status of an error code.
 *
 * @example httpStatusOf('gate-closed') // 409
 */
export function httpStatusOf(code: ApiErrorCode): number {
  return statusOf[code];
}

export const errorCodeSchema = named(
  'ErrorCode',
  z.enum(apiErrorCodes as [ApiErrorCode, ...ApiErrorCode[]]),
  'The stable code of an error; clients branch on it, never on the message or the status.',
);

const hintActions = [
  'release.start',
  'release.list',
  'release.show',
  'release.retarget',
  'release.abandon',
  'status',
  'check.run',
  'item.done',
  'item.na',
  'item.waive',
  'item.fail',
  'item.reset',
  'sign.go',
  'sign.no-go',
  'decide',
  'decide.override-window',
  'deploy',
  'deploy.force',
  'rollback',
  'playbook.edit',
  'audit.verify',
  'upgrade',
] as const satisfies readonly HintAction[];

export const errorHintSchema = named(
  'ErrorHint',
  z.object({
    action: z.enum(hintActions),
    refs: z.array(z.string()).optional(),
    needs: z.array(z.string()).optional(),
  }),
  'What would help, as data: the use case to call next and what it needs.',
);

export const apiErrorSchema = named(
  'ApiError',
  z.object({
    error: z.object({
      code: errorCodeSchema,
      message: z.string(),
      field: z.string().optional().describe('The input field at fault.'),
      hint: errorHintSchema.optional(),
      problems: z
        .array(problemSchema)
        .optional()
        .describe('For invalid-input and invalid-playbook: every problem with its place.'),
      blockers: z
        .array(blockerSchema)
        .optional()
        .describe('For gate-closed: every blocker, each with its gate.'),
      retryAfterSeconds: z.number().int().optional().describe('For rate-limited.'),
    }),
    current: releaseSchema
      .optional()
      .describe('For a stale write (409 conflict): the release as it is now.'),
  }),
  'The body of every error response.',
);

export type ApiError = z.infer<typeof apiErrorSchema>;
