/**
 * Playbook text without a project: lint a YAML playbook, import a Markdown checklist. Both read
 * only; the text is bounded by the request schema (and the body limit) before it is parsed,
 * and a checklist to import by the import's own bound. The parsing runs in a worker thread
 * (`server-text-pool.ts`) with a time limit, so a long text neither holds up other requests nor
 * runs without end.
 */
import { availableParallelism } from 'node:os';
import type { Context, Hono } from 'hono';
import { maxImportTextLength } from '../../api/api-limits.ts';
import { InputError } from '../../core/errors.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { errorResponse } from '../server-errors.ts';
import { mountRoute } from '../server-route.ts';
import type { TextJobKind } from '../server-text-job.ts';
import { createTextPool } from '../server-text-pool.ts';

/** A job's time limit unless the deps say otherwise. */
const defaultTimeoutMs = 5000;

/** Mounts lintPlaybook and importPlaybook. */
export function mountPlaybookRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  const timeoutMs = deps.textJobTimeoutMs ?? defaultTimeoutMs;
  // One core stays with the server's own thread.
  const pool = createTextPool({
    size: Math.max(1, Math.min(2, availableParallelism() - 1)),
    timeoutMs: { import: timeoutMs, lint: timeoutMs },
    maxWaiting: 8,
  });
  const run = async (c: Context, kind: TextJobKind, text: string, file: string) => {
    const outcome = await pool.run(kind, text, file);
    if (outcome.ok) return outcome.value;
    if (outcome.reason === 'busy') {
      return errorResponse(
        c,
        'rate-limited',
        'the server is busy with other playbook texts; try again in a few seconds',
      );
    }
    // Not a problem of the server's (a retry would take as long): the text itself costs too much.
    const seconds = timeoutMs / 1000;
    throw new InputError(
      kind === 'import'
        ? `the checklist took longer than ${seconds} s to import; split it, or import it with \`gonogo playbook import\` and upload the YAML`
        : `the playbook took longer than ${seconds} s to check; check it with \`gonogo playbook lint\``,
      { field: 'text' },
    );
  };

  mountRoute(app, deps, base, 'lintPlaybook', async ({ body, c }) => {
    const { text, file } = body as { text: string; file?: string };
    return run(c, 'lint', text, file ?? 'gonogo.yaml');
  });

  mountRoute(app, deps, base, 'importPlaybook', async ({ body, c }) => {
    const { text, file } = body as { text: string; file?: string };
    // Bounded below a playbook's size: what crosses to the worker and the memory it takes.
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > maxImportTextLength) {
      return errorResponse(
        c,
        'payload-too-large',
        `the checklist is ${Math.ceil(bytes / 1024)} KiB; the import takes up to ${maxImportTextLength / 1024} KiB (split it, or import it with \`gonogo playbook import\` and upload the YAML)`,
        { field: 'text' },
      );
    }
    return run(c, 'import', text, file ?? 'checklist.md');
  });
}
