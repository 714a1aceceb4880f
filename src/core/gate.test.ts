import { describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.ts';
import { evaluateGate, listGates, selectGate } from './gate.ts';
import type { GateTarget } from './gate.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type {
  Decision,
  GateOverride,
  ItemState,
  ReleaseItem,
  Signoff,
  SignoffTarget,
} from './release-model.ts';
import { expandItems, expandRollbackItems } from './release-rules.ts';

const yaml = `
name: Web app release
roles:
  qa-lead: QA Lead
  release-manager: Release Manager
  security: Security
types: [hotfix, minor, major]
policy:
  window:
    timezone: Europe/Berlin
    deny: [fri, sat, sun]
    freezes: [{ from: 2026-12-20, to: 2027-01-02, reason: Holiday freeze }]
    override: [release-manager]
phases:
  - id: pre-release
    sections:
      - title: Code quality
        items:
          - title: All unit tests passing
            check: { command: "npm test" }
          - id: changelog
            title: CHANGELOG.md updated
            check: changelog
          - title: Docs reviewed
            items:
              - title: API docs
          - title: Migration tested (if applicable)
            optional: true
            items:
              - title: Rollback of the migration tested
      - title: Sign-offs
        gate: [security]
        items:
          - title: QA sign-off
            sign: qa-lead
  - id: breaking
    when: { type: major }
    gate: [security]
    items:
      - title: Announce breaking changes
  - id: go-no-go
    gate: [release-manager, qa-lead]
  - id: deploy
    items:
      - title: Deploy to production
        run: ./deploy.sh deploy
rollback:
  - title: Previous version deployed
    run: ./deploy.sh rollback
`;

const { playbook } = loadPlaybook(yaml);
const created = '2026-05-04T09:00:00.000Z';
const commit = 'd4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3';
const oldCommit = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0';
// Wednesday 2026-05-06 11:00 in Berlin: inside the window.
const wednesday = new Date('2026-05-06T09:00:00Z');
// Friday 2026-05-08 16:05 in Berlin.
const friday = new Date('2026-05-08T14:05:00Z');

const release = (type?: string) =>
  expandItems(playbook, { releaseId: 'r1', now: created, ...(type ? { type } : {}) });

/** The release with items set to states by title. */
function withStates(
  items: ReleaseItem[],
  states: Record<string, ItemState>,
  note?: Record<string, string>,
) {
  return items.map((i) => ({
    ...i,
    state: states[i.title] ?? i.state,
    ...(note?.[i.title] ? { note: note[i.title] } : {}),
  }));
}

const allAccepted = (items: ReleaseItem[]) =>
  items.map((i) => ({ ...i, state: (i.kind === 'check' ? 'passed' : 'done') as ItemState }));

const atGate = (id: string): SignoffTarget => ({ kind: 'gate', id });
const onItem = (id: string): SignoffTarget => ({ kind: 'item', id });

/** A sign-off, for the go-no-go gate unless another target is given. */
const sign = (
  role: string,
  verdict: 'go' | 'no-go',
  c: string | null = commit,
  comment?: string,
  target: SignoffTarget | null = atGate('go-no-go'),
  at = '2026-05-05T10:00:00.000Z',
): Signoff => ({
  releaseId: 'r1',
  role,
  verdict,
  actor: `${role}@example.com`,
  at,
  ...(target ? { target } : {}),
  ...(c ? { commit: c } : {}),
  ...(comment ? { comment } : {}),
});

const windowOverride = (over: Partial<GateOverride> = {}): GateOverride => ({
  releaseId: 'r1',
  kind: 'window',
  gate: 'go-no-go',
  commit,
  role: 'release-manager',
  actor: 'rita@example.com',
  at: '2026-05-08T14:00:00.000Z',
  reason: 'security fix, cannot wait',
  blockers: [],
  ...over,
});

