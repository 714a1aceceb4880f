/**
 * Composes the message a channel gets: from the release's record, for an event it subscribed to
 * or for a performed `notify` item (a built-in message or a template with `{{fields}}`). Every
 * text from the record is masked (core/redact.ts) and stripped of control characters before it
 * goes into the message. The message id is a hash of the release, the event's position in its
 * log and the channel: the same for every retry (the receiver's `webhook-id`), different for
 * every channel and every event. Pure: time and the redactor are passed in.
 */
import type { BuiltInMessage, NotifyEventName } from './notify-channel.ts';
import { builtInMessages } from './notify-channel.ts';
import type { NotifyBlocker, NotifyMessage } from './notify-message.ts';
import { sha256 } from './hash.ts';
import type { EventPayloads } from './event-payloads.ts';
import type {
  Blocker,
  Decision,
  Deployment,
  Incident,
  Release,
  ReleaseEvent,
  ReleaseItem,
} from './release-model.ts';
import { sanitizeText } from './text-safety.ts';

/** What a message is built from: the release's record as it is after the event. */
export interface ComposeRecord {
  release: Release;
  items: ReleaseItem[];
  decisions: Decision[];
  deployments: Deployment[];
  incidents: Incident[];
  /** The blockers of the gate in front now (for `status` and `decision`), when known. */
  blockers?: Blocker[];
}

export interface ComposeInput {
  record: ComposeRecord;
  /** What happened: an event a channel subscribed to, or `notify.item`. */
  event: NotifyEventName;
  /** The recorded event that caused it (its payload gives the details, its seq the id). */
  trigger: Pick<ReleaseEvent, 'seq' | 'at' | 'actor' | 'type' | 'payload'>;
  channel: string;
  /** For `notify.item`: the item performed and its message (built-in name or template). */
  item?: { number: number; title: string; message: string };
  /** The release's page, when a server URL is known. */
  url?: string;
  /** Masks secrets in a text (core/redact.ts). */
  redact: (text: string) => string;
}

/**
 * The stable id of a message: the same release, log position and channel give the same id.
 *
 * @example messageId('0197…', 12, 'stakeholders') // 'msg_3f9c…' (always the same)
 */
export function messageId(releaseId: string, seq: number, channel: string): string {
  return `msg_${sha256(`${releaseId}\n${seq}\n${channel}`).slice(0, 32)}`;
}

/** True when `message` names a built-in message rather than being a template. */
export function isBuiltInMessage(message: string): message is BuiltInMessage {
  return (builtInMessages as readonly string[]).includes(message.trim());
}

/** The built-in message that tells about each subscribed event. */
const eventMessages: Partial<Record<NotifyEventName, BuiltInMessage>> = {
  'release.started': 'release-started',
  'decision.go': 'decision',
  'decision.no-go': 'decision',
  'deployment.succeeded': 'deployed',
  'rollback.started': 'rollback-started',
  'rollback.finished': 'rollback-finished',
  'release.finished': 'release-finished',
};

/**
 * The message for one channel.
 *
 * @example
 * composeMessage({ record, event: 'deployment.succeeded', trigger, channel: 'team', redact })
 * // { id: 'msg_…', type: 'deployment.succeeded', subject: 'shop 2.4.0 deployed to production', … }
 */
export function composeMessage(input: ComposeInput): NotifyMessage {
  const { record, trigger, redact } = input;
  const clean = (text: string, oneLine = false) => sanitizeText(redact(text), { oneLine });
  const r = record.release;
  const name = `${r.project} ${r.version}`;
  const deployment = lastDeployment(record, trigger);
  const incident = lastIncident(record, trigger);
  const decision = lastDecision(record, trigger);
  const fields = templateValues(input, deployment, decision);

  let subject: string;
  let text: string;
  if (input.item && !isBuiltInMessage(input.item.message)) {
    text = fillTemplate(input.item.message, fields);
    subject = `${name}: ${input.item.title}`;
  } else {
    const builtIn = input.item
      ? (input.item.message.trim() as BuiltInMessage)
      : eventMessages[input.event];
    const said = builtIn
      ? builtInWords(builtIn, input, fields)
      : eventWords(input.event, input, fields);
    subject = said.subject;
    text = said.text;
  }

  const blockers = (record.blockers ?? []).slice(0, 50).map((b): NotifyBlocker => ({
    ref: b.item !== undefined ? `#${b.item}` : b.role ? `role ${b.role}` : b.kind,
    title: clean(b.message, true),
    why: clean(b.kind, true),
  }));
  const message: NotifyMessage = {
    id: messageId(r.id, trigger.seq, input.channel),
    type: input.event,
    timestamp: trigger.at,
    subject: clean(subject, true).slice(0, 300),
    text: clean(text).slice(0, 8000),
    release: {
      project: clean(r.project, true),
      version: clean(r.version, true),
      id: r.id,
      state: r.state,
      ...(r.commit ? { commit: clean(r.commit, true) } : {}),
      ...(input.url ? { url: input.url } : {}),
    },
  };
  if (decision) message.decision = { outcome: decision.outcome, gate: clean(decision.gate, true) };
  if (blockers.length) message.blockers = blockers;
  if (deployment)
    message.deployment = {
      environment: clean(deployment.environment, true),
      version: clean(deployment.version, true),
      ...(deployment.commit ? { commit: clean(deployment.commit, true) } : {}),
      at: deployment.startedAt,
      id: deployment.id,
    };
  if (incident)
    message.incident = {
      id: incident.id,
      kind: incident.kind,
      reason: clean(incident.reason, true),
      openedAt: incident.openedAt,
      ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt } : {}),
    };
  if (input.url) message.links = [{ label: 'Release', url: input.url }];
  return message;
}

