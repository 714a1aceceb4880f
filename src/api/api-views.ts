/**
 * What the API returns for reads and writes of a release: the views and use-case results of
 * `service/service-contract.ts`, one schema each.
 */
import { z } from 'zod';
import { named } from './api-registry.ts';
import { playbookSchema } from './api-playbook.ts';
import {
  blockerSchema,
  decisionSchema,
  deploymentSchema,
  gateOverrideSchema,
  gateTargetSchema,
  incidentSchema,
  outcomeSchema,
  releaseEventSchema,
  environmentLockSchema,
  releaseItemSchema,
  releaseSchema,
  releaseStateSchema,
  chainHeadSchema,
  signoffViewSchema,
  itemStateSchema,
  evidenceSchema,
} from './api-release.ts';
import { errorCodeSchema } from './api-errors.ts';
import { projectSchema } from './api-accounts.ts';

export const releaseViewSchema = named(
  'ReleaseView',
  z.object({
    release: releaseSchema,
    playbook: playbookSchema,
    items: z.array(releaseItemSchema),
    signoffs: z.array(signoffViewSchema),
    decisions: z.array(decisionSchema),
    deployments: z.array(deploymentSchema),
    overrides: z.array(gateOverrideSchema),
    incidents: z.array(incidentSchema),
  }),
  'A release with everything recorded about it.',
);

export const releaseListSchema = named(
  'ReleaseList',
  z.object({ releases: z.array(releaseSchema) }),
  'Releases of a project, newest first.',
);

export const releaseEventListSchema = named(
  'ReleaseEventList',
  z.object({ events: z.array(releaseEventSchema) }),
  "A release's events after the `after` seq, oldest first.",
);

export const phaseProgressSchema = named(
  'PhaseProgress',
  z.object({
    phase: z.string(),
    title: z.string(),
    total: z.number().int(),
    accepted: z.number().int(),
    failed: z.number().int(),
  }),
);

export const followUpSchema = named(
  'FollowUp',
  z.object({
    item: z.number().int(),
    title: z.string(),
    optional: z.boolean(),
    due: z.string().optional(),
    dueAt: z.string().optional(),
    overdue: z.boolean(),
    beforeDeployment: z.boolean(),
  }),
);

const measurementPhaseSchema = z.enum(['successful', 'failed', 'inconclusive', 'error']);
const watchOutcomeSchema = z.enum(['passed', 'failed', 'inconclusive', 'running']);

export const watchViewSchema = named(
  'WatchView',
  z.object({
    item: z.number().int(),
    id: z.string(),
    title: z.string(),
    measures: z.string(),
    metric: z.string().optional(),
    criteria: z.array(z.string()),
    outcome: z.union([watchOutcomeSchema, z.literal('waiting')]),
    reason: z.string().optional(),
    state: itemStateSchema,
    count: z.number().int(),
    taken: z.number().int(),
    startsAt: z.string().optional(),
    endsAt: z.string().optional(),
    nextDueAt: z.string().optional(),
    latest: z
      .object({
        at: z.string(),
        slot: z.number().int(),
        phase: measurementPhaseSchema,
        value: z.number().optional(),
        message: z.string().optional(),
        late: z.boolean(),
      })
      .optional(),
  }),
  'A watch window: what it measures, its criteria, countdown, latest value and outcome.',
);

const watchTargetSchema = z.union([
  z.object({ kind: z.literal('metric'), metric: z.string(), query: z.string() }),
  z.object({
    kind: z.literal('http'),
    check: z.object({ name: z.string(), params: z.unknown() }),
  }),
  z.object({ kind: z.literal('person') }),
]);