const decision = (gate: string, outcome: 'go' | 'no-go', c = commit): Decision => ({
  releaseId: 'r1',
  gate,
  outcome,
  blockers: [],
  inputs: {},
  commit: c,
  actor: 'rita',
  at: '2026-05-05T11:00:00.000Z',
});

const gateOf = (items: ReleaseItem[], id: string): GateTarget => {
  const g = listGates(playbook, items).find((x) => x.id === id);
  if (!g) throw new Error(`no gate ${id}`);
  return g;
};

describe('listGates', () => {
  it('lists phase and section gates in document order, each before its first item', () => {
    const items = release('major');
    const numberOf = (title: string) => items.find((i) => i.title === title)!.number;
    expect(listGates(playbook, items)).toEqual([
      {
        id: 'sign-offs',
        kind: 'section',
        title: 'Sign-offs',
        roles: ['security'],
        beforeNumber: numberOf('QA sign-off'),
      },
      {
        id: 'breaking',
        kind: 'phase',
        title: 'Breaking',
        roles: ['security'],
        beforeNumber: numberOf('Announce breaking changes'),
      },
      {
        id: 'go-no-go',
        kind: 'phase',
        title: 'Go No Go',
        roles: ['release-manager', 'qa-lead'],
        beforeNumber: numberOf('Deploy to production'),
      },
    ]);
  });

  it('leaves out the gates of phases the release type leaves out', () => {
    const minor = release('minor');
    expect(listGates(playbook, minor).map((g) => g.id)).toEqual(['sign-offs', 'go-no-go']);
    expect(listGates(playbook, minor, 'minor').map((g) => g.id)).toEqual(['sign-offs', 'go-no-go']);
    expect(listGates(playbook, release(), 'minor').map((g) => g.id)).toEqual([
      'sign-offs',
      'go-no-go',
    ]);
  });

  it('places a gate after the last item at the end of the release past every item, ignoring rollback items', () => {
    const tail = loadPlaybook(
      'name: x\nroles: { rm: RM }\nphases:\n  - { id: a, items: [{ title: one }, { title: two }] }\n  - { id: ship, gate: [rm] }\nrollback: [{ title: undo }]\n',
    ).playbook;
    const items = [
      ...expandItems(tail, { releaseId: 'r', now: created }),
      ...expandRollbackItems(tail, { releaseId: 'r', now: created, startNumber: 3 }),
    ];
    expect(listGates(tail, items)).toEqual([
      { id: 'ship', kind: 'phase', title: 'Ship', roles: ['rm'], beforeNumber: 3 },
    ]);
  });
});

/** `selectGate` with this file's commit. */
const pick = (
  items: ReleaseItem[],
  decisions: Decision[],
  gateId?: string,
  record?: Parameters<typeof selectGate>[0]['record'],
) =>
  selectGate({
    playbook,
    items,
    decisions,
    commit,
    ...(gateId !== undefined ? { gateId } : {}),
    ...(record ? { record } : {}),
  });

