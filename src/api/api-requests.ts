/**
 * Request bodies, path parameters and query parameters of every write and read. Bodies are
 * strict (an unknown field is refused, not ignored: a misspelt `skipUnmatched` must not
 * silently act on all or none) and every string and list is bounded. Identity and time are never
 * in a request: the server takes them from the authentication and its own clock.
 *
 * Optimistic concurrency: a release's ETag is `"<n>"`, n its event count (`head.count`). Every
 * change to a release, to any of its items, sign-offs or deployments, is exactly one event,
 * while `rowVersion` moves only when the release row itself changes; so the count is the
 * version of the release as a whole. A write may send `If-Match` with the ETag it saw; when the
 * release has moved since, it gets 409 `conflict` with the release as it is now (the service's
 * `expect: { events: n }`, compared under the release's lock; `ConflictError.current`). Without
 * `If-Match` a write acts on the release as it finds it, as the CLI does. Check results carry
 * each item's `itemVersion` (its `rowVersion` when the run began) instead: a person's action
 * since then stands and the result is only logged beside it.
 */
import { z } from 'zod';
import { named } from './api-registry.ts';
import { deploymentCommitsSchema } from './api-metrics.ts';
import {
  maxCheckResults,
  maxCommitLength,
  maxItemRefs,
  maxLinkLength,
  maxNameLength,
  maxPlaybookTextLength,
  maxTextLength,
} from './api-limits.ts';
import { itemActionSchema, verdictSchema } from './api-release.ts';

/** A bounded single-line name: version, role, environment, gate, ref. */
export const nameString = () =>
  z
    .string()
    .min(1)
    .max(maxNameLength)
    .regex(/^\P{Cc}*$/u, 'no control characters');
/** A note, comment or reason: at most `maxTextLength` characters. */
export const textString = () => z.string().max(maxTextLength, { error: (i) => tooLong(i.input) });
/** Worded as the service words it, so a client sees the same message either way. */
const tooLong = (input: unknown) =>
  `${typeof input === 'string' ? input.length : 'too many'} characters; the limit is ${maxTextLength}`;
/** A reason that must be given. */
const reasonString = () =>
  z
    .string()
    .trim()
    .min(1)
    .max(maxTextLength, { error: (i) => tooLong(i.input) });
const isoString = () => z.iso.datetime({ offset: true });

const playbookYaml = z
  .string()
  .min(1)
  .max(maxPlaybookTextLength)
  .describe('The playbook as YAML text; the server compiles and stores it.');
const playbookHash = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex hash')
  .describe('The hash of a playbook stored with the project.');

/** Exactly one of `playbookYaml` and `playbookHash`. */
function onePlaybook(v: { playbookYaml?: string | undefined; playbookHash?: string | undefined }) {
  return (v.playbookYaml === undefined) !== (v.playbookHash === undefined);
}
const onePlaybookMessage = {
  message: 'give the playbook as playbookYaml or name a stored one by playbookHash, not both',
  path: ['playbookYaml'],
};

export const startReleaseRequestSchema = named(
  'StartReleaseRequest',
  z
    .strictObject({
      version: nameString(),
      type: nameString().optional(),
      commit: z.string().min(1).max(maxCommitLength).optional(),
      commitAt: isoString().optional(),
      supersedes: nameString().optional(),
      playbookYaml: playbookYaml.optional(),
      playbookHash: playbookHash.optional(),
    })
    .refine(onePlaybook, onePlaybookMessage),
  'Exactly one of playbookYaml and playbookHash.',
);

export const retargetRequestSchema = named(
  'RetargetRequest',
  z.strictObject({
    commit: z.string().min(1).max(maxCommitLength),
    commitAt: isoString().optional(),
  }),
);

export const abandonRequestSchema = named(
  'AbandonRequest',
  z.strictObject({ reason: reasonString() }),
);

export const resnapshotRequestSchema = named(
  'ResnapshotRequest',
  z
    .strictObject({
      playbookYaml: playbookYaml.optional(),
      playbookHash: playbookHash.optional(),
      dryRun: z.boolean().optional(),
    })
    .refine(onePlaybook, onePlaybookMessage),
  'Exactly one of playbookYaml and playbookHash.',
);

export const itemActionRequestSchema = named(
  'ItemActionRequest',
  z.strictObject({
    refs: z.array(nameString()).min(1).max(maxItemRefs),
    action: itemActionSchema,
    note: textString().optional(),
    evidence: z.string().max(maxLinkLength).optional(),
    skipUnmatched: z.boolean().optional(),
  }),
);

export const signRequestSchema = named(
  'SignRequest',
  z.strictObject({
    role: nameString(),
    verdict: verdictSchema,
    comment: textString().optional(),
    gate: nameString().optional(),
  }),
);

export const decideRequestSchema = named(
  'DecideRequest',
  z.strictObject({
    gate: nameString().optional(),
    overrideWindow: z.strictObject({ reason: reasonString() }).optional(),
  }),
);

