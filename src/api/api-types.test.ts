/**
 * The API's types are the service's: `z.infer` of each response schema is the type the
 * service contract names (for the parts a compiler can compare exactly).
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { GateTarget } from '../core/gate.ts';
import type { Playbook, PlaybookItem } from '../core/playbook.ts';
import type { FollowUp } from '../core/release-life.ts';
import type {
  Blocker,
  Deployment,
  GateOverride,
  Incident,
  Release,
  ReleaseItem,
  SignoffView,
} from '../core/release-model.ts';
import type { PlaybookDiff } from '../core/playbook-diff.ts';
import type {
  AuditResult,
  DeployResult,
  EnvironmentView,
  PhaseProgress,
  RecordCheckResultsResult,
  ReleaseLife,
  RollbackResult,
  SignResult,
} from '../service/service-contract.ts';
import type { playbookDiffSchema, playbookItemSchema, playbookSchema } from './api-playbook.ts';
import type {
  blockerSchema,
  deploymentSchema,
  gateOverrideSchema,
  gateTargetSchema,
  incidentSchema,
  itemSpecSchema,
  releaseItemSchema,
  releaseSchema,
  signoffViewSchema,
} from './api-release.ts';
import type {
  auditResultSchema,
  deployResultSchema,
  environmentViewSchema,
  followUpSchema,
  phaseProgressSchema,
  recordCheckResultsResultSchema,
  releaseLifeSchema,
  rollbackResultSchema,
  signResultSchema,
} from './api-views.ts';

describe('API types', () => {
  it('are the model types of core', () => {
    expectTypeOf<z.infer<typeof releaseSchema>>().toEqualTypeOf<Release>();
    expectTypeOf<z.infer<typeof releaseItemSchema>>().toEqualTypeOf<ReleaseItem>();
    expectTypeOf<z.infer<typeof itemSpecSchema>>().toEqualTypeOf<Omit<PlaybookItem, 'items'>>();
    expectTypeOf<z.infer<typeof playbookItemSchema>>().toEqualTypeOf<PlaybookItem>();
    expectTypeOf<z.infer<typeof signoffViewSchema>>().toEqualTypeOf<SignoffView>();
    expectTypeOf<z.infer<typeof blockerSchema>>().toEqualTypeOf<Blocker>();
    expectTypeOf<z.infer<typeof gateOverrideSchema>>().toEqualTypeOf<GateOverride>();
    expectTypeOf<z.infer<typeof deploymentSchema>>().toEqualTypeOf<Deployment>();
    expectTypeOf<z.infer<typeof incidentSchema>>().toEqualTypeOf<Incident>();
    expectTypeOf<z.infer<typeof gateTargetSchema>>().toEqualTypeOf<GateTarget>();
    expectTypeOf<z.infer<typeof followUpSchema>>().toEqualTypeOf<FollowUp>();
    expectTypeOf<z.infer<typeof playbookSchema>>().toEqualTypeOf<Playbook>();
    expectTypeOf<z.infer<typeof playbookDiffSchema>>().toEqualTypeOf<PlaybookDiff>();
  });

  it('are the result types of the service contract', () => {
    expectTypeOf<z.infer<typeof phaseProgressSchema>>().toEqualTypeOf<PhaseProgress>();
    expectTypeOf<z.infer<typeof releaseLifeSchema>>().toEqualTypeOf<ReleaseLife>();
    expectTypeOf<z.infer<typeof signResultSchema>>().toEqualTypeOf<SignResult>();
    expectTypeOf<z.infer<typeof deployResultSchema>>().toEqualTypeOf<DeployResult>();
    expectTypeOf<z.infer<typeof rollbackResultSchema>>().toEqualTypeOf<RollbackResult>();
    expectTypeOf<z.infer<typeof environmentViewSchema>>().toEqualTypeOf<EnvironmentView>();
    expectTypeOf<z.infer<typeof auditResultSchema>>().toEqualTypeOf<AuditResult>();
    expectTypeOf<
      z.infer<typeof recordCheckResultsResultSchema>
    >().toEqualTypeOf<RecordCheckResultsResult>();
  });
});
