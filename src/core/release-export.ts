/**
 * Renders a release as a Markdown task list or a GitHub issue body. Pure. The Markdown is
 * written so that `gonogo playbook import` reads back the same items in the same order, and so
 * that no recorded text (a title, a note, a name) can add a line of its own: control
 * characters are removed, markup is escaped, and a note's further lines stay inside its bullet.
 */
import { stringify } from 'yaml';
import type { Playbook, PlaybookItem } from './playbook.ts';
import { acceptedStates } from './release-model.ts';
import type { Release, ReleaseItem, SignoffView } from './release-model.ts';
import { sanitizeText } from './text-safety.ts';

export interface ExportInput {
  release: Release;
  playbook: Playbook;
  items: ReleaseItem[];
  signoffs: SignoffView[];
}

/**
 * One line of recorded text as Markdown: control characters removed, line breaks marked (a
 * title or a name stays on its line), and markup escaped so it comes back word for word.
 */
function escapeMd(text: string): string {
  return escapeLine(sanitizeText(text, { oneLine: true }));
}

/** Escapes markup in a line, and what would make the line start a block of its own. */
function escapeLine(line: string): string {
  return line
    .replace(/([\\`*_[\]<>#|~])/g, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/^([-+=])/, '\\$1');
}

/**
 * Text of several lines (a note) as the lines of one bullet at `pad`: each escaped and trimmed,
 * the second and later indented under the bullet's text and joined by hard line breaks, so a
 * line such as `- [x] #9 Security review` is read as part of the note, never as an item.
 */
function bulletLines(pad: string, text: string): string[] {
  const lines = sanitizeText(text)
    .replace(/\t/g, ' ')
    .split('\n')
    .map((l) => escapeLine(l.trim()))
    .filter((l) => l.length > 0);
  return lines.map((l, i) => {
    const hardBreak = i < lines.length - 1 ? '\\' : '';
    return i === 0 ? `${pad}- ${l}${hardBreak}` : `${pad}  ${l}${hardBreak}`;
  });
}

function box(state: ReleaseItem['state']): string {
  return acceptedStates.includes(state) ? '[x]' : '[ ]';
}

function stateNote(item: ReleaseItem): string | undefined {
  const parts: string[] = [];
  if (item.state === 'na') parts.push('n/a');
  else if (item.state === 'waived') parts.push('waived');
  else if (item.state === 'failed') parts.push('failed');
  if (item.note) parts.push(item.note);
  if (item.evidence?.url) parts.push(String(item.evidence.url));
  if (item.updatedBy && item.state !== 'pending') parts.push(`by ${item.updatedBy}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/**
 * The release as a Markdown task list: phases as `##`, sections as `###`, items as `- [ ]`,
 * accepted items as `- [x]`, notes and evidence as nested bullets.
 *
 * @example exportMarkdown({ release, playbook, items, signoffs }).startsWith('# ')
 */
export function exportMarkdown(input: ExportInput): string {
  const { release, playbook, items } = input;
  const out: string[] = [];
  out.push(`# ${escapeMd(playbook.name)} ${release.version}`, '');
  const meta = [
    `Release ${release.version}`,
    release.type ? `type ${release.type}` : undefined,
    release.commit ? `commit ${release.commit.slice(0, 12)}` : undefined,
    `state ${release.state}`,
  ].filter(Boolean);
  out.push(`${escapeMd(meta.join(', '))}. Exported by gonogo.`, '');
  // The log's head in every copy: a later change to the log shows against this line.
  if (release.head) out.push(headLine(release.head), '');
  const byNumber = new Map(items.map((i) => [i.number, i]));
  const children = new Map<number, ReleaseItem[]>();
  for (const i of items)
    if (i.parent !== undefined) children.set(i.parent, [...(children.get(i.parent) ?? []), i]);

  const renderItem = (item: ReleaseItem, depth: number) => {
    const pad = '  '.repeat(depth);
    out.push(`${pad}- ${box(item.state)} ${escapeMd(item.title)}`);
    const note = stateNote(item);
    if (note) out.push(...bulletLines(`${pad}  `, note));
    for (const c of children.get(item.number) ?? []) renderItem(c, depth + 1);
  };

  const groups = groupItems(items.filter((i) => i.parent === undefined || !byNumber.has(i.parent)));
  const phaseTitle = (id: string) =>
    id === 'rollback'
      ? 'Rollback procedure'
      : (playbook.phases.find((p) => p.id === id)?.title ?? id);
  const sectionTitle = (phase: string, id: string) => {
    const sections =
      phase === 'rollback'
        ? playbook.rollback
        : playbook.phases.find((p) => p.id === phase)?.sections;
    return sections?.find((s) => s.id === id)?.title;
  };
  for (const [phase, sections] of groups) {
    out.push(`## ${escapeMd(phaseTitle(phase))}`, '');
    for (const [section, list] of sections) {
      const title = sectionTitle(phase, section);
      if (title) out.push(`### ${escapeMd(title)}`, '');
      for (const item of list) renderItem(item, 0);
      out.push('');
    }
  }
  // A release that has not been rolled back still shows its rollback procedure, unticked.
  if (!items.some((i) => i.rollback) && playbook.rollback.some((s) => s.items.length)) {
    out.push('## Rollback procedure', '');
    for (const s of playbook.rollback) {
      if (s.title) out.push(`### ${escapeMd(s.title)}`, '');
      const render = (list: PlaybookItem[], depth: number) => {
        for (const it of list) {
          out.push(`${'  '.repeat(depth)}- [ ] ${escapeMd(it.title)}`);
          if (it.items) render(it.items, depth + 1);
        }
      };
      render(s.items, 0);
      out.push('');
    }
  }
  const signoffs = input.signoffs;
  if (signoffs.length) {
    out.push('## Sign-offs', '');
    for (const s of signoffs) {
      out.push(
        `- ${escapeMd(playbook.roles[s.role] ?? s.role)}: ${s.verdict} by ${escapeMd(s.actor)} at ${s.at}${s.stale ? ' (stale: given for another commit)' : ''}${s.comment ? ` — ${escapeMd(s.comment)}` : ''}`,
      );
    }
    out.push('');
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

/**
 * The line naming the log's head: its number of events and the newest event's hash.
 *
 * @example headLine({ count: 14, hash: '3f2a…' }) // 'Event log: 14 events, head hash 3f2a…'
 */
export function headLine(head: { count: number; hash: string }): string {
  return `Event log: ${head.count} event${head.count === 1 ? '' : 's'}, head hash ${head.hash}.`;
}

/**
 * A GitHub issue body: the Markdown task list, with issue-template front matter when the
 * playbook was imported from one (its title pattern filled with the version).
 */
export function exportGithub(input: ExportInput): string {
  const meta = input.playbook.metadata;
  const body = exportMarkdown(input);
  if (!meta?.title && !meta?.labels) return body;
  const front: Record<string, unknown> = { name: input.playbook.name };
  if (meta.about) front.about = meta.about;
  if (meta.title) front.title = meta.title.replace(/<[^>]*>/g, input.release.version);
  front.labels = meta.labels ?? [];
  front.assignees = meta.assignees ?? [];
  return `---\n${stringify(front, { lineWidth: 0 })}---\n\n${body}`;
}

/** Items grouped by phase, then section, in number order. */
function groupItems(items: ReleaseItem[]): Map<string, Map<string, ReleaseItem[]>> {
  const groups = new Map<string, Map<string, ReleaseItem[]>>();
  for (const item of [...items].sort((a, b) => a.number - b.number)) {
    const phase = groups.get(item.phase) ?? new Map<string, ReleaseItem[]>();
    groups.set(item.phase, phase);
    phase.set(item.section, [...(phase.get(item.section) ?? []), item]);
  }
  return groups;
}
