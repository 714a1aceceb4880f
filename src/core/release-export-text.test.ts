import { describe, expect, it } from 'vitest';
import { parseGfm, strayEscapes, taskItems, textOf } from './release-export.fixture.ts';
import {
  fenceCode,
  quoteCode,
  escapeInline,
  escapeLineStart,
  formatTime,
  escapeHeading,
  joinBlocks,
  splitParagraph,
} from './release-export-text.ts';

/** What a reader shows for `text` written as the title of a task line (and as a note line). */
function shown(text: string, opts: { math?: boolean } = {}): { title: string; note: string } {
  const md = `- [ ] ${escapeInline(text, opts)}\n  - ${splitParagraph(text, '    ', opts).join('\n')}\n`;
  const [task] = taskItems(md);
  const title = textOf(task!.children[0]).trim();
  const nested = task!.children[1] as { children: unknown[] } | undefined;
  return { title, note: nested ? textOf(nested.children[0]).trim() : '' };
}

const tricky = [
  'performance_profiler.py',
  'error_rate > 5% and p99 < 2x baseline',
  'snake_case_name and _leading and trailing_ and __dunder__',
  '2*3 = 6, *not emphasis*, **not strong**, a * b',
  '~5 minutes, ~~not struck~~, a ~ b',
  '[not a link](https://evil.example/) and ![no image](x.png) and [ref][x] and [1.0.0] - 2026',
  '<script>alert(1)</script> <b>bold</b> <!-- c --> <https://x.example> a < b',
  '&amp; &#35; &copy; AT&T &',
  'back\\slash \\* \\_ and a trailing \\',
  'http://example.com/a_b_c and www.example.com',
  'price $5 and $10',
  'C# and #12 and # not a heading',
  'a | b | c',
  'unclosed `tick and ``double',
];

describe('escapeInline', () => {
  it('leaves ordinary text alone: no escape a reader does not need', () => {
    for (const s of [
      'performance_profiler.py',
      'Code coverage >= 80%',
      'error_rate > 5%',
      'Update status page: "Scheduled Maintenance"',
      'Announce deployment in #engineering Slack channel',
      'CHANGELOG.md:3 has "[1.0.0] - 2026-11-23" with 1 entry',
      'a * b',
    ])
      expect(escapeInline(s)).toBe(s);
  });

  it('keeps inline code as code, with everything inside it verbatim', () => {
    const title = 'Load tested (`python monitoring/performance_profiler.py --load-test`)';
    expect(escapeInline(title)).toBe(title);
    const [task] = taskItems(`- [ ] ${escapeInline('run `a_b *c* [d](e)` now')}\n`);
    const code = (task!.children[0] as { children: { type: string; value: string }[] }).children;
    expect(code.find((c) => c.type === 'inlineCode')?.value).toBe('a_b *c* [d](e)');
  });

  it('reads back as the same text, for text full of markup, as a title and as a note', () => {
    for (const s of tricky) {
      const r = shown(s, { math: true });
      expect(r.title, s).toBe(s);
      expect(r.note, s).toBe(s);
    }
  });

  it('leaves no escape a reader would show', () => {
    // (Text with backslashes of its own shows them, as the read-back test above checks.)
    const md = tricky
      .filter((s) => !s.includes('\\'))
      .map((s) => `- [ ] ${escapeInline(s)}`)
      .join('\n');
    expect(strayEscapes(md)).toEqual([]);
  });

  it('escapes `|` in table cells, inside code spans too', () => {
    const cell = escapeInline('a | b `c | d`', { cell: true });
    expect(cell).toBe('a \\| b `c \\| d`');
    const tree = parseGfm(`| x |\n| --- |\n| ${cell} |\n`);
    expect(tree.children[0]!.type).toBe('table');
    expect(textOf(tree.children[0]).endsWith('a | b `c | d`')).toBe(true);
  });

  it('puts recorded line breaks on one line and removes control characters', () => {
    expect(escapeInline('ok\n- [x] forged\u001b[2J')).toBe('ok ⏎ - [x] forged');
  });
});

describe('paragraphLines and escapeLineStart', () => {
  it('keeps a forged task line, heading or list inside the paragraph it continues', () => {
    const lines = splitParagraph(
      'ok\n- [x] #9 Security review\n## Sign-offs\n1. step\n> q\n---',
      '    ',
    );
    const md = `- [ ] Item\n  - ${lines.join('\n')}\n`;
    expect(taskItems(md)).toHaveLength(1);
    const kinds = JSON.stringify(parseGfm(md));
    for (const k of ['heading', 'blockquote', 'thematicBreak', '"ordered":true'])
      expect(kinds).not.toContain(k);
    expect(textOf(parseGfm(md))).toContain('- [x] #9 Security review\n## Sign-offs\n1. step');
  });

  it('escapes what would start a block, and only that', () => {
    expect(escapeLineStart('1. step')).toBe('1\\. step');
    expect(escapeLineStart('# x')).toBe('\\# x');
    expect(escapeLineStart('[x] y')).toBe('\\[x] y');
    expect(escapeLineStart('plain text')).toBe('plain text');
  });
});

describe('codeBlock, quoteCode, escapeHeading, joinBlocks, formatTime', () => {
  it('fences code so nothing inside can close it, and keeps it verbatim', () => {
    const text = 'echo "```"\n\naws s3 cp a_b \\\n  c';
    const lines = fenceCode(text, '  ');
    expect(lines[0]).toBe('  ````');
    const tree = parseGfm(`- x\n${lines.join('\n')}\n`);
    const code = JSON.stringify(tree);
    expect(code).toContain(JSON.stringify(text).slice(1, -1));
  });

  it('writes a code span with more backticks than its text has', () => {
    expect(quoteCode('a`b')).toBe('``a`b``');
    expect(quoteCode('`x`')).toBe('`` `x` ``');
  });

  it('keeps a trailing # in a heading', () => {
    expect(escapeHeading('Notes for C#')).toBe('Notes for C\\#');
    expect(textOf(parseGfm(`## ${escapeHeading('Notes for C#')}`))).toBe('Notes for C#');
  });

  it('collapses blank lines outside code, never inside it', () => {
    expect(joinBlocks(['# A', '', '', 'b', '', ''])).toBe('# A\n\nb\n');
    expect(joinBlocks(['```', 'a', '', '', 'b', '```'])).toBe('```\na\n\n\nb\n```\n');
  });

  it('formats times to the minute in UTC', () => {
    expect(formatTime('2026-11-23T10:02:31.000Z')).toBe('2026-11-23 10:02 UTC');
  });
});