describe('selectGate', () => {
  const items = release('minor');

  it('picks the first gate without a GO for the current commit', () => {
    expect(pick(items, []).id).toBe('sign-offs');
    expect(pick(items, [decision('sign-offs', 'no-go')]).id).toBe('sign-offs');
    expect(pick(items, [decision('sign-offs', 'go')]).id).toBe('go-no-go');
    // A GO for an earlier commit does not count for a new candidate.
    expect(pick(items, [decision('sign-offs', 'go', oldCommit)]).id).toBe('sign-offs');
  });

  it('comes back to a gate with a recorded GO that evaluates to NO-GO now', () => {
    const ready = allAccepted(items);
    const signoffs = [sign('security', 'go', commit, undefined, atGate('sign-offs'))];
    const record = { playbook, items: ready, signoffs, commit, now: wednesday };
    const decided = [decision('sign-offs', 'go')];
    expect(pick(ready, decided, undefined, record).id).toBe('go-no-go');
    // An item before the first gate was reopened since its GO: that gate is next again.
    const reopened = withStates(ready, { 'CHANGELOG.md updated': 'pending' });
    expect(pick(reopened, decided, undefined, { ...record, items: reopened }).id).toBe('sign-offs');
  });

  it('falls back to the whole release once every gate said GO', () => {
    const all = [
      ...items,
      ...expandRollbackItems(playbook, {
        releaseId: 'r1',
        now: created,
        startNumber: items.length + 1,
      }),
    ];
    const gate = pick(all, [decision('sign-offs', 'go'), decision('go-no-go', 'go')]);
    expect(gate).toMatchObject({
      id: 'release',
      kind: 'release',
      roles: [],
      beforeNumber: items.length + 1,
    });
  });

  it('picks a named gate, a phase without a gate at its point, or the whole release', () => {
    expect(pick(items, [decision('go-no-go', 'go')], 'go-no-go').roles).toEqual([
      'release-manager',
      'qa-lead',
    ]);
    const deploy = pick(items, [], 'deploy');
    expect(deploy).toMatchObject({ id: 'deploy', kind: 'phase', roles: [] });
    expect(deploy.beforeNumber).toBe(items.find((i) => i.phase === 'deploy')!.number);
    expect(pick(items, [], 'code-quality')).toMatchObject({ kind: 'section', beforeNumber: 1 });
    expect(pick(items, [], 'release').kind).toBe('release');
  });

  it('refuses an unknown gate with a did-you-mean and the gates', () => {
    expect(() => pick(items, [], 'go-nogo')).toThrow(NotFoundError);
    expect(() => pick(items, [], 'go-nogo')).toThrow(
      /no gate, phase or section "go-nogo"; did you mean "go-no-go"\? \(gates: sign-offs, go-no-go;/,
    );
  });
});

describe('evaluateGate', () => {
  const items = release('minor');
  const goNoGo = gateOf(items, 'go-no-go');
  const ready = allAccepted(items);
  const signoffs = [sign('release-manager', 'go'), sign('qa-lead', 'go')];
  const evaluate = (over: Partial<Parameters<typeof evaluateGate>[0]>) =>
    evaluateGate({
      playbook,
      items: ready,
      signoffs,
      gate: goNoGo,
      commit,
      now: wednesday,
      ...over,
    });

  it('says GO when every guarded item is accepted, every gate role said go here and the window is open', () => {
    const result = evaluate({});
    expect(result.outcome).toBe('go');
    expect(result.blockers).toEqual([]);
  });

  it('records what the decision rests on', () => {
    const { inputs } = evaluate({});
    expect(inputs.gate).toBe(goNoGo);
    expect(inputs.commit).toBe(commit);
    expect(inputs.itemStates).toEqual(
      ready.filter((i) => i.number < goNoGo.beforeNumber).map((i) => [i.number, i.state]),
    );
    expect(inputs.signoffs.map((s) => [s.role, s.target?.id])).toEqual([
      ['qa-lead', 'go-no-go'],
      ['release-manager', 'go-no-go'],
    ]);
    expect(inputs.window).toEqual({
      now: '2026-05-06T09:00:00.000Z',
      policy: playbook.policy.window,
      overridden: [],
    });
    expect(inputs.override).toBeNull();
    // Stored as JSON and read back, it is the same.
    expect(JSON.parse(JSON.stringify(inputs))).toEqual(inputs);
  });

  it('lists failed and open required items with wording from their kind', () => {
    const states = withStates(
      ready,
      {
        'All unit tests passing': 'failed',
        'Docs reviewed': 'failed',
        'CHANGELOG.md updated': 'running',
        'API docs': 'pending',
        'QA sign-off': 'pending',
      },
      { 'All unit tests passing': 'exit code 1' },
    );
    const { outcome, blockers } = evaluate({ items: states });
    expect(outcome).toBe('no-go');
    expect(blockers).toEqual([
      {
        kind: 'item-failed',
        item: 1,
        message: '#1 "All unit tests passing": check failed (exit code 1)',
      },
      { kind: 'item-open', item: 2, message: '#2 "CHANGELOG.md updated" is running' },
      { kind: 'item-failed', item: 3, message: '#3 "Docs reviewed": marked failed' },
      { kind: 'item-open', item: 4, message: '#4 "API docs" is pending' },
      {
        kind: 'item-open',
        item: 7,
        message: '#7 "QA sign-off" is pending (waiting for a go from qa-lead)',
      },
    ]);
  });

  it('says a failed sign item was signed no-go', () => {
    const states = withStates(ready, { 'QA sign-off': 'failed' });
    expect(evaluate({ items: states }).blockers).toEqual([
      { kind: 'item-failed', item: 7, message: '#7 "QA sign-off": signed no-go' },
    ]);
  });

  it('lets optional items, n/a and waived items through, and sub-items of an item marked n/a', () => {
    const states = withStates(ready, {
      'All unit tests passing': 'waived',
      'Migration tested (if applicable)': 'na',
      'Rollback of the migration tested': 'pending',
    });
    expect(evaluate({ items: states }).outcome).toBe('go');
    // An optional item left pending does not block, but its required sub-item does.
    const open = withStates(ready, {
      'Migration tested (if applicable)': 'pending',
      'Rollback of the migration tested': 'pending',
    });
    expect(evaluate({ items: open }).blockers.map((b) => b.item)).toEqual([6]);
  });

  it('guards only the items before the gate', () => {
    const signGate = gateOf(items, 'sign-offs');
    const states = withStates(ready, {
      'QA sign-off': 'pending',
      'Deploy to production': 'failed',
    });
    const security = [sign('security', 'go', commit, undefined, atGate('sign-offs'))];
    expect(evaluate({ items: states, gate: signGate, signoffs: security }).outcome).toBe('go');
    expect(evaluate({ items: states }).blockers.map((b) => b.item)).toEqual([7]);
    expect(
      evaluate({ items: states, gate: pick(states, [], 'release') }).blockers.map((b) => b.item),
    ).toEqual([7, 8]);
  });

  it('never lets rollback items block, even on the whole release', () => {
    const withRollback = [
      ...ready,
      ...expandRollbackItems(playbook, {
        releaseId: 'r1',
        now: created,
        startNumber: ready.length + 1,
      }).map((i) => ({
        ...i,
        state: 'failed' as const,
      })),
    ];
    const whole = pick(withRollback, [], 'release');
    expect(evaluate({ items: withRollback, gate: whole }).outcome).toBe('go');
    expect(evaluate({ items: withRollback }).outcome).toBe('go');
  });

  it('names missing, stale and no-go sign-offs of the gate roles', () => {
    const result = evaluate({
      signoffs: [
        sign('release-manager', 'go', oldCommit),
        sign('qa-lead', 'no-go', commit, 'login broken on Safari'),
      ],
    });
    expect(result.blockers).toEqual([
      {
        kind: 'signoff-stale',
        role: 'release-manager',
        message:
          "release-manager (Release Manager)'s go (by release-manager@example.com) was for commit a1b2c3d, not the current commit d4e5f6a: it must be given again",
      },
      {
        kind: 'signoff-no-go',
        role: 'qa-lead',
        message:
          'qa-lead (QA Lead) said no-go for gate "Go No Go" (qa-lead@example.com): login broken on Safari; it stands until qa-lead says go again',
      },
    ]);
    expect(evaluate({ signoffs: [sign('qa-lead', 'go')] }).blockers).toEqual([
      {
        kind: 'signoff-missing',
        role: 'release-manager',
        message: 'no go from release-manager (Release Manager) for this gate yet',
      },
    ]);
  });

  it('counts a go only where it was given: at another gate or on a sign item it is no go here', () => {
    const elsewhere = [
      sign('release-manager', 'go'),
      sign('qa-lead', 'go', commit, undefined, atGate('sign-offs')),
    ];
    expect(evaluate({ signoffs: elsewhere }).blockers).toEqual([
      {
        kind: 'signoff-missing',
        role: 'qa-lead',
        message:
          'no go from qa-lead (QA Lead) for this gate yet (a go counts only where it was given; qa-lead said go for gate "Sign-offs")',
      },
    ]);
    const onSignItem = [
      sign('release-manager', 'go'),
      sign('qa-lead', 'go', commit, undefined, onItem('qa-sign-off')),
    ];
    expect(evaluate({ signoffs: onSignItem }).blockers.map((b) => [b.kind, b.role])).toEqual([
      ['signoff-missing', 'qa-lead'],
    ]);
    // One recorded before sign-offs named a target counts at no gate.
    const untargeted = [
      sign('release-manager', 'go'),
      sign('qa-lead', 'go', commit, undefined, null),
    ];
    expect(evaluate({ signoffs: untargeted }).outcome).toBe('no-go');
  });

  it('counts a later go over an earlier no-go, and a later no-go over an earlier go', () => {
    const later = (x: Signoff, at: string) => ({ ...x, at });
    const flip = [
      sign('qa-lead', 'no-go'),
      later(sign('qa-lead', 'go'), '2026-05-05T12:00:00.000Z'),
      sign('release-manager', 'go'),
    ];
    expect(evaluate({ signoffs: flip }).outcome).toBe('go');
    const back = [
      sign('qa-lead', 'go'),
      later(sign('qa-lead', 'no-go'), '2026-05-05T12:00:00.000Z'),
      sign('release-manager', 'go'),
    ];
    expect(evaluate({ signoffs: back }).blockers.map((b) => b.kind)).toEqual(['signoff-no-go']);
  });

  it('blocks on a no-go anywhere in the release, at any gate, until the same role says go again', () => {
    const t = (h: number) => `2026-05-05T${h}:00:00.000Z`;
    // Security said no-go on the early gate; this gate does not name security, yet it blocks.
    const nogo = sign('security', 'no-go', commit, 'CVE open', atGate('sign-offs'), t(11));
    const withNoGo = [...signoffs, nogo];
    const blocked = evaluate({ signoffs: withNoGo });
    expect(blocked.blockers).toEqual([
      {
        kind: 'signoff-no-go',
        role: 'security',
        message:
          'security (Security) said no-go for gate "Sign-offs" (security@example.com): CVE open; it stands until security says go again',
      },
    ]);
    expect(blocked.inputs.signoffs.map((x) => x.role)).toContain('security');
    // Another role's go does not lift it; the same role's go does, wherever it is given.
    const other = sign('qa-lead', 'go', commit, undefined, atGate('sign-offs'), t(12));
    expect(evaluate({ signoffs: [...withNoGo, other] }).outcome).toBe('no-go');
    const lifted = sign('security', 'go', commit, undefined, atGate('sign-offs'), t(12));
    expect(evaluate({ signoffs: [...withNoGo, lifted] }).outcome).toBe('go');
    // A no-go for an older commit does not stand at the new one.
    const old = sign('security', 'no-go', oldCommit, 'CVE open', atGate('sign-offs'), t(11));
    expect(evaluate({ signoffs: [...signoffs, old] }).outcome).toBe('go');
  });

  it('keeps a no-go on a sign item standing after that item was waived', () => {
    const nogo = sign(
      'qa-lead',
      'no-go',
      commit,
      'login broken',
      onItem('qa-sign-off'),
      '2026-05-05T11:00:00.000Z',
    );
    const waived = withStates(ready, { 'QA sign-off': 'waived' });
    const result = evaluate({ items: waived, signoffs: [...signoffs, nogo] });
    expect(result.outcome).toBe('no-go');
    expect(result.blockers).toEqual([
      expect.objectContaining({
        kind: 'signoff-no-go',
        role: 'qa-lead',
        message: expect.stringMatching(/said no-go for #7 "QA sign-off" .*login broken/),
      }),
    ]);
  });

  it('still wants a go here from a role whose no-go here a later go elsewhere lifted', () => {
    const t = (h: number) => `2026-05-05T${h}:00:00.000Z`;
    const list = [
      sign('release-manager', 'go'),
      sign('qa-lead', 'no-go', commit, 'flaky', atGate('go-no-go'), t(11)),
      sign('qa-lead', 'go', commit, undefined, onItem('qa-sign-off'), t(12)),
    ];
    expect(evaluate({ signoffs: list }).blockers).toEqual([
      {
        kind: 'signoff-missing',
        role: 'qa-lead',
        message:
          'qa-lead (QA Lead) said no-go for this gate (qa-lead@example.com: flaky) and has not said go for it since',
      },
    ]);
  });

  it('blocks outside the release window unless an override for this gate and commit is recorded', () => {
    const closed = evaluate({ now: friday });
    expect(closed.outcome).toBe('no-go');
    expect(closed.blockers).toEqual([
      {
        kind: 'window-day',
        message: 'Friday 16:05 in Europe/Berlin is a denied day (policy.window.deny)',
      },
    ]);
    const freeze = evaluate({ now: new Date('2026-12-22T10:00:00Z') });
    expect(freeze.blockers.map((b) => b.kind)).toEqual(['window-freeze']);
    expect(freeze.blockers[0]!.message).toMatch(/Holiday freeze/);

    const forced = evaluate({ now: friday, overrides: [windowOverride()] });
    expect(forced.outcome).toBe('go');
    expect(forced.inputs.override).toEqual({
      reason: 'security fix, cannot wait',
      by: 'rita@example.com',
    });
    expect(forced.inputs.window.overridden.map((b) => b.kind)).toEqual(['window-day']);
    // An override lets only the window through, not a failed item.
    const failed = withStates(ready, { 'All unit tests passing': 'failed' });
    expect(
      evaluate({ now: friday, overrides: [windowOverride()], items: failed }).blockers.map(
        (b) => b.kind,
      ),
    ).toEqual(['item-failed']);
  });

  it('counts a window override only for its gate, its commit, and a role the policy names', () => {
    const at = (o: GateOverride) => evaluate({ now: friday, overrides: [o] }).outcome;
    expect(at(windowOverride({ gate: 'sign-offs' }))).toBe('no-go');
    expect(at(windowOverride({ commit: oldCommit }))).toBe('no-go');
    expect(at(windowOverride({ role: 'qa-lead' }))).toBe('no-go');
    expect(at(windowOverride({ reason: '  ' }))).toBe('no-go');
    expect(at(windowOverride({ kind: 'force' }))).toBe('no-go');
    // A policy that names nobody lets no override count.
    const nobody = {
      ...playbook,
      policy: { window: { ...playbook.policy.window!, override: [] } },
    };
    expect(evaluate({ playbook: nobody, now: friday, overrides: [windowOverride()] }).outcome).toBe(
      'no-go',
    );
  });

  it('evaluates a playbook without a window policy at any time', () => {
    const open = { ...playbook, policy: {} };
    expect(evaluate({ playbook: open, now: friday }).outcome).toBe('go');
  });

  it('treats sign-offs given before the release had a commit as stale once it has one', () => {
    const result = evaluate({
      signoffs: [sign('release-manager', 'go', null), sign('qa-lead', 'go')],
    });
    expect(result.blockers).toEqual([
      expect.objectContaining({
        kind: 'signoff-stale',
        message: expect.stringMatching(/was for no commit, not the current commit d4e5f6a/),
      }),
    ]);
  });
});
