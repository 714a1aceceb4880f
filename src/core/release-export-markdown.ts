/**
 * A release as a Markdown record an auditor reads: the checklist with each item's state in
 * words (`[x]` only for done and passed by check), then the sign-off history, the decisions,
 * deployments, rollbacks, overrides and the log's head with how to verify it. The task list is
 * written so that `gonogo playbook import` reads back the same items in the same order, and no
 * recorded text can add a line or an item of its own. Pure.
 */
import type { PlaybookItem, PlaybookSection } from './playbook.ts';
import type { ReleaseItem } from './release-model.ts';
import {
  clockOverrides,
  countByPhase,
  deploymentEntries,
  describeStatuses,
  gateLabel,
  groupItems,
  hasDetails,
  headLine,
  phaseTitleOf,
  releaseState,
  sectionTitleOf,
  shortCommit,
  signoffHistory,
} from './release-export.ts';
import type {
  DeploymentEntry,
  EvidenceDetails,
  ExportInput,
  ItemStatus,
  SignoffEntry,
} from './release-export.ts';
import {
  codeBlock,
  codeSpan,
  escapeInline,
  formatTime,
  headingText,
  joinBlocks,
  paragraphLines,
} from './release-export-text.ts';
import type { InlineOptions } from './release-export-text.ts';

/** What differs where the same parts are written for GitHub. */
export interface MarkdownStyle {
  /** Fold long evidence and code into `<details>`. */
  github: boolean;
}

/** Recorded text, one line, as inline Markdown. */
export const md = (text: string, opts?: InlineOptions): string => escapeInline(text, opts);

/** `by ana@example.com at 2026-11-23 10:02 UTC`, from what is known. */
function byAt(by: string | undefined, at: string | undefined, style: MarkdownStyle): string {
  const o = inlineOpts(style);
  return [by ? ` by ${md(by, o)}` : '', at ? ` at ${formatTime(at)}` : ''].join('');
}

export const inlineOpts = (style: MarkdownStyle): InlineOptions =>
  style.github ? { math: true } : {};

/**
 * The lines of one bullet at `pad`: `head` (Markdown) and then recorded text (a note), its
 * first line after `head` and `sep`, its further lines continuing the same bullet.
 */
export function bullet(
  pad: string,
  head: string,
  text: string | undefined,
  style: MarkdownStyle,
  sep = ': ',
): string[] {
  const lines = text ? paragraphLines(text, `${pad}  `, inlineOpts(style)) : [];
  if (!lines.length) return [`${pad}- ${head}`];
  return [`${pad}- ${head}${head ? sep : ''}${lines[0]}`, ...lines.slice(1)];
}

/** The one line that says how an item got to its state (Markdown, before any note). */
export function statusHead(status: ItemStatus, style: MarkdownStyle): string {
  const o = inlineOpts(style);
  const parts = [`**${status.word}**`];
  const check = status.check ? ` ${codeSpan(status.check)}` : '';
  const commit = status.commit ? ` on commit ${codeSpan(shortCommit(status.commit))}` : '';
  if (status.word === 'passed by check' || (status.word === 'failed' && status.check)) {
    parts.push(`${status.word === 'failed' ? ' check' : ''}${check}${commit}`);
    parts.push(status.at ? ` at ${formatTime(status.at)}` : '');
    if (status.by) parts.push(` (run by ${md(status.by, o)})`);
    if (status.source) parts.push(`, read from ${md(status.source, o)}`);
    if (status.summary) parts.push(`: ${md(status.summary, o)}`);
    return parts.join('');
  }
  if (status.role)
    parts.push(
      `${byAt(status.by, undefined, style)} as ${md(status.role, o)}${byAt(undefined, status.at, style)}`,
    );
  if (status.role) return parts.join('');
  if (status.word === 'running') return `**running** since ${formatTime(status.at ?? '')}`;
  parts.push(byAt(status.by, status.at, style));
  if (status.waivedFrom || status.waivedCheck) {
    const was = status.waivedCheck
      ? `the check had ${status.waivedCheck.result === 'error' ? 'not been able to run' : 'failed'}${status.waivedCheck.summary ? `: ${md(status.waivedCheck.summary, o)}` : ''}`
      : `it was ${status.waivedFrom === 'pending' ? 'open' : status.waivedFrom}`;
    parts.push(` (${was})`);
  }
  if (status.summary) parts.push(`: ${md(status.summary, o)}`);
  if (status.url) parts.push(` — ${md(status.url, o)}`);
  return parts.join('');
}

