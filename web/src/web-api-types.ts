/**
 * The API's types as the web app uses them: inferred from the zod schemas of `src/api/`, imported
 * as types only so not one byte of zod reaches the browser.
 */
import type { z } from 'zod';
import type { sessionSchema, membershipSchema, projectSchema } from '../../src/api/api-accounts.ts';
import type { apiErrorSchema } from '../../src/api/api-errors.ts';
import type { analyticsReportSchema } from '../../src/api/api-analytics.ts';
import type { metricsReportSchema } from '../../src/api/api-metrics.ts';
import type { playbookPhaseSchema } from '../../src/api/api-playbook.ts';
import type {
  blockerSchema,
  itemActionSchema,
  releaseEventSchema,
  releaseItemSchema,
  releaseSchema,
  signoffViewSchema,
} from '../../src/api/api-release.ts';
import type {
  environmentViewSchema,
  itemActionResultSchema,
  itemDetailSchema,
  overviewSchema,
  statusViewSchema,
} from '../../src/api/api-views.ts';

export type Session = z.infer<typeof sessionSchema>;
export type Membership = z.infer<typeof membershipSchema>;
export type Project = z.infer<typeof projectSchema>;
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;
export type Release = z.infer<typeof releaseSchema>;
export type ReleaseItem = z.infer<typeof releaseItemSchema>;
export type ReleaseEvent = z.infer<typeof releaseEventSchema>;
export type SignoffView = z.infer<typeof signoffViewSchema>;
export type Blocker = z.infer<typeof blockerSchema>;
export type ItemAction = z.infer<typeof itemActionSchema>;
export type StatusView = z.infer<typeof statusViewSchema>;
export type ItemDetail = z.infer<typeof itemDetailSchema>;
export type ItemActionResult = z.infer<typeof itemActionResultSchema>;
export type EnvironmentView = z.infer<typeof environmentViewSchema>;
export type PlaybookPhase = z.infer<typeof playbookPhaseSchema>;
export type Overview = z.infer<typeof overviewSchema>;
export type MetricsReport = z.infer<typeof metricsReportSchema>;
export type AnalyticsReport = z.infer<typeof analyticsReportSchema>;
