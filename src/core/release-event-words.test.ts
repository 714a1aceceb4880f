import { describe, expect, it } from 'vitest';
import { items, log, playbook } from './release-export.fixture.ts';
import { describeEvent } from './release-event-words.ts';

const ctx = { playbook, items: items() };
const words = (type: string, payload: unknown) =>
  describeEvent(log([{ type, payload, at: '10:00' }])[0]!, ctx);

describe('describeEvent', () => {
  it('says what a person did to an item, with the item and the note', () => {
    expect(words('item.state', { item: 1, from: 'pending', to: 'done', note: 'see PR' })).toEqual({
      what: 'ticked #1 "CHANGELOG updated" done',
      note: 'see PR',
    });
    expect(words('item.state', { item: 2, from: 'pending', to: 'na', note: 'no docs' }).what).toBe(
      'marked #2 "Docs updated" n/a',
    );
    expect(words('item.state', { item: 5, from: 'failed', to: 'waived', note: 'r' }).what).toBe(
      'waived #5 "Release tagged" (was failed)',
    );
    expect(words('item.state', { item: 8, from: 'pending', to: 'failed' }).what).toBe(
      'marked #8 "Smoke tests pass" failed',
    );
    expect(words('item.state', { item: 1, from: 'done', to: 'pending' }).what).toBe(
      'reset #1 "CHANGELOG updated" to open (was done)',
    );
  });

  it('says what a check found', () => {
    expect(
      words('item.state', {
        item: 4,
        from: 'pending',
        to: 'passed',
        action: 'check',
        evidence: { result: 'passed', summary: 'no secrets in 3 files' },
      }),
    ).toEqual({ what: 'check passed on #4 "No secrets committed"', note: 'no secrets in 3 files' });
    expect(
      words('check.result', { item: 4, result: 'failed', summary: 's', reason: 'changed by ann' }),
    ).toEqual({
      what: 'check failed on #4 "No secrets committed", logged but not applied',
      note: 's — changed by ann',
    });
  });

  it('names the gate of a sign-off and a decision, and counts blockers', () => {
    expect(
      words('signoff.recorded', {
        role: 'release-manager',
        verdict: 'no-go',
        target: { kind: 'gate', id: 'deploy' },
        commit: 'a'.repeat(40),
        comment: 'not yet',
      }),
    ).toEqual({
      what: 'signed no-go for gate "Deployment" as Release Manager at commit aaaaaaaaaaaa',
      note: 'not yet',
    });
    expect(
      words('decision.recorded', {
        gate: 'deploy',
        outcome: 'no-go',
        blockers: [{}, {}],
        commit: null,
      }).what,
    ).toBe('decided NO-GO for gate "Deployment" (2 blockers)');
  });

  it('says where a release went and why it came back', () => {
    expect(
      words('deployment.recorded', {
        id: 'd',
        environment: 'production',
        status: 'succeeded',
        commit: 'b'.repeat(40),
      }).what,
    ).toBe('deployed to production: succeeded, commit bbbbbbbbbbbb');
    expect(
      words('rollback.recorded', {
        deployment: 'd',
        environment: 'production',
        reason: 'errors',
        incident: 'i',
        items: [9],
      }),
    ).toEqual({ what: 'rolled back production; 1 rollback item added', note: 'errors' });
    expect(
      words('rollback.recorded', {
        deployment: 'd',
        environment: 'production',
        reason: 'watch failed',
        incident: 'i',
        items: [],
        fromVersion: '1.4.0',
        toVersion: '1.3.2',
        watch: { item: 7, id: 'post/errors' },
      }).what,
    ).toBe('rolled back production from 1.4.0 to 1.3.2 by itself: watch #7 failed');
    expect(
      words('environment.locked', {
        environment: 'production',
        reason: 'error_rate = 0.5',
        watch: { item: 7, id: 'post/errors' },
      }).what,
    ).toBe(
      'locked production by itself: watch #7 failed: deployments to it are refused until it is unlocked',
    );
    expect(words('release.abandoned', { reason: 'replaced' })).toEqual({
      what: 'release abandoned',
      note: 'replaced',
    });
    expect(
      words('release.state', { from: 'deployed', to: 'rolled-back', reason: 'errors' }),
    ).toEqual({
      what: 'release rolled back (was deployed)',
      note: 'errors',
    });
    expect(
      words('release.state', { from: 'active', to: 'superseded', supersededBy: '1.4.1' }).what,
    ).toBe('release superseded (was in progress), superseded by 1.4.1');
    expect(words('rollback.completed', { resolvedIncidents: ['i1'] }).what).toBe(
      'rollback procedure complete; 1 incident resolved',
    );
  });

  it('counts what a re-snapshot of the playbook changed', () => {
    const payload = {
      from: { hash: 'a'.repeat(64) },
      playbook: { name: 'x', hash: 'b'.repeat(64) },
      added: [{ item: 9 }],
      removed: [],
      changed: [
        { item: 1, from: 'done', to: 'pending' },
        { item: 2, from: 'done', to: 'done' },
      ],
      gates: [{ id: 'go-no-go' }],
    };
    expect(words('release.resnapshot', payload).what).toBe(
      `re-snapshot the playbook (${'a'.repeat(12)} → ${'b'.repeat(12)}): 1 added, 2 changed (1 back to open), 1 gate changed`,
    );
  });

  it('falls back to the type and the payload for a type it does not know', () => {
    expect(words('custom.thing', { a: 1 })).toEqual({ what: 'custom.thing {"a":1}' });
  });
});
