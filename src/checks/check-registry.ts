/**
 * Every check by name, loaded lazily: `gonogo check` imports only the checks its playbook uses,
 * so a playbook of three checks never pays for the secret scanner (the runner loads only the
 * token patterns, to mask every result).
 */
import type { CheckName } from '../core/check-params.ts';
import type { CheckDefinition } from './check-types.ts';

type CheckModule = { default: CheckDefinition };

// Literal import paths, so the bundler sees each check and gives it its own chunk.
const loaders: Record<CheckName, () => Promise<CheckModule>> = {
  command: () => import('./command-check.ts'),
  changelog: () => import('./changelog-check.ts'),
  version: () => import('./version-check.ts'),
  'git-tag': () => import('./git-tag-check.ts'),
  'git-clean': () => import('./git-clean-check.ts'),
  'git-up-to-date': () => import('./git-up-to-date-check.ts'),
  commits: () => import('./commits-check.ts'),
  coverage: () => import('./coverage-check.ts'),
  audit: () => import('./audit-check.ts'),
  secrets: () => import('./secrets-check.ts'),
  'env-documented': () => import('./env-documented-check.ts'),
  window: () => import('./window-check.ts'),
  http: () => import('./http-check.ts'),
  file: () => import('./file-check.ts'),
  milestone: () => import('./milestone-check.ts'),
};

/** The names of all checks, in the order of the issue that introduced them. */
export const checkNames = Object.keys(loaders) as CheckName[];

/**
 * Loads one check's definition. Its parameters are typed `unknown` here: the runner validates
 * them with `checkParams[name]` before calling `run`.
 *
 * @example
 * const def = await loadCheck('changelog');
 * const result = await def.run(ctx, checkParams.changelog.parse({}), signal);
 */
export async function loadCheck(name: CheckName): Promise<CheckDefinition> {
  const loader = loaders[name];
  const mod = await loader();
  return mod.default;
}
