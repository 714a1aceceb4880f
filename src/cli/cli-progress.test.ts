import { describe, expect, it } from 'vitest';
import type { Output } from './cli-output.ts';
import { formatRow } from './cli-progress.ts';

const plain: Output = { color: false, out: () => {}, err: () => {} };
const colored: Output = { ...plain, color: true };
// eslint-disable-next-line no-control-regex
const visible = (s: string) => s.replace(/\u001b\[\d+m/g, '');

describe('formatRow', () => {
  const long = {
    key: 1,
    label: '#1 Every environment variable read is documented in .env.example and more',
    result: {
      status: 'failed' as const,
      summary: '12 environment variables not in .env.example: A, B, C, D, E, F, G, H, I, J, K, L',
      evidence: {},
      durationMs: 1234,
    },
  };

  it('never makes a row wider than the terminal, colour or not, so the live redraw holds', () => {
    for (const width of [40, 60, 80, 120]) {
      for (const o of [plain, colored]) {
        for (const row of [
          long,
          { ...long, result: undefined, startedAt: 0 },
          { key: 2, label: long.label },
        ]) {
          expect(visible(formatRow(o, row, 1500, width)).length).toBeLessThanOrEqual(width);
        }
      }
    }
  });

  it('shows state, label, time and summary', () => {
    expect(formatRow(plain, long, 0, 120)).toMatch(
      /^✗ #1 Every environment .*… +1\.2s {2}12 environment variables/,
    );
    expect(formatRow(plain, { ...long, result: undefined, startedAt: 0 }, 2500, 80)).toMatch(
      /^… #1 .* 2\.5s$/,
    );
  });
});
