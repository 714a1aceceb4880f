import { describe, expect, it } from 'vitest';
import { chainEvent } from './event-chain.ts';
import { hashValue } from './event-payloads.ts';
import type { EventPayloads, EventType } from './event-payloads.ts';
import type { ReleaseTables, ReplayedRelease } from './event-replay.ts';
import { playbookHashesOf, replayEvents } from './event-replay.ts';
import { compareReplay } from './event-replay-compare.ts';
import { diffPlaybook } from './playbook-diff.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type { Release, ReleaseEvent, ReleaseItem } from './release-model.ts';
import { expandItems } from './release-rules.ts';

const { playbook, hash } = loadPlaybook(`
name: Replay
roles:
  qa-lead: QA Lead
environments: [staging, production]
types: [minor, major]
phases:
  - id: pre-release
    items:
      - id: tests
        title: Tests pass
        check: { command: "npm test" }
      - id: changelog
        title: CHANGELOG updated
      - id: load
        title: Load test
        when: { type: major }
      - id: qa
        title: QA sign-off
        sign: qa-lead
  - id: go-no-go
    gate: [qa-lead]
rollback:
  - title: Previous version deployed
  - title: Health checks passing
`);
const playbooks = new Map([[hash, playbook]]);
const releaseId = 'r1';
const commit = 'a'.repeat(40);

/** A log as the service writes it, one call per event. */
function logOf(
  steps: { type: EventType; actor?: string; payload: EventPayloads[EventType] }[],
): ReleaseEvent[] {
  const log: ReleaseEvent[] = [];
  steps.forEach((s, i) => {
    const at = new Date(Date.UTC(2026, 10, 23, 9, i)).toISOString();
    log.push(
      chainEvent(log.at(-1), {
        releaseId,
        at,
        actor: s.actor ?? 'ann@example.com',
        type: s.type,
        payload: s.payload,
      }),
    );
  });
  return log;
}

const at = (seq: number) => new Date(Date.UTC(2026, 10, 23, 9, seq - 1)).toISOString();
const started: EventPayloads['release.started'] = {
  version: '1.4.0',
  project: 'default',
  type: 'minor',
  commit,
  commitAt: '2026-11-20T08:00:00.000Z',
  playbook: { name: playbook.name, hash },
  items: 3,
};
const inputs = { gate: 'go-no-go', itemStates: [[1, 'passed']] };

/** A whole release: started, checked, ticked, signed, decided, deployed, rolled back, finished. */
function fullLog(): ReleaseEvent[] {
  return logOf([
    { type: 'release.started', payload: started },
    {
      type: 'item.state',
      payload: {
        item: 1,
        id: 'tests',
        from: 'pending',
        to: 'passed',
        action: 'check',
        evidence: { exitCode: 0, result: 'passed' },
      },
    },
    {
      type: 'item.state',
      actor: 'bob@example.com',
      payload: {
        item: 2,
        id: 'changelog',
        from: 'pending',
        to: 'done',
        action: 'done',
        note: 'ok',
      },
    },
    {
      type: 'signoff.recorded',
      actor: 'qa@example.com',
      payload: { role: 'qa-lead', verdict: 'go', commit, comment: 'green' },
    },
    {
      type: 'item.state',
      actor: 'qa@example.com',
      payload: { item: 3, id: 'qa', from: 'pending', to: 'passed', action: 'sign-sync' },
    },
    { type: 'window.overridden', payload: { gate: 'go-no-go', reason: 'hotfix' } },
    {
      type: 'decision.recorded',
      payload: {
        gate: 'go-no-go',
        outcome: 'go',
        blockers: [],
        commit,
        inputsHash: hashValue(inputs),
        override: { reason: 'hotfix', by: 'ann@example.com' },
      },
    },
    {
      type: 'deployment.recorded',
      payload: { id: 'd1', environment: 'production', status: 'succeeded', commit },
    },
    { type: 'release.finished', payload: { version: '1.4.0', resolvedIncidents: [] } },
    {
      type: 'rollback.recorded',
      payload: {
        deployment: 'd1',
        environment: 'production',
        reason: 'error rate 7%',
        incident: 'i1',
        items: [4, 5],
      },
    },
  ]);
}

