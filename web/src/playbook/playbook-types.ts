/**
 * The playbook side of the API as the playbook and settings pages use it: types inferred from
 * `src/api/` (type-only, no zod in the browser), and the import report's entries, which the API
 * leaves open (`unknown`) and the importer fills as below.
 */
import type { z } from 'zod';
import type {
  createdTokenSchema,
  membershipSchema,
  projectSchema,
  tokenSchema,
} from '../../../src/api/api-accounts.ts';
import type {
  ApiPlaybookItem,
  playbookImportResultSchema,
  playbookLintResultSchema,
  playbookSchema,
  playbookSectionSchema,
  problemSchema,
  storedPlaybookSchema,
  windowPolicySchema,
} from '../../../src/api/api-playbook.ts';
import type { releaseListSchema } from '../../../src/api/api-views.ts';

export type Playbook = z.infer<typeof playbookSchema>;
export type PlaybookSection = z.infer<typeof playbookSectionSchema>;
export type PlaybookItem = ApiPlaybookItem;
export type WindowPolicy = z.infer<typeof windowPolicySchema>;
export type StoredPlaybook = z.infer<typeof storedPlaybookSchema>;
export type LintResult = z.infer<typeof playbookLintResultSchema>;
export type ImportResult = z.infer<typeof playbookImportResultSchema>;
export type Problem = z.infer<typeof problemSchema>;
export type ProjectView = z.infer<typeof projectSchema>;
export type Member = z.infer<typeof membershipSchema>;
export type Token = z.infer<typeof tokenSchema>;
export type CreatedToken = z.infer<typeof createdTokenSchema>;
export type ReleaseList = z.infer<typeof releaseListSchema>;

/** What became of one heading of the checklist (core's `HeadingFate`, as the report sends it). */
export interface HeadingFate {
  line: number;
  depth: number;
  heading: string;
  became: string;
  summary: string;
}

/** A placeholder left in the checklist, to fill. */
export interface ImportBlank {
  line: number;
  col: number;
  text: string;
  context: string;
}

/** A role the playbook asks for that has no members yet: anyone may act as it. */
export interface RoleFlag {
  role: string;
  name: string;
  message: string;
}

/** The project roles, from least to most (api-accounts.ts `projectRoles`). */
export const projectRoles = ['viewer', 'member', 'release-manager', 'admin'] as const;

/**
 * Whether `role` is one of the four project roles (not a playbook's sign-off role).
 *
 * @example isProjectRole('admin') // true
 */
export function isProjectRole(role: string): boolean {
  return (projectRoles as readonly string[]).includes(role);
}
