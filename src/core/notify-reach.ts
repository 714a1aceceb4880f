/**
 * When a release "reaches" a `notify` item marked `when_reached: true`, so gonogo performs it by
 * itself (issue 11). Pure. An item of the rollback procedure is reached once a rollback added
 * it and every required procedure item before it (in playbook order) is accepted. Any other
 * item is reached when every required item before it in playbook order (rollback items aside)
 * is accepted and every gate in front of it has been passed: its newest recorded decision is GO,
 * or a succeeded deployment went past it (`deploy ENV` re-evaluates the gates in front of ENV).
 */
import type { NotifyEventName } from './notify-channel.ts';
import type { EventPayloads } from './event-payloads.ts';
import type { Playbook } from './playbook.ts';
import { gatesInFront } from './gate-deployment.ts';
import { listGates, rankItems, standsBefore } from './gate.ts';
import { acceptedStates } from './release-model.ts';
import type { Decision, Deployment, Release, ReleaseEvent, ReleaseItem } from './release-model.ts';

export interface ReachRecord {
  release: Pick<Release, 'type'>;
  playbook: Playbook;
  items: ReleaseItem[];
  decisions: Decision[];
  deployments: Deployment[];
}

/**
 * The pending `when_reached` notify items the release has reached, in playbook order.
 *
 * @example reachedNotifyItems(record).map((i) => i.number) // [4]: everything before #4 is done
 */
export function reachedNotifyItems(record: ReachRecord): ReleaseItem[] {
  const waiting = record.items.filter(
    (i) => i.kind === 'notify' && i.spec.whenReached && i.state === 'pending',
  );
  if (!waiting.length) return [];
  const ranks = rankItems(record.playbook, record.items);
  const passed = passedGates(record);
  const gates = listGates(record.playbook, record.items, record.release.type);
  const out = waiting.filter((item) => {
    const before = record.items.filter(
      (o) =>
        o.rollback === item.rollback &&
        o.number !== item.number &&
        standsBefore(ranks, o.number, item.number),
    );
    if (before.some((o) => !o.optional && !acceptedStates.includes(o.state))) return false;
    if (item.rollback) return true;
    return gates
      .filter(
        (g) => g.beforeNumber === item.number || standsBefore(ranks, g.beforeNumber, item.number),
      )
      .every((g) => passed.has(g.id));
  });
  return out.sort((a, b) => ranks.get(a.number)! - ranks.get(b.number)!);
}

/** Gates whose newest decision is GO, and those a succeeded deployment went past. */
function passedGates(record: ReachRecord): Set<string> {
  const newest = new Map<string, Decision>();
  for (const d of record.decisions) newest.set(d.gate, d);
  const passed = new Set([...newest].filter(([, d]) => d.outcome === 'go').map(([g]) => g));
  const envs = new Set(
    record.deployments.filter((d) => d.status === 'succeeded').map((d) => d.environment),
  );
  for (const env of envs)
    for (const g of gatesInFront(record.playbook, record.items, env, record.release.type).gates)
      passed.add(g.id);
  return passed;
}

/**
 * The notification events a recorded event stands for (none for most): what channels subscribe
 * to with `events:`.
 *
 * @example notifyEventsOf({ type: 'decision.recorded', payload: { outcome: 'go', … } }) // ['decision.go']
 */
export function notifyEventsOf(event: Pick<ReleaseEvent, 'type' | 'payload'>): NotifyEventName[] {
  switch (event.type) {
    case 'release.started':
      return ['release.started'];
    case 'item.state': {
      const p = event.payload as EventPayloads['item.state'];
      return p.to === 'failed' && p.from !== 'failed' ? ['blocker.appeared'] : [];
    }
    case 'signoff.recorded': {
      const p = event.payload as EventPayloads['signoff.recorded'];
      if (p.carried) return [];
      return p.verdict === 'no-go' ? ['signoff.given', 'blocker.appeared'] : ['signoff.given'];
    }
    case 'decision.recorded':
      return (event.payload as EventPayloads['decision.recorded']).outcome === 'go'
        ? ['decision.go']
        : ['decision.no-go'];
    case 'deployment.recorded':
      return (event.payload as EventPayloads['deployment.recorded']).status === 'succeeded'
        ? ['deployment.succeeded']
        : [];
    case 'watch.measured':
      return (event.payload as EventPayloads['watch.measured']).outcome === 'failed'
        ? ['watch.failed']
        : [];
    case 'rollback.recorded':
      return ['rollback.started'];
    case 'rollback.completed':
      return ['rollback.finished'];
    case 'release.finished':
      return ['release.finished'];
    case 'incident.opened':
      return ['incident.opened'];
    case 'incident.resolved':
      return ['incident.resolved'];
    default:
      return [];
  }
}
