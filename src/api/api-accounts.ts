/**
 * Accounts as the API shows them: users, sessions, the one-time set-up, API tokens, projects
 * and their members with roles. A token's secret appears in one response only, the one that
 * creates it; a password in no response at all.
 */
import { z } from 'zod';
import { named } from './api-registry.ts';
import {
  maxEmailLength,
  maxNameLength,
  maxPasswordLength,
  minPasswordLength,
} from './api-limits.ts';
import { nameString } from './api-requests.ts';

/** The roles every project has, from least to most. */
export const projectRoles = ['viewer', 'member', 'release-manager', 'admin'] as const;
export type ProjectRole = (typeof projectRoles)[number];

const email = () => z.email().max(maxEmailLength);
const password = () => z.string().min(minPasswordLength).max(maxPasswordLength);
const iso = () => z.string().describe('ISO 8601 time');

export const userSchema = named(
  'User',
  z.object({ id: z.string(), email: z.string(), name: z.string().optional() }),
);

export const sessionRequestSchema = named(
  'SessionRequest',
  z.strictObject({ email: email(), password: password() }),
);

export const sessionSchema = named(
  'Session',
  z.object({
    user: userSchema,
    expiresAt: iso(),
    csrfToken: z
      .string()
      .describe('Send it back as the X-CSRF-Token header on every state-changing request.'),
  }),
  'The signed-in user; the session itself travels in an HttpOnly cookie.',
);

export const createUserRequestSchema = named(
  'CreateUserRequest',
  z.strictObject({
    email: email(),
    name: z.string().max(maxNameLength).optional(),
    password: password(),
    admin: z.boolean().optional().describe('A server administrator.'),
  }),
  'A new user, made by a server administrator; roles come with project membership.',
);

export const setupRequestSchema = named(
  'SetupRequest',
  z.strictObject({
    setupToken: z.string().min(1).max(maxNameLength).describe('The one-time code from the log.'),
    email: email(),
    name: z.string().max(maxNameLength).optional(),
    password: password(),
  }),
  'Creates the first administrator; refused once a user exists.',
);

/**
 * A role held in a project: one of {@link projectRoles}, or a role id of the project's
 * playbook (`qa-lead`) that lets its holder sign as it.
 */
const roleName = () => nameString();

export const tokenSchema = named(
  'Token',
  z.object({
    id: z.string(),
    name: z.string(),
    project: z.string(),
    roles: z.array(z.string()),
    createdAt: iso(),
    expiresAt: iso().optional(),
    lastUsedAt: iso().optional(),
    revokedAt: iso().optional(),
  }),
);

export const tokenListSchema = named('TokenList', z.object({ tokens: z.array(tokenSchema) }));

export const createTokenRequestSchema = named(
  'CreateTokenRequest',
  z.strictObject({
    name: nameString(),
    project: nameString(),
    roles: z.array(roleName()).min(1).max(50),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
  'A token acts with the roles named, and never more than its creator holds in the project.',
);

export const createdTokenSchema = named(
  'CreatedToken',
  tokenSchema.extend({
    secret: z.string().describe('Shown this once; the server keeps only its hash.'),
  }),
);

export const projectSchema = named(
  'Project',
  z.object({
    id: z.string(),
    name: z.string().optional(),
    createdAt: iso(),
    playbookHash: z.string().optional().describe('The playbook releases start from by default.'),
  }),
);

export const projectListSchema = named(
  'ProjectList',
  z.object({ projects: z.array(projectSchema) }),
);

export const createProjectRequestSchema = named(
  'CreateProjectRequest',
  z.strictObject({ id: nameString(), name: z.string().max(maxNameLength).optional() }),
);

export const membershipSchema = named(
  'Membership',
  z.object({
    project: z.string(),
    user: userSchema,
    roles: z.array(z.string()).describe('admin, release-manager, member, viewer, playbook roles'),
  }),
);

export const membershipListSchema = named(
  'MembershipList',
  z.object({ members: z.array(membershipSchema) }),
);

export const putMembershipRequestSchema = named(
  'PutMembershipRequest',
  z.strictObject({ roles: z.array(roleName()).max(50) }),
  'Replaces the roles of a user in the project; an empty list removes the user from it.',
);

export const healthSchema = named('Health', z.object({ status: z.literal('ok') }));

export const readinessSchema = named(
  'Readiness',
  z.object({
    status: z.enum(['ready', 'not-ready']),
    database: z.enum(['sqlite', 'postgres']),
    migrations: z.object({ applied: z.number().int(), expected: z.number().int() }),
    setupOpen: z
      .boolean()
      .optional()
      .describe('No user yet: the first administrator is created with POST /setup.'),
  }),
);
