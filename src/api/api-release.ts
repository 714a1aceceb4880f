/**
 * The release model as the API returns it: releases, items (with their playbook `spec`),
 * sign-offs, decisions, deployments, incidents, overrides, events, blockers and gates. Response
 * schemas are plain (not strict) objects: a client built against this version keeps working
 * when a later server adds a field. The service conformance test parses real results with
 * them and compares, so a field the service returns and a schema lacks is caught.
 */
import { z } from 'zod';
import { named } from './api-registry.ts';

const iso = () => z.string().describe('ISO 8601 time');

export const itemKindSchema = named(
  'ItemKind',
  z.enum(['check', 'run', 'sign', 'watch', 'notify', 'manual']),
);
export const itemStateSchema = named(
  'ItemState',
  z.enum(['pending', 'running', 'passed', 'failed', 'done', 'na', 'waived']),
);
export const releaseStateSchema = named(
  'ReleaseState',
  z.enum(['active', 'deployed', 'rolled-back', 'finished', 'abandoned', 'superseded']),
);
export const verdictSchema = named('Verdict', z.enum(['go', 'no-go']));
export const outcomeSchema = named('Outcome', z.enum(['go', 'no-go']));
export const itemActionSchema = named(
  'ItemAction',
  z.enum(['done', 'na', 'waive', 'fail', 'reset']),
);
export const deploymentStatusSchema = named(
  'DeploymentStatus',
  z.enum(['succeeded', 'failed', 'rolled-back']),
);

export const chainHeadSchema = named(
  'ChainHead',
  z.object({ count: z.number().int(), hash: z.string() }),
  "Where a release's event log ends: how many events, and the hash of the newest.",
);

export const releaseSchema = named(
  'Release',
  z.object({
    id: z.string(),
    project: z.string(),
    version: z.string(),
    type: z.string().optional(),
    commit: z.string().optional(),
    commitAt: iso().optional(),
    playbookHash: z.string(),
    state: releaseStateSchema,
    stateReason: z.string().optional(),
    stateBy: z.string().optional(),
    stateAt: iso().optional(),
    supersedes: z.string().optional(),
    supersededBy: z.string().optional(),
    createdAt: iso(),
    createdBy: z.string(),
    updatedAt: iso(),
    rowVersion: z.number().int(),
    head: chainHeadSchema.optional(),
  }),
);

/** Free-form by kind (links, command output, exit codes, hashes), with an optional `url`. */
export const evidenceSchema = named(
  'Evidence',
  z.looseObject({ url: z.string().optional() }),
  'What a result rests on: links, command output, exit codes, hashes. Free-form by kind.',
);

export const checkSpecSchema = named(
  'CheckSpec',
  z.object({ name: z.string(), params: z.unknown() }),
);
export const whenSchema = named(
  'When',
  z.object({
    type: z.array(z.string()).optional(),
    environment: z.array(z.string()).optional(),
  }),
);

const itemSpecShape = {
  id: z.string(),
  title: z.string(),
  kind: itemKindSchema,
  optional: z.boolean(),
  details: z.array(z.string()).optional(),
  when: whenSchema.optional(),
  check: checkSpecSchema.optional(),
  run: z.union([z.string(), z.array(z.string())]).optional(),
  sign: z.array(z.string()).optional(),
  watch: z
    .object({
      for: z.string().optional(),
      every: z.string().optional(),
      interval: z.string().optional(),
      initialDelay: z.string().optional(),
      count: z.number().int().optional(),
      metric: z.string().optional(),
      check: checkSpecSchema.optional(),
      successCondition: z.string().optional(),
      failureCondition: z.string().optional(),
      failureLimit: z.number().int().optional(),
      inconclusiveLimit: z.number().int().optional(),
      consecutiveErrorLimit: z.number().int().optional(),
    })
    .optional(),
  notify: z.object({ to: z.array(z.string()), message: z.string() }).optional(),
  whenReached: z.literal(true).optional(),
  suggest: z.object({ run: z.string().optional(), check: checkSpecSchema.optional() }).optional(),
  timeout: z.string().optional(),
  by: z.array(z.string()).optional(),
  confirm: z.literal(true).optional(),
  cwd: z.string().optional(),
  due: z.string().optional(),
  deploys: z.array(z.string()).optional(),
};

/** A playbook item as a release snapshot it: without its sub-items (they are items too). */
export const itemSpecSchema = named('ItemSpec', z.object(itemSpecShape));

