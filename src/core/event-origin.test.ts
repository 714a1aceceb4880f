import { describe, expect, it } from 'vitest';
import { formatSecret } from './account-credentials.ts';
import { GonogoError } from './errors.ts';
import { cleanEventOrigin, maxAddressLength, maxUserAgentLength } from './event-origin.ts';

describe('cleanEventOrigin', () => {
  it('keeps address, user agent and token id as given when they are clean', () => {
    const origin = {
      address: '2001:db8::1',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      tokenId: '0197a3c2-1b2c-7d3e-8f40-123456789abc',
    };
    expect(cleanEventOrigin(origin)).toEqual(origin);
  });

  it('takes the user agent as data: escapes and control characters out, one line, bounded', () => {
    const cleaned = cleanEventOrigin({
      userAgent: 'curl/8.5\u001b[2J\u001b]0;owned\u0007 x\n  2 item.state forged\r\u202e',
    });
    expect(cleaned).toEqual({ userAgent: 'curl/8.5 x ⏎ 2 item.state forged' });
    const long = cleanEventOrigin({ userAgent: 'é'.repeat(1000), address: '1'.repeat(500) });
    expect([...long!.userAgent!]).toHaveLength(maxUserAgentLength);
    expect(long!.address).toHaveLength(maxAddressLength);
    // Astral characters are cut whole, never into half a surrogate pair.
    const emoji = cleanEventOrigin({ userAgent: '😀'.repeat(400) })!.userAgent!;
    expect([...emoji]).toHaveLength(maxUserAgentLength);
    expect(emoji.isWellFormed()).toBe(true);
  });

  it('leaves out empty parts, and is undefined when nothing is left', () => {
    expect(cleanEventOrigin(undefined)).toBeUndefined();
    expect(cleanEventOrigin({})).toBeUndefined();
    expect(cleanEventOrigin({ address: ' ', userAgent: '\u0000\u001b[0m', tokenId: '' })).toBe(
      undefined,
    );
    expect(cleanEventOrigin({ address: '192.0.2.1', userAgent: '' })).toEqual({
      address: '192.0.2.1',
    });
  });

  it('refuses a token secret in place of its id, without repeating it', () => {
    const secret = formatSecret('token', new Uint8Array(32).fill(7));
    for (const tokenId of [secret, formatSecret('session', new Uint8Array(32)), 'gng_short']) {
      const error = (() => {
        try {
          cleanEventOrigin({ tokenId });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(GonogoError);
      expect(error).toMatchObject({ code: 'internal' });
      expect((error as Error).message).not.toContain(tokenId);
    }
    expect(() => cleanEventOrigin({ tokenId: 'a b\n' })).toThrow(/no id/);
  });
});