/** The long part of a check's evidence as bullets at `pad`. */
export function detailLines(d: EvidenceDetails, pad: string, style: MarkdownStyle): string[] {
  const out: string[] = [];
  if (d.command !== undefined) {
    const exit =
      d.exitCode === undefined
        ? ''
        : d.exitCode === null
          ? ', no exit code (stopped)'
          : `, exit code ${d.exitCode}`;
    out.push(`${pad}- command ${codeSpan(d.command)}${exit}`);
  }
  for (const f of d.files ?? [])
    out.push(`${pad}- read ${codeSpan(f.path)}, SHA-256 ${codeSpan(f.sha256)}`);
  for (const f of d.findings ?? [])
    out.push(...bullet(pad, f.where ? codeSpan(f.where) : '', f.message, style));
  if (d.fix) out.push(...bullet(pad, 'fix', d.fix, style));
  if (d.output?.lines) {
    const cut = d.output.lines > d.output.head.length + d.output.tail.length;
    out.push(
      `${pad}- output, ${d.output.lines} line${d.output.lines === 1 ? '' : 's'}${cut ? ' (first and last shown)' : ''}:`,
    );
    const text = cut
      ? [...d.output.head, '…', ...d.output.tail].join('\n')
      : [...d.output.head, ...d.output.tail].join('\n');
    out.push(...codeBlock(text, `${pad}  `, 'text'));
  }
  return out;
}

/** `<details>` around blocks, inside a list item whose content starts at `pad`. */
export function folded(pad: string, summary: string, body: string[]): string[] {
  return [`${pad}<details><summary>${summary}</summary>`, '', ...body, '', `${pad}</details>`];
}

/** A checklist's code for an item (a suggested command, the command a `run` item runs). */
function codeOf(spec: ReleaseItem['spec']): { label: string; text: string } | undefined {
  if (spec.run !== undefined) {
    const text = Array.isArray(spec.run) ? spec.run.join('\n') : spec.run;
    return { label: 'Runs', text };
  }
  if (spec.suggest?.run) return { label: 'Suggested commands', text: spec.suggest.run };
  return undefined;
}

/**
 * The checklist part: phases as `##`, sections as `###`, an item as a task line with its title,
 * under it its state in words and evidence, the checklist's details and code, and sub-items.
 */
