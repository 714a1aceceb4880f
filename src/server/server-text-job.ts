/**
 * What the server's thread and its text worker (`server-text-worker.ts`) say to each other:
 * a job (import a checklist, lint a playbook) and its answer, as plain data.
 */
import type { ErrorCode, ErrorHint, Problem } from '../core/errors.ts';

export type TextJobKind = 'import' | 'lint';

export interface TextJob {
  id: number;
  kind: TextJobKind;
  text: string;
  file: string;
}

/** An error thrown in the worker, as data (a class does not cross a thread). */
export interface TextJobError {
  code: ErrorCode;
  message: string;
  problems?: Problem[];
  field?: string;
  hint?: ErrorHint;
}

/** The worker's first message, once its modules are loaded; then one answer per job. */
export type TextJobAnswer =
  | { ready: true }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: TextJobError };
