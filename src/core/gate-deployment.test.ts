import { describe, expect, it } from 'vitest';
import { findDeploymentPoint, gatesInFront } from './gate-deployment.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import { expandItems } from './release-rules.ts';
import { templates } from './templates.ts';

const now = '2026-05-04T09:00:00.000Z';
const load = (yaml: string, type?: string) => {
  const { playbook } = loadPlaybook(yaml);
  return {
    playbook,
    items: expandItems(playbook, { releaseId: 'r', now, ...(type ? { type } : {}) }),
  };
};
const playbook0 = (yaml: string) => loadPlaybook(yaml).playbook;
const ids = (r: { gates: { id: string }[] }) => r.gates.map((g) => g.id);

const staged = load(`
name: Staged
roles: { qa: QA, rm: RM }
environments: [development, staging, production]
phases:
  - id: pre-release
    title: Pre-release checks for production
    items: [{ title: Tests pass }]
  - id: qa-gate
    gate: [qa]
  - id: deploy-staging
    title: Deploy to staging
    items: [{ title: Staging deployed }]
  - id: go-no-go
    gate: [rm]
  - id: rollout
    title: Production rollout
    items: [{ title: Production deployed }]
  - id: post-release
    title: Post-release production monitoring
    gate: [qa]
    items: [{ title: Dashboards quiet }]
`);

describe('findDeploymentPoint', () => {
  it('finds a phase whose title names the environment and a deploy word, not "pre-release"', () => {
    const { playbook, items } = staged;
    expect(findDeploymentPoint(playbook, items, 'staging')).toEqual({
      beforeNumber: 2,
      label: 'phase "Deploy to staging"',
      at: { kind: 'phase', id: 'deploy-staging', title: 'Deploy to staging' },
    });
    expect(findDeploymentPoint(playbook, items, 'production')).toMatchObject({
      beforeNumber: 3,
      label: 'phase "Production rollout"',
    });
    expect(findDeploymentPoint(playbook, items, 'development')).toBeUndefined();
  });

  it('finds a run item naming the environment, or an item limited to it', () => {
    const { playbook, items } = load(`
name: Items
roles: { rm: RM }
environments: [staging, production]
phases:
  - id: checks
    items: [{ title: Tests pass }]
  - id: go
    gate: [rm]
  - id: ship
    items:
      - title: Smoke test
        when: { environment: staging }
      - title: Ship it
        run: ./deploy.sh prod
`);
    expect(findDeploymentPoint(playbook, items, 'staging')?.label).toBe('#2 "Smoke test"');
    expect(findDeploymentPoint(playbook, items, 'production')?.label).toBe('#3 "Ship it"');
    // A manual item that names production is no deployment point.
    const manual = load(
      'name: m\nphases: [{ id: p, items: [{ title: Tell production support }] }]\n',
    );
    expect(findDeploymentPoint(manual.playbook, manual.items, 'production')).toBeUndefined();
  });
  it('prefers a deploy step over an earlier script that only names the environment', () => {
    const { playbook, items } = load(`
name: Backups
roles: { rm: RM }
phases:
  - id: prepare
    items:
      - title: Full backup taken
        run: ./scripts/backup.sh production
      - title: Production config reviewed
        when: { environment: production }
  - id: go
    gate: [rm]
  - id: ship
    items:
      - title: Deployed to production
        run: ./deploy.sh
`);
    expect(findDeploymentPoint(playbook, items, 'production')?.label).toBe(
      '#3 "Deployed to production"',
    );
    expect(ids(gatesInFront(playbook, items, 'production'))).toEqual(['go']);
  });
});

describe('gatesInFront', () => {
  it('takes the gates before the environment deployment point', () => {
    const { playbook, items } = staged;
    expect(gatesInFront(playbook, items, 'staging')).toMatchObject({
      rule: 'point',
      gates: [{ id: 'qa-gate' }],
    });
    // The gate after the production rollout does not stand in front of it.
    expect(ids(gatesInFront(playbook, items, 'production'))).toEqual(['qa-gate', 'go-no-go']);
  });

  it('takes every gate for the last environment without a point, none for an earlier one', () => {
    const { playbook, items } = staged;
    expect(gatesInFront(playbook, items, 'development')).toEqual({ gates: [], rule: 'none' });
    const bare = load(`
name: Bare
roles: { rm: RM, qa: QA }
environments: [staging, production]
phases:
  - id: checks
    items: [{ title: Tests pass }]
  - id: go
    gate: [rm]
  - id: after
    gate: [qa]
    items: [{ title: Watch the dashboards }]
`);
    expect(gatesInFront(bare.playbook, bare.items, 'production')).toMatchObject({
      rule: 'last-environment',
    });
    expect(ids(gatesInFront(bare.playbook, bare.items, 'production'))).toEqual(['go', 'after']);
    expect(ids(gatesInFront(bare.playbook, bare.items, 'staging'))).toEqual([]);
  });

  it('never lets the last environment be reached past no gate: the point, or the whole release, stands as one', () => {
    const pointOnly = load(`
name: No gates
environments: [staging, production]
phases:
  - id: checks
    items: [{ title: Tests pass }]
  - id: ship
    title: Ship
    items:
      - title: Deployed to production
        run: ./deploy.sh production
      - title: Dashboards watched
`);
    expect(gatesInFront(pointOnly.playbook, pointOnly.items, 'production').gates).toEqual([
      { kind: 'phase', id: 'ship', title: 'Ship', roles: [], beforeNumber: 2 },
    ]);
    // Staging is not the last environment: nothing stands in front of it.
    expect(gatesInFront(pointOnly.playbook, pointOnly.items, 'staging').gates).toEqual([]);
    const nothing = load('name: n\nphases: [{ id: p, items: [{ title: A }, { title: B }] }]\n');
    expect(gatesInFront(nothing.playbook, nothing.items, 'production')).toEqual({
      gates: [
        { id: 'release', kind: 'release', title: 'the whole release', roles: [], beforeNumber: 3 },
      ],
      rule: 'last-environment',
    });
  });

  it('counts a gate on the deploy section itself as in front of it, and leaves out phases of other types', () => {
    const { playbook, items } = load(
      `
name: Typed
roles: { rm: RM, arch: Architect }
types: [minor, major]
phases:
  - id: review
    when: { type: major }
    gate: [arch]
    items: [{ title: Design reviewed }]
  - id: ship
    sections:
      - title: Deploy to production
        gate: [rm]
        items: [{ title: Deployed }]
`,
      'minor',
    );
    expect(ids(gatesInFront(playbook, items, 'production', 'minor'))).toEqual([
      'deploy-to-production',
    ]);
  });
});

describe('the built-in templates', () => {
  it.each(templates.map((t) => [t.name, t] as const))(
    '%s: the go/no-go gate stands in front of production, and its role may override and force',
    (_name, t) => {
      const { playbook, items } = load(t.yaml, playbook0(t.yaml).types.at(-1));
      const last = playbook.environments.at(-1)!;
      const inFront = gatesInFront(playbook, items, last, playbook.types.at(-1));
      const gateRoles = inFront.gates.flatMap((g) => g.roles);
      expect(inFront.gates.length).toBeGreaterThan(0);
      expect(playbook.policy.force?.length).toBeGreaterThan(0);
      for (const role of playbook.policy.force ?? []) expect(gateRoles).toContain(role);
      if (playbook.policy.window)
        expect(playbook.policy.window.override).toEqual(playbook.policy.force);
    },
  );
});
