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
  countClockOverrides,
  countByPhase,
  listDeploymentEntries,
  describeStatuses,
  describeGate,
  groupItems,
  hasDetails,
  headLine,
  findPhaseTitle,
  describeReleaseState,
  findSectionTitle,
  shortenCommit,
  listSignoffHistory,
} from './release-export.ts';
import type {
  DeploymentEntry,
  EvidenceDetails,
  ExportInput,
  ItemStatus,
  SignoffEntry,
} from './release-export.ts';
import {
  fenceCode,
  quoteCode,
  escapeInline,
  formatTime,
  escapeHeading,
  joinBlocks,
  splitParagraph,
} from './release-export-text.ts';
import type { InlineOptions } from './release-export-text.ts';

/** What differs where the same parts are written for GitHub. */
export interface MarkdownStyle {
  /** Fold long evidence and code into `<details>`. */
  github: boolean;
}

/**
 * Recorded text, one line, as inline Markdown.
 *
 * @example writeInline('a_b *c*') // 'a_b \\*c\\*'
 */
export const writeInline = (text: string, opts?: InlineOptions): string => escapeInline(text, opts);

/** `by ana@example.com at 2026-11-23 10:02 UTC`, from what is known. */
function describeByAt(
  by: string | undefined,
  at: string | undefined,
  style: MarkdownStyle,
): string {
  const o = chooseInlineOptions(style);
  return [by ? ` by ${writeInline(by, o)}` : '', at ? ` at ${formatTime(at)}` : ''].join('');
}

/**
 * The inline escaping a style needs (GitHub renders `$…$` as math).
 *
 * @example chooseInlineOptions({ github: true }) // { math: true }
 */
export const chooseInlineOptions = (style: MarkdownStyle): InlineOptions =>
  style.github ? { math: true } : {};

/**
 * The lines of one writeBullet at `pad`: `head` (Markdown) and then recorded text (a note), its
 * first line after `head` and `sep`, its further lines continuing the same writeBullet.
 *
 * @example writeBullet('  ', '**n/a**', 'no docs', style) // ['  - **n/a**: no docs']
 */
export function writeBullet(
  pad: string,
  head: string,
  text: string | undefined,
  style: MarkdownStyle,
  sep = ': ',
): string[] {
  const lines = text ? splitParagraph(text, `${pad}  `, chooseInlineOptions(style)) : [];
  if (!lines.length) return [`${pad}- ${head}`];
  return [`${pad}- ${head}${head ? sep : ''}${lines[0]}`, ...lines.slice(1)];
}

/**
 * The one line that says how an item got to its state (Markdown, before any note).
 *
 * @example describeStatusLine(status, style) // '**waived** by rm@example.com at 2026-11-23 09:15 UTC'
 */
export function describeStatusLine(status: ItemStatus, style: MarkdownStyle): string {
  const o = chooseInlineOptions(style);
  const parts = [`**${status.word}**`];
  const check = status.check ? ` ${quoteCode(status.check)}` : '';
  const commit = status.commit ? ` on commit ${quoteCode(shortenCommit(status.commit))}` : '';
  if (status.word === 'passed by check' || (status.word === 'failed' && status.check)) {
    parts.push(`${status.word === 'failed' ? ' check' : ''}${check}${commit}`);
    parts.push(status.at ? ` at ${formatTime(status.at)}` : '');
    if (status.by) parts.push(` (run by ${writeInline(status.by, o)})`);
    if (status.source) parts.push(`, read from ${writeInline(status.source, o)}`);
    if (status.summary) parts.push(`: ${writeInline(status.summary, o)}`);
    return parts.join('');
  }
  if (status.role)
    parts.push(
      `${describeByAt(status.by, undefined, style)} as ${writeInline(status.role, o)}${describeByAt(undefined, status.at, style)}`,
    );
  if (status.role) return parts.join('');
  if (status.word === 'running') return `**running** since ${formatTime(status.at ?? '')}`;
  parts.push(describeByAt(status.by, status.at, style));
  if (status.waivedFrom || status.waivedCheck) {
    const was = status.waivedCheck
      ? `the check had ${status.waivedCheck.result === 'error' ? 'not been able to run' : 'failed'}${status.waivedCheck.summary ? `: ${writeInline(status.waivedCheck.summary, o)}` : ''}`
      : `it was ${status.waivedFrom === 'pending' ? 'open' : status.waivedFrom}`;
    parts.push(` (${was})`);
  }
  if (status.summary) parts.push(`: ${writeInline(status.summary, o)}`);
  if (status.url) parts.push(` — ${writeInline(status.url, o)}`);
  return parts.join('');
}

