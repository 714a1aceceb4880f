/**
 * The compiled playbook, what a re-snapshot changed, and the results of linting and importing
 * a playbook, as the API returns them. A client never sends a compiled playbook: it sends YAML
 * text (or names one the server stored) and the server compiles it, so the rules of
 * `core/playbook.ts` are applied by one party only.
 */
import { z } from 'zod';
import { notifyChannelSchema } from '../core/notify-channel.ts';
import { named } from './api-registry.ts';
import {
  evidenceSchema,
  itemSpecSchema,
  itemStateSchema,
  releaseSchema,
  signoffSchema,
  signoffTargetSchema,
  whenSchema,
} from './api-release.ts';

type ItemSpec = z.infer<typeof itemSpecSchema>;
/** A playbook item with its sub-items (a recursive type zod cannot infer by itself). */
export interface ApiPlaybookItem extends ItemSpec {
  items?: ApiPlaybookItem[];
}

export const playbookItemSchema: z.ZodType<ApiPlaybookItem> = named(
  'PlaybookItem',
  itemSpecSchema.extend({
    get items() {
      return z.array(playbookItemSchema).optional();
    },
  }),
);

export const playbookSectionSchema = named(
  'PlaybookSection',
  z.object({
    id: z.string(),
    title: z.string().optional(),
    gate: z.array(z.string()).optional(),
    fourEyes: z.literal(true).optional(),
    when: whenSchema.optional(),
    items: z.array(playbookItemSchema),
  }),
);

export const playbookPhaseSchema = named(
  'PlaybookPhase',
  z.object({
    id: z.string(),
    title: z.string(),
    gate: z.array(z.string()).optional(),
    fourEyes: z.literal(true).optional(),
    when: whenSchema.optional(),
    sections: z.array(playbookSectionSchema),
  }),
);

const weekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export const windowPolicySchema = named(
  'WindowPolicy',
  z.object({
    timezone: z.string(),
    deny: z.array(weekdaySchema).optional(),
    deny_hours: z.array(z.string()).optional(),
    freezes: z.array(z.object({ from: z.string(), to: z.string(), reason: z.string() })).optional(),
    override: z.array(z.string()).optional(),
  }),
);

export const playbookSchema = named(
  'Playbook',
  z.object({
    name: z.string(),
    project: z.string().optional(),
    description: z.string().optional(),
    metadata: z
      .object({
        title: z.string().optional(),
        about: z.string().optional(),
        labels: z.array(z.string()).optional(),
        assignees: z.array(z.string()).optional(),
        source: z.string().optional(),
      })
      .optional(),
    roles: z.record(z.string(), z.string()).describe('Role id → display name.'),
    members: z.record(z.string(), z.array(z.string())).optional(),
    environments: z.array(z.string()),
    types: z.array(z.string()),
    policy: z.object({
      window: windowPolicySchema.optional(),
      force: z.array(z.string()).optional(),
      rollback: z
        .object({
          when: z.array(z.string()),
          auto: z.boolean().optional(),
          lock_on_failure: z.boolean().optional(),
        })
        .optional(),
    }),
    notes: z.array(z.object({ title: z.string(), text: z.string() })).optional(),
    metrics: z
      .record(z.string(), z.object({ title: z.string(), query: z.string().optional() }))
      .optional(),
    prometheus: z.object({ url: z.string(), timeout: z.string().optional() }).optional(),
    notify: z
      .record(z.string(), notifyChannelSchema)
      .optional()
      .describe('Notification channels by name (secrets are environment variable names).'),
    phases: z.array(playbookPhaseSchema),
    rollback: z.array(playbookSectionSchema),
  }),
  'The compiled playbook (core/playbook.ts), as a release snapshot it.',
);

const placedItem = {
  item: z.number().int(),
  id: z.string(),
  title: z.string(),
  phase: z.string(),
  section: z.string(),
};

export const playbookDiffSchema = named(
  'PlaybookDiff',
  z.object({
    added: z.array(z.object(placedItem)),
    removed: z.array(
      z.object({
        ...placedItem,
        state: itemStateSchema,
        note: z.string().optional(),
        evidence: evidenceSchema.optional(),
      }),
    ),
    changed: z.array(
      z.object({
        item: z.number().int(),
        id: z.string(),
        title: z.string(),
        was: z.string().optional(),
        fields: z.array(z.string()),
        from: itemStateSchema,
        to: itemStateSchema,
        note: z.string().optional(),
        evidence: evidenceSchema.optional(),
      }),
    ),
    gates: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        change: z.enum(['added', 'removed', 'changed']),
        roles: z.object({ from: z.array(z.string()), to: z.array(z.string()) }),
        items: z.object({
          added: z.array(z.number().int()),
          removed: z.array(z.number().int()),
          changed: z.array(z.number().int()),
        }),
      }),
    ),
    unchanged: z.number().int(),
    stale: z.array(signoffTargetSchema),
    settings: z.array(z.string()),
  }),
);

export const resnapshotResultSchema = named(
  'ResnapshotResult',
  z.object({
    release: releaseSchema,
    from: z.string(),
    to: z.string(),
    same: z.boolean(),
    recorded: z.boolean(),
    seq: z.number().int().optional(),
    diff: playbookDiffSchema,
    retitled: z.array(
      z.object({
        removed: z.number().int(),
        added: z.number().int(),
        id: z.string(),
        title: z.string(),
      }),
    ),
    staleSignoffs: z.array(signoffSchema),
    strandedNoGos: z.array(
      z.object({ role: z.string(), actor: z.string(), comment: z.string().optional() }),
    ),
  }),
);

/** One problem in an input text, with its place (core/errors.ts `Problem`). */
export const problemSchema = named(
  'Problem',
  z.object({
    message: z.string(),
    fix: z.string().optional(),
    file: z.string().optional(),
    line: z.number().int().optional(),
    col: z.number().int().optional(),
  }),
);

export const playbookLintResultSchema = named(
  'PlaybookLintResult',
  z.object({
    ok: z.boolean(),
    problems: z.array(problemSchema),
    warnings: z.array(problemSchema),
    /** The compiled playbook and its hash, when it loads. */
    playbook: playbookSchema.optional(),
    hash: z.string().optional(),
  }),
);

export const storedPlaybookSchema = named(
  'StoredPlaybook',
  z.object({
    project: z.string(),
    hash: z.string().describe('SHA-256 of the compiled playbook: its version.'),
    playbook: playbookSchema,
    warnings: z.array(problemSchema),
  }),
  'A playbook the server compiled and stored under its hash; a release can start from it.',
);

export const playbookImportResultSchema = named(
  'PlaybookImportResult',
  z.object({
    yaml: z.string().describe('The gonogo.yaml text, to review and upload.'),
    stats: z.object({
      phases: z.number().int(),
      sections: z.number().int(),
      items: z.number().int(),
      sign: z.number().int(),
      optional: z.number().int(),
      suggestedRuns: z.number().int(),
      automated: z.number().int(),
    }),
    commandChecks: z.array(z.object({ title: z.string(), command: z.string() })),
    report: z
      .object({
        headings: z.array(z.unknown()),
        blanks: z.array(z.unknown()),
        blanksTotal: z.number().int(),
        roles: z.array(z.unknown()),
        watches: z.array(z.unknown()).optional(),
      })
      .describe(
        'What became of every heading, the blanks to fill, the roles without members, the monitoring lines that became watches.',
      ),
  }),
);