export const watchPlanSchema = named(
  'WatchPlan',
  z.object({
    release: releaseSchema,
    deployedAt: z.string().optional(),
    environment: z.string().optional(),
    watches: z.array(watchViewSchema),
    due: z.array(
      z.object({
        item: z.number().int(),
        title: z.string(),
        target: watchTargetSchema,
        slot: z.number().int(),
        dueAt: z.string(),
        skipped: z.number().int(),
      }),
    ),
    nextDueAt: z.string().optional(),
    prometheus: z.object({ url: z.string(), timeout: z.string().optional() }).optional(),
    metrics: z.array(z.object({ metric: z.string(), query: z.string() })),
    rollbackRuns: z.array(z.object({ item: z.number().int(), title: z.string() })).optional(),
  }),
);

export const rollbackResultSchema = named(
  'RollbackResult',
  z.object({
    deployment: deploymentSchema,
    incident: incidentSchema,
    items: z.array(releaseItemSchema),
    runsAgain: deploymentSchema.optional(),
  }),
);

export const recordWatchMeasurementResultSchema = named(
  'RecordWatchMeasurementResult',
  z.object({
    measurement: z.object({
      item: z.number().int(),
      id: z.string(),
      slot: z.number().int(),
      dueAt: z.string(),
      skipped: z.number().int(),
      phase: measurementPhaseSchema,
      value: z.number().optional(),
      message: z.string().optional(),
      baseline: z.number().optional(),
      evidence: evidenceSchema.optional(),
      outcome: watchOutcomeSchema,
      reason: z.string().optional(),
    }),
    watch: watchViewSchema,
    item: releaseItemSchema,
    rollback: rollbackResultSchema.optional(),
    lock: environmentLockSchema.optional(),
  }),
);

export const baselineValuesSchema = named(
  'BaselineValues',
  z.array(
    z.object({ metric: z.string(), value: z.number().optional(), error: z.string().optional() }),
  ),
);

export const releaseLifeSchema = named(
  'ReleaseLife',
  z.object({
    deployedAt: z.string().optional(),
    followUps: z.array(followUpSchema),
    rollback: z
      .object({
        incident: incidentSchema,
        deployment: deploymentSchema,
        runsNow: deploymentSchema.optional(),
      })
      .optional(),
    rollbackOpen: z.array(blockerSchema),
    watches: z.array(watchViewSchema).optional(),
    rollbackRecommended: z
      .array(z.object({ item: z.number().int(), title: z.string(), evidence: z.string() }))
      .optional(),
    undecided: z
      .array(z.object({ item: z.number().int(), title: z.string(), reason: z.string() }))
      .optional(),
  }),
);

export { environmentLockSchema };

export const statusViewSchema = named(
  'StatusView',
  z.object({
    view: releaseViewSchema,
    gate: gateTargetSchema,
    outcome: outcomeSchema,
    blockers: z.array(blockerSchema),
    phases: z.array(phaseProgressSchema),
    life: releaseLifeSchema,
    locks: z.array(environmentLockSchema).optional(),
  }),
);

export const itemDetailSchema = named(
  'ItemDetail',
  z.object({
    release: releaseSchema,
    item: releaseItemSchema,
    history: z.array(releaseEventSchema),
  }),
);

export const skippedItemRefSchema = named(
  'SkippedItemRef',
  z.object({
    ref: z.string(),
    item: z.number().int().optional(),
    reason: z.string(),
    code: errorCodeSchema,
  }),
);

export const itemActionResultSchema = named(
  'ItemActionResult',
  z.object({
    items: z.array(releaseItemSchema),
    skipped: z.array(skippedItemRefSchema),
    followed: z.array(releaseItemSchema),
  }),
);

export const checkScopeSchema = named(
  'CheckScope',
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('refs') }),
    z.object({ kind: z.literal('phase'), phase: z.string() }),
    z.object({ kind: z.literal('all') }),
    z.object({
      kind: z.literal('gate'),
      gate: z.string(),
      title: z.string(),
      later: z.number().int(),
    }),
  ]),
);

export const checkPlanSchema = named(
  'CheckPlan',
  z.object({
    view: releaseViewSchema,
    items: z.array(releaseItemSchema),
    scope: checkScopeSchema,
    environment: z.string().optional(),
  }),
);