/**
 * The long part of a check's evidence as bullets at `pad`.
 *
 * @example writeDetails({ fix: 'tag it' }, '    ', style) // ['    - fix: tag it']
 */
export function writeDetails(d: EvidenceDetails, pad: string, style: MarkdownStyle): string[] {
  const out: string[] = [];
  if (d.command !== undefined) {
    const exit =
      d.exitCode === undefined
        ? ''
        : d.exitCode === null
          ? ', no exit code (stopped)'
          : `, exit code ${d.exitCode}`;
    out.push(`${pad}- command ${quoteCode(d.command)}${exit}`);
  }
  for (const f of d.files ?? [])
    out.push(`${pad}- read ${quoteCode(f.path)}, SHA-256 ${quoteCode(f.sha256)}`);
  for (const f of d.findings ?? [])
    out.push(...writeBullet(pad, f.where ? quoteCode(f.where) : '', f.message, style));
  if (d.fix) out.push(...writeBullet(pad, 'fix', d.fix, style));
  if (d.output?.lines) {
    const cut = d.output.lines > d.output.head.length + d.output.tail.length;
    out.push(
      `${pad}- output, ${d.output.lines} line${d.output.lines === 1 ? '' : 's'}${cut ? ' (first and last shown)' : ''}:`,
    );
    const text = cut
      ? [...d.output.head, '…', ...d.output.tail].join('\n')
      : [...d.output.head, ...d.output.tail].join('\n');
    out.push(...fenceCode(text, `${pad}  `, 'text'));
  }
  return out;
}

/**
 * `<details>` around blocks, inside a list item whose content starts at `pad`.
 *
 * @example foldLines('  ', 'Evidence', ['  - x']) // ['  <details><summary>Evidence</summary>', '', '  - x', '', '  </details>']
 */
export function foldLines(pad: string, summary: string, body: string[]): string[] {
  return [`${pad}<details><summary>${summary}</summary>`, '', ...body, '', `${pad}</details>`];
}

