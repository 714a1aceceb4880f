/**
 * Parameter schemas of the project checks: changelog, version, file, window, http. Each
 * accepts the short form a person writes (`check: changelog`, `check: { coverage: 80 }`) and
 * the long form, and rejects unknown keys so `playbook lint` can name them.
 */
import { z } from 'zod';
import { durationSchema } from './playbook-schema.ts';

const empty = (v: unknown) => (v === null || v === undefined ? {} : v);

export const changelogParams = z.preprocess(
  (v) => (typeof v === 'string' ? { file: v } : empty(v)),
  z.strictObject({
    /** Found automatically among CHANGELOG.md, CHANGES.md, HISTORY.md, History.md, NEWS.md, RELEASE_NOTES.md. */
    file: z.string().min(1).optional(),
    /** Whether an "Unreleased" section may stay (default true). */
    unreleased: z.boolean().default(true),
    /** Require a date on the version's heading when the file's format has dates (default true). */
    dated: z.boolean().default(true),
  }),
);

export const versionParams = z.preprocess(
  (v) => (typeof v === 'string' ? { file: v } : empty(v)),
  z.strictObject({
    /** A manifest to read; found automatically when absent (package.json, pyproject.toml, ...). */
    file: z.string().min(1).optional(),
    /** With `file`: a regex whose first group is the version. */
    pattern: z.string().min(1).optional(),
    /** Prefix of release tags (default "v"). */
    tag_prefix: z.string().default('v'),
  }),
);

export const fileParams = z.preprocess(
  (v) => (typeof v === 'string' ? { path: v } : v),
  z.strictObject({
    path: z.string().min(1),
    /** Regex the file must match. */
    contains: z.string().min(1).optional(),
    /** The file must be younger than this (e.g. "24h"). */
    max_age: durationSchema.optional(),
  }),
);

export const windowParams = z.preprocess(empty, z.strictObject({}));

/** Latency budgets: a number of milliseconds, `"300ms"`, or a duration such as `"2s"`. */
const msOrDuration = z.union([
  z.number().positive(),
  z
    .string()
    .regex(/^\d+ms$/, 'must be milliseconds such as 300 or "300ms", or a duration such as "2s"'),
  durationSchema,
]);

const httpUrl = z.url({ protocol: /^https?$/ });

export const httpParams = z.preprocess(
  (v) => (typeof v === 'string' ? { url: v } : v),
  z.strictObject({
    /**
     * The URL, or one per environment (`{ staging: https://…, production: https://… }`):
     * `gonogo check --env ENV` picks one, else the environment the release deploys to next.
     */
    url: z.union(
      [
        httpUrl,
        z
          .record(z.string().min(1), httpUrl)
          .refine((m) => Object.keys(m).length > 0, 'name at least one environment and its URL'),
      ],
      { error: 'must be an http(s) URL, or a map of environment to URL' },
    ),
    method: z.enum(['GET', 'HEAD']).default('GET'),
    /** Expected status code(s) (default 200). */
    status: z.union([z.number().int(), z.array(z.number().int()).min(1)]).default(200),
    /** Number of requests (default 1, at most 100). */
    samples: z.number().int().min(1).max(100).default(1),
    body_contains: z.string().optional(),
    /** JSON body check: a dotted path ("status" or "checks.db") and the value it must equal. */
    json: z.strictObject({ path: z.string().min(1), equals: z.unknown() }).optional(),
    /** Latency budgets over the samples: milliseconds or a duration. */
    p50: msOrDuration.optional(),
    p95: msOrDuration.optional(),
    p99: msOrDuration.optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
);
