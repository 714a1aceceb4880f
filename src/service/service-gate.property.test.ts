/**
 * A property of the service over random sequences of what people do to a release (item
 * actions, sign-offs at any target, retargets, decisions with or without window overrides,
 * deployments with or without force, on weekdays and on a denied Saturday): whenever
 * `deploy production` succeeds without force, every gate in front of production is GO at that
 * moment; and whenever it is refused for a closed gate, one of them is NO-GO. GO is recomputed
 * here from the stored record by an oracle written from DESIGN.md §1, not by the code under
 * test. The log's hash chain is intact after every sequence.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GonogoError } from '../core/errors.ts';
import type { ItemAction, Signoff, Verdict } from '../core/release-model.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createReleaseService } from './create-service.ts';

const { playbook } = loadPlaybook(
  `
name: Property
roles:
  qa: QA
  rm: { name: Release Manager, members: [rm@example.com] }
environments: [staging, production]
policy:
  window: { timezone: UTC, deny: [sat], override: [rm] }
  force: [rm]
phases:
  - id: build
    items:
      - { id: a, title: Tests pass }
      - { id: b, title: Docs (if applicable), optional: true }
      - { id: s, title: QA sign-off, sign: qa }
  - id: gate-a
    gate: [qa]
  - id: staging
    title: Deploy to staging
    items:
      - { id: c, title: Smoke test on staging }
  - id: gate-b
    gate: [rm, qa]
  - id: production
    title: Deploy to production
    items:
      - { id: d, title: Deployed to production, run: ./deploy.sh production }
  - id: post-release
    items:
      - { id: p, title: Post-release review, sign: rm }
`,
  'property.yaml',
);

/** What the oracle knows of the playbook, written out by hand: the gates in front of production. */
const gatesInFrontOfProduction = [
  { id: 'gate-a', roles: ['qa'], required: ['a', 's'] },
  { id: 'gate-b', roles: ['rm', 'qa'], required: ['a', 's', 'c'] },
];
const accepted = new Set(['passed', 'done', 'na', 'waived']);

type Step =
  | { kind: 'item'; action: ItemAction; ref: string; actor: string }
  | { kind: 'sign'; role: 'qa' | 'rm'; verdict: Verdict; gate?: string }
  | { kind: 'retarget'; commit: string }
  | { kind: 'decide'; gate?: string; override: boolean }
  | { kind: 'clock'; saturday: boolean }
  | { kind: 'deploy'; environment: 'staging' | 'production'; force: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('item' as const),
      action: fc.constantFrom<ItemAction>('done', 'na', 'waive', 'fail', 'reset'),
      ref: fc.constantFrom('a', 'b', 's', 'c', 'p'),
      actor: fc.constantFrom('ann@example.com', 'rm@example.com'),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        kind: fc.constant('sign' as const),
        role: fc.constantFrom('qa' as const, 'rm' as const),
        verdict: fc.constantFrom<Verdict>('go', 'go', 'no-go'),
        gate: fc.constantFrom('gate-a', 'gate-b', 's', 'p'),
      },
      { requiredKeys: ['kind', 'role', 'verdict'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retarget' as const),
      commit: fc.constantFrom('c1', 'c2', 'c3'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('decide' as const),
        gate: fc.constantFrom('gate-a', 'gate-b'),
        override: fc.boolean(),
      },
      { requiredKeys: ['kind', 'override'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('clock' as const), saturday: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('deploy' as const),
      environment: fc.constantFrom('staging' as const, 'production' as const),
      force: fc.boolean(),
    }),
  },
);

/** What a team does to reach GO, in order; the property test keeps a random part of it. */
const towardsGo: Step[] = [
  { kind: 'item', action: 'done', ref: 'a', actor: 'ann@example.com' },
  { kind: 'sign', role: 'qa', verdict: 'go', gate: 's' },
  { kind: 'sign', role: 'qa', verdict: 'go', gate: 'gate-a' },
  { kind: 'deploy', environment: 'staging', force: false },
  { kind: 'item', action: 'done', ref: 'c', actor: 'ann@example.com' },
  { kind: 'sign', role: 'qa', verdict: 'go', gate: 'gate-b' },
  { kind: 'sign', role: 'rm', verdict: 'go', gate: 'gate-b' },
  { kind: 'decide', override: false },
  { kind: 'deploy', environment: 'production', force: false },
];

/** What has fooled gates before: a no-go where no gate in front looks, a waiver over a no-go, a reopened item, a new candidate, a denied day. */
const hostile: Step[] = [
  { kind: 'sign', role: 'rm', verdict: 'no-go', gate: 'p' },
  { kind: 'sign', role: 'qa', verdict: 'no-go', gate: 's' },
  { kind: 'item', action: 'waive', ref: 's', actor: 'rm@example.com' },
  { kind: 'item', action: 'reset', ref: 'a', actor: 'ann@example.com' },
  { kind: 'retarget', commit: 'c1' },
  { kind: 'clock', saturday: true },
  { kind: 'decide', gate: 'gate-b', override: true },
];

/**
 * A sequence: part of the way towards GO, with one or two hostile steps and random steps (any
 * action, sign-off, retarget, decision, clock change or deployment) inserted anywhere, and a
 * production deployment last.
 */
