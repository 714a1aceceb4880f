/**
 * Playbook text without a project: lint a YAML playbook, import a Markdown checklist. Both read
 * only; the text is bounded by the request schema (and the body limit) before it is parsed.
 */
import type { Hono } from 'hono';
import { importChecklist } from '../../core/playbook-import.ts';
import { lintPlaybook, loadPlaybook } from '../../core/playbook-yaml.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
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

  mountRoute(app, deps, base, 'importPlaybook', async ({ body }) => {
    const { text, file } = body as { text: string; file?: string };
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
