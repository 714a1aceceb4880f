/**
 * Messages for the notification tests: a plain one and one whose texts try to inject markup,
 * Slack links and mentions, and terminal escapes.
 */
import type { NotifyMessage } from './notify-message.ts';

/** A GO decision for shop 2.4.0 with two links; `overrides` replace fields. */
export function sampleMessage(overrides: Partial<NotifyMessage> = {}): NotifyMessage {
  return {
    id: 'msg_01J9ZK3T7Q-decision-go',
    type: 'decision.go',
    timestamp: '2026-12-01T10:00:00.000Z',
    subject: 'shop 2.4.0: GO for production',
    text: 'Every gate in front of production is open.',
    release: {
      project: 'shop',
      version: '2.4.0',
      id: 'rel_7',
      state: 'active',
      commit: '0123456789abcdef0123456789abcdef01234567',
      url: 'https://gonogo.example.org/projects/shop/releases/2.4.0',
    },
    decision: { outcome: 'go', gate: 'go-no-go' },
    links: [{ label: 'Changelog', url: 'https://git.example.org/shop/blob/main/CHANGELOG.md' }],
    ...overrides,
  };
}

/** A NO-GO whose texts carry HTML, Slack control sequences, a mention and an escape sequence. */
export function hostileMessage(): NotifyMessage {
  return sampleMessage({
    id: 'msg_hostile',
    type: 'decision.no-go',
    subject: 'shop 2.4.0 <script>alert(1)</script> <!channel> & <https://evil.example|click>',
    text: 'Blocked by <@U123> & <!here>\u001b[2J; see <a href="https://evil.example">this</a>',
    decision: { outcome: 'no-go', gate: 'go-no-go' },
    blockers: [
      {
        ref: '12',
        title: 'Security review <img src=https://tracker.example/p.gif>',
        why: 'no go from <!subteam^S123> & "qa-lead"',
      },
    ],
    links: [
      { label: 'Evil <b>', url: 'javascript:alert(1)' },
      { label: 'Runbook | <x>', url: 'https://wiki.example.org/runbook?a=1&b=<2>' },
    ],
  });
}

/** A production deployment of shop 2.4.0. */
export function deploymentMessage(): NotifyMessage {
  return sampleMessage({
    id: 'msg_deploy_1',
    type: 'deployment.succeeded',
    subject: 'shop 2.4.0 deployed to production',
    text: 'Deployed.',
    release: { ...sampleMessage().release, state: 'deployed' },
    decision: undefined,
    deployment: {
      environment: 'production',
      version: '2.4.0',
      commit: '0123456789abcdef0123456789abcdef01234567',
      at: '2026-12-01T10:05:00.000Z',
      id: 'dep_3',
    },
  });
}

/** An incident opened on the production deployment. */
export function incidentMessage(resolvedAt?: string): NotifyMessage {
  const base = deploymentMessage();
  return {
    ...base,
    id: resolvedAt ? 'msg_incident_resolved' : 'msg_incident_opened',
    type: resolvedAt ? 'incident.resolved' : 'incident.opened',
    subject: `shop 2.4.0: incident ${resolvedAt ? 'resolved' : 'opened'}`,
    incident: {
      id: 'inc_5',
      kind: 'incident',
      reason: 'error rate above 5%',
      openedAt: '2026-12-01T10:20:00.000Z',
      ...(resolvedAt ? { resolvedAt } : {}),
    },
  };
}
