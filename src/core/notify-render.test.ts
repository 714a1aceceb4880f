import { describe, expect, it } from 'vitest';
import { shrinkMessage } from './notify-message.ts';
import {
  deploymentMessage,
  hostileMessage,
  incidentMessage,
  sampleMessage,
} from './notify-message.fixture.ts';
import { escapeHtml, escapeSlack, renderMessage } from './notify-render.ts';

describe('renderMessage', () => {
  it('text: subject, body, facts, links', () => {
    const text = renderMessage(sampleMessage(), 'text');
    expect(text.split('\n').slice(0, 3)).toEqual([
      'shop 2.4.0: GO for production',
      '',
      'Every gate in front of production is open.',
    ]);
    expect(text).toContain('State: active\nCommit: 0123456789ab\nDecision: GO (gate go-no-go)');
    expect(text).toContain('Changelog: https://git.example.org/shop/blob/main/CHANGELOG.md');
  });

  it('html escapes every text and keeps only http(s) links', () => {
    const html = renderMessage(hostileMessage(), 'html');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('\u001b');
    expect(html).toContain('<h1>shop 2.4.0 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(
      '<a href="https://wiki.example.org/runbook?a=1&amp;b=%3C2%3E">Runbook | &lt;x&gt;</a>',
    );
  });

  it('escapes by the rules of each target', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    expect(escapeSlack('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });

  it('webhook-json is {type, timestamp, data}', () => {
    const m = sampleMessage();
    const payload = renderMessage(m, 'webhook-json');
    expect(Object.keys(payload)).toEqual(['type', 'timestamp', 'data']);
    expect(payload.data).not.toHaveProperty('type');
    expect(payload.data.release).toEqual(m.release);
  });

  it('cdevent only for deployments, rollbacks and incidents', () => {
    expect(renderMessage(sampleMessage(), 'cdevent')).toBeUndefined();
    expect(renderMessage(deploymentMessage(), 'cdevent')?.type).toBe(
      'dev.cdevents.service.deployed.0.2.0',
    );
    const rolled = renderMessage({ ...deploymentMessage(), type: 'rollback.finished' }, 'cdevent', {
      source: 'https://gonogo.example.org',
    });
    expect(rolled).toMatchObject({
      type: 'dev.cdevents.service.rolledback.0.2.0',
      source: 'https://gonogo.example.org',
    });
    expect(renderMessage(incidentMessage(), 'cdevent')?.data.subject).toMatchObject({
      id: 'inc_5',
      type: 'incident',
    });
    // A deployment event without its deployment cannot name the environment: no CDEvent.
    expect(
      renderMessage({ ...deploymentMessage(), deployment: undefined }, 'cdevent'),
    ).toBeUndefined();
  });

  it('slack: at most 50 blocks and 3000 characters a text, however many blockers', () => {
    const blockers = Array.from({ length: 500 }, (_, i) => ({
      ref: String(i),
      title: 'x'.repeat(400),
      why: 'y',
    }));
    const slack = renderMessage(
      sampleMessage({ blockers, text: 'z'.repeat(10_000) }),
      'slack-blocks',
    );
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    for (const b of slack.blocks)
      if ('text' in b) expect(b.text.text.length).toBeLessThanOrEqual(3000);
  });
});

describe('shrinkMessage', () => {
  it('shrinkMessage keeps the facts and cuts the long parts', () => {
    const big = sampleMessage({
      notes: 'n'.repeat(50_000),
      blockers: Array.from({ length: 30 }, (_, i) => ({ ref: String(i), title: 't', why: 'w' })),
    });
    expect(shrinkMessage(big, 0)).toBe(big);
    expect(shrinkMessage(big, 1).notes!.length).toBe(8_000);
    expect(shrinkMessage(big, 1).blockers).toHaveLength(20);
    const smallest = shrinkMessage(big, 2);
    expect(smallest.notes).toBeUndefined();
    expect(smallest.blockers).toHaveLength(5);
    expect(smallest.text).toContain('25 more blockers not listed');
    expect(smallest.decision).toEqual(big.decision);
  });
});
