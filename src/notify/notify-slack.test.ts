import { afterEach, describe, expect, it } from 'vitest';
import { hostileMessage, sampleMessage } from '../core/notify-message.fixture.ts';
import { deliver } from './notify-deliver.ts';
import { startSlackReceiver, type HttpReceiver } from './notify-receivers.fixture.ts';

const now = () => new Date();
let receiver: HttpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

type Block = {
  type: string;
  text?: { type: string; text: string };
  fields?: { text: string }[];
  elements?: { text: string }[];
};
const textsOf = (blocks: Block[]) =>
  blocks
    .flatMap((b) => [
      b.text?.text,
      ...(b.fields ?? []).map((f) => f.text),
      ...(b.elements ?? []).map((e) => e.text),
    ])
    .filter(Boolean) as string[];

describe('deliver to a Slack incoming webhook', () => {
  it('posts a valid Block Kit message with the release, state, decision and links', async () => {
    receiver = await startSlackReceiver();
    const attempt = await deliver({ type: 'slack', url_env: 'SLACK_HOOK' }, sampleMessage(), {
      env: { SLACK_HOOK: receiver.url },
      now,
    });
    expect(attempt).toMatchObject({ outcome: 'delivered', status: 200, response: 'ok' });
    const got = receiver.received[0]!;
    expect(got.problems).toEqual([]);
    const blocks = (got.json as { blocks: Block[] }).blocks;
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'shop 2.4.0: GO for production', emoji: false },
    });
    expect(blocks.map((b) => b.type)).toEqual(expect.arrayContaining(['section', 'context']));
    const all = textsOf(blocks).join('\n');
    expect(all).toContain('*State*\nactive');
    expect(all).toContain('*Decision*\nGO (gate go-no-go)');
    expect(all).toContain('<https://gonogo.example.org/projects/shop/releases/2.4.0|Release>');
    expect(all).toContain('<https://git.example.org/shop/blob/main/CHANGELOG.md|Changelog>');
  });

  it('escapes &, < and > so titles cannot inject links or mentions', async () => {
    receiver = await startSlackReceiver();
    await deliver({ type: 'slack', url_env: 'SLACK_HOOK' }, hostileMessage(), {
      env: { SLACK_HOOK: receiver.url },
      now,
    });
    const got = receiver.received[0]!;
    expect(got.problems).toEqual([]);
    const json = got.json as { text: string; blocks: Block[] };
    // Header text is plain_text, which Slack shows as it is (no links, no mentions): leave it out.
    const header = json.blocks[0]!;
    expect(header.text?.type).toBe('plain_text');
    const all = [json.text, ...textsOf(json.blocks.slice(1))].join('\n');
    expect(all).not.toMatch(/<!(channel|here|subteam)/);
    expect(all).not.toContain('<@U123>');
    expect(all).not.toContain('<https://evil.example|click>');
    expect(all).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(all).toContain('&lt;@U123&gt; &amp; &lt;!here&gt;');
    expect(all).not.toContain('\u001b');
    // The javascript: link is dropped; the runbook link keeps its target, its label cannot end the link early.
    expect(all).not.toContain('javascript:');
    expect(all).toContain(
      '<https://wiki.example.org/runbook?a=1&amp;b=%3C2%3E|Runbook ¦ &lt;x&gt;>',
    );
    expect(all).toContain('*Blockers*');
  });

  it('a missing URL variable fails for good and names it', async () => {
    const attempt = await deliver({ type: 'slack', url_env: 'SLACK_HOOK' }, sampleMessage(), {
      env: {},
      now,
    });
    expect(attempt).toMatchObject({ outcome: 'failed', retryable: false });
    expect(attempt.error).toMatch(
      /SLACK_HOOK is not set: set SLACK_HOOK to the Slack incoming-webhook URL/,
    );
  });

  it('Slack errors: 404 no_service fails for good, 410 is gone, 500 is retried; the hook URL never shows', async () => {
    receiver = await startSlackReceiver();
    receiver.answer('404', '410', '500');
    const opts = { env: { SLACK_HOOK: receiver.url }, now };
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(await deliver({ type: 'slack', url_env: 'SLACK_HOOK' }, sampleMessage(), opts));
    expect(results.map((a) => [a.outcome, a.retryable, a.status])).toEqual([
      ['failed', false, 404],
      ['gone', false, 410],
      ['failed', true, 500],
    ]);
    const attempt = await deliver({ type: 'slack', url_env: 'SLACK_HOOK' }, sampleMessage(), {
      env: { SLACK_HOOK: 'ftp://hooks.example.org/services/T0/B0/secretpart' },
      now,
    });
    expect(attempt.error).toMatch(/not an http\(s\) URL/);
    expect(JSON.stringify(attempt)).not.toContain('secretpart');
  });
});
