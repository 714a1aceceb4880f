/**
 * Parameter schemas of the checks that run commands or scan content: command, secrets,
 * env-documented.
 */
import { z } from 'zod';
import { durationSchema } from './playbook-schema.ts';

const empty = (v: unknown) => (v === null || v === undefined ? {} : v);
const argv = z.array(z.string().min(1)).min(1);

/**
 * `command: "npm test"` (split into words, no shell), `command: [npm, test]`, or
 * `command: { run: "npm test | tee log", shell: bash }` (a shell only when the playbook names it).
 */
export const commandParams = z
  .preprocess(
    (v) => (typeof v === 'string' || Array.isArray(v) ? { run: v } : v),
    z.strictObject({
      run: z.union([z.string().min(1), argv]),
      /** The shell to run a string with; without it the string is split into words and run directly. */
      shell: z.enum(['sh', 'bash', 'zsh', 'pwsh']).optional(),
      /** Working directory relative to the repository root. */
      cwd: z.string().min(1).optional(),
      env: z.record(z.string(), z.string()).optional(),
      timeout: durationSchema.optional(),
    }),
  )
  .superRefine((p, ctx) => {
    if (typeof p.run === 'string' && !p.shell && /[|&;<>()$`\\*?{}[\]!#~]/.test(p.run)) {
      ctx.addIssue({
        code: 'custom',
        path: ['run'],
        message: `"${p.run}" needs a shell (it has shell syntax); name one: { run: ..., shell: bash }`,
      });
    }
  });

export const secretsParams = z.preprocess(
  empty,
  z.strictObject({
    /** Which history to scan besides the working tree: commits since the previous tag (default), all, or none. */
    history: z.enum(['since-tag', 'all', 'none']).default('since-tag'),
    /** Glob-like path prefixes or patterns to skip. */
    exclude: z.array(z.string().min(1)).default([]),
    /** An allowlist file with one `fingerprint-or-path  # reason` per line (default .gonogo-secrets-allow). */
    allowlist: z.string().min(1).optional(),
    tag_prefix: z.string().default('v'),
  }),
);

export const envDocumentedParams = z.preprocess(
  (v) => (typeof v === 'string' ? { file: v } : empty(v)),
  z.strictObject({
    /** The file that documents the variables (default .env.example). */
    file: z.string().min(1).default('.env.example'),
    /** Variables to ignore (e.g. NODE_ENV, CI). */
    ignore: z.array(z.string().min(1)).default([]),
    exclude: z.array(z.string().min(1)).default([]),
  }),
);