type Fields = Record<string, string>;

function templateValues(
  input: ComposeInput,
  deployment: Deployment | undefined,
  decision: Decision | undefined,
): Fields {
  const r = input.record.release;
  const blockers = (input.record.blockers ?? []).map((b) => b.message);
  return {
    project: r.project,
    version: r.version,
    state: r.state,
    commit: r.commit ? r.commit.slice(0, 12) : '(no commit)',
    environment: deployment?.environment ?? '(not deployed)',
    decision: decision ? decision.outcome.toUpperCase() : '(no decision yet)',
    blockers: blockers.length ? blockers.join('; ') : 'none',
    url: input.url ?? '',
    notes: '',
    actor: input.trigger.actor,
  };
}

/**
 * A template with its `{{fields}}` filled in; an unknown field is left as written (the
 * playbook's lint reports it).
 *
 * @example fillTemplate('{{project}} {{version}} is out', { project: 'shop', version: '2.4.0' }) // 'shop 2.4.0 is out'
 */
export function fillTemplate(template: string, fields: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, field: string) =>
    Object.hasOwn(fields, field) ? fields[field]! : whole,
  );
}

function builtInWords(
  name: BuiltInMessage,
  input: ComposeInput,
  f: Fields,
): { subject: string; text: string } {
  const r = input.record.release;
  const who = `Recorded by ${input.trigger.actor}.`;
  const n = `${f.project} ${f.version}`;
  switch (name) {
    case 'release-started':
      return {
        subject: `${n}: release started`,
        text: `Release ${f.version} of ${f.project} has started at commit ${f.commit}: ${progress(input.record)}. ${who}`,
      };
    case 'maintenance-notice':
      return {
        subject: `${n}: maintenance ahead`,
        text: `${f.project} ${f.version} is about to be deployed${deployTarget(input)}. Expect a short maintenance window; we will tell you when it is done.`,
      };
    case 'decision': {
      const d = lastDecision(input.record, input.trigger);
      if (!d)
        return {
          subject: `${n}: no decision yet`,
          text: `No go/no-go decision has been recorded for ${n} yet.`,
        };
      const blockers = d.blockers.length
        ? ` Blockers: ${d.blockers.map((b) => b.message).join('; ')}.`
        : '';
      return {
        subject: `${n}: ${d.outcome.toUpperCase()} for ${d.gate}`,
        text: `${d.outcome === 'go' ? 'GO' : 'NO-GO'} for gate ${d.gate} of ${n}, decided by ${d.actor}.${blockers}`,
      };
    }
    case 'deployed': {
      const d = lastDeployment(input.record, input.trigger);
      return d
        ? {
            subject: `${n} deployed to ${d.environment}`,
            text: `${n} (commit ${f.commit}) was deployed to ${d.environment} by ${d.actor}.`,
          }
        : { subject: `${n}: not deployed yet`, text: `${n} has no deployment recorded yet.` };
    }
    case 'release-finished':
      return {
        subject: `${n}: release finished`,
        text: `Release ${f.version} of ${f.project} is finished: ${progress(input.record)}. ${who}`,
      };
    case 'rollback-started': {
      const inc = lastIncident(input.record, input.trigger);
      const d = inc && input.record.deployments.find((x) => x.id === inc.deploymentId);
      return {
        subject: `${n}: rollback started${d ? ` in ${d.environment}` : ''}`,
        text: `${n} is being rolled back${d ? ` in ${d.environment}` : ''}${inc ? `: ${inc.reason}` : ''}. ${who}`,
      };
    }
    case 'rollback-finished': {
      const inc = lastIncident(input.record, input.trigger);
      return {
        subject: `${n}: rollback finished`,
        text: `The rollback of ${n} is complete${inc?.resolvedAt ? ` (resolved ${inc.resolvedAt})` : ''}. ${who}`,
      };
    }
    case 'release-notes':
      return {
        subject: `${n}: release notes`,
        text:
          f.notes ||
          `Release ${f.version} of ${f.project}${r.commit ? ` at commit ${f.commit}` : ''}.`,
      };
    case 'status':
      return {
        subject: `${n}: ${r.state}`,
        text: `${n} is ${r.state}: ${progress(input.record)}. Blockers: ${f.blockers}.`,
      };
  }
}

