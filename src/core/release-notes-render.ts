/**
 * Release notes written out: Markdown (the changelog's code spans, bold and http(s) links
 * kept, everything else escaped as text), HTML (everything escaped; only code spans, bold
 * and http(s) links of the changelog become markup) and Slack mrkdwn (`&`, `<`, `>` escaped, so
 * no text can mention `<!channel>` or forge a link). Pure.
 */
import { deploymentWords } from './release-export-markdown.ts';
import { escapeInline, escapeLineStart, formatTime, quoteCode } from './release-export-text.ts';
import type { ReleaseNoteEntry, ReleaseNotes } from './release-notes-parse.ts';
import type { ReleaseRecordFacts } from './release-notes-record.ts';
import { sanitizeText } from './text-safety.ts';
import { escapeHtml, escapeSlack } from './text-safety.ts';
export { escapeSlack } from './text-safety.ts';

export type ReleaseNotesFormat = 'md' | 'html' | 'slack';

export interface RenderNotesOptions {
  /** The words before the version in the title; default "Release". */
  title?: string;
  /** Markdown/HTML level of the title; the sections are one below. Default 1. */
  headingLevel?: number;
  /** Leave the title out (the notes sit under a heading of the caller's). */
  noTitle?: boolean;
  /** The record's facts to tell after the changelog's sections. */
  record?: ReleaseRecordFacts;
  /** The version, when there are no notes to take it from. */
  version?: string;
}

/** A piece of a line of inline Markdown, as far as the renderers convert it. */
type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'link'; text: string; url: string };

const inlinePattern =
  /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\*\*([^*]+?)\*\*|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)|<(https?:\/\/[^\s<>]+)>/g;