export function checklistLines(input: ExportInput, style: MarkdownStyle): string[] {
  const { playbook, items } = input;
  const statuses = describeStatuses(input);
  const out: string[] = [];
  const byNumber = new Map(items.map((i) => [i.number, i]));
  const children = new Map<number, ReleaseItem[]>();
  for (const i of items)
    if (i.parent !== undefined) children.set(i.parent, [...(children.get(i.parent) ?? []), i]);
  const o = inlineOpts(style);

  const renderItem = (item: ReleaseItem, depth: number) => {
    const pad = '  '.repeat(depth);
    const inner = `${pad}  `;
    const status = statuses.get(item.number)!;
    out.push(`${pad}- ${status.ticked ? '[x]' : '[ ]'} ${md(item.title, o)}`);
    if (status.word) {
      out.push(...bullet(inner, statusHead(status, style), status.note, style));
      if (hasDetails(status.details)) {
        const lines = detailLines(status.details, `${inner}  `, style);
        out.push(...(style.github ? folded(`${inner}  `, 'Evidence', lines) : lines));
      }
    }
    for (const d of item.spec.details ?? []) out.push(...bullet(inner, '', d, style));
    const code = codeOf(item.spec);
    if (code) {
      if (style.github) {
        out.push(`${inner}- ${code.label}:`);
        out.push(...folded(`${inner}  `, 'show', codeBlock(code.text, `${inner}  `)));
      } else {
        out.push(`${inner}- ${code.label}:`, ...codeBlock(code.text, `${inner}  `));
      }
    }
    for (const c of children.get(item.number) ?? []) renderItem(c, depth + 1);
  };

  const groups = groupItems(items.filter((i) => i.parent === undefined || !byNumber.has(i.parent)));
  for (const [phase, sections] of groups) {
    out.push(`## ${headingText(phaseTitleOf(playbook, phase))}`, '');
    for (const [section, list] of sections) {
      const title = sectionTitleOf(playbook, phase, section);
      if (title) out.push(`### ${headingText(title)}`, '');
      for (const item of list) renderItem(item, 0);
      out.push('');
    }
  }
  // A release that has not been rolled back still shows its rollback procedure, unticked.
  if (!items.some((i) => i.rollback) && playbook.rollback.some((s) => s.items.length)) {
    out.push('## Rollback procedure', '', 'Not started: the release has not been rolled back.', '');
    out.push(...procedureLines(playbook.rollback, style));
  }
  return out;
}

function procedureLines(sections: PlaybookSection[], style: MarkdownStyle): string[] {
  const out: string[] = [];
  const o = inlineOpts(style);
  for (const s of sections) {
    if (s.title) out.push(`### ${headingText(s.title)}`, '');
    const render = (list: PlaybookItem[], depth: number) => {
      for (const it of list) {
        out.push(`${'  '.repeat(depth)}- [ ] ${md(it.title, o)}`);
        if (it.items) render(it.items, depth + 1);
      }
    };
    render(s.items, 0);
    out.push('');
  }
  return out;
}

/** `ana@example.com as Release Manager`: who signed, in which role. */
export function signer(e: SignoffEntry, input: ExportInput, o: InlineOptions): string {
  return `${md(e.actor, o)} as ${md(input.playbook.roles[e.role] ?? e.role, o)}`;
}

/** Whether a sign-off counts now, in words (empty for an earlier one of its role). */
export function signoffStanding(e: SignoffEntry): string {
  if (e.current) return 'counts now';
  if (e.stale) return 'stale: given for another commit';
  return '';
}

/** `(7 blockers)` and the words of a decision's outcome. */
const outcomeWord = (outcome: string) => (outcome === 'go' ? 'GO' : 'NO-GO');

/** A deployment's status in words. */
export const deploymentWords: Record<string, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'rolled back',
};

/**
 * The release as a Markdown record: what it is and where it stands, the checklist with each
 * item's state in words, then the sign-off history per gate, the decisions with their blockers,
 * the deployments, rollbacks and incidents, the window overrides, and the log's head with how to
 * verify it.
 *
 * @example exportMarkdown({ release, playbook, items, signoffs, events }).startsWith('# ')
 */
export function exportMarkdown(input: ExportInput): string {
  const style: MarkdownStyle = { github: false };
  const out: string[] = [];
  out.push(`# ${headingText(`${input.playbook.name} ${input.release.version}`)}`, '');
  out.push(...summaryLines(input, style), '');
  out.push(...checklistLines(input, style));
  out.push(...historyLines(input, style));
  return joinBlocks(out);
}