/** The tables as the service would have written them for {@link fullLog}: written out by hand. */
function fullTables(): ReleaseTables {
  const release: Release = {
    id: releaseId,
    project: 'default',
    version: '1.4.0',
    type: 'minor',
    commit,
    commitAt: '2026-11-20T08:00:00.000Z',
    playbookHash: hash,
    state: 'active',
    createdAt: at(1),
    createdBy: 'ann@example.com',
    updatedAt: at(10),
    rowVersion: 3,
  };
  const items = expandItems(playbook, { releaseId, type: 'minor', now: at(1) });
  const patch = (n: number, p: Partial<ReleaseItem>) => Object.assign(items[n - 1]!, p);
  patch(1, {
    state: 'passed',
    evidence: { exitCode: 0, result: 'passed' },
    updatedAt: at(2),
    updatedBy: 'ann@example.com',
  });
  patch(2, { state: 'done', note: 'ok', updatedAt: at(3), updatedBy: 'bob@example.com' });
  patch(3, { state: 'passed', updatedAt: at(5), updatedBy: 'qa@example.com' });
  for (const [i, title] of ['Previous version deployed', 'Health checks passing'].entries()) {
    items.push({
      releaseId,
      number: 4 + i,
      id: title.toLowerCase().replaceAll(' ', '-'),
      phase: 'rollback',
      section: 'rollback',
      title,
      kind: 'manual',
      optional: false,
      rollback: true,
      spec: {
        id: title.toLowerCase().replaceAll(' ', '-'),
        title,
        kind: 'manual',
        optional: false,
      },
      state: 'pending',
      updatedAt: at(10),
      rowVersion: 0,
    });
  }
  return {
    release,
    items,
    signoffs: [
      {
        releaseId,
        role: 'qa-lead',
        verdict: 'go',
        commit,
        actor: 'qa@example.com',
        at: at(4),
        comment: 'green',
      },
    ],
    decisions: [
      {
        releaseId,
        gate: 'go-no-go',
        outcome: 'go',
        blockers: [],
        inputs,
        commit,
        actor: 'ann@example.com',
        at: at(7),
        override: { reason: 'hotfix', by: 'ann@example.com' },
      },
    ],
    deployments: [
      {
        id: 'd1',
        project: 'default',
        releaseId,
        version: '1.4.0',
        commit,
        environment: 'production',
        status: 'rolled-back',
        startedAt: at(8),
        finishedAt: at(8),
        actor: 'ann@example.com',
      },
    ],
    incidents: [
      {
        id: 'i1',
        deploymentId: 'd1',
        kind: 'rollback',
        reason: 'error rate 7%',
        openedAt: at(10),
        actor: 'ann@example.com',
      },
    ],
    overrides: [],
  };
}

const messages = (r: ReplayedRelease, t: ReleaseTables) =>
  compareReplay(r, t).map((d) => d.message);

