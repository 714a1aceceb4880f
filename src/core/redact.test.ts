import { describe, expect, it } from 'vitest';
import { maskSecret, redactSecrets } from './redact.ts';
import { plantedSecrets } from './secret-samples.fixture.ts';

describe('maskSecret', () => {
  it('keeps the first 4 characters of a long value and names the kind', () => {
    expect(maskSecret('abcdefghijklmnopqrst', 'github-token')).toBe('abcd…[REDACTED:github-token]');
  });

  it('shows less of a short value', () => {
    expect(maskSecret('s3cr3tpw', 'url-password')).toBe('s3…[REDACTED:url-password]');
    expect(maskSecret('abc')).toBe('…[REDACTED:secret]');
  });
});

describe('redactSecrets', () => {
  it('masks every planted secret and leaves the text around it alone', () => {
    for (const p of plantedSecrets(21)) {
      const out = redactSecrets(p.content);
      expect(out, p.id).not.toContain(p.secret);
      expect(out, p.id).toContain(`[REDACTED:${p.id}]`);
      const before = p.content.slice(0, p.content.indexOf(p.secret));
      expect(out.startsWith(before), p.id).toBe(true);
    }
  });

  it('masks a whole private key block, not just its first line', () => {
    const key = plantedSecrets(5).find((p) => p.file === 'deploy/id_rsa')!;
    const out = redactSecrets(`deploying with\n${key.content}done\n`);
    expect(out).toBe('deploying with\n----…[REDACTED:private-key]\ndone\n');
  });

  it('returns text without secrets unchanged', () => {
    const text = 'npm test\n> 42 passed\nhttps://registry.npmjs.org/\n';
    expect(redactSecrets(text)).toBe(text);
  });
});
