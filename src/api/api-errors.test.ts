import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import * as errors from '../core/errors.ts';
import type { ErrorCode, HintAction } from '../core/errors.ts';
import { apiErrorCodes, apiErrorSchema, httpStatusOf } from './api-errors.ts';
import type { HttpOnlyErrorCode, errorCodeSchema, errorHintSchema } from './api-errors.ts';

/** The code of every GonogoError subclass core/errors.ts exports, by constructing one. */
function codesOfErrorClasses(): string[] {
  const codes: string[] = [];
  for (const value of Object.values(errors)) {
    if (typeof value !== 'function' || value === errors.GonogoError) continue;
    if (!(value.prototype instanceof errors.GonogoError)) continue;
    // Constructors take a message, a problem list or a problem object first; the code does not
    // depend on it, so the first shape that constructs will do.
    const Ctor = value as unknown as new (a: unknown, b: unknown) => errors.GonogoError;
    const firsts: unknown[] = ['x', [{ message: 'x' }], { place: 'x', message: 'x', fix: 'x' }];
    const made = firsts.flatMap((first) => {
      try {
        return [new Ctor(first, [])];
      } catch {
        return [];
      }
    });
    expect(made.length, value.name).toBeGreaterThan(0);
    codes.push(made[0]!.code);
  }
  return codes;
}

/** The members of the `ErrorCode` union as written in core/errors.ts. */
function codesOfErrorCodeType(): string[] {
  const text = readFileSync(new URL('../core/errors.ts', import.meta.url), 'utf8');
  const block = /export type ErrorCode =([^;]+);/.exec(text)?.[1] ?? '';
  return [...block.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('error codes and statuses', () => {
  it('maps the code of every error class and every ErrorCode to a status', () => {
    const fromClasses = codesOfErrorClasses();
    const fromType = codesOfErrorCodeType();
    expect(fromClasses.length).toBeGreaterThanOrEqual(10);
    expect(fromType.length).toBeGreaterThanOrEqual(fromClasses.length);
    for (const code of [...fromClasses, ...fromType]) {
      expect(apiErrorCodes, code).toContain(code);
      expect(httpStatusOf(code as ErrorCode)).toBeGreaterThanOrEqual(400);
    }
    // Nothing beyond core's codes but the two only HTTP produces (the account service throws
    // `unauthenticated` itself).
    expect(apiErrorCodes.filter((c) => !fromType.includes(c)).sort()).toEqual([
      'payload-too-large',
      'rate-limited',
    ]);
  });

  it('gives each kind of failure the status a client expects', () => {
    expect(httpStatusOf('invalid-input')).toBe(400);
    expect(httpStatusOf('usage')).toBe(400);
    expect(httpStatusOf('unauthenticated')).toBe(401);
    expect(httpStatusOf('forbidden')).toBe(403);
    expect(httpStatusOf('not-found')).toBe(404);
    expect(httpStatusOf('conflict')).toBe(409);
    expect(httpStatusOf('invalid-transition')).toBe(409);
    expect(httpStatusOf('gate-closed')).toBe(409);
    expect(httpStatusOf('payload-too-large')).toBe(413);
    expect(httpStatusOf('invalid-playbook')).toBe(422);
    expect(httpStatusOf('rate-limited')).toBe(429);
    expect(httpStatusOf('internal')).toBe(500);
    expect(httpStatusOf('integrity')).toBe(500);
    expect(httpStatusOf('environment')).toBe(503);
  });

  it('has types that follow core: codes and hint actions', () => {
    expectTypeOf<z.infer<typeof errorCodeSchema>>().toEqualTypeOf<ErrorCode | HttpOnlyErrorCode>();
    expectTypeOf<z.infer<typeof errorHintSchema>['action']>().toEqualTypeOf<HintAction>();
  });

  it('carries a GonogoError as the envelope, blockers and problems included', () => {
    const gate = new errors.GateClosedError(
      'gate "go-no-go" says NO-GO',
      [
        {
          kind: 'signoff-missing',
          message: 'no go from release-manager',
          role: 'release-manager',
          gate: 'go-no-go',
        },
      ],
      { hint: { action: 'sign.go', refs: ['release-manager'] } },
    );
    const input = new errors.InputError([{ message: 'bad', file: 'a.yaml', line: 3, col: 1 }], {
      field: 'note',
    });
    for (const e of [gate, input]) {
      const body = {
        error: {
          code: e.code,
          message: e.message,
          ...(e.field ? { field: e.field } : {}),
          ...(e.hint ? { hint: e.hint } : {}),
          ...('blockers' in e ? { blockers: e.blockers } : {}),
          ...('problems' in e ? { problems: e.problems } : {}),
        },
      };
      expect(apiErrorSchema.parse(body)).toEqual(body);
    }
    expect(() => apiErrorSchema.parse({ error: { code: 'teapot', message: 'x' } })).toThrow();
  });
});
