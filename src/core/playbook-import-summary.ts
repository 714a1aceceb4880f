/**
 * The import summary: what became of every heading of the checklist (a phase, a section, a
 * note, a release type's steps, metrics, rollback criteria or procedure, or dropped and why),
 * the blanks left to fill, and the roles that anyone may act as until members are named.
 * Data for `--json`, and one line of words per entry for people.
 */
import type { Blank } from './playbook-import-blanks.ts';
import type { Condition } from './playbook-import-words.ts';

/** What a heading (or a block of a text without headings) became. */
export type Became =
  | 'title'
  | 'phase'
  | 'section'
  | 'group'
  | 'note'
  | 'release-types'
  | 'release-type'
  | 'metrics'
  | 'rollback-criteria'
  | 'rollback'
  | 'dropped';

export interface HeadingFate {
  line: number;
  /** 1 to 6 for `#` to `######`; 0 for a block of bullets without a heading. */
  depth: number;
  heading: string;
  became: Became;
  /** Items it holds (sub-items included), for phases, sections, groups and rollback steps. */
  items?: number;
  /** Of those, items a check verifies. */
  checks?: number;
  /** Sections below it (phases and groups). */
  sections?: number;
  /** Metrics, rollback criteria or a release type's steps. */
  count?: number;
  /** The metric ids it defined. */
  metrics?: string[];
  /** The release type of its steps; the release types it lists. */
  type?: string;
  types?: string[];
  /** The note it became, or is part of. */
  note?: string;
  due?: string;
  /** Due points some of its items have of their own. */
  itemsDue?: string[];
  when?: Condition;
  gate?: string[];
  /** Why it was dropped. */
  reason?: string;
  /** What became of it, in words: `section (8 items, 6 checks), due +24h`. */
  summary: string;
}

/** A role a gate or sign item names that has no members: anyone may act as it. */
export interface RoleFlag {
  role: string;
  name: string;
  /** Where the playbook asks for it. */
  usedBy: ('gate' | 'sign' | 'window override')[];
  message: string;
}

/** A line the importer made a watch, where it is, and what the watch needs. */
export interface PlacedWatch {
  line: number;
  col: number;
  title: string;
  metric: string;
  for: string;
}

/** A line the importer made a notify item, where it is, whom it tells and with what. */
export interface PlacedNotify {
  line: number;
  col: number;
  title: string;
  /** The channels it sends to. */
  to: string[];
  /** The built-in message it sends. */
  message: string;
}

/** A channel the notify items send to, declared in the YAML for the team to point. */
export interface ChannelToConfigure {
  name: string;
  type: 'slack' | 'webhook' | 'email';
  /** The environment variable that must hold its URL. */
  env?: string;
  /** How many notify items send to it. */
  items: number;
}

