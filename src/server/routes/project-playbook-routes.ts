/**
 * A project's stored playbooks: a release manager uploads YAML, the server compiles it and files
 * it under its hash; a release can then start from the hash. Reading one needs the project: a
 * hash alone opens no other project's playbook.
 */
import type { Hono } from 'hono';
import { NotFoundError, PlaybookError } from '../../core/errors.ts';
import { lintPlaybook } from '../../core/playbook-yaml.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { mountRoute } from '../server-route.ts';

/** Mounts uploadPlaybook and getPlaybook. */
export function mountProjectPlaybookRoutes(
  app: Hono<ServerEnv>,
  deps: ServerDeps,
  base: string,
): void {
  mountRoute(app, deps, base, 'uploadPlaybook', async (call) => {
    const { text, file } = call.body as { text: string; file?: string };
    // A playbook with problems is refused with every problem (invalid-playbook, 422).
    const linted = lintPlaybook(text, file ?? 'gonogo.yaml');
    if (linted.problems.length || !linted.loaded) throw new PlaybookError(linted.problems);
    const { playbook, hash } = linted.loaded;
    const warnings = linted.warnings;
    const project = call.params.project!;
    await deps.directory.storePlaybook(project, hash, playbook, call.principal!.user.email);
    return { project, hash, playbook, warnings };
  });

  mountRoute(app, deps, base, 'getPlaybook', async (call) => {
    const project = call.params.project!;
    const hash = call.params.hash!;
    const playbook = await deps.directory.findPlaybook(project, hash);
    if (!playbook)
      throw new NotFoundError(`project ${project} has no playbook ${hash.slice(0, 12)}`, {
        field: 'hash',
      });
    return { project, hash, playbook, warnings: [] };
  });
}
