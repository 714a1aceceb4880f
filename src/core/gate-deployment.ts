/**
 * Which gates stand in front of a deployment to an environment: the gates before the point in
 * the playbook where that environment is deployed. Pure.
 */
import { listGates, listPoints, numberAt, phaseApplies } from './gate.ts';
import type { GateTarget } from './gate.ts';
import type { Playbook } from './playbook.ts';
import type { ReleaseItem } from './release-model.ts';
import { describeItem } from './release-rules.ts';

/** Where in a release an environment is deployed. */
export interface DeploymentPoint {
  /** Number of the first item at or after the point: gates before it stand in front. */
  beforeNumber: number;
  /** What marks it, for messages: `phase "Deploy to production"`, `#12 "Deploy"`. */
  label: string;
}

/** The gates in front of a deployment, and how they were found. */
export interface GatesInFront {
  gates: GateTarget[];
  /**
   * `point`: the gates before the environment's deployment point; `last-environment`: no point
   * found for the last environment, so every gate; `none`: no point found for an earlier
   * environment, so no gate.
   */
  rule: 'point' | 'last-environment' | 'none';
  point?: DeploymentPoint;
}

// Other names people give the usual environments.
const aliases: Record<string, string[]> = {
  production: ['prod', 'live'],
  staging: ['stage', 'stg'],
  development: ['dev'],
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function namesEnvironment(text: string, environment: string): boolean {
  const names = [environment, ...(aliases[environment] ?? [])];
  return names.some((n) => new RegExp(`(^|[^a-z0-9])${escape(n)}([^a-z0-9]|$)`, 'i').test(text));
}

// "pre-release" and "post-deploy" name the time around a deployment, not the deployment.
const deployWords =
  /(^|[^a-z0-9-])(deploy\w*|release\w*|roll[ -]?outs?|ship\w*|publish\w*|promot\w*|launch\w*|go[ -]live|cut[ -]?over)/i;
function namesDeployment(text: string): boolean {
  return deployWords.test(text.replace(/\b(pre|post)[ -]?(release|deploy)\w*/gi, ' '));
}

/**
 * The deployment point of `environment` in a release. The clearest sign wins, and among equal
 * signs the first in document order: (1) a phase or section whose id or title names the
 * environment and a deploy word ("Deploy to production", `release-staging`); (2) a `run` item
 * whose title says it deploys and whose title or command names the environment ("Deployed to
 * production", `./deploy.sh prod`); (3) an item limited to the environment (`when.environment`).
 * A backup or snapshot script that merely names production is no deployment. Undefined when
 * nothing marks one.
 *
 * @example findDeploymentPoint(playbook, items, 'production')?.label // 'phase "Deploy to production"'
 */
export function findDeploymentPoint(
  playbook: Playbook,
  items: ReleaseItem[],
  environment: string,
  type?: string,
): DeploymentPoint | undefined {
  const candidates: (DeploymentPoint & { sign: number })[] = [];
  const { points, ordinals } = listPoints(playbook);
  for (const p of points) {
    if (!phaseApplies(p.phase, items, type)) continue;
    const text = `${p.id} ${p.title}`;
    if (namesEnvironment(text, environment) && namesDeployment(text)) {
      candidates.push({
        sign: 1,
        beforeNumber: numberAt(p.ordinal, items, ordinals),
        label: `${p.kind} ${JSON.stringify(p.title)}`,
      });
    }
  }
  for (const item of items) {
    if (item.rollback) continue;
    const run = item.spec.run === undefined ? '' : [item.spec.run].flat().join(' ');
    const label = describeItem(item);
    if (
      item.kind === 'run' &&
      namesDeployment(item.title) &&
      namesEnvironment(`${item.title} ${run}`, environment)
    ) {
      candidates.push({ sign: 2, beforeNumber: item.number, label });
    } else if (item.spec.when?.environment?.includes(environment)) {
      candidates.push({ sign: 3, beforeNumber: item.number, label });
    }
  }
  const best = candidates.sort((a, b) => a.sign - b.sign || a.beforeNumber - b.beforeNumber)[0];
  return best && { beforeNumber: best.beforeNumber, label: best.label };
}

/**
 * The gates that stand in front of deploying to `environment`: those before its deployment
 * point; with no point found, every gate for the last environment (production) and none for
 * an earlier one.
 *
 * @example gatesInFront(playbook, items, 'production').gates.map((g) => g.id) // ['go-no-go']
 */
export function gatesInFront(
  playbook: Playbook,
  items: ReleaseItem[],
  environment: string,
  type?: string,
): GatesInFront {
  const gates = listGates(playbook, items, type);
  const point = findDeploymentPoint(playbook, items, environment, type);
  if (point) {
    return {
      gates: gates.filter((g) => g.beforeNumber <= point.beforeNumber),
      rule: 'point',
      point,
    };
  }
  if (environment === playbook.environments.at(-1)) return { gates, rule: 'last-environment' };
  return { gates: [], rule: 'none' };
}
