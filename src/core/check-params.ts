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

/**
 * Parameters that may hold one value per environment (`url: { staging: …, production: … }`),
 * by check: `playbook lint` checks that their keys are environments of the playbook.
 */
const perEnvironmentParams: Partial<Record<CheckName, string[]>> = { http: ['url'] };

/**
 * The environments a check's parameters name, each with the parameter that names it: the keys
 * of a parameter given one value per environment. Empty when there is none.
 *
 * @example environmentsNamed('http', { url: { staging: 'https://s' } }) // [{ param: 'url', environment: 'staging' }]
 */
export function environmentsNamed(
  name: string,
  params: unknown,
): { param: string; environment: string }[] {
  if (!isCheckName(name) || params === null || typeof params !== 'object') return [];
  const out: { param: string; environment: string }[] = [];
  for (const param of perEnvironmentParams[name] ?? []) {
    const value = (params as Record<string, unknown>)[param];
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      for (const environment of Object.keys(value)) out.push({ param, environment });
  }
  return out;
}

/** True when `name` is a check gonogo knows. */
export function isCheckName(name: string): name is CheckName {
  return Object.hasOwn(checkParams, name);
}