describe('replayEvents', () => {
  it('rebuilds every row from the log, with the event that last set each field', () => {
    const r = replayEvents(fullLog(), playbooks);
    expect(r.problems).toEqual([]);
    expect(r.release?.row).toMatchObject({ version: '1.4.0', state: 'active', commit });
    // Finished at event 9, active again with the rollback at event 10.
    expect(r.release?.since.state).toBe(10);
    expect([...r.items.keys()]).toEqual([1, 2, 3, 4, 5]);
    expect(r.items.get(2)).toMatchObject({
      row: { state: 'done', note: 'ok', updatedBy: 'bob@example.com' },
      seq: 1,
      since: { state: 3, note: 3 },
    });
    expect(r.items.get(4)?.seq).toBe(10);
    expect(r.deployments.get('d1')?.row.status).toBe('rolled-back');
    expect(r.deployments.get('d1')?.since.status).toBe(10);
    expect(r.incidents.get('i1')?.row.resolvedAt).toBeUndefined();
    expect(r.decisions[0]?.row.override).toEqual({ reason: 'hotfix', by: 'ann@example.com' });
    expect(playbookHashesOf(fullLog())).toEqual([hash]);
  });

  it('finds the tables the service writes equal to the log', () => {
    expect(messages(replayEvents(fullLog(), playbooks), fullTables())).toEqual([]);
  });

  it('replays a log written before decisions named their override and inputs', () => {
    const log = fullLog();
    const old = log.map((e) => {
      if (e.type !== 'decision.recorded') return e;
      const { inputsHash: _i, override: _o, ...payload } = e.payload as Record<string, unknown>;
      return { ...e, payload };
    });
    const r = replayEvents(old, playbooks);
    // The override comes from the window.overridden event right before.
    expect(r.decisions[0]?.row.override).toEqual({ reason: 'hotfix', by: 'ann@example.com' });
    expect(messages(r, fullTables())).toEqual([]);
  });

  it('reports an unknown event type, a change the log never prepared, and a self-contradiction', () => {
    const log = logOf([
      { type: 'release.started', payload: started },
      { type: 'release.teleported' as EventType, payload: { to: 'mars' } as never },
      {
        type: 'item.state',
        payload: { item: 2, id: 'changelog', from: 'done', to: 'pending', action: 'reset' },
      },
      {
        type: 'rollback.recorded',
        payload: { deployment: 'nope', environment: 'x', reason: 'r', incident: 'i', items: [] },
      },
    ]);
    const r = replayEvents(log, playbooks);
    expect(r.problems).toEqual([
      { seq: 2, message: expect.stringMatching(/type the replay does not know/) },
      {
        seq: 3,
        message: expect.stringMatching(
          /moves #2 "CHANGELOG updated" from done, but the log has it pending since event 1/,
        ),
      },
      { seq: 4, message: expect.stringMatching(/deployment nope, which the log never recorded/) },
    ]);
  });

  it('reports a playbook snapshot that does not match its hash, and one that is missing', () => {
    const edited = { ...playbook, name: 'Edited' };
    expect(replayEvents(fullLog(), new Map([[hash, edited]])).problems[0]?.message).toMatch(
      /snapshot of playbook .* does not match its hash/,
    );
    expect(replayEvents(fullLog(), new Map()).problems[0]).toEqual({
      seq: 1,
      message: expect.stringMatching(/is not in the store/),
    });
  });

  it('reports a forged payload of the wrong shape instead of failing', () => {
    const log = logOf([
      { type: 'release.started', payload: started },
      { type: 'rollback.recorded', payload: 'garbage' as never },
      { type: 'deployment.recorded', payload: { environment: 'x' } as never },
    ]);
    const r = replayEvents(log, playbooks);
    expect(r.problems.map((p) => p.seq)).toEqual([2, 3]);
  });
});

describe('replay of sign-off targets, window overrides and forced deployments', () => {
  const target = { kind: 'gate' as const, id: 'go-no-go' };
  const windowBlockers = [{ kind: 'window-day' as const, message: 'Saturday is a denied day' }];
  const forcedBlockers = [{ kind: 'signoff-missing' as const, message: 'no go', gate: 'go-no-go' }];
  const log = () =>
    logOf([
      { type: 'release.started', payload: started },
      {
        type: 'signoff.recorded',
        actor: 'qa@example.com',
        payload: { role: 'qa-lead', verdict: 'no-go', target, commit, comment: null },
      },
      {
        type: 'window.overridden',
        payload: {
          gate: 'go-no-go',
          commit,
          role: 'qa-lead',
          reason: 'hotfix',
          blockers: windowBlockers,
        },
      },
      {
        type: 'deployment.forced',
        payload: {
          environment: 'production',
          commit,
          role: 'qa-lead',
          reason: 'outage',
          blockers: forcedBlockers,
        },
      },
    ]);
  const tables = (): ReleaseTables => {
    const full = fullTables();
    return {
      ...full,
      release: { ...full.release, state: 'active', updatedAt: at(1) },
      items: expandItems(playbook, { releaseId, type: 'minor', now: at(1) }),
      signoffs: [
        {
          releaseId,
          role: 'qa-lead',
          verdict: 'no-go',
          target,
          commit,
          actor: 'qa@example.com',
          at: at(2),
        },
      ],
      decisions: [],
      deployments: [],
      incidents: [],
      overrides: [
        {
          releaseId,
          kind: 'window',
          gate: 'go-no-go',
          commit,
          role: 'qa-lead',
          actor: 'ann@example.com',
          at: at(3),
          reason: 'hotfix',
          blockers: windowBlockers,
        },
        {
          releaseId,
          kind: 'force',
          environment: 'production',
          commit,
          role: 'qa-lead',
          actor: 'ann@example.com',
          at: at(4),
          reason: 'outage',
          blockers: forcedBlockers,
        },
      ],
    };
  };

  it('rebuilds the override rows and the target, and finds the tables equal', () => {
    const r = replayEvents(log(), playbooks);
    expect(r.problems).toEqual([]);
    expect(r.signoffs[0]?.row.target).toEqual(target);
    expect(r.overrides.map((o) => [o.row.kind, o.seq])).toEqual([
      ['window', 3],
      ['force', 4],
    ]);
    expect(messages(r, tables())).toEqual([]);
  });

  it('names an override edited, deleted or inserted behind the log, and a retargeted sign-off', () => {
    const r = replayEvents(log(), playbooks);
    const t = tables();
    t.overrides[0] = { ...t.overrides[0]!, reason: 'because' };
    t.overrides.splice(1, 1);
    t.overrides.push({ ...t.overrides[0]!, kind: 'window', gate: 'qa-gate', at: at(9) });
    t.signoffs[0] = { ...t.signoffs[0]!, target: { kind: 'gate', id: 'qa-gate' } };
    expect(messages(r, t)).toEqual([
      expect.stringMatching(
        /sign-off of qa-lead .*the table says target .*qa-gate.*the log says target .*go-no-go.* since event 2/,
      ),
      expect.stringMatching(
        /window override of go-no-go .*: the table says "?because"?, the log says hotfix since event 3/,
      ),
      expect.stringMatching(
        /window override of qa-gate .* is in the table, but no event records it/,
      ),
      expect.stringMatching(
        /forced deployment to production .* is recorded by event 4, but the table does not have it/,
      ),
    ]);
  });
});