export const releaseItemSchema = named(
  'ReleaseItem',
  z.object({
    releaseId: z.string(),
    number: z.number().int(),
    id: z.string(),
    phase: z.string(),
    section: z.string(),
    title: z.string(),
    kind: itemKindSchema,
    optional: z.boolean(),
    parent: z.number().int().optional(),
    rollback: z.boolean(),
    spec: itemSpecSchema,
    state: itemStateSchema,
    note: z.string().optional(),
    evidence: evidenceSchema.optional(),
    updatedAt: iso(),
    updatedBy: z.string().optional(),
    rowVersion: z.number().int(),
  }),
);

export const signoffTargetSchema = named(
  'SignoffTarget',
  z.object({ kind: z.enum(['gate', 'item']), id: z.string() }),
);

const signoffShape = {
  id: z.string().optional(),
  releaseId: z.string(),
  role: z.string(),
  verdict: verdictSchema,
  target: signoffTargetSchema.optional(),
  commit: z.string().optional(),
  actor: z.string(),
  at: iso(),
  comment: z.string().optional(),
  carriedFrom: z.string().optional(),
  staleSince: z.number().int().optional(),
};
export const signoffSchema = named('Signoff', z.object(signoffShape));
export const signoffViewSchema = named(
  'SignoffView',
  z.object({ ...signoffShape, stale: z.boolean() }),
  'A sign-off as it counts now: stale when given for another commit, or before a re-snapshot changed its target.',
);

export const blockerSchema = named(
  'Blocker',
  z.object({
    kind: z.enum([
      'item-open',
      'item-failed',
      'signoff-missing',
      'signoff-stale',
      'signoff-four-eyes',
      'signoff-no-go',
      'window-day',
      'window-hours',
      'window-freeze',
      'environment-locked',
    ]),
    message: z.string(),
    item: z.number().int().optional(),
    role: z.string().optional(),
    gate: z.string().optional(),
  }),
);

export const gateOverrideSchema = named(
  'GateOverride',
  z.object({
    releaseId: z.string(),
    kind: z.enum(['window', 'force']),
    gate: z.string().optional(),
    environment: z.string().optional(),
    commit: z.string().optional(),
    role: z.string(),
    actor: z.string(),
    at: iso(),
    reason: z.string(),
    blockers: z.array(blockerSchema),
  }),
);

export const decisionSchema = named(
  'Decision',
  z.object({
    id: z.string().optional(),
    releaseId: z.string(),
    gate: z.string(),
    outcome: outcomeSchema,
    blockers: z.array(blockerSchema),
    inputs: z.unknown().describe('Everything the decision was computed from.'),
    commit: z.string().optional(),
    actor: z.string(),
    at: iso(),
    override: z.object({ reason: z.string(), by: z.string() }).optional(),
  }),
);

export const deploymentSchema = named(
  'Deployment',
  z.object({
    id: z.string(),
    project: z.string(),
    releaseId: z.string(),
    version: z.string(),
    commit: z.string().optional(),
    environment: z.string(),
    status: deploymentStatusSchema,
    startedAt: iso(),
    finishedAt: iso().optional(),
    actor: z.string(),
  }),
);

export const incidentSchema = named(
  'Incident',
  z.object({
    id: z.string(),
    deploymentId: z.string(),
    kind: z.enum(['rollback', 'incident']),
    reason: z.string(),
    openedAt: iso(),
    resolvedAt: iso().optional(),
    actor: z.string(),
  }),
);

export const releaseEventSchema = named(
  'ReleaseEvent',
  z.object({
    releaseId: z.string(),
    seq: z.number().int().describe("1-based position in the release's log"),
    at: iso(),
    realAt: iso().optional(),
    actor: z.string(),
    origin: z
      .object({
        address: z.string().optional(),
        userAgent: z.string().optional(),
        tokenId: z.string().optional(),
      })
      .optional()
      .describe('Where the change came from: client address, user agent, API token id.'),
    type: z.string(),
    payload: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  }),
);

export const gateTargetSchema = named(
  'GateTarget',
  z.object({
    id: z.string(),
    kind: z.enum(['phase', 'section', 'release']),
    title: z.string(),
    roles: z.array(z.string()),
    beforeNumber: z.number().int(),
    fourEyes: z.literal(true).optional(),
  }),
);

export const environmentLockSchema = named(
  'EnvironmentLock',
  z.object({
    project: z.string(),
    environment: z.string(),
    reason: z.string(),
    actor: z.string(),
    at: z.string(),
    version: z.string().optional(),
  }),
  'A lock on an environment: deployments to it are refused until it is unlocked.',
);