export const recordCheckResultsResultSchema = named(
  'RecordCheckResultsResult',
  z.object({
    items: z.array(releaseItemSchema),
    skipped: z.array(z.number().int()),
  }),
);

export const runPlanSchema = named(
  'RunPlan',
  z.object({ release: releaseSchema, item: releaseItemSchema, roles: z.array(z.string()) }),
);

export const recordRunResultResultSchema = named(
  'RecordRunResultResult',
  z.object({ item: releaseItemSchema, applied: z.boolean() }),
);

export const unlockResultSchema = named(
  'UnlockResult',
  z.object({
    environment: z.string(),
    actor: z.string(),
    at: z.string(),
    reason: z.string().optional(),
    lock: environmentLockSchema,
  }),
);

export const signResultSchema = named(
  'SignResult',
  signoffViewSchema.extend({ label: z.string() }),
);

export const decideResultSchema = named(
  'DecideResult',
  z.object({ decision: decisionSchema, gateTitle: z.string() }),
);

export const deployResultSchema = named(
  'DeployResult',
  deploymentSchema.extend({
    gates: z.array(z.object({ id: z.string(), title: z.string(), outcome: outcomeSchema })),
    override: gateOverrideSchema.optional(),
    ticked: z.array(z.object({ number: z.number().int(), title: z.string() })),
    releaseState: releaseStateSchema,
  }),
);

export const environmentViewSchema = named(
  'EnvironmentView',
  z.object({
    environment: z.string(),
    current: deploymentSchema.optional(),
    last: deploymentSchema.optional(),
    rolledBack: z.object({ deployment: deploymentSchema, incident: incidentSchema }).optional(),
    lock: environmentLockSchema.optional(),
  }),
);

export const environmentListSchema = named(
  'EnvironmentList',
  z.object({ environments: z.array(environmentViewSchema) }),
);

export const auditProblemSchema = named(
  'AuditProblem',
  z.object({
    kind: z.enum(['chain', 'replay', 'record']),
    seq: z.number().int().optional(),
    message: z.string(),
    table: z.string().optional(),
    row: z.string().optional(),
    field: z.string().optional(),
  }),
);

export const auditResultSchema = named(
  'AuditResult',
  z.object({
    version: z.string(),
    ok: z.boolean(),
    checked: z.number().int(),
    problems: z.array(auditProblemSchema),
    head: chainHeadSchema,
    clockOverrides: z.number().int(),
    firstClockOverride: z
      .object({ seq: z.number().int(), at: z.string(), realAt: z.string() })
      .optional(),
  }),
);

export const auditResultListSchema = named(
  'AuditResultList',
  z.object({ results: z.array(auditResultSchema) }),
);

export const overviewReleaseSchema = named(
  'OverviewRelease',
  z.object({
    release: releaseSchema,
    gate: gateTargetSchema,
    outcome: outcomeSchema,
    blockers: z.array(blockerSchema),
    phases: z.array(phaseProgressSchema),
  }),
  "A release in flight: its next gate's evaluation now and its progress per phase.",
);

export const overviewActivitySchema = named(
  'OverviewActivity',
  z.object({
    kind: z.enum(['decision', 'deployment', 'rollback']),
    version: z.string(),
    at: z.string().describe('ISO 8601 time'),
    actor: z.string(),
    gate: z.string().optional(),
    outcome: outcomeSchema.optional(),
    environment: z.string().optional(),
    status: z.string().optional(),
    reason: z.string().optional(),
  }),
  'One recent decision, deployment or rollback of a project.',
);

export const projectOverviewSchema = named(
  'ProjectOverview',
  z.object({
    project: projectSchema,
    inFlight: z.array(overviewReleaseSchema),
    environments: z.array(environmentViewSchema),
    recent: z.array(overviewActivitySchema),
  }),
);

export const overviewSchema = named(
  'Overview',
  z.object({ projects: z.array(projectOverviewSchema) }),
  "The dashboard in one read: each of the caller's projects with its releases in flight, what runs where, and its recent decisions, deployments and rollbacks.",
);
