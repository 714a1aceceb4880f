/**
 * Every check's parameter schema by name: `playbook lint` validates `check:` items with these
 * (pure, nothing runs), and the checks parse their parameters with the same schemas.
 */
import type { z } from 'zod';
import {
  commitsParams,
  coverageParams,
  auditParams,
  gitCleanParams,
  gitTagParams,
  gitUpToDateParams,
  milestoneParams,
} from './check-params-git.ts';
import {
  changelogParams,
  fileParams,
  httpParams,
  versionParams,
  windowParams,
} from './check-params-project.ts';
import { commandParams, envDocumentedParams, secretsParams } from './check-params-safety.ts';

export const checkParams = {
  command: commandParams,
  changelog: changelogParams,
  version: versionParams,
  'git-tag': gitTagParams,
  'git-clean': gitCleanParams,
  'git-up-to-date': gitUpToDateParams,
  commits: commitsParams,
  coverage: coverageParams,
  audit: auditParams,
  secrets: secretsParams,
  'env-documented': envDocumentedParams,
  window: windowParams,
  http: httpParams,
  file: fileParams,
  milestone: milestoneParams,
} as const;

export type CheckName = keyof typeof checkParams;
export type CheckParams<N extends CheckName> = z.output<(typeof checkParams)[N]>;

/** True when `name` is a check gonogo knows. */
export function isCheckName(name: string): name is CheckName {
  return Object.hasOwn(checkParams, name);
}
