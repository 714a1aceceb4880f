/**
 * Parameter schemas of the git and report checks: git-tag, git-clean, git-up-to-date, commits,
 * coverage, audit, milestone.
 */
import { z } from 'zod';

const empty = (v: unknown) => (v === null || v === undefined ? {} : v);

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

export const gitTagParams = z.preprocess(
  empty,
  z.strictObject({
    /** Tag prefix (default "v": release 1.4.0 → tag v1.4.0). */
    prefix: z.string().default('v'),
    /** Also require the tag on this remote (true = "origin"). */
    remote: z.union([z.boolean(), z.string().min(1)]).default(false),
  }),
);

export const gitCleanParams = z.preprocess(empty, z.strictObject({}));

export const gitUpToDateParams = z.preprocess(
  (v) => (typeof v === 'string' ? { branch: v } : empty(v)),
  z.strictObject({
    /** The branch whose tip the release commit must contain (default main). */
    branch: z.string().min(1).default('main'),
    /** Compare with the remote-tracking branch of this remote when it exists (default origin). */
    remote: z.string().min(1).default('origin'),
  }),
);

export const commitsParams = z.preprocess(
  empty,
  z.strictObject({
    /** "conventional" (default) requires Conventional Commits subjects; "any" only applies `forbid`. */
    convention: z.enum(['conventional', 'any']).default('conventional'),
    /** Regexes a subject must not match (default: fixup!, squash!, WIP). */
    forbid: z
      .array(z.string().min(1).refine(isRegExp, 'must be a valid regular expression'))
      .default(['^fixup!', '^squash!', '\\bWIP\\b']),
    tag_prefix: z.string().default('v'),
  }),
);

export const coverageParams = z.preprocess(
  (v) => (typeof v === 'number' ? { min: v } : v),
  z.strictObject({
    /** Minimum percentage. */
    min: z.number().min(0).max(100),
    /** Report file; found automatically (coverage/lcov.info, lcov.info, coverage/coverage-summary.json, coverage/cobertura-coverage.xml, coverage.xml, coverage.json). */
    file: z.string().min(1).optional(),
    format: z.enum(['lcov', 'cobertura', 'istanbul', 'coveragepy']).optional(),
    metric: z.enum(['lines', 'branches', 'functions', 'statements']).default('lines'),
  }),
);

export const auditParams = z.preprocess(
  (v) => (typeof v === 'string' ? { severity: v } : empty(v)),
  z
    .strictObject({
      /** Fail at or above this severity (default high). */
      severity: z.enum(['low', 'moderate', 'high', 'critical']).default('high'),
      /** Which report: npm (runs `npm audit --json` unless `file`), pip-audit or osv (read from `file`). */
      tool: z.enum(['npm', 'pip-audit', 'osv']).default('npm'),
      file: z.string().min(1).optional(),
    })
    // pip-audit and OSV-Scanner reports are read, never run: they need a file.
    .refine((p) => p.tool === 'npm' || p.file !== undefined, {
      message: 'pip-audit and osv reports are read from a file: set file',
      path: ['file'],
    }),
);

export const milestoneParams = z.preprocess(
  (v) => (typeof v === 'string' || typeof v === 'number' ? { milestone: v } : v),
  z.strictObject({
    /** Milestone title or number; default: the release version. */
    milestone: z.union([z.string().min(1), z.number().int().positive()]).optional(),
    /** owner/name; default: from the `origin` remote URL. */
    repo: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name')
      .optional(),
    /** Environment variable holding the token (default GITHUB_TOKEN). */
    token_env: z.string().min(1).default('GITHUB_TOKEN'),
    /** API base URL (GitHub Enterprise: https://HOST/api/v3). */
    api: z.url().default('https://api.github.com'),
  }),
);