/** Splits a line of Markdown into code spans, bold text, http(s) links and plain text. */
function splitInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(inlinePattern)) {
    if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    if (m[1]) out.push({ kind: 'code', text: m[2]!.trim() || m[2]! });
    else if (m[3]) out.push({ kind: 'bold', text: m[3] });
    else if (m[4]) out.push({ kind: 'link', text: m[4], url: m[5]! });
    else out.push({ kind: 'link', text: m[6]!, url: m[6]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

const isHttp = (url: string | undefined): url is string => !!url && /^https?:\/\/\S+$/.test(url);
const shortHash = (h: string) => h.slice(0, 7);
const oneLine = (t: string) => sanitizeText(t, { oneLine: true }).replace(/\s+/g, ' ').trim();

/**
 * A line of the changelog's Markdown kept as Markdown: code spans, bold and http(s) links stay,
 * the rest is escaped as text (a raw tag, a `javascript:` link, an image are shown, not run).
 */
function inlineMarkdown(md: string): string {
  return splitInline(oneLine(md))
    .map((p) => {
      if (p.kind === 'code') return quoteCode(p.text);
      if (p.kind === 'bold') return `**${escapeInline(p.text)}**`;
      if (p.kind === 'link') return `[${escapeInline(p.text)}](${p.url})`;
      // escapeInline trims: the spaces around the piece are kept apart.
      const [, lead, body, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(p.text)!;
      return `${lead ? ' ' : ''}${escapeInline(body!)}${trail ? ' ' : ''}`;
    })
    .join('');
}

function inlineHtml(md: string): string {
  return splitInline(oneLine(md))
    .map((p) => {
      if (p.kind === 'code') return `<code>${escapeHtml(p.text)}</code>`;
      if (p.kind === 'bold') return `<strong>${escapeHtml(p.text)}</strong>`;
      if (p.kind === 'link') return `<a href="${escapeHtml(p.url)}">${escapeHtml(p.text)}</a>`;
      return escapeHtml(p.text);
    })
    .join('');
}

/** A URL inside `<url|text>`: nothing in it may end the link early. */
const slackUrl = (url: string) =>
  escapeSlack(url.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E'));
const slackLinkText = (text: string) => escapeSlack(text.replace(/[|]/g, '/'));

function inlineSlack(md: string): string {
  return splitInline(oneLine(md))
    .map((p) => {
      if (p.kind === 'code') return `\`${escapeSlack(p.text.replace(/`/g, "'"))}\``;
      if (p.kind === 'bold') return `*${escapeSlack(p.text)}*`;
      if (p.kind === 'link') return `<${slackUrl(p.url)}|${slackLinkText(p.text)}>`;
      return escapeSlack(p.text);
    })
    .join('');
}

/** The commit an entry names, as a short hash with its link where it has an http(s) one. */
function commitRef(e: ReleaseNoteEntry): { short: string; url?: string } | undefined {
  if (!e.commit) return undefined;
  return { short: shortHash(e.commit), ...(isHttp(e.commitUrl) ? { url: e.commitUrl } : {}) };
}

function entryMarkdown(e: ReleaseNoteEntry): string {
  const ref = commitRef(e);
  const scope = e.scope ? `**${escapeInline(e.scope)}:** ` : '';
  const commit = ref ? ` (${ref.url ? `[\`${ref.short}\`](${ref.url})` : `\`${ref.short}\``})` : '';
  const pr = e.pr ? ` (#${e.pr})` : '';
  // The changelog's own Markdown stays Markdown; it may not start a block of its own.
  return `${scope}${escapeLineStart(inlineMarkdown(e.text))}${pr}${commit}`;
}

function entryHtml(e: ReleaseNoteEntry): string {
  const ref = commitRef(e);
  const scope = e.scope ? `<strong>${escapeHtml(oneLine(e.scope))}:</strong> ` : '';
  const code = ref && `<code>${escapeHtml(ref.short)}</code>`;
  const commit = ref ? ` (${ref.url ? `<a href="${escapeHtml(ref.url)}">${code}</a>` : code})` : '';
  const pr = e.pr ? ` (#${escapeHtml(e.pr)})` : '';
  return `${scope}${inlineHtml(e.text)}${pr}${commit}`;
}

function entrySlack(e: ReleaseNoteEntry): string {
  const ref = commitRef(e);
  const scope = e.scope ? `*${escapeSlack(oneLine(e.scope))}:* ` : '';
  const code = ref && `\`${ref.short}\``;
  const commit = ref ? ` (${ref.url ? `<${slackUrl(ref.url)}|${code}>` : code})` : '';
  const pr = e.pr ? ` (#${escapeSlack(e.pr)})` : '';
  return `${scope}${inlineSlack(e.text)}${pr}${commit}`;
}

/** The record's facts as sentences, each a list of pieces: plain words and recorded text. */
type Piece = { plain: string } | { data: string };

function describeRecord(r: ReleaseRecordFacts): Piece[][] {
  const lines: Piece[][] = [];
  if (r.go) {
    lines.push([
      { plain: 'GO for ' },
      { data: r.go.gate },
      { plain: ' by ' },
      { data: r.go.by },
      { plain: `, ${formatTime(r.go.at)}` },
      ...(r.go.windowOverride
        ? [
            { plain: ' (release window overridden by ' },
            { data: r.go.windowOverride.by },
            { plain: ': ' },
            { data: r.go.windowOverride.reason },
            { plain: ')' },
          ]
        : []),
    ]);
  }
  for (const w of r.waived) {
    lines.push([
      { plain: `Waived #${w.number} ` },
      { data: w.title },
      ...(w.reason ? [{ plain: ': ' }, { data: w.reason }] : []),
      ...(w.by ? [{ plain: ' (by ' }, { data: w.by }, { plain: `, ${formatTime(w.at)})` }] : []),
    ]);
  }
  for (const d of r.deployments) {
    const words = deploymentWords[d.status] ?? d.status;
    lines.push([
      { plain: 'Deployed to ' },
      { data: d.environment },
      { plain: ` (${words}) by ` },
      { data: d.by },
      { plain: `, ${formatTime(d.at)}` },
    ]);
  }
  for (const x of r.rollbacks) {
    lines.push([
      { plain: 'Rolled back in ' },
      { data: x.environment },
      { plain: ' by ' },
      { data: x.by },
      { plain: `, ${formatTime(x.at)}: ` },
      { data: x.reason },
    ]);
  }
  return lines;
}

const hasRecord = (r: ReleaseRecordFacts | undefined): r is ReleaseRecordFacts =>
  !!r && (!!r.go || r.waived.length + r.deployments.length + r.rollbacks.length > 0);

/** The words of the title, the version and the date. */
function titleParts(notes: ReleaseNotes | undefined, opts: RenderNotesOptions) {
  return {
    words: opts.title ?? 'Release',
    version: notes?.version ?? opts.version ?? opts.record?.version ?? '',
    ...(notes?.date ? { date: notes.date } : {}),
  };
}

function renderMarkdown(notes: ReleaseNotes | undefined, opts: RenderNotesOptions): string {
  const level = Math.min(Math.max(opts.headingLevel ?? 1, 1), 5);
  const h = (n: number) => '#'.repeat(Math.min(n, 6));
  const out: string[] = [];
  const t = titleParts(notes, opts);
  if (!opts.noTitle)
    out.push(
      `${h(level)} ${escapeInline(`${t.words} ${t.version}`)}${t.date ? ` (${escapeInline(t.date)})` : ''}`,
      '',
    );
  const sub = opts.noTitle ? level : level + 1;
  for (const s of notes?.sections ?? []) {
    if (s.title) out.push(`${h(sub)} ${escapeInline(s.title)}`, '');
    for (const e of s.entries) {
      out.push(`- ${entryMarkdown(e)}`);
      for (const d of e.details) out.push(`  - ${escapeLineStart(inlineMarkdown(d))}`);
    }
    out.push('');
  }
  if (hasRecord(opts.record)) {
    out.push(`${h(sub)} Release record`, '');
    for (const line of describeRecord(opts.record))
      out.push(`- ${line.map((p) => ('plain' in p ? p.plain : escapeInline(p.data))).join('')}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function renderHtml(notes: ReleaseNotes | undefined, opts: RenderNotesOptions): string {
  const level = Math.min(Math.max(opts.headingLevel ?? 1, 1), 5);
  const out: string[] = [];
  const t = titleParts(notes, opts);
  if (!opts.noTitle)
    out.push(
      `<h${level}>${escapeHtml(oneLine(`${t.words} ${t.version}`))}${t.date ? ` <small>${escapeHtml(oneLine(t.date))}</small>` : ''}</h${level}>`,
    );
  const sub = opts.noTitle ? level : level + 1;
  const list = (items: string[]) => ['<ul>', ...items.map((i) => `  <li>${i}</li>`), '</ul>'];
  for (const s of notes?.sections ?? []) {
    if (s.title) out.push(`<h${sub}>${escapeHtml(oneLine(s.title))}</h${sub}>`);
    out.push(
      ...list(
        s.entries.map(
          (e) =>
            entryHtml(e) +
            (e.details.length
              ? `<ul>${e.details.map((d) => `<li>${inlineHtml(d)}</li>`).join('')}</ul>`
              : ''),
        ),
      ),
    );
  }
  if (hasRecord(opts.record)) {
    out.push(`<h${sub}>Release record</h${sub}>`);
    out.push(
      ...list(
        describeRecord(opts.record).map((line) =>
          line
            .map((p) => ('plain' in p ? escapeHtml(p.plain) : escapeHtml(oneLine(p.data))))
            .join(''),
        ),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

function renderSlack(notes: ReleaseNotes | undefined, opts: RenderNotesOptions): string {
  const out: string[] = [];
  const t = titleParts(notes, opts);
  if (!opts.noTitle)
    out.push(
      `*${escapeSlack(oneLine(`${t.words} ${t.version}`))}*${t.date ? ` (${escapeSlack(oneLine(t.date))})` : ''}`,
      '',
    );
  for (const s of notes?.sections ?? []) {
    if (s.title) out.push(`*${escapeSlack(oneLine(s.title))}*`);
    for (const e of s.entries) {
      out.push(`• ${entrySlack(e)}`);
      for (const d of e.details) out.push(`    ◦ ${inlineSlack(d)}`);
    }
    out.push('');
  }
  if (hasRecord(opts.record)) {
    out.push('*Release record*');
    for (const line of describeRecord(opts.record))
      out.push(
        `• ${line.map((p) => ('plain' in p ? escapeSlack(p.plain) : escapeSlack(oneLine(p.data)))).join('')}`,
      );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Release notes (and the record's facts) in one format. Either part may be absent: notes
 * without a record, a record without a changelog section.
 *
 * @example renderReleaseNotes(notes, 'slack', { record }) // '*Release 1.2.0* (2026-11-30)\n\n*Added*\n• Dark mode\n...'
 */
export function renderReleaseNotes(
  notes: ReleaseNotes | undefined,
  format: ReleaseNotesFormat,
  opts: RenderNotesOptions = {},
): string {
  if (format === 'html') return renderHtml(notes, opts);
  if (format === 'slack') return renderSlack(notes, opts);
  return renderMarkdown(notes, opts);
}
