/**
 * `gonogo serve --demo`: an empty server filled with something real to look at, a project on a
 * built-in template with a team and a release half-way to its go/no-go. Everything goes
 * through the same services the API calls (the same checks and the same event log, each
 * change attributed to the team member who made it); nothing is written around them.
 */
import { randomBytes } from 'node:crypto';
import type { MemberRoles } from '../core/account-model.ts';
import { InternalError } from '../core/errors.ts';
import { lintPlaybook } from '../core/playbook-yaml.ts';
import type { Blocker, Outcome, ReleaseItem } from '../core/release-model.ts';
import { findTemplate } from '../core/templates.ts';
import type { ServerDeps } from '../server/server-deps.ts';

/** The demo project's id. */
export const demoProject = 'demo/shop';
const demoTemplate = 'enterprise';
const demoVersion = '2.4.0';
// A made-up commit: the demo has no repository, and the release only pins a name for it.
const demoCommit = '4f2c9e1b7a3d5c8e0f6a2b4d9c1e3f5a7b8d0c2e';

/** The demo team: who they are and the roles they hold in the demo project. */
const team = {
  releaseManager: {
    email: 'maria.rossi@shop.example',
    name: 'Maria Rossi',
    roles: { role: 'release-manager', signoff: ['release-manager'] },
  },
  qaLead: {
    email: 'sam.okafor@shop.example',
    name: 'Sam Okafor',
    roles: { role: 'member', signoff: ['qa-lead'] },
  },
  productOwner: {
    email: 'priya.nair@shop.example',
    name: 'Priya Nair',
    roles: { role: 'member', signoff: ['product-owner'] },
  },
  techLead: {
    email: 'lee.chen@shop.example',
    name: 'Lee Chen',
    roles: { role: 'member', signoff: ['security', 'technical-lead'] },
  },
} satisfies Record<string, { email: string; name: string; roles: MemberRoles }>;

/** What `fillDemo` did: made the demo, or left a database that has projects alone. */
export type DemoResult =
  | {
      created: true;
      project: string;
      version: string;
      template: string;
      team: string[];
      outcome: Outcome;
      blockers: Blocker[];
    }
  | { created: false; projects: number };

/**
 * Fills a database without projects with the demo project, team and release in progress; a
 * database with any project is left as it is.
 *
 * @example const demo = await fillDemo(deps); if (demo.created) console.log(demo.outcome); // 'no-go'
 */
export async function fillDemo(deps: ServerDeps): Promise<DemoResult> {
  const projects = await deps.directory.listProjects();
  if (projects.length > 0) return { created: false, projects: projects.length };
  const at = deps.now().toISOString();
  // Another instance starting with --demo at once on the same PostgreSQL: one of them fills it.
  if (!(await deps.directory.createProject(demoProject, at))) {
    return { created: false, projects: 1 };
  }
  const linted = lintPlaybook(findTemplate(demoTemplate).yaml, `${demoTemplate}.yaml`);
  if (!linted.loaded) throw new InternalError(`the ${demoTemplate} template does not load`);
  const { playbook, hash } = linted.loaded;
  await deps.directory.storePlaybook(demoProject, hash, playbook, team.releaseManager.email);
  for (const member of Object.values(team)) {
    // Only for show: nobody is told these, so nobody signs in as the demo team.
    await deps.accounts.addOperatorMember({
      ...member,
      project: demoProject,
      password: randomBytes(24).toString('base64url'),
    });
  }

  const as = (who: { email: string }) => deps.releases(who.email, demoProject);
  const rm = as(team.releaseManager);
  const started = await rm.startRelease({
    playbook,
    version: demoVersion,
    type: 'minor',
    commit: demoCommit,
  });
  const numberOf = (title: string) => itemNamed(started.items, title).number;

  // CI posted two check results: one passed, one failed with what it found.
  await as(team.techLead).recordCheckResults({
    results: [
      {
        item: numberOf('Version number set'),
        result: 'passed',
        summary: `package.json says ${demoVersion}, the release's version`,
        evidence: { commit: demoCommit, version: demoVersion, file: 'package.json' },
        durationMs: 38,
      },
      {
        item: numberOf('No known vulnerabilities in dependencies'),
        result: 'failed',
        summary: 'npm audit: 1 high severity vulnerability',
        fix: 'upgrade lodash to 4.17.21 or later, or waive the item with a reason',
        evidence: {
          commit: demoCommit,
          command: ['npm', 'audit', '--json'],
          exitCode: 1,
          findings: [
            {
              where: 'lodash@4.17.20 (via shop-pricing)',
              message: 'high: command injection in lodash template (GHSA-35jh-r3h4-6jhm)',
            },
          ],
        },
        durationMs: 2140,
      },
    ],
  });

  await rm.actOnItems({
    refs: [
      'Scope frozen',
      'Date and change window agreed with stakeholders',
      'What counts as go and as no-go agreed in writing',
      'Rollback decision criteria and decision-maker named',
    ].map((t) => String(numberOf(t))),
    action: 'done',
    note: 'agreed in the planning meeting',
  });
  await rm.actOnItems({
    refs: [String(numberOf('Change request approved'))],
    action: 'na',
    note: 'no change advisory board reviews the shop',
  });
  await as(team.techLead).actOnItems({
    refs: [
      'Deployment runbook updated and peer-reviewed',
      'New infrastructure in place in every environment',
    ].map((t) => String(numberOf(t))),
    action: 'done',
    evidence: 'https://wiki.shop.example/runbooks/shop-2.4',
  });
  const qaItem = itemNamed(started.items, 'Test results accepted');
  await as(team.qaLead).sign({
    role: 'qa-lead',
    verdict: 'go',
    gate: qaItem.id,
    comment: 'regression suite green on staging; no open P1 or P2 bugs',
  });

  const status = await rm.getStatus();
  return {
    created: true,
    project: demoProject,
    version: demoVersion,
    template: demoTemplate,
    team: Object.values(team).map((m) => m.email),
    outcome: status.outcome,
    blockers: status.blockers,
  };
}

function itemNamed(items: ReleaseItem[], title: string): ReleaseItem {
  const item = items.find((i) => i.title === title);
  // The titles are the built-in template's: a test keeps them in step.
  if (!item) throw new InternalError(`the ${demoTemplate} template has no item "${title}"`);
  return item;
}
