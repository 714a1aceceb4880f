/**
 * Where the release happens in an imported checklist: the go/no-go gate in front of the
 * production deployment, the items that deploy (`deploys: [ENV]`), and the due points of the
 * follow-ups after the production deployment.
 */
import type { RawItem } from './playbook-schema.ts';
import type { Group, SectionDraft, Unit } from './playbook-import-draft.ts';
import { countAll, mergeWhen, toList, toWhen, walk } from './playbook-import-draft.ts';
import type { Condition } from './playbook-import-words.ts';
import {
  deployTargets,
  findDue,
  isAfterDeploymentText,
  namesEarlierEnvironment,
  namesProduction,
  stripStep,
} from './playbook-import-words.ts';
import { countItems } from './playbook-import-write.ts';

/**
 * Whether a heading is the deploy step itself: "Deploy to production", "Step 2: Deploy
 * Application" (not "Deployment Checklist").
 *
 * @example isDeployHeading('Step 2: Deploy Application') // true
 */
export function isDeployHeading(heading: string): boolean {
  return /^(?:re)?deploy\b/i.test(stripStep(heading.replace(/`/g, '')));
}

/**
 * The go/no-go gate goes where production deployment starts: the first phase or section
 * heading about production, else about deploying (not the pre-deployment preparation, nor
 * the deployment to an earlier environment), else the one with the first item that deploys
 * to production. Sign-offs before it already hold the release; without any, the release
 * manager decides (and is added to `roles`). Returns the phase or section that got the gate.
 *
 * @example placeGate(phases, roles, ['staging', 'production'])?.gate // ['release-manager']
 */
export function placeGate(
  phases: Group[],
  roles: Map<string, string>,
  environments: string[],
): Group | SectionDraft | undefined {
  const production = environments.at(-1)!;
  const deploying = (t: string) =>
    /deploy/i.test(t) &&
    !/pre-?deploy|post-?deploy|readiness/i.test(t) &&
    !namesEarlierEnvironment(t, environments);
  const byHeading =
    (matches: (t: string) => boolean) =>
    (g: Group | SectionDraft): boolean =>
      g.headings.some(matches);
  const byItems = (g: Group | SectionDraft): boolean =>
    [...walk(g.items)].some((it) =>
      deployTargets(it.title, environments, false).includes(production),
    );
  for (const matches of [byHeading(namesProduction), byHeading(deploying), byItems]) {
    // Sign-offs in the phases before this one, counted as the loop goes (not again per phase).
    let signsInEarlierPhases = 0;
    for (const p of phases) {
      let target: Group | SectionDraft | undefined;
      let signsBefore = signsInEarlierPhases;
      signsInEarlierPhases += countAll([p]).sign;
      if (p.headings.length && matches(p)) target = p;
      else {
        // A section for some release types only is not where every release deploys.
        const si = p.sections.findIndex((s) => !s.when?.type && matches(s));
        if (si >= 0) {
          target = p.sections[si];
          signsBefore +=
            countItems(p.items).sign +
            p.sections.slice(0, si).reduce((n, s) => n + countItems(s.items).sign, 0);
        }
      }
      if (!target) continue;
      if (signsBefore > 0) target.gate = [];
      else {
        target.gate = ['release-manager'];
        if (!roles.has('release-manager')) roles.set('release-manager', 'Release Manager');
      }
      return target;
    }
  }
  return undefined;
}

/**
 * Marks the items that deploy (`deploys: [ENV]`), so `deploy ENV` ticks them. A section whose
 * heading is the deploy step ("Step 2: Deploy Application") but whose items only report on it
 * ("Docker build successful") gets the step itself as its first item, with the commands that
 * came before its first list. `target` is where the gate stands (production is deployed there).
 *
 * @example markDeployments(unitsOf(phases), target, ['staging', 'production'])
 */
export function markDeployments(
  units: Unit[],
  target: Group | SectionDraft | undefined,
  environments: string[],
): void {
  for (const u of units) {
    const production =
      environments.length === 1 ||
      u.headings.some(namesProduction) ||
      (target !== undefined && (target === u.group || target === u.section));
    let any = false;
    for (const it of walk(u.items)) {
      const to = deployTargets(it.title, environments, production);
      if (to.length) {
        it.deploys = to;
        any = true;
      }
    }
    const heading = u.section ? u.section.headings.at(-1) : u.group.headings[0];
    if (any || !heading || u.section?.source.title !== undefined || !isDeployHeading(heading))
      continue;
    const to = deployTargets(heading, environments, production);
    if (!to.length) continue;
    const step: RawItem = { title: stripStep(heading), deploys: to };
    const lead = u.source?.leadRun;
    const run = lead?.item.suggest?.run;
    if (lead && run?.startsWith(lead.run)) {
      // The commands before the first list are the deploy step's, not its first result's.
      step.suggest = { run: lead.run };
      const restRun = run.slice(lead.run.length).replace(/^\n+/, '');
      if (restRun) lead.item.suggest = { ...lead.item.suggest, run: restRun };
      else if (lead.item.suggest?.check) lead.item.suggest = { check: lead.item.suggest.check };
      else delete lead.item.suggest;
    }
    u.items.unshift(step);
  }
}

/**
 * Due points of the follow-ups after the production deployment: from the phase and section
 * headings ("First 24 Hours"), a list's lead-in ("Monitor for 15 minutes:") and the items' own
 * words ("Monitor for 24-48 hours after deployment"). Words that say "after the deployment"
 * count anywhere; a bare duration ("First Hour") only after the item that deploys to
 * production (or after the gate, when no item does) or under a post-deployment heading.
 * Lead-ins also give their lists' conditions ("For hotfixes:").
 *
 * @example setDuePoints(unitsOf(phases), target, ['production'], (t) => readCondition(t, vocab))
 */
export function setDuePoints(
  units: Unit[],
  target: Group | SectionDraft | undefined,
  environments: string[],
  conditionOf: (t: string) => Condition | undefined,
): void {
  const production = environments.at(-1);
  const deploysThere = (it: RawItem) =>
    production !== undefined && toList(it.deploys).includes(production);
  // Where production is deployed: the unit and its top-level item that do it.
  let after = -1;
  let afterItem = Infinity;
  for (const [i, u] of units.entries()) {
    const k = u.items.findIndex((top) => [...walk([top])].some(deploysThere));
    if (k >= 0) {
      after = i;
      afterItem = k;
      break;
    }
  }
  if (after < 0 && target)
    after = units.reduce((n, u, i) => (u.group === target || u.section === target ? i : n), -1);
  const atOrAfter = after < 0 ? Infinity : after;
  const isPost = (i: number, k: number) => i > atOrAfter || (i === atOrAfter && k > afterItem);
  const dueHere = (t: string, post: boolean) => {
    const d = findDue(t);
    return d && (d.explicit || post) ? d.due : undefined;
  };
  const phaseDone = new Set<Group>();
  units.forEach((u, i) => {
    const post = i > atOrAfter || u.headings.some(isAfterDeploymentText);
    if (!phaseDone.has(u.group)) {
      phaseDone.add(u.group);
      const title = u.group.headings[0];
      const due = title ? dueHere(title, post) : undefined;
      if (due) u.group.due = due;
    }
    const leaf = u.section?.source.title === undefined ? u.section?.headings.at(-1) : undefined;
    if (u.section && leaf && !u.section.due) {
      const due = dueHere(leaf, post);
      if (due) u.section.due = due;
    }
    for (const lead of u.source?.leads ?? []) {
      const first = lead.items[0];
      const due = dueHere(
        lead.text,
        post || (first !== undefined && isPost(i, u.items.indexOf(first))),
      );
      const when = conditionOf(lead.text);
      const whole = u.section && lead.items.length === u.items.length;
      if (whole && u.section) {
        if (due && !u.section.due) u.section.due = due;
        if (when) u.section.when = mergeWhen(u.section.when, when);
        continue;
      }
      for (const it of lead.items) {
        if (due && !it.due) it.due = due;
        if (when && !it.when) it.when = toWhen(when);
      }
    }
    u.items.forEach((top, k) => {
      for (const it of walk([top])) {
        const due = dueHere(it.title, post || isPost(i, k));
        if (due) it.due = due;
      }
    });
  });
}
