import { describe, expect, it } from 'vitest';
import {
  channelWants,
  findInlineUrlSecret,
  notifySectionSchema,
  parseChannelTimeout,
} from './notify-channel.ts';

const issues = (value: unknown) => {
  const r = notifySectionSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the notify: section', () => {
  it('takes the three channel types', () => {
    expect(
      issues({
        'release-hook': {
          type: 'webhook',
          url: 'https://hooks.example.org/gonogo',
          secret_env: 'GONOGO_HOOK_SECRET',
          events: ['decision.go', 'deployment.succeeded'],
          cdevents: true,
          timeout: '5s',
        },
        'ops-slack': { type: 'slack', url_env: 'SLACK_HOOK_URL' },
        'release-mail': { type: 'email', to: ['ops@example.org'], smtp_env: 'MAIL_URL' },
      }),
    ).toEqual([]);
  });

  it('refuses a secret written inline, with the fix', () => {
    const found = issues({
      hook: { type: 'webhook', url: 'https://ci:s3cret@hooks.example.org/x' },
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^hook\.url: the URL holds a password: keep the secret in an environment variable/,
    );
    expect(
      issues({ hook: { type: 'webhook', url: 'https://hooks.example.org/x?token=abc' } })[0],
    ).toMatch(/query parameter "token" holds a credential/);
    // A Slack URL is itself the secret, so `url` is not even a key of a Slack channel.
    expect(
      issues({ s: { type: 'slack', url: 'https://hooks.slack.com/services/T/B/X' } }).join(),
    ).toMatch(/url/);
  });

  it('names unknown events, bad variable names, bad addresses and timeouts', () => {
    expect(
      issues({ h: { type: 'webhook', url: 'https://h.example.org', events: ['deploy.done'] } })[0],
    ).toMatch(/^h\.events\.0/);
    expect(issues({ s: { type: 'slack', url_env: 'https://hooks.slack.com/x' } })[0]).toMatch(
      /NAME of an environment variable/,
    );
    expect(issues({ m: { type: 'email', to: ['not an address'] } })[0]).toMatch(/e-mail address/);
    expect(issues({ m: { type: 'email', to: [] } })).toHaveLength(1);
    expect(
      issues({ h: { type: 'webhook', url: 'https://h.example.org', timeout: '5m' } })[0],
    ).toMatch(/timeout/);
    expect(
      issues({ h: { type: 'webhook', url: 'https://h.example.org', timeout: '90s' } })[0],
    ).toMatch(/between 1s and 60s/);
    expect(issues({ h: { type: 'webhook', url: 'ftp://h.example.org' } })[0]).toMatch(
      /http\(s\) URL/,
    );
    expect(issues({ 'Bad Name': { type: 'slack', url_env: 'X' } })).toHaveLength(1);
  });

  it('filters events and parses timeouts', () => {
    expect(channelWants({ type: 'slack', url_env: 'X' }, 'watch.failed')).toBe(true);
    expect(
      channelWants({ type: 'slack', url_env: 'X', events: ['decision.go'] }, 'watch.failed'),
    ).toBe(false);
    expect(parseChannelTimeout(undefined)).toBe(10_000);
    expect(parseChannelTimeout('2500ms')).toBe(2500);
    expect(parseChannelTimeout('3s')).toBe(3000);
    expect(findInlineUrlSecret('https://hooks.example.org/gonogo?channel=ops')).toBeUndefined();
  });
});
