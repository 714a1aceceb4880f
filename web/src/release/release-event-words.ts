/**
 * An event of the release's log in words for the timeline: what was done and to which item.
 * Plain text; React renders it as text.
 */
import type { ReleaseEvent, ReleaseItem } from '../web-api-types.ts';
import { stateWords } from '../web-format.ts';

type Payload = Record<string, unknown>;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * The words of one event, and its note when it has one.
 *
 * @example describeEvent(event, items) // { what: 'ticked #3 "Tests pass" done' }
 */
export function describeEvent(
  event: ReleaseEvent,
  items: ReleaseItem[],
): { what: string; item?: number; note?: string } {
  const p = (event.payload ?? {}) as Payload;
  const itemNo = typeof p.item === 'number' ? p.item : undefined;
  const item = items.find((i) => i.number === itemNo);
  const name = item ? `#${item.number} “${item.title}”` : itemNo ? `#${itemNo}` : 'an item';
  const note = text(p.note) ?? text(p.comment) ?? text(p.reason);
  const out = (what: string) => ({
    what,
    ...(itemNo !== undefined ? { item: itemNo } : {}),
    ...(note ? { note } : {}),
  });
  const to = text(p.to);
  switch (event.type) {
    case 'release.started':
      return out(`started release ${text(p.version) ?? ''}`);
    case 'item.state':
      if (p.action === 'check') {
        const evidence = (p.evidence ?? {}) as Payload;
        return out(`check ${text(evidence.result) ?? stateWords[to ?? ''] ?? to} on ${name}`);
      }
      if (to === 'done') return out(`ticked ${name} done`);
      if (to === 'pending') return out(`reset ${name} to open`);
      return out(`marked ${name} ${stateWords[to ?? ''] ?? to ?? '?'}`);
    case 'check.result':
      return out(`check ${text(p.result) ?? '?'} on ${name}, logged beside a person’s action`);
    case 'signoff.recorded': {
      const target = p.target as { kind?: string; id?: string } | undefined;
      return out(
        `signed ${p.verdict === 'go' ? 'go' : 'no-go'} as ${text(p.role) ?? '?'}${target?.id ? ` for ${target.kind === 'item' ? 'item' : 'gate'} ${target.id}` : ''}`,
      );
    }
    case 'decision.recorded':
      return out(`decided ${p.outcome === 'go' ? 'GO' : 'NO-GO'} for ${text(p.gate) ?? 'a gate'}`);
    case 'deployment.recorded':
      return out(`deployed to ${text(p.environment) ?? '?'} (${text(p.status) ?? '?'})`);
    case 'deployment.forced':
      return out(`forced the deployment to ${text(p.environment) ?? '?'} past NO-GO`);
    case 'rollback.recorded':
      return out(`rolled back ${text(p.environment) ?? '?'}`);
    case 'window.overridden':
      return out(`overrode the release window for ${text(p.gate) ?? 'a gate'}`);
    case 'release.retargeted':
      return out(`moved the release to commit ${(text(p.to) ?? '').slice(0, 7)}`);
    case 'release.state':
      return out(`release ${to ?? '?'}`);
    case 'release.resnapshot':
      return out('re-snapshot the playbook');
    case 'release.finished':
      return out('release finished');
    default:
      return out(event.type);
  }
}
