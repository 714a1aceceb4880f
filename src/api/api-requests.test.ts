import { describe, expect, it } from 'vitest';
import {
  maxCheckResults,
  maxItemRefs,
  maxPlaybookTextLength,
  maxTextLength,
} from './api-limits.ts';
import {
  eventsQuerySchema,
  itemActionRequestSchema,
  recordCheckResultsRequestSchema,
  signRequestSchema,
  startReleaseRequestSchema,
  deployRequestSchema,
  abandonRequestSchema,
  playbookTextRequestSchema,
} from './api-requests.ts';
import { apiRoutes } from './api-routes.ts';
import { createTokenRequestSchema, sessionRequestSchema } from './api-accounts.ts';

const result = {
  item: 1,
  result: 'passed',
  summary: 'ok',
  evidence: { url: 'https://ci/1', exitCode: 0 },
  durationMs: 12,
};

describe('request schemas', () => {
  it('accept a well-formed request of each use case', () => {
    expect(
      itemActionRequestSchema.parse({
        refs: ['12', '9-14'],
        action: 'waive',
        note: 'not relevant',
      }),
    ).toEqual({ refs: ['12', '9-14'], action: 'waive', note: 'not relevant' });
    expect(signRequestSchema.parse({ role: 'qa-lead', verdict: 'go' })).toBeTruthy();
    expect(recordCheckResultsRequestSchema.parse({ results: [result] })).toBeTruthy();
    expect(
      startReleaseRequestSchema.parse({ version: '1.4.0', playbookYaml: 'name: x\nphases: []' }),
    ).toBeTruthy();
    expect(eventsQuerySchema.parse({ after: '41' })).toEqual({ after: 41 });
  });

  it('refuse unknown fields, a misspelt one included', () => {
    expect(() =>
      itemActionRequestSchema.parse({ refs: ['1'], action: 'done', skipUnmached: true }),
    ).toThrow(/skipUnmached/);
    expect(() => signRequestSchema.parse({ role: 'qa', verdict: 'go', actor: 'boss' })).toThrow();
    expect(() =>
      deployRequestSchema.parse({ environment: 'production', force: { reason: 'x', by: 'y' } }),
    ).toThrow();
    expect(() =>
      recordCheckResultsRequestSchema.parse({ results: [{ ...result, at: '2026-01-01' }] }),
    ).toThrow();
    expect(() => eventsQuerySchema.parse({ after: '1', limit: '5' })).toThrow();
    expect(() =>
      sessionRequestSchema.parse({ email: 'a@b.co', password: 'x'.repeat(12), remember: true }),
    ).toThrow();
  });

  it('refuse oversized text, lists and bodies', () => {
    const long = 'x'.repeat(maxTextLength + 1);
    expect(() =>
      itemActionRequestSchema.parse({ refs: ['1'], action: 'na', note: long }),
    ).toThrow();
    expect(() => abandonRequestSchema.parse({ reason: long })).toThrow();
    expect(() =>
      itemActionRequestSchema.parse({
        refs: Array.from({ length: maxItemRefs + 1 }, (_, i) => String(i + 1)),
        action: 'done',
      }),
    ).toThrow();
    expect(() =>
      recordCheckResultsRequestSchema.parse({
        results: Array.from({ length: maxCheckResults + 1 }, () => result),
      }),
    ).toThrow();
    expect(() =>
      playbookTextRequestSchema.parse({ text: 'x'.repeat(maxPlaybookTextLength + 1) }),
    ).toThrow();
    expect(() => signRequestSchema.parse({ role: 'r'.repeat(201), verdict: 'go' })).toThrow();
    expect(() => signRequestSchema.parse({ role: 'qa\u001b[31m', verdict: 'go' })).toThrow();
  });

  it('refuse a blank reason, a wrong kind and a bad number', () => {
    expect(() => abandonRequestSchema.parse({ reason: '   ' })).toThrow();
    expect(() => signRequestSchema.parse({ role: 'qa', verdict: 'maybe' })).toThrow();
    expect(() => eventsQuerySchema.parse({ after: '-1' })).toThrow();
    expect(() => eventsQuerySchema.parse({ after: 'abc' })).toThrow();
    expect(() => createTokenRequestSchema.parse({ name: 'ci', project: 'p', roles: [] })).toThrow();
  });

  it('take a playbook as YAML text or a stored hash, exactly one', () => {
    const hash = 'a'.repeat(64);
    expect(
      startReleaseRequestSchema.safeParse({ version: '1.0.0', playbookHash: hash }).success,
    ).toBe(true);
    const neither = startReleaseRequestSchema.safeParse({ version: '1.0.0' });
    expect(neither.success).toBe(false);
    expect(neither.error?.issues[0]?.path).toEqual(['playbookYaml']);
    expect(
      startReleaseRequestSchema.safeParse({
        version: '1.0.0',
        playbookHash: hash,
        playbookYaml: 'x',
      }).success,
    ).toBe(false);
    expect(
      startReleaseRequestSchema.safeParse({ version: '1.0.0', playbookHash: 'abc' }).success,
    ).toBe(false);
  });

  it('are strict for every route that takes a body', () => {
    for (const route of apiRoutes.filter((r) => r.body)) {
      const probe = route.body!.safeParse({ surelyNotAField: 1 });
      expect(probe.success, route.operationId).toBe(false);
      const codes = probe.error!.issues.map((i) => i.code);
      expect(codes, route.operationId).toContain('unrecognized_keys');
    }
  });
});
