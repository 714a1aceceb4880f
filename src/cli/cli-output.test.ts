import { describe, expect, it } from 'vitest';
import { cleanLine, indentLines, oneLine, paint, table } from './cli-output.ts';

const colour = { color: true };

describe('cleanLine', () => {
  it('keeps the colours paint writes, only when colour is on, and removes every other sequence', () => {
    const line = `${paint(colour, 'red', 'NO-GO')} note: ok\u001b[2J\u001b]8;;https://x/\u0007link`;
    expect(cleanLine(line, true)).toBe(`${paint(colour, 'red', 'NO-GO')} note: oklink`);
    expect(cleanLine('plain\u001b[31m red', false)).toBe('plain red');
    expect(cleanLine('a\u009b2Jb\rc', true)).toBe('abc');
  });
});

describe('oneLine and indentLines', () => {
  it('keep recorded text from starting a line of its own', () => {
    expect(oneLine('ok\n- [x] #9 forged\u001b[2J')).toBe('ok ⏎ - [x] #9 forged');
    expect(indentLines('first\nsecond\u001b[H\tend', '    ')).toEqual(['first', '    second end']);
  });
});

describe('table', () => {
  it('pads by the visible width, not counting colour codes', () => {
    expect(
      table([
        [paint(colour, 'green', 'ok'), 'x'],
        ['longer', 'y'],
      ]),
    ).toEqual([`${paint(colour, 'green', 'ok')}      x`, 'longer  y']);
  });
});
