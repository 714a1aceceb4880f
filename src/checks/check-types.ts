/**
 * The one shape every automated check has (DESIGN.md §2): a zod schema for its parameters
 * (in `core/check-params*.ts`, so `playbook lint` validates them without running anything) and
 * `run(ctx, params, signal) → CheckResult`. A check returns `failed` when what it verifies is
 * not so, and `error` when it could not find out (missing file, tool not installed, network
 * refused); it throws only for bugs.
 */
import type { CheckName } from '../core/check-params.ts';
import type { Playbook } from '../core/playbook.ts';

export type CheckStatus = 'passed' | 'failed' | 'error';

/** What a check looked at, so a person can see why it said what it said. */
export interface CheckEvidence {
  /** Files read, with their SHA-256, relative to the repository root. */
  files?: { path: string; sha256: string }[];
  /** The release commit the files were read from, or the command ran at. */
  commit?: string;
  /** Set when the working tree was read or ran instead of the release commit; `note` says why. */
  source?: 'working tree';
  note?: string;
  command?: string[];
  exitCode?: number | null;
  /** First and last lines of output, secrets redacted. */
  output?: { head: string[]; tail: string[]; lines: number };
  http?: {
    url: string;
    status?: number;
    samples?: number;
    p50?: number;
    p95?: number;
    p99?: number;
  };
  /** Findings (offending commits, secrets with masked excerpts, vulnerabilities ...). */
  findings?: { where: string; message: string }[];
  /** Anything else worth keeping, small. */
  [key: string]: unknown;
}

export interface CheckResult {
  status: CheckStatus;
  /** One line: what was found ("CHANGELOG.md has ## [1.4.0] - 2026-11-20"). */
  summary: string;
  /** For failed and error: what to do about it. */
  fix?: string;
  evidence: CheckEvidence;
  durationMs: number;
}

/** What a check may know about the release and the place it runs. */
export interface CheckContext {
  /** The repository root: every relative path is resolved against it. */
  root: string;
  /** The release version being checked, e.g. "1.4.0". */
  version: string;
  /**
   * The release's commit SHA, when it has one: checks read files from this commit's tree, and
   * run commands only when the working tree is this commit. Without one they use the working
   * tree and say so in the evidence.
   */
  commit?: string;
  /** The playbook's policy (the window check reads it). */
  policy: Playbook['policy'];
  /**
   * The environment the checks are for (`gonogo check --env ENV`, else the one the release
   * deploys to next): a check given a URL per environment uses this environment's.
   */
  environment?: string;
  /** Environment variables (process.env in the CLI; tests pass their own). */
  env: Record<string, string | undefined>;
  /** The clock. */
  now: () => Date;
}

/** A check: its name, and how to run it with validated parameters. */
export interface CheckDefinition<P = unknown> {
  name: CheckName;
  /** Default timeout in milliseconds when the playbook item sets none. */
  timeoutMs: number;
  run(ctx: CheckContext, params: P, signal: AbortSignal): Promise<Omit<CheckResult, 'durationMs'>>;
}