/** A checklist's code for an item (a suggested command, the command a `run` item runs). */
function findCode(spec: ReleaseItem['spec']): { label: string; text: string } | undefined {
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
 *
 * @example writeChecklist(input, { github: false })[0] // '## Pre-release'
 */
export function writeChecklist(input: ExportInput, style: MarkdownStyle): string[] {
  const { playbook, items } = input;
  const statuses = describeStatuses(input);
  const out: string[] = [];
  const byNumber = new Map(items.map((i) => [i.number, i]));
  const children = new Map<number, ReleaseItem[]>();
  for (const i of items)
    if (i.parent !== undefined) children.set(i.parent, [...(children.get(i.parent) ?? []), i]);
  const o = chooseInlineOptions(style);

  const renderItem = (item: ReleaseItem, depth: number) => {
    const pad = '  '.repeat(depth);
    const inner = `${pad}  `;
    const status = statuses.get(item.number)!;
    out.push(`${pad}- ${status.ticked ? '[x]' : '[ ]'} ${writeInline(item.title, o)}`);
    if (status.word) {
      out.push(...writeBullet(inner, describeStatusLine(status, style), status.note, style));
      if (hasDetails(status.details)) {
        const lines = writeDetails(status.details, `${inner}  `, style);
        out.push(...(style.github ? foldLines(`${inner}  `, 'Evidence', lines) : lines));
      }
    }
    for (const d of item.spec.details ?? []) out.push(...writeBullet(inner, '', d, style));
    const code = findCode(item.spec);
    if (code) {
      if (style.github) {
        out.push(`${inner}- ${code.label}:`);
        out.push(...foldLines(`${inner}  `, 'show', fenceCode(code.text, `${inner}  `)));
      } else {
        out.push(`${inner}- ${code.label}:`, ...fenceCode(code.text, `${inner}  `));
      }
    }
    for (const c of children.get(item.number) ?? []) renderItem(c, depth + 1);
  };

  const groups = groupItems(items.filter((i) => i.parent === undefined || !byNumber.has(i.parent)));
  for (const [phase, sections] of groups) {
    out.push(`## ${escapeHeading(findPhaseTitle(playbook, phase))}`, '');
    for (const [section, list] of sections) {
      const title = findSectionTitle(playbook, phase, section);
      if (title) out.push(`### ${escapeHeading(title)}`, '');
      for (const item of list) renderItem(item, 0);
      out.push('');
    }
  }
  // A release that has not been rolled back still shows its rollback procedure, unticked.
  if (!items.some((i) => i.rollback) && playbook.rollback.some((s) => s.items.length)) {
    out.push('## Rollback procedure', '', 'Not started: the release has not been rolled back.', '');
    out.push(...writeProcedure(playbook.rollback, style));
  }
  return out;
}

function writeProcedure(sections: PlaybookSection[], style: MarkdownStyle): string[] {
  const out: string[] = [];
  const o = chooseInlineOptions(style);
  for (const s of sections) {
    if (s.title) out.push(`### ${escapeHeading(s.title)}`, '');
    const render = (list: PlaybookItem[], depth: number) => {
      for (const it of list) {
        out.push(`${'  '.repeat(depth)}- [ ] ${writeInline(it.title, o)}`);
        if (it.items) render(it.items, depth + 1);
      }
    };
    render(s.items, 0);
    out.push('');
  }
  return out;
}

/**
 * `ana@example.com as Release Manager`: who signed, in which role.
 *
 * @example nameSigner(entry, input, {}) // 'rm@example.com as Release Manager'
 */
export function nameSigner(e: SignoffEntry, input: ExportInput, o: InlineOptions): string {
  return `${writeInline(e.actor, o)} as ${writeInline(input.playbook.roles[e.role] ?? e.role, o)}`;
}

/**
 * Whether a sign-off counts now, in words (empty for an earlier one of its role).
 *
 * @example describeStanding(entry) // 'counts now'
 */
export function describeStanding(e: SignoffEntry): string {
  const carried = e.carriedFrom ? `carried over from release ${e.carriedFrom}` : '';
  const stale =
    e.staleSince !== undefined
      ? `stale: given before the playbook re-snapshot of event ${e.staleSince}`
      : 'stale: given for another commit';
  const standing = e.current ? 'counts now' : e.stale ? stale : '';
  return [carried, standing].filter(Boolean).join('; ');
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
  out.push(`# ${escapeHeading(`${input.playbook.name} ${input.release.version}`)}`, '');
  out.push(...writeSummary(input, style), '');
  out.push(...writeChecklist(input, style));
  out.push(...writeHistory(input, style));
  return joinBlocks(out);
}

/**
 * The release's facts as bullets: state, type, commit, playbook, who started it, progress.
 *
 * @example writeSummary(input, style)[0] // '- State: **in progress**'
 */
export function writeSummary(input: ExportInput, style: MarkdownStyle): string[] {
  const { release, playbook } = input;
  const o = chooseInlineOptions(style);
  const state = describeReleaseState(release);
  const out = [
    ...writeBullet(
      '',
      `State: **${state.words}**${describeByAt(state.by, state.at, style)}`,
      state.reason,
      style,
    ),
  ];
  if (release.type) out.push(`- Type: ${writeInline(release.type, o)}`);
  if (release.commit) out.push(`- Commit: ${quoteCode(release.commit)}`);
  out.push(
    `- Playbook: ${writeInline(playbook.name, o)}, snapshot ${quoteCode(shortenCommit(release.playbookHash))}`,
  );
  out.push(`- Started${describeByAt(release.createdBy, release.createdAt, style)}`);
  if (release.supersedes) out.push(`- Supersedes release ${writeInline(release.supersedes, o)}`);
  if (release.supersededBy)
    out.push(`- Superseded by release ${writeInline(release.supersededBy, o)}`);
  out.push(`- Items: ${describeProgress(input)}`);
  out.push(
    '',
    'Times are UTC. A ticked box marks an item done by a person or passed by a check; every other state is written out under its item.',
  );
  return out;
}

/**
 * `100 items: 60 done, 3 passed by check, …, 6 open`.
 *
 * @example describeProgress(input) // '8 in the release: 2 done, 1 open.'
 */
export function describeProgress(input: ExportInput): string {
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
function writeHistory(input: ExportInput, style: MarkdownStyle): string[] {
  const { playbook } = input;
  const o = chooseInlineOptions(style);
  const out: string[] = [];
  const none = (what: string) => [`No ${what} recorded.`, ''];

  out.push('## Sign-offs', '');
  const groups = listSignoffHistory(input).filter((g) => g.entries.length || g.label);
  if (!groups.some((g) => g.entries.length)) out.push(...none('sign-offs'));
  for (const g of groups) {
    const roles = g.roles.length ? ` — ${g.roles.map((r) => writeInline(r, o)).join(', ')}` : '';
    out.push(`### ${g.label ? escapeHeading(g.label) : 'Sign-offs that name no gate'}${roles}`, '');
    if (!g.entries.length) out.push('None given.');
    for (const e of g.entries) {
      const standing = describeStanding(e);
      const head = `${formatTime(e.at)}: **${e.verdict}** by ${nameSigner(e, input, o)}${e.commit ? ` on commit ${quoteCode(shortenCommit(e.commit))}` : ''}${standing ? ` (${standing})` : ''}`;
      out.push(...writeBullet('', head, e.comment, style));
    }
    out.push('');
  }

  out.push('## Decisions', '');
  const decisions = input.decisions ?? [];
  if (!decisions.length) out.push(...none('decisions'));
  for (const d of decisions) {
    const n = d.blockers.length;
    const override = d.override
      ? `; the release window was overridden by ${writeInline(d.override.by, o)}: ${writeInline(d.override.reason, o)}`
      : '';
    out.push(
      `- ${formatTime(d.at)}: **${outcomeWord(d.outcome)}** for ${writeInline(describeGate(playbook, d.gate), o)} by ${writeInline(d.actor, o)}${d.commit ? ` on commit ${quoteCode(shortenCommit(d.commit))}` : ''}${n ? `, ${n} blocker${n === 1 ? '' : 's'}:` : ''}${override}`,
    );
    for (const b of d.blockers) out.push(...writeBullet('  ', '', b.message, style));
  }
  out.push('');

  out.push('## Deployments', '');
  const entries = listDeploymentEntries(input);
  if (!entries.length) out.push(...none('deployments'));
  for (const e of entries) out.push(...writeDeployment(e, input, style));
  out.push('');

  out.push('## Rollbacks and incidents', '');
  const incidents = entries.flatMap((e) => e.rollbacks.map((i) => ({ i, d: e.deployment })));
  if (!incidents.length) out.push(...none('rollbacks or incidents'));
  for (const { i, d } of incidents) {
    const what =
      i.kind === 'rollback'
        ? `rollback of ${writeInline(d.environment, o)}`
        : `incident on ${writeInline(d.environment, o)}`;
    const resolved = i.resolvedAt ? `resolved at ${formatTime(i.resolvedAt)}` : 'still open';
    out.push(
      ...writeBullet(
        '',
        `${formatTime(i.openedAt)}: **${what}** (deployed at ${formatTime(d.startedAt)}) by ${writeInline(i.actor, o)}, ${resolved}`,
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
        ...writeBullet(
          '',
          `${formatTime(w.at)}: release window overridden for ${writeInline(describeGate(playbook, w.gate ?? ''), o)} by ${writeInline(w.actor, o)} as ${writeInline(playbook.roles[w.role] ?? w.role, o)}`,
          w.reason,
          style,
        ),
      );
    }
    out.push('');
  }

  out.push('## Audit trail', '');
  out.push(...writeAudit(input));
  return out;
}

function writeDeployment(e: DeploymentEntry, input: ExportInput, style: MarkdownStyle): string[] {
  const o = chooseInlineOptions(style);
  const d = e.deployment;
  const head = `${formatTime(d.startedAt)}: **${writeInline(d.environment, o)}** ${deploymentWords[d.status] ?? d.status}, by ${writeInline(d.actor, o)}${d.commit ? `, commit ${quoteCode(shortenCommit(d.commit))}` : ''}`;
  const out = [`- ${head}`];
  if (e.forced) {
    const n = e.forced.blockers.length;
    out.push(
      ...writeBullet(
        '  ',
        `forced past NO-GO (${n} blocker${n === 1 ? '' : 's'}) by ${writeInline(e.forced.actor, o)} as ${writeInline(input.playbook.roles[e.forced.role] ?? e.forced.role, o)}`,
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
 *
 * @example writeAudit(input)[0] // '- Event log: 7 events, head hash 3f2a….'
 */
export function writeAudit(input: ExportInput): string[] {
  const { release } = input;
  if (!release.head) return ['- The event log is empty.', ''];
  const out = [`- ${headLine(release.head)}`];
  const overridden = countClockOverrides(input.events);
  if (overridden) {
    out.push(
      `- ${overridden} of its events were written under an overridden clock (\`GONOGO_NOW\`): their times are the ones given, and each event keeps the real time beside it (\`realAt\`).`,
    );
  }
  const v = quoteCode(`gonogo audit verify ${release.version}`);
  const j = quoteCode(`gonogo export ${release.version} --format json`);
  out.push(
    `- To verify it, run ${v} where the record is kept: it recomputes the hash of every event, checks that the chain ends at this head, and replays the log against the record.`,
    `- Without gonogo: ${j} holds every event. Each event's \`hash\` is the SHA-256 of the canonical JSON (keys sorted, no spaces) of its \`releaseId\`, \`seq\`, \`at\`, \`actor\`, \`type\`, \`payload\` and \`prevHash\` (and \`realAt\` and \`origin\` when present); each \`prevHash\` is the hash of the event before (64 zeros for the first); the last hash is the head above.`,
    '',
  );
  return out;
}