/** The release's facts as bullets: state, type, commit, playbook, who started it, progress. */
export function summaryLines(input: ExportInput, style: MarkdownStyle): string[] {
  const { release, playbook } = input;
  const o = inlineOpts(style);
  const state = releaseState(release);
  const out = [
    ...bullet(
      '',
      `State: **${state.words}**${byAt(state.by, state.at, style)}`,
      state.reason,
      style,
    ),
  ];
  if (release.type) out.push(`- Type: ${md(release.type, o)}`);
  if (release.commit) out.push(`- Commit: ${codeSpan(release.commit)}`);
  out.push(
    `- Playbook: ${md(playbook.name, o)}, snapshot ${codeSpan(shortCommit(release.playbookHash))}`,
  );
  out.push(`- Started${byAt(release.createdBy, release.createdAt, style)}`);
  if (release.supersedes) out.push(`- Supersedes release ${md(release.supersedes, o)}`);
  if (release.supersededBy) out.push(`- Superseded by release ${md(release.supersededBy, o)}`);
  out.push(`- Items: ${progressWords(input)}`);
  out.push(
    '',
    'Times are UTC. A ticked box marks an item done by a person or passed by a check; every other state is written out under its item.',
  );
  return out;
}

/** `100 items: 60 done, 3 passed by check, …, 6 open`. */
export function progressWords(input: ExportInput): string {
  const counts = { pending: 0, running: 0, passed: 0, failed: 0, done: 0, na: 0, waived: 0 };
  for (const row of countByPhase(input))
    for (const [k, v] of Object.entries(row.counts)) counts[k as keyof typeof counts] += v;
  const parts = [
    [counts.done, 'done'],
    [counts.passed, 'passed by check'],
    [counts.waived, 'waived'],
    [counts.na, 'n/a'],
    [counts.failed, 'failed'],
    [counts.running, 'running'],
    [counts.pending, 'open'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, w]) => `${n} ${w}`);
  return `${input.items.length} in the release${parts.length ? `: ${parts.join(', ')}` : ''}.`;
}

/** The history after the checklist: sign-offs, decisions, deployments, rollbacks, overrides, log. */
function historyLines(input: ExportInput, style: MarkdownStyle): string[] {
  const { playbook } = input;
  const o = inlineOpts(style);
  const out: string[] = [];
  const none = (what: string) => [`No ${what} recorded.`, ''];

  out.push('## Sign-offs', '');
  const groups = signoffHistory(input).filter((g) => g.entries.length || g.label);
  if (!groups.some((g) => g.entries.length)) out.push(...none('sign-offs'));
  for (const g of groups) {
    const roles = g.roles.length ? ` — ${g.roles.map((r) => md(r, o)).join(', ')}` : '';
    out.push(`### ${g.label ? headingText(g.label) : 'Sign-offs that name no gate'}${roles}`, '');
    if (!g.entries.length) out.push('None given.');
    for (const e of g.entries) {
      const standing = signoffStanding(e);
      const head = `${formatTime(e.at)}: **${e.verdict}** by ${signer(e, input, o)}${e.commit ? ` on commit ${codeSpan(shortCommit(e.commit))}` : ''}${standing ? ` (${standing})` : ''}`;
      out.push(...bullet('', head, e.comment, style));
    }
    out.push('');
  }

  out.push('## Decisions', '');
  const decisions = input.decisions ?? [];
  if (!decisions.length) out.push(...none('decisions'));
  for (const d of decisions) {
    const n = d.blockers.length;
    const override = d.override
      ? `; the release window was overridden by ${md(d.override.by, o)}: ${md(d.override.reason, o)}`
      : '';
    out.push(
      `- ${formatTime(d.at)}: **${outcomeWord(d.outcome)}** for ${md(gateLabel(playbook, d.gate), o)} by ${md(d.actor, o)}${d.commit ? ` on commit ${codeSpan(shortCommit(d.commit))}` : ''}${n ? `, ${n} blocker${n === 1 ? '' : 's'}:` : ''}${override}`,
    );
    for (const b of d.blockers) out.push(...bullet('  ', '', b.message, style));
  }
  out.push('');

  out.push('## Deployments', '');
  const entries = deploymentEntries(input);
  if (!entries.length) out.push(...none('deployments'));
  for (const e of entries) out.push(...deploymentLines(e, input, style));
  out.push('');

  out.push('## Rollbacks and incidents', '');
  const incidents = entries.flatMap((e) => e.rollbacks.map((i) => ({ i, d: e.deployment })));
  if (!incidents.length) out.push(...none('rollbacks or incidents'));
  for (const { i, d } of incidents) {
    const what =
      i.kind === 'rollback'
        ? `rollback of ${md(d.environment, o)}`
        : `incident on ${md(d.environment, o)}`;
    const resolved = i.resolvedAt ? `resolved at ${formatTime(i.resolvedAt)}` : 'still open';
    out.push(
      ...bullet(
        '',
        `${formatTime(i.openedAt)}: **${what}** (deployed at ${formatTime(d.startedAt)}) by ${md(i.actor, o)}, ${resolved}`,
        i.reason,
        style,
        '; reason: ',
      ),
    );
  }
  out.push('');

  const windows = (input.overrides ?? []).filter((x) => x.kind === 'window');
  if (windows.length) {
    out.push('## Window overrides', '');
    for (const w of windows) {
      out.push(
        ...bullet(
          '',
          `${formatTime(w.at)}: release window overridden for ${md(gateLabel(playbook, w.gate ?? ''), o)} by ${md(w.actor, o)} as ${md(playbook.roles[w.role] ?? w.role, o)}`,
          w.reason,
          style,
        ),
      );
    }
    out.push('');
  }

  out.push('## Audit trail', '');
  out.push(...auditLines(input));
  return out;
}