const sequenceArb: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.subarray(towardsGo, { minLength: 4 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...hostile)), { maxLength: 2 }),
    fc.array(fc.tuple(fc.nat(), stepArb), { maxLength: 20 }),
  )
  .map(([path, attacks, noise]) => {
    const steps = [...path];
    for (const [at, step] of [...attacks, ...noise]) steps.splice(at % (steps.length + 1), 0, step);
    return [...steps, { kind: 'deploy', environment: 'production', force: false } as Step];
  });

/** The latest of a list by `at`, ties to the one stored last. */
function latest(list: Signoff[]): Signoff | undefined {
  let best: Signoff | undefined;
  for (const s of list) if (!best || Date.parse(s.at) >= Date.parse(best.at)) best = s;
  return best;
}

/** GO for every gate in front of production, from the stored record, as DESIGN.md §1 words it. */
async function oracle(store: Store, releaseId: string, now: Date) {
  const release = (await store.getRelease(releaseId))!;
  const items = await store.listItems(releaseId);
  const signoffs = await store.listSignoffs(releaseId);
  const overrides = await store.listOverrides(releaseId);
  const atCommit = signoffs.filter((s) => s.commit === release.commit);
  const roles = [...new Set(signoffs.map((s) => s.role))];
  const standing = roles.filter(
    (r) => latest(atCommit.filter((s) => s.role === r))?.verdict === 'no-go',
  );
  const saturday = now.getUTCDay() === 6;
  return gatesInFrontOfProduction.map((gate) => {
    const itemsOk = gate.required.every((id) =>
      accepted.has(items.find((i) => i.id === id)!.state),
    );
    const rolesOk = gate.roles.every((role) => {
      const mine = signoffs.filter(
        (s) => s.role === role && s.target?.kind === 'gate' && s.target.id === gate.id,
      );
      const l = latest(mine);
      return l?.verdict === 'go' && l.commit === release.commit;
    });
    const windowOk =
      !saturday ||
      overrides.some(
        (o) =>
          o.kind === 'window' &&
          o.gate === gate.id &&
          o.commit === release.commit &&
          o.role === 'rm' &&
          o.reason.trim() !== '',
      );
    return { gate: gate.id, go: itemsOk && rolesOk && standing.length === 0 && windowOk };
  });
}

describe('deploy production without force only past gates that are GO', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  it('holds over random sequences of actions', async () => {
    let checkedDeploys = 0;
    let refusedDeploys = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (steps) => {
        const version = `1.0.${n++}`;
        // Time only moves on: a second per step, and a clock step jumps to the next Saturday
        // (a denied day) or the next Monday, so "latest" never rests on a tie or a step back.
        let clock = Date.parse('2026-11-23T10:00:00.000Z');
        const now = () => new Date(clock);
        const svc = (actor = 'ann@example.com') => createReleaseService({ store, actor, now });
        const view = await svc().startRelease({ playbook, version, commit: 'c0' });
        const ref = { version };
        for (const step of steps) {
          clock += 1000;
          try {
            switch (step.kind) {
              case 'item':
                await svc(step.actor).actOnItems({
                  ...ref,
                  refs: [step.ref],
                  action: step.action,
                  note: 'why',
                });
                break;
              case 'sign':
                await svc(step.role === 'rm' ? 'rm@example.com' : 'ann@example.com').sign({
                  ...ref,
                  role: step.role,
                  verdict: step.verdict,
                  ...(step.gate ? { gate: step.gate } : {}),
                });
                break;
              case 'retarget':
                await svc().retarget({ ...ref, commit: step.commit });
                break;
              case 'decide':
                await svc('rm@example.com').decide({
                  ...ref,
                  ...(step.gate ? { gate: step.gate } : {}),
                  ...(step.override ? { overrideWindow: { reason: 'weekend fix' } } : {}),
                });
                break;
              case 'clock': {
                const target = step.saturday ? 6 : 1;
                if ((now().getUTCDay() === 6) !== step.saturday) {
                  do clock += 86_400_000;
                  while (now().getUTCDay() !== target);
                }
                break;
              }
              case 'deploy': {
                const actor = step.force ? 'rm@example.com' : 'ann@example.com';
                const before = await oracle(store, view.release.id, now());
                try {
                  await svc(actor).deploy({
                    ...ref,
                    environment: step.environment,
                    ...(step.force ? { force: { reason: 'forced' } } : {}),
                  });
                  if (step.environment === 'production' && !step.force) {
                    checkedDeploys++;
                    expect(before, JSON.stringify(steps)).toEqual(
                      before.map((g) => ({ ...g, go: true })),
                    );
                  }
                } catch (error) {
                  if (
                    step.environment === 'production' &&
                    error instanceof GonogoError &&
                    error.code === 'gate-closed'
                  ) {
                    refusedDeploys++;
                    expect(
                      before.some((g) => !g.go),
                      JSON.stringify(steps),
                    ).toBe(true);
                  }
                  throw error;
                }
                break;
              }
            }
          } catch (error) {
            // Refusals (a bad transition, a closed gate, a finished release) are part of the game.
            if (!(error instanceof GonogoError) || error.exitCode === 3) throw error;
          }
        }
        const [audit] = await svc().verifyAudit(ref);
        expect(audit?.ok).toBe(true);
      }),
      { numRuns: 100 },
    );
    // The property was exercised both ways, not vacuously.
    expect(checkedDeploys).toBeGreaterThan(0);
    expect(refusedDeploys).toBeGreaterThan(0);
  });
});