export interface ImportReport {
  headings: HeadingFate[];
  /** Placeholders left in the checklist (at most 200; `blanksTotal` counts all). */
  blanks: Blank[];
  blanksTotal: number;
  roles: RoleFlag[];
  /** Monitoring lines that became watches, with what each needs. */
  watches?: PlacedWatch[];
  /** Communication lines that became notify items. */
  notifies?: PlacedNotify[];
  /** The channels those items send to: each must be pointed somewhere before it can send. */
  channels?: ChannelToConfigure[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function describeWhen(when: Condition | undefined): string {
  if (!when) return '';
  const parts: string[] = [];
  if (when.type) parts.push(`${when.type.join('/')} releases only`);
  if (when.environment) parts.push(`${when.environment.join('/')} only`);
  return parts.join(', ');
}

function itemCounts(f: Pick<HeadingFate, 'items' | 'checks'>): string {
  const parts = [plural(f.items ?? 0, 'item')];
  if (f.checks) parts.push(plural(f.checks, 'check'));
  return parts.join(', ');
}

/**
 * The words for what became of a heading, from the other fields of its fate.
 *
 * @example describeFate({ line: 9, depth: 3, heading: 'First Hour', became: 'section', items: 5, due: '+1h', summary: '' }) // 'section (5 items), due +1h'
 */
export function describeFate(f: Omit<HeadingFate, 'summary'>): string {
  let text: string;
  switch (f.became) {
    case 'title':
      text = 'playbook name';
      break;
    case 'phase':
      text = `phase (${itemCounts(f)}${f.sections ? ` in ${plural(f.sections, 'section')}` : ''})`;
      break;
    case 'section':
      text = `section (${itemCounts(f)})`;
      break;
    case 'group':
      text = `heading of ${plural(f.sections ?? 0, 'section')} (${itemCounts(f)})`;
      break;
    case 'note':
      text = f.note === undefined ? 'headings of the notes below' : `note "${f.note}"`;
      break;
    case 'release-types':
      text = `release types ${(f.types ?? []).join(', ') || '(none)'}`;
      if (f.note) text += `, its text a note "${f.note}"`;
      break;
    case 'release-type':
      text = `release type "${f.type}": a section for ${f.type} releases only (${plural(f.count ?? 0, 'step')})`;
      break;
    case 'metrics':
      text = `metrics (${f.count ?? 0}${f.metrics?.length ? `: ${f.metrics.join(', ')}` : ''})`;
      break;
    case 'rollback-criteria':
      text = `rollback criteria (${f.count ?? 0})`;
      break;
    case 'rollback':
      text = `rollback procedure (${itemCounts(f)})`;
      break;
    case 'dropped':
      text = `dropped: ${f.reason ?? 'nothing to keep'}`;
      break;
  }
  const extra = [
    f.gate ? `go/no-go gate before it (${f.gate.join(', ') || 'the sign-offs above'})` : '',
    f.due ? `due ${f.due}` : '',
    f.itemsDue ? `follow-ups due ${f.itemsDue.join(', ')}` : '',
    describeWhen(f.when),
  ].filter(Boolean);
  return extra.length ? `${text}, ${extra.join(', ')}` : text;
}

/**
 * The report as lines for people: every heading with what became of it, the blanks to fill,
 * and the roles anyone may act as. Text from the checklist is shown without control characters.
 *
 * @example describeReport(report) // ['what became of each heading:', '  1 # Release → playbook name', ...]
 */
export function describeReport(report: ImportReport): string[] {
  // eslint-disable-next-line no-control-regex
  const printable = (t: string) => t.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  const out: string[] = [];
  if (report.headings.length) {
    out.push('what became of each heading (line: heading → fate):');
    for (const f of report.headings) {
      const mark = f.depth ? `${'#'.repeat(f.depth)} ` : '(block) ';
      out.push(`  ${f.line}: ${mark}${printable(f.heading)} → ${printable(f.summary)}`);
    }
  }
  if (report.blanks.length) {
    out.push('blanks to fill (line:column):');
    for (const b of report.blanks)
      out.push(`  ${b.line}:${b.col}: ${printable(b.text)} in "${printable(b.context)}"`);
    if (report.blanksTotal > report.blanks.length)
      out.push(`  … and ${report.blanksTotal - report.blanks.length} more`);
  }
  if (report.watches?.length) {
    out.push('watches (line:column: what it watches → what it needs):');
    for (const w of report.watches)
      out.push(
        `  ${w.line}:${w.col}: "${printable(w.title)}" → watch ${w.metric} for ${w.for}: needs metrics.${w.metric}.query (PromQL) and prometheus.url (or GONOGO_PROMETHEUS_URL)`,
      );
  }
  if (report.notifies?.length) {
    out.push('notify items (line:column: what it says → channel: message):');
    for (const n of report.notifies)
      out.push(`  ${n.line}:${n.col}: "${printable(n.title)}" → ${n.to.join(', ')}: ${n.message}`);
  }
  if (report.channels?.length) {
    out.push(
      'channels to configure (notify: in the playbook; until then their items cannot send):',
    );
    for (const c of report.channels)
      out.push(
        `  ${c.name}: ${c.type}${c.env ? `, set ${c.env}` : ''} (${plural(c.items, 'item')})`,
      );
  }
  if (report.roles.length) {
    out.push('roles without members:');
    for (const r of report.roles) out.push(`  ${printable(r.message)}`);
  }
  return out;
}
