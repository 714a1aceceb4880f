import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { importChecklist } from './playbook-import.ts';
import { hostileShapes, makeHostile } from './playbook-import-hostile.fixture.ts';
import {
  maxRunBytes,
  maxRunLines,
  maxRunMarks,
  maxUnderlines,
  parseChecklistMarkdown,
} from './playbook-import-markdown.ts';
import { prepareChecklistText } from './playbook-import-text.ts';

const whole = unified().use(remarkParse).use(remarkGfm).freeze();
/** The tree as data (no prototypes, no undefined fields), to compare two parses exactly. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
/** Cuts at every boundary, so that every join is exercised. */
const cutEverywhere = (text: string) => parseChecklistMarkdown(text, 'x.md', { partBytes: 0 });

const seedDir = path.resolve(import.meta.dirname, '../../../shared/seeds');
const haveSeeds = existsSync(seedDir);
if (!haveSeeds) console.warn(`playbook-import-markdown.test: ${seedDir} is absent; skipped`);

describe('parseChecklistMarkdown gives the tree of a whole parse', () => {
  // Lines chosen for what crosses a cut: lists and their markers, fences and HTML blocks left
  // open, indented code, quotes, tables, setext underlines, definitions and footnotes.
  const line = fc.constantFrom(
    ...['', '', '', 'a', 'b c', '# h', '## h2', 'a\n=', 'x\n---', '---', '***', '* * *', '- - -'],
    ...['- a', '- b', '* c', '+ d', '-', '- ', '1. one', '2. two', '3) three', '1) one', '10. ten'],
    ...['  - nested', '    - deep', '    code', '  cont', '\t- tab', ' - one space', '- [ ] task'],
    ...[
      '- [x] done',
      '> q',
      '> - qa',
      '> ```',
      '> > deep',
      '>',
      '- > q',
      '1. - x',
      '- a\n\n  para',
    ],
    ...[
      '```',
      '```js',
      '~~~',
      '    ```',
      '  ```',
      '   ```',
      '````',
      '``` x`y',
      '  ~~~',
      '```\n  ```',
    ],
    ...['<!--', '-->', '<!-- x -->', '<!-->', '<div>', '</div>', '<script>', '</script>', '<pre>'],
    ...['<?php', '?>', '<![CDATA[', ']]>', '<!A', '>', '<custom>', '- <!--', '  <div>', '  -->'],
    ...['| a | b |', '|---|---|', '| c | d |', '| x |', '|:-|', '===', '  ===', ' ---', 'a\n  ='],
    ...['[a]: /u', '[A]', '[b][a]', 'see [a]', '[^n]', '[^n]: note', '  more note', '[^n]: a'],
    ...[
      '    indented note',
      '[x]:',
      '/url',
      '"title"',
      '[a]:\n/x',
      '[ref]: /r',
      '[Ref]',
      '[ref][]',
    ],
    ...['![img][ref]', 'text *em', 'a_ b_', '`code', '\\', '#', '# ', '#tag', '<details>', '  '],
  );

  it('on generated documents, cut at every boundary', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const text = lines.join('\n');
        expect(plain(cutEverywhere(text))).toEqual(plain(whole.parse(text)));
      }),
      { numRuns: Number(process.env.IMPORT_RUNS ?? 200) },
    );
  });

  it('on generated documents, in parts of the usual size', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 400 }), (lines) => {
        const text = lines.join('\n');
        expect(plain(parseChecklistMarkdown(text, 'x.md'))).toEqual(plain(whole.parse(text)));
      }),
      { numRuns: Math.ceil(Number(process.env.IMPORT_RUNS ?? 200) / 10) },
    );
  });

  it.each([
    ['a list split between items, loose', '- a\n\n- b\n\n- c\n'],
    ['a list split between items, tight', '- a\n- b\n* c\n'],
    ['an ordered list after an indented code block', '    code\n\n2) two\n- x\n'],
    ['a fence left open across a heading', '```\n\n# not a heading\n\n```\n\n# h\n'],
    ['an HTML comment across blank lines', '<!--\n\n- [ ] hidden\n\n-->\n\n- [ ] shown\n'],
    ['a fence open at the end of a list item', '- a\n    ```\n- b\n\nx\n'],
    ['a reference defined further down', '- [ ] [Changelog][cl]\n\n# More\n\n[cl]: https://x\n'],
    ['a footnote defined further down', '- [ ] Tag[^1]\n\n# More\n\n[^1]: a note\n'],
  ])('%s', (_name, text) => {
    expect(plain(cutEverywhere(text))).toEqual(plain(whole.parse(text)));
  });

  it.skipIf(!haveSeeds)('on the five seed checklists', () => {
    for (const f of readdirSync(seedDir)) {
      const { body } = prepareChecklistText(readFileSync(path.join(seedDir, f), 'utf8'), f);
      expect(plain(parseChecklistMarkdown(body, f)), f).toEqual(plain(whole.parse(body)));
      expect(plain(cutEverywhere(body)), f).toEqual(plain(whole.parse(body)));
    }
  });
});

describe('parseChecklistMarkdown refuses what it cannot parse in linear time', () => {
  const refusal = (text: string) => {
    try {
      parseChecklistMarkdown(text, 'in.md');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as InputError).problems[0]!;
    }
    throw new Error('expected a refusal');
  };

  it('names the line where a paragraph-sized run starts, and what is over its limit', () => {
    const long = `# T\n\n- [ ] a\n${'word '.repeat(maxRunBytes / 5 + 10)}\n`;
    expect(refusal(long)).toMatchObject({ file: 'in.md', line: 3, col: 1 });
    expect(refusal(long).message).toMatch(/KiB of text .* without a blank line/);
    expect(refusal(`x\n${'y\n'.repeat(maxRunLines + 1)}`).message).toMatch(/lines of text/);
    expect(refusal(`x\n\n${'a_ '.repeat(maxRunMarks + 1)}`)).toMatchObject({ line: 3 });
    // Setext headings inside one list item: every run is short, but no cut can split them.
    const headings = `- x\n${'\n  a\n  =\n'.repeat(maxUnderlines + 1)}`;
    expect(refusal(headings)).toMatchObject({ line: 3 * maxUnderlines + 4 });
    expect(refusal(headings).message).toMatch(/headings underlined with = or -/);
  });

  it('counts runs from the last line that ends any paragraph', () => {
    // Each item is its own run: a long list is fine, and so is a fence's content.
    const items = '- [ ] a_ b_ c_\n'.repeat(2000);
    expect(() => parseChecklistMarkdown(items, 'in.md')).not.toThrow();
    const fence = `\`\`\`\n${'x_\n'.repeat(maxRunLines * 2)}\`\`\`\n`;
    expect(() => parseChecklistMarkdown(fence, 'in.md')).not.toThrow();
  });
});

describe('importChecklist on crafted input', () => {
  it.each(hostileShapes.map((s) => [s.name, s] as const))(
    '%s imports, or is refused with a place',
    (_name, shape) => {
      const text = makeHostile(shape, 24 * 1024);
      try {
        expect(importChecklist(text, 'crafted.md').stats.items).toBeGreaterThan(0);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).problems[0]).toMatchObject({
          file: 'crafted.md',
          line: expect.any(Number),
          col: expect.any(Number),
        });
      }
    },
  );
});
