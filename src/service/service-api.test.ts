/**
 * Conformance of the service to the HTTP contract: a realistic release run through the
 * in-process service on SQLite, every result parsed with the API's response schema and
 * compared with what the service returned (as JSON, as the server will send it). Response
 * schemas drop fields they do not know, so a field the service returns and the schema lacks
 * shows as a difference; a wrong type fails the parse. Request bodies are parsed with the
 * request schemas before they become service inputs, so each body maps onto its input.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as apiLimits from '../api/api-limits.ts';
import { apiErrorSchema, httpStatusOf } from '../api/api-errors.ts';
import { resnapshotResultSchema } from '../api/api-playbook.ts';
import { releaseSchema } from '../api/api-release.ts';
import {
  abandonRequestSchema,
  decideRequestSchema,
  deployRequestSchema,
  itemActionRequestSchema,
  recordCheckResultsRequestSchema,
  resnapshotRequestSchema,
  retargetRequestSchema,
  rollbackRequestSchema,
  signRequestSchema,
  startReleaseRequestSchema,
} from '../api/api-requests.ts';
import {
  auditResultListSchema,
  checkPlanSchema,
  decideResultSchema,
  deployResultSchema,
  environmentListSchema,
  itemActionResultSchema,
  itemDetailSchema,
  recordCheckResultsResultSchema,
  releaseEventListSchema,
  releaseListSchema,
  releaseViewSchema,
  rollbackResultSchema,
  signResultSchema,
  statusViewSchema,
} from '../api/api-views.ts';
import { GonogoError } from '../core/errors.ts';
import type { GateClosedError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { maxCheckResults } from './service-checks.ts';
import { maxLinkLength, maxTextLength } from './service-context.ts';
import { maxItemRefs } from './service-items.ts';
import { createReleaseService } from './create-service.ts';
import { contractYaml } from './service-contract.suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'gonogo-api-'));
let store: Store;
const now = new Date('2026-11-24T09:00:00Z'); // a Tuesday, inside the window
const svc = (actor = 'ana@example.com') =>
  createReleaseService({ store, actor, project: 'github.com/acme/app', now: () => now });

beforeAll(async () => {
  store = await openStore(join(dir, 'api.db'));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The value as the server sends it (JSON), checked against the schema: parses, and loses nothing. */
function conforms<T>(schema: z.ZodType, value: T): T {
  const sent = JSON.parse(JSON.stringify(value)) as unknown;
  const read = schema.parse(sent);
  expect(read).toEqual(sent);
  return value;
}

/** A request body as the server reads it. */
function body<S extends z.ZodType>(schema: S, value: z.input<S>): z.output<S> {
  return schema.parse(value);
}

/** The error a use case refuses with, as the server's envelope and status. */
async function refusal(promise: Promise<unknown>) {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GonogoError);
  const g = e as GonogoError & { blockers?: unknown; problems?: unknown };
  const envelope = conforms(apiErrorSchema, {
    error: {
      code: g.code,
      message: g.message,
      ...(g.field ? { field: g.field } : {}),
      ...(g.hint ? { hint: g.hint } : {}),
      ...(g.blockers ? { blockers: g.blockers } : {}),
      ...(g.problems ? { problems: g.problems } : {}),
    },
  });
  return { ...envelope.error, status: httpStatusOf(g.code) };
}

const editedYaml = contractYaml.replace(
  '      - title: QA sign-off',
  '      - title: Security review\n      - title: QA sign-off',
);

