import { describe, expect, it } from 'vitest';
import type { ComposeRecord } from './notify-compose.ts';
import { composeMessage, fillTemplate, messageId } from './notify-compose.ts';
import { notifyEventsOf, reachedNotifyItems } from './notify-reach.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type { Release, ReleaseItem } from './release-model.ts';
import { expandItems } from './release-rules.ts';
import { createRedactor } from './redact.ts';

const release: Release = {
  id: 'rel-1',
  project: 'shop',
  version: '2.4.0',
  commit: 'abcdef1234567890',
  playbookHash: 'pb',
  state: 'deployed',
  createdAt: '2026-11-23T09:00:00.000Z',
  createdBy: 'ana@example.com',
  updatedAt: '2026-11-23T09:00:00.000Z',
  rowVersion: 1,
};

const record: ComposeRecord = {
  release,
  items: [],
  decisions: [],
  deployments: [
    {
      id: 'dep-1',
      project: 'shop',
      releaseId: 'rel-1',
      version: '2.4.0',
      environment: 'production',
      status: 'succeeded',
      startedAt: '2026-11-23T10:00:00.000Z',
      actor: 'bo@example.com',
    },
  ],
  incidents: [],
};

const trigger = {
  seq: 7,
  at: '2026-11-23T10:00:00.000Z',
  actor: 'bo@example.com',
  type: 'deployment.recorded',
  payload: { id: 'dep-1', environment: 'production', status: 'succeeded', commit: null },
};

describe('composeMessage', () => {
  it('says what was deployed where, with a stable id per release, event and channel', () => {
    const m = composeMessage({
      record,
      event: 'deployment.succeeded',
      trigger,
      channel: 'team',
      redact: (t) => t,
    });
    expect(m.subject).toBe('shop 2.4.0 deployed to production');
    expect(m.text).toBe(
      'shop 2.4.0 (commit abcdef123456) was deployed to production by bo@example.com.',
    );
    expect(m.deployment).toMatchObject({ environment: 'production', id: 'dep-1' });
    expect(m.id).toBe(messageId('rel-1', 7, 'team'));
    expect(messageId('rel-1', 7, 'ops')).not.toBe(m.id);
    expect(messageId('rel-1', 8, 'team')).not.toBe(m.id);
  });

  it('fills a template, masks secrets and strips control characters from the record', () => {
    const redact = createRedactor();
    const m = composeMessage({
      record: { ...record, release: { ...release, version: '2.4.0\u001b[31m' } },
      event: 'notify.item',
      trigger,
      channel: 'team',
      item: {
        number: 3,
        title: 'Tell the team',
        message:
          '{{project}} {{version}} is out, token ghp_R8x2Lq9Vt3Kp7Wm4Zc6Yb1Nd5Hf0Jg2Ts8Qa {{nope}}',
      },
      redact,
    });
    expect(m.type).toBe('notify.item');
    expect(m.text).not.toContain('\u001b');
    expect(m.text).not.toContain('ghp_R8x2Lq9Vt3Kp7Wm4Zc6Yb1Nd5Hf0Jg2Ts8Qa');
    expect(m.text).toMatch(/^shop 2\.4\.0.* is out, token .* \{\{nope\}\}$/);
  });

  it('fills known fields only', () => {
    expect(fillTemplate('{{ version }} / {{x}}', { version: '1.0.0' })).toBe('1.0.0 / {{x}}');
  });
});

describe('notifyEventsOf', () => {
  it('maps recorded events to what channels subscribe to', () => {
    expect(notifyEventsOf({ type: 'decision.recorded', payload: { outcome: 'no-go' } })).toEqual([
      'decision.no-go',
    ]);
    expect(
      notifyEventsOf({ type: 'item.state', payload: { from: 'pending', to: 'failed' } }),
    ).toEqual(['blocker.appeared']);
    expect(
      notifyEventsOf({ type: 'item.state', payload: { from: 'pending', to: 'done' } }),
    ).toEqual([]);
    expect(notifyEventsOf({ type: 'rollback.recorded', payload: {} })).toEqual([
      'rollback.started',
    ]);
    // Incidents that are not rollbacks (gonogo incident open|resolve) reach subscribers too.
    expect(notifyEventsOf({ type: 'incident.opened', payload: {} })).toEqual(['incident.opened']);
    expect(notifyEventsOf({ type: 'incident.resolved', payload: {} })).toEqual([
      'incident.resolved',
    ]);
  });
});

describe('reachedNotifyItems', () => {
  const { playbook } = loadPlaybook(
    `name: Reach
environments: [production]
roles: { rm: RM }
notify:
  team: { type: slack, url_env: TEAM_URL }
phases:
  - id: prep
    items:
      - title: Notes written
      - title: Say notes are done
        notify: { to: team, message: status }
        when_reached: true
  - id: gate
    gate: [rm]
  - id: ship
    items:
      - title: Tell them we ship
        notify: { to: team, message: deployed }
        when_reached: true
rollback:
  - title: Decide to roll back
  - title: Tell them we roll back
    notify: { to: team, message: rollback-started }
    when_reached: true
`,
    'reach.yaml',
  );
  const base = expandItems(playbook, { releaseId: 'rel-1', now: '2026-11-23T09:00:00.000Z' });
  const rec = (
    items: ReleaseItem[],
    decisions: { gate: string; outcome: 'go' | 'no-go' }[] = [],
  ) => ({
    release: {},
    playbook,
    items,
    decisions: decisions.map((d) => ({
      ...d,
      releaseId: 'rel-1',
      blockers: [],
      inputs: {},
      actor: 'a',
      at: 'x',
    })),
    deployments: [],
  });
  const set = (items: ReleaseItem[], n: number, state: ReleaseItem['state']) =>
    items.map((i) => (i.number === n ? { ...i, state } : i));

  it('reaches an item once every required item before it is accepted', () => {
    expect(reachedNotifyItems(rec(base)).map((i) => i.title)).toEqual([]);
    const done = set(base, 1, 'done');
    expect(reachedNotifyItems(rec(done)).map((i) => i.title)).toEqual(['Say notes are done']);
  });

  it('waits for the gate in front of an item to say GO', () => {
    const before = set(set(base, 1, 'done'), 2, 'done');
    expect(reachedNotifyItems(rec(before)).map((i) => i.title)).toEqual([]);
    expect(
      reachedNotifyItems(rec(before, [{ gate: 'gate', outcome: 'go' }])).map((i) => i.title),
    ).toEqual(['Tell them we ship']);
  });
});