describe('compareReplay', () => {
  const replayed = () => replayEvents(fullLog(), playbooks);

  it('names an item state edited in its table, and the event where the log set it', () => {
    const t = fullTables();
    t.items[1]!.state = 'pending';
    t.items[3]!.state = 'done';
    expect(messages(replayed(), t)).toEqual([
      'item #2 "CHANGELOG updated": the table says pending, the log says done since event 3',
      'item #4 "Previous version deployed": the table says done, the log says pending since event 10',
    ]);
    const [d] = compareReplay(replayed(), t);
    expect(d).toMatchObject({ table: 'release_items', field: 'state', seq: 3 });
  });

  it('names other fields: a note, evidence, who changed it, a title', () => {
    const t = fullTables();
    t.items[1]!.note = 'approved by the CTO';
    t.items[0]!.evidence = { exitCode: 1, result: 'failed' };
    t.items[2]!.updatedBy = 'mallory@example.com';
    t.items[4]!.title = 'Nothing to do';
    expect(messages(replayed(), t)).toEqual([
      expect.stringMatching(/^item #1 "Tests pass": the table says evidence \{.*since event 2$/),
      'item #2 "CHANGELOG updated": the table says note "approved by the CTO", the log says note ok since event 3',
      'item #3 "QA sign-off": the table says updatedBy mallory@example.com, the log says updatedBy qa@example.com since event 5',
      'item #5 "Health checks passing": the table says title "Nothing to do", the log says title "Health checks passing" since event 10',
    ]);
  });

  it('names a sign-off inserted without an event, and one deleted from the table', () => {
    const t = fullTables();
    t.signoffs.push({ ...t.signoffs[0]!, actor: 'mallory@example.com', at: at(11) });
    expect(messages(replayed(), t)).toEqual([
      `sign-off of qa-lead by mallory@example.com at ${at(11)} is in the table, but no event records it: it was written behind the log's back`,
    ]);
    t.signoffs.splice(0, 2);
    expect(compareReplay(replayed(), t)).toEqual([
      expect.objectContaining({
        table: 'signoffs',
        seq: 4,
        message: expect.stringMatching(/recorded by event 4, but the table does not have it/),
      }),
    ]);
  });

  it('names a sign-off whose verdict was turned around in the table', () => {
    const t = fullTables();
    t.signoffs[0]!.verdict = 'no-go';
    expect(messages(replayed(), t)).toEqual([
      `sign-off of qa-lead by qa@example.com at ${at(4)}: the table says no-go, the log says go since event 4`,
    ]);
  });

  it('names a decision edited in its table: outcome, and inputs by their hash', () => {
    const t = fullTables();
    t.decisions[0]!.outcome = 'no-go';
    t.decisions[0]!.inputs = { forged: true };
    const diffs = compareReplay(replayed(), t);
    expect(diffs.map((d) => [d.table, d.field, d.seq])).toEqual([
      ['decisions', 'outcome', 7],
      ['decisions', 'inputsHash', 7],
    ]);
    t.decisions.push({ ...t.decisions[0]!, gate: 'release', at: at(12) });
    expect(messages(replayed(), t).at(-1)).toMatch(/decision on release .* no event records it/);
  });

  it('names a deployment edited or inserted, an incident resolved in the table, the release state', () => {
    const t = fullTables();
    t.deployments[0]!.status = 'succeeded';
    t.deployments.push({ ...t.deployments[0]!, id: 'd2', environment: 'staging' });
    t.incidents[0]!.resolvedAt = at(11);
    t.release.state = 'finished';
    expect(messages(replayed(), t)).toEqual([
      'release 1.4.0: the table says finished, the log says active since event 10',
      'deployment d1 (production): the table says succeeded, the log says rolled-back since event 10',
      "deployment d2 (staging) is in the table, but no event records it: it was written behind the log's back",
      `incident i1 (rollback): the table says ${at(11)}, the log says nothing since event 10`,
    ]);
  });

  it('does not compare what an old log does not know (the commit time before it was recorded)', () => {
    const old = fullLog().map((e) => {
      if (e.type !== 'release.started') return e;
      const { commitAt: _c, ...payload } = e.payload as Record<string, unknown>;
      return { ...e, payload };
    });
    const t = fullTables();
    t.release.commitAt = '2020-01-01T00:00:00.000Z';
    expect(messages(replayEvents(old, playbooks), t)).toEqual([]);
    expect(messages(replayed(), t)).toEqual([
      expect.stringMatching(/^release 1\.4\.0: the table says commitAt .* since event 1$/),
    ]);
  });

  it('follows a release and its deployments to another project, and checks a logged result', () => {
    const log = logOf([
      { type: 'release.started', payload: started },
      {
        type: 'deployment.recorded',
        payload: { id: 'd1', environment: 'staging', status: 'succeeded', commit },
      },
      { type: 'release.project-changed', payload: { from: 'default', to: 'acme/app' } },
      {
        type: 'check.result',
        payload: {
          item: 1,
          id: 'tests',
          result: 'failed',
          summary: 'late',
          applied: false,
          reason: 'changed by bob',
        },
      },
      {
        type: 'check.result',
        payload: {
          item: 42,
          id: 'nope',
          result: 'passed',
          summary: 'x',
          applied: false,
          reason: 'y',
        },
      },
    ]);
    const r = replayEvents(log, playbooks);
    expect(r.release?.row.project).toBe('acme/app');
    expect(r.deployments.get('d1')).toMatchObject({
      row: { project: 'acme/app' },
      since: { project: 3 },
    });
    // A logged result changes no row; one about an item the release lacks is a contradiction.
    expect(r.items.get(1)?.row.state).toBe('pending');
    expect(r.problems).toEqual([
      { seq: 5, message: expect.stringMatching(/names item #42, which the log never added/) },
    ]);
    const t = fullTables();
    t.release.project = 'elsewhere';
    expect(messages(replayEvents(fullLog(), playbooks), t)).toEqual([
      'release 1.4.0: the table says project elsewhere, the log says project default since event 1',
    ]);
  });

  it('resolves incidents at the finish as logs before resolvedIncidents did', () => {
    const log = logOf([
      { type: 'release.started', payload: started },
      {
        type: 'deployment.recorded',
        payload: { id: 'd1', environment: 'production', status: 'succeeded', commit },
      },
      {
        type: 'rollback.recorded',
        payload: {
          deployment: 'd1',
          environment: 'production',
          reason: 'r',
          incident: 'i1',
          items: [],
        },
      },
      { type: 'release.finished', payload: { version: '1.4.0' } },
    ]);
    expect(replayEvents(log, playbooks).incidents.get('i1')?.row.resolvedAt).toBe(at(4));
  });

  describe('a re-snapshot of the playbook', () => {
    // Item "changelog" gets a check, "qa" is dropped, "smoke" comes, the gate adds a role.
    const { playbook: edited, hash: editedHash } = loadPlaybook(
      `
name: Replay
roles:
  qa-lead: QA Lead
  rm: Release Manager
environments: [staging, production]
types: [minor, major]
phases:
  - id: pre-release
    items:
      - id: tests
        title: Tests pass
        check: { command: "npm test" }
      - id: changelog
        title: CHANGELOG updated
        check: changelog
      - id: load
        title: Load test
        when: { type: major }
      - id: smoke
        title: Smoke test
  - id: go-no-go
    gate: [qa-lead, rm]
rollback:
  - title: Previous version deployed
  - title: Health checks passing
`,
    );
    const both = new Map([
      [hash, playbook],
      [editedHash, edited],
    ]);

    /** A log: started, #2 done, qa's go for the gate and the item, then the re-snapshot. */
    function resnapshotLog(payload?: Partial<EventPayloads['release.resnapshot']>) {
      const head = logOf([
        { type: 'release.started', payload: started },
        {
          type: 'item.state',
          payload: { item: 2, id: 'changelog', from: 'pending', to: 'done', note: 'ok' },
        },
        {
          type: 'signoff.recorded',
          actor: 'qa@example.com',
          payload: {
            role: 'qa-lead',
            verdict: 'go',
            target: { kind: 'gate', id: 'go-no-go' },
            commit,
            comment: null,
          },
        },
      ]);
      const items = expandItems(playbook, { releaseId, type: 'minor', now: at(1) });
      items[1] = {
        ...items[1]!,
        state: 'done',
        note: 'ok',
        updatedAt: at(2),
        updatedBy: 'ann@example.com',
      };
      const { diff, rows } = diffPlaybook({
        items,
        from: playbook,
        to: edited,
        type: 'minor',
        releaseId,
        at: at(4),
        actor: 'ann@example.com',
        nextNumber: 4,
      });
      const log = [...head];
      log.push(
        chainEvent(log.at(-1), {
          releaseId,
          at: at(4),
          actor: 'ann@example.com',
          type: 'release.resnapshot',
          payload: {
            from: { hash },
            playbook: { name: edited.name, hash: editedHash },
            ...diff,
            ...payload,
          },
        }),
      );
      return { log, diff, rows, items };
    }

    it('rebuilds the items, the playbook hash and the stale sign-offs, and finds the new hash', () => {
      const { log, diff } = resnapshotLog();
      expect(diff.changed.map((c) => [c.item, c.fields, c.to])).toEqual([
        [2, ['kind', 'check'], 'pending'],
      ]);
      expect(playbookHashesOf(log)).toEqual([hash, editedHash]);
      const r = replayEvents(log, both);
      expect(r.problems).toEqual([]);
      expect([...r.items.keys()].sort((a, b) => a - b)).toEqual([1, 2, 4]);
      expect(r.items.get(2)?.row).toMatchObject({
        kind: 'check',
        state: 'pending',
        updatedAt: at(4),
      });
      expect(r.items.get(2)?.row.note).toBeUndefined();
      expect(r.items.get(4)?.row).toMatchObject({ id: 'smoke', state: 'pending' });
      expect(r.items.get(4)?.seq).toBe(4);
      expect(r.release?.row.playbookHash).toBe(editedHash);
      expect(r.signoffs[0]?.row.staleSince).toBe(4);
    });

    it('reports an event that records another difference than its playbook gives', () => {
      const { log } = resnapshotLog({ removed: [] });
      const r = replayEvents(log, both);
      expect(r.problems.map((p) => p.message)).toEqual([
        'event 4 (release.resnapshot) records added #4 smoke; removed none; changed #2 done→pending; stale gate go-no-go, item qa, but its playbook gives added #4 smoke; removed #3; changed #2 done→pending; stale gate go-no-go, item qa',
      ]);
    });

    it('finds a row edited after the re-snapshot, and a sign-off made current again', () => {
      const { log, rows, items } = resnapshotLog();
      const replayed = replayEvents(log, both);
      const after = [
        ...items.filter(
          (i) => !rows.remove.includes(i.number) && !rows.update.some((u) => u.number === i.number),
        ),
        ...rows.update,
        ...rows.insert,
      ];
      const t: ReleaseTables = {
        release: {
          id: releaseId,
          project: 'default',
          version: '1.4.0',
          type: 'minor',
          commit,
          commitAt: '2026-11-20T08:00:00.000Z',
          playbookHash: editedHash,
          state: 'active',
          createdAt: at(1),
          createdBy: 'ann@example.com',
          updatedAt: at(4),
          rowVersion: 1,
        },
        items: after,
        signoffs: [
          {
            releaseId,
            role: 'qa-lead',
            verdict: 'go',
            target: { kind: 'gate', id: 'go-no-go' },
            commit,
            actor: 'qa@example.com',
            at: at(3),
            staleSince: 4,
          },
        ],
        decisions: [],
        deployments: [],
        incidents: [],
        overrides: [],
      };
      expect(messages(replayed, t)).toEqual([]);
      t.items = after.map((i) => (i.number === 2 ? { ...i, state: 'done' } : i));
      delete t.signoffs[0]!.staleSince;
      expect(messages(replayed, t)).toEqual([
        'item #2 "CHANGELOG updated": the table says done, the log says pending since event 4',
        'sign-off of qa-lead by qa@example.com at 2026-11-23T09:02:00.000Z: the table says staleSince nothing, the log says staleSince 4 since event 4',
      ]);
    });
  });
});