describe('the service returns what the HTTP contract says', () => {
  it('has the limits the API copies', () => {
    expect(apiLimits.maxTextLength).toBe(maxTextLength);
    expect(apiLimits.maxLinkLength).toBe(maxLinkLength);
    expect(apiLimits.maxItemRefs).toBe(maxItemRefs);
    expect(apiLimits.maxCheckResults).toBe(maxCheckResults);
  });

  it('through a release from start to rollback, a successor, a re-snapshot and an abandonment', async () => {
    const start = body(startReleaseRequestSchema, {
      version: '1.0.0',
      type: 'minor',
      commit: 'a'.repeat(40),
      playbookYaml: contractYaml,
    });
    const { playbook } = loadPlaybook(start.playbookYaml!, 'api.yaml');
    const started = conforms(
      releaseViewSchema,
      await svc('rm@example.com').startRelease({ ...start, playbook }),
    );
    const version = started.release.version;
    const numberOf = (title: string) =>
      String(started.items.find((i) => i.title === title)!.number);
    conforms(releaseListSchema, { releases: await svc().listReleases() });
    conforms(releaseViewSchema, await svc().getRelease({ version }));

    // Items: one by one, a section with skipUnmatched, and a refusal as the envelope.
    const done = body(itemActionRequestSchema, {
      refs: [numberOf('CHANGELOG updated')],
      action: 'done',
      evidence: 'https://example.com/changelog',
    });
    conforms(itemActionResultSchema, await svc().actOnItems({ ...done, version }));
    const skipped = conforms(
      itemActionResultSchema,
      await svc().actOnItems({
        ...body(itemActionRequestSchema, {
          refs: ['pre-release', '99'],
          action: 'na',
          note: 'not this time',
          skipUnmatched: true,
        }),
        version,
      }),
    );
    expect(skipped.skipped.length).toBeGreaterThan(0);
    const wrong = await refusal(
      svc().actOnItems({ version, refs: [numberOf('Tests pass')], action: 'done' }),
    );
    expect(wrong).toMatchObject({ code: 'invalid-transition', status: 409 });
    conforms(
      itemDetailSchema,
      await svc().getItem({ version, ref: numberOf('CHANGELOG updated') }),
    );

    // Checks: a plan, and its results with the item versions it was made at.
    const plan = conforms(checkPlanSchema, await svc().planChecks({ version }));
    expect(plan.items.length).toBeGreaterThan(0);
    const results = body(recordCheckResultsRequestSchema, {
      results: plan.items.map((i) => ({
        item: i.number,
        result: 'passed' as const,
        summary: 'npm test: 12 passed',
        evidence: { url: 'https://ci.example.com/run/7', exitCode: 0 },
        durationMs: 1200,
        itemVersion: i.rowVersion,
      })),
    });
    conforms(
      recordCheckResultsResultSchema,
      await svc().recordCheckResults({ ...results, version }),
    );

    // Sign-offs: no-go then go, a decision each way, the status between.
    conforms(
      signResultSchema,
      await svc('qa@example.com').sign({
        ...body(signRequestSchema, { role: 'qa-lead', verdict: 'no-go', comment: 'login broken' }),
        version,
      }),
    );
    const noGo = conforms(
      decideResultSchema,
      await svc().decide({ ...body(decideRequestSchema, {}), version }),
    );
    expect(noGo.decision.outcome).toBe('no-go');
    const closed = await refusal(
      svc().deploy({ version, ...body(deployRequestSchema, { environment: 'production' }) }),
    );
    expect(closed).toMatchObject({ code: 'gate-closed', status: 409 });
    expect((closed as unknown as GateClosedError).blockers.length).toBeGreaterThan(0);
    conforms(statusViewSchema, await svc().getStatus({ version }));
    conforms(
      signResultSchema,
      await svc('qa@example.com').sign({ version, role: 'qa-lead', verdict: 'go' }),
    );
    conforms(
      signResultSchema,
      await svc('rm@example.com').sign({ version, role: 'release-manager', verdict: 'go' }),
    );
    const go = conforms(decideResultSchema, await svc().decide({ version }));
    expect(go.decision.outcome).toBe('go');

    // Deployments, a forced one refused for a role the policy does not name, then a rollback.
    conforms(
      deployResultSchema,
      await svc().deploy({ version, ...body(deployRequestSchema, { environment: 'staging' }) }),
    );
    conforms(
      deployResultSchema,
      await svc('rm@example.com').deploy({ version, environment: 'production' }),
    );
    conforms(statusViewSchema, await svc().getStatus({ version }));
    conforms(
      rollbackResultSchema,
      await svc('rm@example.com').rollback({
        ...body(rollbackRequestSchema, { environment: 'production', reason: 'error rate 7%' }),
        version,
      }),
    );
    const life = conforms(statusViewSchema, await svc().getStatus({ version })).life;
    expect(life.rollback).toBeDefined();
    conforms(environmentListSchema, { environments: await svc().listEnvironments({ playbook }) });

    // A successor at another commit, retargeted, re-snapshot (dry run, then for real), abandoned.
    const next = conforms(
      releaseViewSchema,
      await svc('rm@example.com').startRelease({
        playbook,
        version: '1.0.1',
        commit: 'b'.repeat(40),
        supersedes: version,
      }),
    );
    const v2 = next.release.version;
    conforms(
      releaseSchema,
      await svc('rm@example.com').retarget({
        ...body(retargetRequestSchema, { commit: 'c'.repeat(40) }),
        version: v2,
      }),
    );
    const edited = loadPlaybook(
      body(resnapshotRequestSchema, { playbookYaml: editedYaml }).playbookYaml!,
      'edited.yaml',
    ).playbook;
    const dry = conforms(
      resnapshotResultSchema,
      await svc('rm@example.com').resnapshot({ version: v2, playbook: edited, dryRun: true }),
    );
    expect(dry.recorded).toBe(false);
    const real = conforms(
      resnapshotResultSchema,
      await svc('rm@example.com').resnapshot({ version: v2, playbook: edited }),
    );
    expect(real.diff.added.map((a) => a.title)).toEqual(['Security review']);
    conforms(
      releaseSchema,
      await svc('rm@example.com').abandonRelease({
        ...body(abandonRequestSchema, { reason: 'moved to the 1.1 train' }),
        version: v2,
      }),
    );
    const gone = await refusal(svc().actOnItems({ version: v2, refs: ['2'], action: 'done' }));
    expect(gone.status).toBe(409);

    // The log, and the audit of every release.
    const events = conforms(releaseEventListSchema, {
      events: await svc().listEvents({ version }),
    });
    expect(events.events.length).toBeGreaterThan(10);
    conforms(releaseEventListSchema, { events: await svc().listEvents({ version: v2 }) });
    const audit = conforms(auditResultListSchema, { results: await svc().verifyAudit() });
    expect(audit.results.map((r) => r.ok)).toEqual([true, true]);
    conforms(releaseListSchema, { releases: await svc().listReleases() });
  });
});
