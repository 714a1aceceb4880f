/**
 * Reading the playbook a command works with: `--playbook FILE`, else gonogo.yaml at the
 * repository root.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { NotFoundError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import type { LoadedPlaybook } from '../core/playbook-yaml.ts';
import type { Context } from './cli-context.ts';

export const defaultPlaybookFile = 'gonogo.yaml';

/** The playbook path a command should read. */
export function playbookPath(ctx: Context, file?: string): string {
  if (file) return resolve(ctx.cwd, file);
  const atCwd = join(ctx.cwd, defaultPlaybookFile);
  return existsSync(atCwd) ? atCwd : join(ctx.root, defaultPlaybookFile);
}

/** Reads and validates the playbook; a missing default file says how to make one. */
export function readPlaybook(ctx: Context, file?: string): LoadedPlaybook & { file: string } {
  const path = playbookPath(ctx, file);
  const shown = relative(ctx.cwd, path) || path;
  if (!file && !existsSync(path)) {
    throw new NotFoundError(
      `no ${defaultPlaybookFile} here or at ${ctx.root}: create one with \`gonogo init\` (or --playbook FILE)`,
    );
  }
  return { ...loadPlaybook(ctx.readText(shown), shown), file: shown };
}
