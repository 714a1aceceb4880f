/**
 * The worker thread behind the playbook routes (`server-text-pool.ts`): it imports a Markdown
 * checklist or lints a YAML playbook, so that a long one occupies this thread, not the
 * server's, and can be stopped when it runs past its time. One job at a time; every answer
 * is plain data (errors included: a class does not cross a thread), rebuilt by the pool.
 */
import { parentPort } from 'node:worker_threads';
import { GonogoError, InputError } from '../core/errors.ts';
import { importChecklist } from '../core/playbook-import.ts';
import { lintPlaybook, loadPlaybook } from '../core/playbook-yaml.ts';
import type { TextJob, TextJobAnswer, TextJobError } from './server-text-job.ts';

// Loaded: the pool starts a job's clock from here, not from the thread's start.
parentPort?.postMessage({ ready: true });
parentPort?.on('message', (job: TextJob) => {
  let answer: TextJobAnswer;
  try {
    answer = { id: job.id, ok: true, value: runJob(job) };
  } catch (e) {
    answer = { id: job.id, ok: false, error: plainError(e) };
  }
  parentPort?.postMessage(answer);
});

function runJob(job: TextJob): unknown {
  if (job.kind === 'lint') {
    const result = lintPlaybook(job.text, job.file);
    return {
      ok: result.problems.length === 0,
      problems: result.problems,
      warnings: result.warnings,
      ...(result.loaded ? { playbook: result.loaded.playbook, hash: result.loaded.hash } : {}),
    };
  }
  const result = importChecklist(job.text, job.file);
  // Never hand out what would not load: the import's own lint is its last step.
  loadPlaybook(result.yaml, job.file);
  return {
    yaml: result.yaml,
    stats: result.stats,
    commandChecks: result.commandChecks,
    report: result.report,
  };
}

function plainError(e: unknown): TextJobError {
  if (!(e instanceof GonogoError)) {
    return { code: 'internal', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  return {
    code: e.code,
    message: e.message,
    ...(e instanceof InputError ? { problems: e.problems } : {}),
    ...(e.field !== undefined ? { field: e.field } : {}),
    ...(e.hint !== undefined ? { hint: e.hint } : {}),
  };
}
