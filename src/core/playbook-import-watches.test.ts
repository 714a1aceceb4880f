import { describe, expect, it } from 'vitest';
import { importChecklist } from './playbook-import.ts';
import { describeReport } from './playbook-import-summary.ts';
import { lintPlaybook } from './playbook-yaml.ts';
import { durationIn, guessWatch } from './playbook-import-watches.ts';

describe('monitoring lines as watches', () => {
  it('reads how long a line says to watch', () => {
    expect(durationIn('Monitor error rates for 15 minutes')).toBe('15m');
    expect(durationIn('Check Sentry/logs for the first hour')).toBe('1h');
    expect(durationIn('First 24 Hours')).toBe('24h');
    expect(durationIn('Monitor the application for 24-48 hours after deployment')).toBe('2d');
    expect(durationIn('Error rates normal')).toBeUndefined();
  });

  it('makes a watch only where the words say what to watch and for how long', () => {
    expect(guessWatch('Monitor error rates for 15 minutes')).toMatchObject({
      metric: 'error_rate',
      for: '15m',
      from: 'line',
    });
    expect(guessWatch('Check Sentry/logs for the first hour')).toMatchObject({
      metric: 'error_rate',
      for: '1h',
    });
    expect(
      guessWatch('No 5XX errors', ['Step 4: Monitor', 'Monitor for 15 minutes:']),
    ).toMatchObject({ metric: 'error_rate', for: '15m', from: 'context' });
    expect(guessWatch('Response times normal', ['Monitor for 15 minutes:'])?.metric).toBe(
      'response_time',
    );
    // What without how long, how long without what, and a one-off look stay items.
    expect(guessWatch('Monitor application performance and error rates')).toBeUndefined();
    expect(guessWatch('Monitor closely for first hour')).toBeUndefined();
    expect(guessWatch('Review Sentry errors (if any)', ['First 24 Hours'])).toBeUndefined();
    expect(guessWatch('Check error rates')).toBeUndefined();
  });

  it('imports them with a metric whose query is a blank, listed with line:col, and lints clean', () => {
    const md = [
      '# Release',
      '## Deploy',
      '- [ ] Deploy to production',
      '## After the release',
      '- [ ] Monitor error rates for 15 minutes',
      '- [ ] Check Sentry/logs for the first hour',
      '- [ ] Update the status page',
    ].join('\n\n');
    const result = importChecklist(md, 'RELEASE.md');
    const items = result.raw.phases.flatMap((p) => [
      ...(p.items ?? []),
      ...(p.sections ?? []).flatMap((s) => s.items ?? []),
    ]);
    const watch = (t: string) => items.find((i) => i.title === t)?.watch;
    expect(watch('Monitor error rates for 15 minutes')).toEqual({
      metric: 'error_rate',
      for: '15m',
      interval: '1m',
    });
    expect(watch('Check Sentry/logs for the first hour')).toMatchObject({ for: '1h' });
    expect(watch('Update the status page')).toBeUndefined();
    expect(result.raw.metrics).toEqual({ error_rate: { title: 'Error rate' } });
    expect(result.report.blanks).toEqual([
      expect.objectContaining({ line: 9, col: 7, text: 'metrics.error_rate.query' }),
      expect.objectContaining({ line: 11, col: 7, text: 'metrics.error_rate.query' }),
    ]);
    const lines = describeReport(result.report);
    expect(lines).toContain(
      '  9:7: "Monitor error rates for 15 minutes" → watch error_rate for 15m: needs metrics.error_rate.query (PromQL) and prometheus.url (or GONOGO_PROMETHEUS_URL)',
    );
    const lint = lintPlaybook(result.yaml, 'gonogo.yaml');
    expect(lint.problems).toEqual([]);
    expect(lint.warnings.map((w) => w.message).filter((m) => m.startsWith('metric'))).toEqual([
      expect.stringMatching(/^metric "error_rate" has no query yet/),
      expect.stringMatching(/^metric "error_rate" has no query yet/),
    ]);
  });
});