export const deployRequestSchema = named(
  'DeployRequest',
  z.strictObject({
    environment: nameString(),
    status: z.enum(['succeeded', 'failed']).optional(),
    force: z.strictObject({ reason: reasonString() }).optional(),
    commits: deploymentCommitsSchema
      .optional()
      .describe('The commits the deployment ships, for lead time (docs/metrics.md).'),
  }),
);

export const rollbackRequestSchema = named(
  'RollbackRequest',
  z.strictObject({ environment: nameString(), reason: reasonString() }),
);

export const planChecksRequestSchema = named(
  'PlanChecksRequest',
  z.strictObject({
    refs: z.array(nameString()).max(maxItemRefs).optional(),
    phase: nameString().optional(),
    all: z.boolean().optional(),
    environment: nameString().optional(),
  }),
);

/** Evidence a client posts: free-form, bounded as a whole by the request size. */
const evidenceInput = z.looseObject({ url: z.string().max(maxLinkLength).optional() });

export const checkResultInputSchema = named(
  'CheckResultInput',
  z.strictObject({
    item: z.number().int().positive(),
    result: z.enum(['passed', 'failed', 'error']),
    summary: textString(),
    fix: textString().optional(),
    evidence: evidenceInput,
    durationMs: z.number().nonnegative(),
    itemVersion: z.number().int().nonnegative().optional(),
  }),
);

export const recordCheckResultsRequestSchema = named(
  'RecordCheckResultsRequest',
  z.strictObject({ results: z.array(checkResultInputSchema).min(1).max(maxCheckResults) }),
);

export const planRunRequestSchema = named(
  'PlanRunRequest',
  z.strictObject({ ref: nameString().describe('One run item: its number or id.') }),
);

export const recordRunResultRequestSchema = named(
  'RecordRunResultRequest',
  z.strictObject({
    item: z.number().int().positive(),
    result: z.enum(['done', 'failed']),
    summary: textString(),
    evidence: evidenceInput,
    durationMs: z.number().nonnegative().max(1e10),
    itemVersion: z.number().int().nonnegative().optional(),
  }),
  'What running a run item did, run by a client where the repository is.',
);

export const planWatchesRequestSchema = named('PlanWatchesRequest', z.strictObject({}));

export const recordWatchMeasurementRequestSchema = named(
  'RecordWatchMeasurementRequest',
  z.strictObject({
    item: z.number().int().positive(),
    value: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('value'), value: z.number() }),
      z.strictObject({ kind: z.literal('empty') }),
      z.strictObject({ kind: z.literal('error'), message: textString() }),
      z.strictObject({ kind: z.literal('failed'), message: textString() }),
    ]),
    evidence: evidenceInput.optional(),
  }),
  'A measurement of a watch due now, taken by a client: the value its provider returned.',
);

export const captureBaselineRequestSchema = named(
  'CaptureBaselineRequest',
  z.strictObject({
    environment: nameString().optional(),
    values: z
      .array(
        z.strictObject({
          metric: nameString(),
          value: z.number().optional(),
          error: textString().optional(),
        }),
      )
      .min(1)
      .max(100),
  }),
  "Each metric's value before the deploy, read by a client.",
);

export const lockEnvironmentRequestSchema = named(
  'LockEnvironmentRequest',
  z.strictObject({ reason: reasonString() }),
);

export const unlockEnvironmentRequestSchema = named(
  'UnlockEnvironmentRequest',
  z.strictObject({ reason: textString().optional() }),
);

export const environmentParamSchema = nameString().describe('An environment of the project.');

export const playbookTextRequestSchema = named(
  'PlaybookTextRequest',
  z.strictObject({
    text: z.string().min(1).max(maxPlaybookTextLength),
    file: nameString().optional().describe('A file name for the places in problems.'),
  }),
  'A playbook as YAML text (lint, upload) or a checklist as Markdown (import).',
);

// Parameters. A project id may hold slashes (`github.com/acme/app`): it is one path segment,
// percent-encoded (see `fillApiPath`).

export const projectParamSchema = nameString().describe('The project id, percent-encoded.');
export const versionParamSchema = nameString().describe('A release version (`1.4.0` or `v1.4.0`).');
export const itemRefParamSchema = nameString().describe('An item number or id.');
export const hashParamSchema = playbookHash;
export const idParamSchema = nameString();
export const userParamSchema = nameString().describe('A user id or e-mail address.');

/** `GET .../events?after=SEQ`: events after that seq (what `Last-Event-ID` resumes from). */
export const eventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().nonnegative().optional(),
});

export const statusQuerySchema = z.strictObject({ gate: nameString().optional() });

export const environmentsQuerySchema = z.strictObject({ playbookHash: playbookHash.optional() });

export const auditVerifyRequestSchema = named(
  'AuditVerifyRequest',
  z.strictObject({
    version: nameString()
      .optional()
      .describe('One release; without it, every release of the project.'),
  }),
);

/** `DELETE /session?everywhere=true`: end every session of the user, not only this one. */
export const signOutQuerySchema = z.strictObject({
  everywhere: z.enum(['true', 'false']).optional(),
});
