/**
 * Which gates stand in front of a deployment to an environment: the gates before the point in
 * the playbook where that environment is deployed. Pure.
 */
import {
  listGates,
  listPoints,
  numberAt,
  phaseApplies,
  rankItems,
  standsBefore,
  wholeRelease,
} from './gate.ts';
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
  /** The phase or section it is, or that holds the item marking it. */
  at: { kind: 'phase' | 'section'; id: string; title: string };
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
 * environment and a deploy word ("Deploy to production", `release-staging`); (2) an item that
 * says it deploys there (`deploys: [production]`); (3) a `run` item whose title says it deploys
 * and whose title or command names the environment ("Deployed to production",
 * `./deploy.sh prod`); (4) an item limited to the environment (`when.environment`).
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
  const ranks = rankItems(playbook, items);
  for (const p of points) {
    if (!phaseApplies(p.phase, items, type)) continue;
    const text = `${p.id} ${p.title}`;
    if (namesEnvironment(text, environment) && namesDeployment(text)) {
      candidates.push({
        sign: 1,
        beforeNumber: numberAt(p.ordinal, items, ordinals, ranks),
        label: `${p.kind} ${JSON.stringify(p.title)}`,
        at: { kind: p.kind, id: p.id, title: p.title },
      });
    }
  }
  for (const item of items) {
    if (item.rollback) continue;
    const run = item.spec.run === undefined ? '' : [item.spec.run].flat().join(' ');
    const at = placeOf(item, playbook);
    const label = describeItem(item);
    if (item.spec.deploys?.includes(environment)) {
      candidates.push({ sign: 2, beforeNumber: item.number, label, at });
    } else if (
      item.kind === 'run' &&
      namesDeployment(item.title) &&
      namesEnvironment(`${item.title} ${run}`, environment)
    ) {
      candidates.push({ sign: 3, beforeNumber: item.number, label, at });
    } else if (item.spec.when?.environment?.includes(environment)) {
      candidates.push({ sign: 4, beforeNumber: item.number, label, at });
    }
  }
  const rank = (n: number) => ranks.get(n) ?? Infinity;
  const best = candidates.sort(
    (a, b) => a.sign - b.sign || rank(a.beforeNumber) - rank(b.beforeNumber),
  )[0];
  return best && { beforeNumber: best.beforeNumber, label: best.label, at: best.at };
}

/** The section an item is in, or its phase when the section is the phase's own item list. */
function placeOf(item: ReleaseItem, playbook: Playbook): DeploymentPoint['at'] {
  const phase = playbook.phases.find((p) => p.id === item.phase);
  const section = phase?.sections.find((s) => s.id === item.section);
  if (section?.title) return { kind: 'section', id: section.id, title: section.title };
  return { kind: 'phase', id: item.phase, title: phase?.title ?? item.phase };
}

/**
 * The gates that stand in front of deploying to `environment`: those before its deployment
 * point; with no point found, every gate for the last environment (production) and none for
 * an earlier one. The last environment is never reached past no gate at all: when the playbook
 * puts none in front of it, its deployment point stands as a gate without roles (everything
 * required before it), or, without a point either, the whole release (as `decide` judges a
 * playbook without gates).
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
  const last = environment === playbook.environments.at(-1);
  if (!point) {
    return last
      ? { gates: gates.length ? gates : [wholeRelease(items)], rule: 'last-environment' }
      : { gates: [], rule: 'none' };
  }
  // In document order: an item a re-snapshot added has a high number wherever it stands.
  const ranks = rankItems(playbook, items);
  const before = gates.filter(
    (g) =>
      g.beforeNumber === point.beforeNumber ||
      standsBefore(ranks, g.beforeNumber, point.beforeNumber),
  );
  // The last environment is never reached past no gate at all: the point is one then.
  const atPoint: GateTarget = { ...point.at, roles: [], beforeNumber: point.beforeNumber };
  return { gates: last && before.length === 0 ? [atPoint] : before, rule: 'point', point };
}
