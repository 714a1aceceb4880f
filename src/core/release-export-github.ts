/**
 * A release as a GitHub issue body: issue-template front matter when the playbook came from
 * one, an alert for a release that did not end well, summary tables, the checklist as task
 * lists (ticked only for done and passed by check), long evidence and the checklist's code
 * foldLines into `<details>`, and the history as tables. Pure.
 */
import { stringify } from 'yaml';
import {
  countByPhase,
  listDeploymentEntries,
  describeGate,
  describeReleaseState,
  shortenCommit,
  listSignoffHistory,
} from './release-export.ts';
import type { ExportInput } from './release-export.ts';
import {
  writeAudit,
  writeChecklist,
  deploymentWords,
  chooseInlineOptions,
  writeInline,
  nameSigner,
  describeStanding,
  writeSummary,
} from './release-export-markdown.ts';
import type { MarkdownStyle } from './release-export-markdown.ts';
import { quoteCode, formatTime, escapeHeading, joinBlocks } from './release-export-text.ts';
import type { ReleaseNotes } from './release-notes-parse.ts';
import { renderReleaseNotes } from './release-notes-render.ts';
import { sanitizeText } from './text-safety.ts';

const style: MarkdownStyle = { github: true };
const cellOpts = { cell: true, math: true };
/** Recorded text as a writeTable cell: one line, `|` escaped. */
const cell = (text: string) => writeInline(text, cellOpts);
const cellCode = (text: string) => quoteCode(text, { cell: true });

