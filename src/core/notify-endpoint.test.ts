import { describe, expect, it } from 'vitest';
import { channelWants, findInlineUrlSecret, parseChannelTimeout } from './notify-endpoint.ts';

describe('reading a channel for delivery', () => {
  it('holds timeouts between 1 s and 60 s, 10 s by default', () => {
    expect(parseChannelTimeout(undefined)).toBe(10_000);
    expect(parseChannelTimeout('2500ms')).toBe(2500);
    expect(parseChannelTimeout('3s')).toBe(3000);
    expect(parseChannelTimeout('10m')).toBe(60_000);
    expect(parseChannelTimeout('10ms')).toBe(1000);
    expect(parseChannelTimeout('soon')).toBe(10_000);
  });

  it('filters events', () => {
    expect(channelWants({ type: 'slack', url_env: 'X' }, 'watch.failed')).toBe(true);
    expect(
      channelWants({ type: 'slack', url_env: 'X', events: ['decision.go'] }, 'watch.failed'),
    ).toBe(false);
  });

  it('finds secrets written into a URL, with the fix', () => {
    expect(findInlineUrlSecret('https://ci:s3cret@hooks.example.org/x')?.message).toBe(
      'the URL holds a password',
    );
    expect(findInlineUrlSecret('https://hooks.example.org/x?token=abc')?.message).toBe(
      'the URL\'s query parameter "token" holds a credential',
    );
    expect(findInlineUrlSecret('https://hooks.example.org/x?X-Amz-Signature=abc')?.fix).toMatch(
      /url_env/,
    );
    expect(findInlineUrlSecret('https://hooks.example.org/gonogo?channel=ops')).toBeUndefined();
    expect(findInlineUrlSecret('not a url')).toBeUndefined();
  });
});
