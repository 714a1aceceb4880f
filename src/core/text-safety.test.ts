import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeJsonControls, findControlChar, sanitizeText } from './text-safety.ts';

const ESC = '\u001b';

describe('sanitizeText', () => {
  it('leaves ordinary text alone, newlines, tabs and non-ASCII included', () => {
    for (const text of ['CHANGELOG updated', 'Zoë · 日本語 ✓', 'a\tb\nc', '']) {
      expect(sanitizeText(text)).toBe(text);
    }
  });

  it('removes CSI sequences whole: clear screen, cursor moves, colours', () => {
    expect(sanitizeText(`before${ESC}[2Jafter`)).toBe('beforeafter');
    expect(sanitizeText(`${ESC}[1;1H${ESC}[31mred${ESC}[0m`)).toBe('red');
    expect(sanitizeText(`x${ESC}[?1049hy`)).toBe('xy');
    // The 8-bit CSI a terminal may also honour.
    expect(sanitizeText('a\u009b2Jb')).toBe('ab');
  });

  it('removes OSC sequences whole (hyperlinks, window titles) with either terminator', () => {
    const link = `${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`;
    expect(sanitizeText(`see ${link} here`)).toBe('see click here');
    expect(sanitizeText(`${ESC}]0;owned\u0007title`)).toBe('title');
    expect(sanitizeText('\u009d0;owned\u009ctitle')).toBe('title');
  });

  it('drops an unterminated OSC to the end, as a terminal would swallow it', () => {
    expect(sanitizeText(`ok ${ESC}]8;;https://evil.example/ rest`)).toBe('ok ');
  });

  it('removes DCS and other string sequences, and two-byte escapes such as a reset', () => {
    expect(sanitizeText(`a${ESC}P1$r${ESC}\\b`)).toBe('ab');
    expect(sanitizeText(`a${ESC}cb`)).toBe('ab');
    expect(sanitizeText(`trailing${ESC}`)).toBe('trailing');
  });

  it('removes C0 (but newline and tab), DEL, C1 and bidirectional overrides', () => {
    expect(sanitizeText('a\u0000b\u0007c\u0008d\re\u007ff\u0085g')).toBe('abcdefg');
    expect(sanitizeText('admin\u202e\u2066txt.exe\u2069')).toBe('admintxt.exe');
  });

  it('with oneLine, marks line breaks and flattens tabs so text cannot start a line', () => {
    expect(sanitizeText('ok\n- [x] #9 Security review', { oneLine: true })).toBe(
      'ok ⏎ - [x] #9 Security review',
    );
    expect(sanitizeText('a\r\n\r\nb\tc', { oneLine: true })).toBe('a ⏎ b c');
    expect(sanitizeText('single', { oneLine: true })).toBe('single');
  });

  it('never lets an escape, a C0/C1 control or (with oneLine) a newline through, for any input', () => {
    const chars = fc.constantFrom(
      ESC,
      '[',
      ']',
      '\\',
      '\u0007',
      '\u009b',
      '\u009c',
      '\u009d',
      '\n',
      '\r',
      '\t',
      'a',
      '2',
      ';',
      'J',
      'é',
      '\u202e',
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        // eslint-disable-next-line no-control-regex
        expect(sanitizeText(text)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
        expect(sanitizeText(text, { oneLine: true })).not.toMatch(/[\n\t]/);
        // Idempotent: what is shown is already safe.
        expect(sanitizeText(sanitizeText(text))).toBe(sanitizeText(text));
      }),
    );
  });
});

describe('findControlChar', () => {
  it('names the first control character, newline and tab included', () => {
    expect(findControlChar('ann@example.com')).toBeUndefined();
    expect(findControlChar('Zoë Müller')).toBeUndefined();
    expect(findControlChar('ann\nmallory')).toBe('a line break (U+000A)');
    expect(findControlChar('ann\tx')).toBe('a tab (U+0009)');
    expect(findControlChar(`ann${ESC}[2J`)).toBe('an escape character (U+001B)');
    expect(findControlChar('ann\u0085')).toBe('a control character (U+0085)');
  });
});

describe('escapeJsonControls', () => {
  it('escapes what JSON.stringify leaves raw, and the value parses back the same', () => {
    const value = { t: `a\u009b2Jb\u007f\u2028\u202e`, n: [1, 'ok'] };
    const json = escapeJsonControls(JSON.stringify(value));
    expect(json).not.toMatch(/[\u007f-\u009f\u2028\u202e]/);
    expect(json).toContain('\\u009b');
    expect(JSON.parse(json)).toEqual(value);
  });
});
