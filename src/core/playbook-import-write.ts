/**
 * The last steps of the checklist importer: items with their keys in reading order, counts,
 * the commands written as checks, the issue template's metadata, and the readable YAML text.
 */
import { Document, isScalar, isSeq, visit } from 'yaml';
import type { RawItem, RawPlaybook } from './playbook-schema.ts';

/** Counts of a list of items, sub-items included. */
export interface ItemCounts {
  items: number;
  sign: number;
  optional: number;
  suggestedRuns: number;
  /** Items that got a suggested `check:` and so run by themselves. */
  automated: number;
}

/**
 * Counts items, sub-items included.
 *
 * @example countItems([{ title: 'a', check: 'changelog' }]).automated // 1
 */
export function countItems(items: RawItem[] | undefined): ItemCounts {
  const c = { items: 0, sign: 0, optional: 0, suggestedRuns: 0, automated: 0 };
  const walk = (list: RawItem[] | undefined) => {
    for (const it of list ?? []) {
      c.items++;
      if (it.sign !== undefined) c.sign++;
      if (it.optional) c.optional++;
      if (it.suggest?.run) c.suggestedRuns++;
      if (it.check !== undefined) c.automated++;
      walk(it.items);
    }
  };
  walk(items);
  return c;
}

/**
 * An item with its keys in reading order: what it is, whether it must be done and when, who
 * signs, then the rest.
 *
 * @example orderItem({ check: 'changelog', title: 'Changelog' }) // { title: 'Changelog', check: 'changelog' }
 */
export function orderItem(it: RawItem): RawItem {
  const out: RawItem = { title: it.title };
  if (it.optional) out.optional = true;
  if (it.when !== undefined) out.when = it.when;
  if (it.due !== undefined) out.due = it.due;
  if (it.deploys !== undefined) out.deploys = it.deploys;
  if (it.sign !== undefined) out.sign = it.sign;
  if (it.check !== undefined) out.check = it.check;
  if (it.watch !== undefined) out.watch = it.watch;
  if (it.notify !== undefined) out.notify = it.notify;
  if (it.when_reached !== undefined) out.when_reached = it.when_reached;
  if (it.details !== undefined) out.details = it.details;
  if (it.suggest !== undefined) out.suggest = it.suggest;
  if (it.items?.length) out.items = it.items.map(orderItem);
  return out;
}

/** A text cut to `max` characters, marked with "…". */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Every command the playbook runs as a check, with its item's title.
 *
 * @example commandChecksOf(raw) // [{ title: 'Tests pass (`npm test`)', command: 'npm test' }]
 */
export function commandChecksOf(raw: RawPlaybook): { title: string; command: string }[] {
  const out: { title: string; command: string }[] = [];
  const walk = (items: RawItem[] | undefined) => {
    for (const it of items ?? []) {
      const check = it.check;
      if (check && typeof check === 'object' && 'command' in check) {
        const c = check.command as string | { run: string };
        out.push({ title: it.title, command: typeof c === 'string' ? c : c.run });
      }
      walk(it.items);
    }
  };
  for (const p of raw.phases) {
    walk(p.items);
    for (const s of p.sections ?? []) walk(s.items);
  }
  const rb = raw.rollback;
  if (rb && !Array.isArray(rb)) {
    walk(rb.items);
    for (const s of rb.sections ?? []) walk(s.items);
  }
  return out;
}

/**
 * The playbook's `metadata:` from an issue template's front matter, and the source file name.
 *
 * @example metadataOf({ labels: 'release, ops' }, 'a/RELEASE.md') // { labels: ['release', 'ops'], source: 'RELEASE.md' }
 */
export function metadataOf(
  fm: Record<string, unknown> | undefined,
  file: string,
): NonNullable<RawPlaybook['metadata']> {
  const out: NonNullable<RawPlaybook['metadata']> = {};
  const str = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  const strings = (v: unknown): string[] | undefined => {
    if (Array.isArray(v)) return v.map(str).filter((x): x is string => x !== undefined);
    const s = str(v);
    return s === undefined
      ? undefined
      : s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
  };
  const title = str(fm?.['title']);
  const about = str(fm?.['about']);
  const labels = strings(fm?.['labels']);
  const assignees = strings(fm?.['assignees']);
  if (title !== undefined) out.title = title;
  if (about !== undefined) out.about = about;
  if (labels) out.labels = labels;
  if (assignees) out.assignees = assignees;
  out.source = file.split(/[\\/]/).filter(Boolean).pop() ?? file;
  return out;
}

/** Short lists of names read best on one line: `sign: [team-lead, qa]`. */
const flowKeys = new Set([
  'sign',
  'gate',
  'labels',
  'assignees',
  'environments',
  'types',
  'deny',
  'type',
  'environment',
  'deploys',
]);

/**
 * The playbook as readable YAML: a header comment naming the source file (and, when some roles
 * have no members, who may act as them), block style, flow style for short name lists.
 *
 * @example renderYaml(raw, 'RELEASE.md').startsWith('# gonogo playbook imported from RELEASE.md') // true
 */
export function renderYaml(raw: RawPlaybook, file: string): string {
  const doc = new Document(raw);
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && flowKeys.has(String(pair.key.value)) && isSeq(pair.value))
        pair.value.flow = true;
    },
  });
  const name = file.replace(/[\r\n]+/g, ' ');
  const lines = [
    ` gonogo playbook imported from ${name} by \`gonogo playbook import\``,
    ' suggest: entries are commands found in the checklist; gonogo shows them and never runs them unasked.',
  ];
  const roles = Object.keys(raw.roles ?? {});
  if (roles.length) {
    const [first] = roles;
    lines.push(
      ' roles: anyone may act as a role until its members are named, e.g.',
      `   ${first}: { name: ${JSON.stringify(roleName(raw, first!))}, members: [alice@example.com] }`,
    );
  }
  if (raw.notify && Object.keys(raw.notify).length) {
    lines.push(
      ' notify: the audiences the checklist tells, each reading its URL from the environment variable',
      '   named (unset, its items cannot send and say so); make one type: email with to: [...] as fits.',
      '   events: [] keeps a channel to its items; name events (deployment.succeeded, ...) to hear more.',
      '   A notify item sends when someone runs `gonogo notify REF`; when_reached: true sends it by itself.',
    );
  }
  doc.commentBefore = lines.join('\n');
  // Multi-line text (notes, commands) stays as written, line for line.
  return doc.toString({ lineWidth: 100, flowCollectionPadding: false, blockQuote: 'literal' });
}

function roleName(raw: RawPlaybook, id: string): string {
  const v = raw.roles?.[id];
  return typeof v === 'string' ? v : (v?.name ?? id);
}