function eventWords(
  event: NotifyEventName,
  input: ComposeInput,
  f: Fields,
): { subject: string; text: string } {
  const n = `${f.project} ${f.version}`;
  const t = input.trigger;
  if (t.type === 'signoff.recorded') {
    const p = t.payload as EventPayloads['signoff.recorded'];
    const target = p.target
      ? `${p.target.kind === 'gate' ? 'gate' : 'item'} ${p.target.id}`
      : 'the release';
    const comment = p.comment ? `: ${p.comment}` : '';
    return {
      subject: `${n}: ${p.role} said ${p.verdict.toUpperCase()}`,
      text: `${t.actor} signed ${p.verdict.toUpperCase()} as ${p.role} for ${target}${comment}.`,
    };
  }
  if (t.type === 'item.state') {
    const p = t.payload as EventPayloads['item.state'];
    const item = input.record.items.find((i) => i.number === p.item);
    const title = item ? `#${p.item} ${item.title}` : `#${p.item}`;
    const note = p.note ? `: ${p.note}` : '';
    return {
      subject: `${n}: ${title} failed`,
      text: `${title} failed${note}. It blocks the release until it passes, is waived or marked n/a.`,
    };
  }
  if (t.type === 'watch.measured') {
    const p = t.payload as EventPayloads['watch.measured'];
    const item = input.record.items.find((i) => i.number === p.item);
    return {
      subject: `${n}: watch #${p.item} failed`,
      text: `The watch ${item ? `"${item.title}" ` : ''}failed${p.reason ? `: ${p.reason}` : ''}${p.value !== undefined ? ` (value ${p.value})` : ''}. Consider a rollback.`,
    };
  }
  return { subject: `${n}: ${event}`, text: `${event} for ${n}.` };
}

function progress(record: ComposeRecord): string {
  const accepted = record.items.filter((i) =>
    ['done', 'passed', 'na', 'waived'].includes(i.state),
  ).length;
  return `${accepted} of ${record.items.length} items accepted`;
}

function deployTarget(input: ComposeInput): string {
  const next = input.record.deployments.at(-1);
  return next ? ` (last deployed to ${next.environment})` : '';
}

/** The newest deployment recorded at or before the trigger. */
function lastDeployment(
  record: ComposeRecord,
  trigger: ComposeInput['trigger'],
): Deployment | undefined {
  if (trigger.type === 'deployment.recorded') {
    const id = (trigger.payload as EventPayloads['deployment.recorded']).id;
    const d = record.deployments.find((x) => x.id === id);
    if (d) return d;
  }
  return record.deployments.filter((d) => d.status === 'succeeded').at(-1);
}

function lastIncident(
  record: ComposeRecord,
  trigger: ComposeInput['trigger'],
): Incident | undefined {
  if (trigger.type === 'rollback.recorded') {
    const id = (trigger.payload as EventPayloads['rollback.recorded']).incident;
    const inc = record.incidents.find((x) => x.id === id);
    if (inc) return inc;
  }
  if (trigger.type === 'incident.opened') {
    const id = (trigger.payload as EventPayloads['incident.opened']).incident;
    const inc = record.incidents.find((x) => x.id === id);
    if (inc) return inc;
  }
  if (trigger.type === 'incident.resolved') {
    const ids = (trigger.payload as EventPayloads['incident.resolved']).incidents;
    const inc = record.incidents.find((x) => x.id === ids.at(-1));
    if (inc) return inc;
  }
  return record.incidents.at(-1);
}

function lastDecision(
  record: ComposeRecord,
  trigger: ComposeInput['trigger'],
): Decision | undefined {
  if (trigger.type === 'decision.recorded') {
    const gate = (trigger.payload as EventPayloads['decision.recorded']).gate;
    const d = record.decisions.filter((x) => x.gate === gate).at(-1);
    if (d) return d;
  }
  return record.decisions.at(-1);
}