function deploymentLines(e: DeploymentEntry, input: ExportInput, style: MarkdownStyle): string[] {
  const o = inlineOpts(style);
  const d = e.deployment;
  const head = `${formatTime(d.startedAt)}: **${md(d.environment, o)}** ${deploymentWords[d.status] ?? d.status}, by ${md(d.actor, o)}${d.commit ? `, commit ${codeSpan(shortCommit(d.commit))}` : ''}`;
  const out = [`- ${head}`];
  if (e.forced) {
    const n = e.forced.blockers.length;
    out.push(
      ...bullet(
        '  ',
        `forced past NO-GO (${n} blocker${n === 1 ? '' : 's'}) by ${md(e.forced.actor, o)} as ${md(input.playbook.roles[e.forced.role] ?? e.forced.role, o)}`,
        e.forced.reason,
        style,
      ),
    );
  }
  return out;
}

/**
 * The log's head, the clock overrides, and how to verify the head, as bullets (so that the
 * importer reads them as reference material, never as a step of the checklist).
 */
export function auditLines(input: ExportInput): string[] {
  const { release } = input;
  if (!release.head) return ['- The event log is empty.', ''];
  const out = [`- ${headLine(release.head)}`];
  const overridden = clockOverrides(input.events);
  if (overridden) {
    out.push(
      `- ${overridden} of its events were written under an overridden clock (\`GONOGO_NOW\`): their times are the ones given, and each event keeps the real time beside it (\`realAt\`).`,
    );
  }
  const v = codeSpan(`gonogo audit verify ${release.version}`);
  const j = codeSpan(`gonogo export ${release.version} --format json`);
  out.push(
    `- To verify it, run ${v} where the record is kept: it recomputes the hash of every event, checks that the chain ends at this head, and replays the log against the record.`,
    `- Without gonogo: ${j} holds every event. Each event's \`hash\` is the SHA-256 of the canonical JSON (keys sorted, no spaces) of its \`releaseId\`, \`seq\`, \`at\`, \`actor\`, \`type\`, \`payload\` and \`prevHash\` (and \`realAt\` when present); each \`prevHash\` is the hash of the event before (64 zeros for the first); the last hash is the head above.`,
    '',
  );
  return out;
}
