import { describe, expect, it } from 'vitest';
import { findBlanks, maxBlanks } from './playbook-import-blanks.ts';

const texts = (md: string) => findBlanks(md).blanks.map((b) => b.text);

describe('findBlanks', () => {
  it('lists the placeholders with line, column and the line they are in', () => {
    const { blanks, total } = findBlanks(
      '# Release\n\n- [ ] Rollback decision made by [Role/Name]\n- [ ] Owner: ____ on [Date]\n',
    );
    expect(total).toBe(3);
    expect(blanks).toEqual([
      {
        line: 3,
        col: 33,
        text: '[Role/Name]',
        context: '- [ ] Rollback decision made by [Role/Name]',
      },
      { line: 4, col: 14, text: '____', context: '- [ ] Owner: ____ on [Date]' },
      { line: 4, col: 22, text: '[Date]', context: '- [ ] Owner: ____ on [Date]' },
    ]);
  });

  it('finds angled, capitalised and worded blanks in front matter and commands', () => {
    expect(texts('title: "[Release] - <Version or Release Name>"\n')).toEqual([
      '<Version or Release Name>',
    ]);
    expect(texts('Tag with `release -t <tag> -c <topic>`\n')).toEqual(['<tag>', '<topic>']);
    expect(texts('- [ ] Approver: TBD\n- [ ] Ship [VERSION] to [YOUR NAME]\n')).toEqual([
      'TBD',
      '[VERSION]',
      '[YOUR NAME]',
    ]);
  });

  it('leaves Markdown alone: links, task boxes, footnotes, HTML, autolinks, rules and fences', () => {
    expect(
      texts(
        [
          '- [ ] Read [the guide](https://x.y) and [the docs][1]',
          '- [x] Done [^1]',
          '<details><summary>More</summary></details> <br/> <!-- note -->',
          'See <https://example.com> or <ops@example.com>',
          '[1]: https://x.y',
          '___',
          '```sh',
          'deploy --owner [Name] <target>',
          '```',
          '- [ ] Label [Release] stays',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('lists at most maxBlanks, and counts them all', () => {
    const { blanks, total } = findBlanks('- [ ] [Name]\n'.repeat(maxBlanks + 5));
    expect(blanks.length).toBe(maxBlanks);
    expect(total).toBe(maxBlanks + 5);
  });
});
