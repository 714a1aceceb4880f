/**
 * Playbook text without a project: lint a YAML playbook, import a Markdown checklist. Both read
 * only; the text is bounded by the request schema (and the body limit) before it is parsed,
 * and a checklist to import by the import's own, smaller bound.
 */
import type { Hono } from 'hono';
import { maxImportTextLength } from '../../api/api-limits.ts';
import { importChecklist } from '../../core/playbook-import.ts';
import { lintPlaybook, loadPlaybook } from '../../core/playbook-yaml.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { errorResponse } from '../server-errors.ts';
import { mountRoute } from '../server-route.ts';

/** Mounts lintPlaybook and importPlaybook. */
export function mountPlaybookRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  mountRoute(app, deps, base, 'lintPlaybook', async ({ body }) => {
    const { text, file } = body as { text: string; file?: string };
    const result = lintPlaybook(text, file ?? 'gonogo.yaml');
    return {
      ok: result.problems.length === 0,
      problems: result.problems,
      warnings: result.warnings,
      ...(result.loaded ? { playbook: result.loaded.playbook, hash: result.loaded.hash } : {}),
    };
  });

  mountRoute(app, deps, base, 'importPlaybook', async ({ body, c }) => {
    const { text, file } = body as { text: string; file?: string };
    // Bounded well below a playbook's size: the import's work grows with the text.
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > maxImportTextLength) {
      return errorResponse(
        c,
        'payload-too-large',
        `the checklist is ${Math.ceil(bytes / 1024)} KiB; the import takes up to ${maxImportTextLength / 1024} KiB (split it, or import it with \`gonogo playbook import\` and upload the YAML)`,
        { field: 'text' },
      );
    }
    const name = file ?? 'checklist.md';
    const result = importChecklist(text, name);
    // Never hand out what would not load: the import's own lint is its last step.
    loadPlaybook(result.yaml, name);
    return {
      yaml: result.yaml,
      stats: result.stats,
      commandChecks: result.commandChecks,
      report: result.report,
    };
  });
}