function writeTable(header: string[], rows: string[][], align?: ('l' | 'r')[]): string[] {
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`);
}

/** The issue template's front matter: name, about, title (filled with the version), labels, assignees. */
function writeFrontMatter(input: ExportInput): string[] {
  const meta = input.playbook.metadata;
  if (!meta?.title && !meta?.labels) return [];
  const clean = (s: string) => sanitizeText(s, { oneLine: true });
  const front: Record<string, unknown> = { name: clean(input.playbook.name) };
  if (meta.about) front.about = clean(meta.about);
  if (meta.title) front.title = clean(meta.title.replace(/<[^>]*>/g, input.release.version));
  front.labels = (meta.labels ?? []).map(clean);
  front.assignees = (meta.assignees ?? []).map(clean);
  return ['---', ...stringify(front, { lineWidth: 0 }).trimEnd().split('\n'), '---', ''];
}

/** A GitHub alert for a release that was rolled back, abandoned or superseded. */
function writeAlert(input: ExportInput): string[] {
  const { release } = input;
  const kinds: Partial<Record<string, string>> = {
    'rolled-back': 'CAUTION',
    abandoned: 'WARNING',
    superseded: 'NOTE',
  };
  const rolledBack = (input.incidents ?? []).filter((i) => i.kind === 'rollback');
  const kind = kinds[release.state] ?? (rolledBack.length ? 'CAUTION' : undefined);
  if (!kind) return [];
  const o = chooseInlineOptions(style);
  const state = describeReleaseState(release);
  const lines: string[] = [];
  // A rolled-back release says so through its rollbacks, which name the environment.
  if (kinds[release.state] && !(release.state === 'rolled-back' && rolledBack.length)) {
    const who = state.by ? ` by ${writeInline(state.by, o)}` : '';
    const when = state.at ? ` at ${formatTime(state.at)}` : '';
    lines.push(
      `**${state.words}**${who}${when}${state.reason ? `: ${writeInline(state.reason, o)}` : ''}`,
    );
    if (release.supersededBy)
      lines.push(`Superseded by release ${writeInline(release.supersededBy, o)}.`);
  }
  for (const i of rolledBack) {
    const env = input.deployments?.find((d) => d.id === i.deploymentId)?.environment ?? '?';
    lines.push(
      `**${writeInline(env, o)} rolled back** by ${writeInline(i.actor, o)} at ${formatTime(i.openedAt)}: ${writeInline(i.reason, o)}`,
    );
  }
  return [`> [!${kind}]`, ...lines.flatMap((l, i) => (i ? ['>', `> ${l}`] : [`> ${l}`])), ''];
}

/** Items per phase and state, as a writeTable. */
function writeProgressTable(input: ExportInput): string[] {
  const rows = countByPhase(input).map((r) => [
    cell(r.title),
    String(r.total),
    String(r.counts.done),
    String(r.counts.passed),
    String(r.counts.waived),
    String(r.counts.na),
    String(r.counts.failed),
    String(r.counts.pending + r.counts.running),
  ]);
  return writeTable(
    ['Phase', 'Items', 'Done', 'Passed by check', 'Waived', 'N/A', 'Failed', 'Open'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

function writeHistoryTables(input: ExportInput): string[] {
  const { playbook } = input;
  const o = { ...chooseInlineOptions(style), cell: true };
  const out: string[] = [];

  out.push('## Sign-offs', '');
  const groups = listSignoffHistory(input).filter((g) => g.entries.length || g.label);
  const rows = groups.flatMap((g) =>
    g.entries.length
      ? g.entries.map((e) => [
          g.label ? cell(g.label) : 'no gate named',
          formatTime(e.at),
          `**${e.verdict}**`,
          nameSigner(e, input, o),
          e.commit ? cellCode(shortenCommit(e.commit)) : '',
          cell(e.comment ?? ''),
          describeStanding(e),
        ])
      : [[cell(g.label ?? ''), '', 'none given', cell(g.roles.join(', ')), '', '', '']],
  );
  if (rows.length)
    out.push(
      ...writeTable(
        ['Gate / item', 'Time', 'Verdict', 'By', 'Commit', 'Comment', 'Standing'],
        rows,
      ),
      '',
    );
  else out.push('No sign-offs recorded.', '');

  out.push('## Decisions', '');
  const decisions = input.decisions ?? [];
  if (!decisions.length) out.push('No decisions recorded.', '');
  else {
    out.push(
      ...writeTable(
        ['Time', 'Gate', 'Outcome', 'By', 'Commit', 'Blockers'],
        decisions.map((d) => [
          formatTime(d.at),
          cell(describeGate(playbook, d.gate)),
          `**${d.outcome === 'go' ? 'GO' : 'NO-GO'}**`,
          cell(d.actor),
          d.commit ? cellCode(shortenCommit(d.commit)) : '',
          [
            ...d.blockers.map((b) => cell(b.message)),
            ...(d.override
              ? [`window overridden by ${cell(d.override.by)}: ${cell(d.override.reason)}`]
              : []),
          ].join('<br>'),
        ]),
      ),
      '',
    );
  }

  out.push('## Deployments', '');
  const entries = listDeploymentEntries(input);
  if (!entries.length) out.push('No deployments recorded.', '');
  else {
    out.push(
      ...writeTable(
        ['Time', 'Environment', 'Status', 'By', 'Commit', 'Forced past NO-GO'],
        entries.map(({ deployment: d, forced }) => [
          formatTime(d.startedAt),
          cell(d.environment),
          deploymentWords[d.status] ?? d.status,
          cell(d.actor),
          d.commit ? cellCode(shortenCommit(d.commit)) : '',
          forced
            ? `by ${cell(forced.actor)} as ${cell(playbook.roles[forced.role] ?? forced.role)}: ${cell(forced.reason)}`
            : '',
        ]),
      ),
      '',
    );
  }

  out.push('## Rollbacks and incidents', '');
  const incidents = entries.flatMap((e) => e.rollbacks.map((i) => ({ i, d: e.deployment })));
  if (!incidents.length) out.push('No rollbacks or incidents recorded.', '');
  else {
    out.push(
      ...writeTable(
        ['Opened', 'Kind', 'Environment', 'By', 'Reason', 'Resolved'],
        incidents.map(({ i, d }) => [
          formatTime(i.openedAt),
          i.kind,
          cell(d.environment),
          cell(i.actor),
          cell(i.reason),
          i.resolvedAt ? formatTime(i.resolvedAt) : 'still open',
        ]),
      ),
      '',
    );
  }

  const windows = (input.overrides ?? []).filter((x) => x.kind === 'window');
  if (windows.length) {
    out.push('## Window overrides', '');
    out.push(
      ...writeTable(
        ['Time', 'Gate', 'By', 'Role', 'Reason'],
        windows.map((w) => [
          formatTime(w.at),
          cell(describeGate(playbook, w.gate ?? '')),
          cell(w.actor),
          cell(playbook.roles[w.role] ?? w.role),
          cell(w.reason),
        ]),
      ),
      '',
    );
  }
  return out;
}

/** What a GitHub issue body is made from: the export's input and the release notes, if any. */
export interface GithubExportInput extends ExportInput {
  /** The changelog's section for the version (`gonogo notes`), shown before the checklist. */
  notes?: ReleaseNotes;
}

/** The changelog's notes under a heading of their own; nothing when there are none. */
function writeNotes(notes: ReleaseNotes | undefined): string[] {
  if (!notes?.sections.length) return [];
  const file = notes.source.file ? ` (${quoteCode(notes.source.file)})` : '';
  const body = renderReleaseNotes(notes, 'md', { noTitle: true, headingLevel: 3 });
  return [`## Release notes${file}`, '', ...body.trimEnd().split('\n'), ''];
}

/**
 * A GitHub issue body: front matter when the playbook came from an issue template (its title
 * filled with the version), an alert when the release was rolled back, abandoned or superseded,
 * the release's facts and a progress writeTable, the changelog's notes when given, the checklist as task lists with long evidence and
 * code foldLines away, then the history as tables and the log's head.
 *
 * @example exportGithub({ release, playbook, items, signoffs, events }).includes('- [x] ')
 */
export function exportGithub(input: GithubExportInput): string {
  const out: string[] = [...writeFrontMatter(input)];
  out.push(`# ${escapeHeading(`${input.playbook.name} ${input.release.version}`)}`, '');
  out.push(...writeAlert(input));
  out.push(...writeSummary(input, style), '');
  out.push(...writeProgressTable(input), '');
  out.push(...writeNotes(input.notes));
  out.push(...writeChecklist(input, style));
  out.push(...writeHistoryTables(input));
  out.push('## Audit trail', '', ...writeAudit(input));
  return joinBlocks(out);
}
