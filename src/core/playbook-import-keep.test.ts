import { describe, expect, it } from 'vitest';
import {
  hasWords,
  isMetricsHeading,
  isReleaseTypesHeading,
  metricsOf,
  noteText,
  releaseTypeOf,
} from './playbook-import-keep.ts';

describe('noteText', () => {
  const lines = [
    '## Emergency', // 1
    '', // 2
    'If the database is down:', // 3
    '', // 4
    '1. Fail over', // 5
    '2. Restore `snapshot`', // 6
    '', // 7
    '<!-- internal -->', // 8
    '', // 9
    '```sh', // 10
    'aws rds failover', // 11
    '', // 12
    '', // 13
    'echo done', // 14
    '```', // 15
    '', // 16
    '---', // 17
    '', // 18
  ];

  it('keeps the Markdown as written, code included, without comments and trailing rules', () => {
    expect(noteText(lines, 2, 18, [])).toBe(
      [
        'If the database is down:',
        '',
        '1. Fail over',
        '2. Restore `snapshot`',
        '',
        '```sh',
        'aws rds failover',
        '',
        '',
        'echo done',
        '```',
      ].join('\n'),
    );
  });

  it('leaves out the lines asked, one blank line where they were', () => {
    expect(noteText(lines, 2, 9, [[5, 6]])).toBe('If the database is down:');
    expect(noteText(lines, 2, 7, [[4, 4]])).toBe(
      'If the database is down:\n1. Fail over\n2. Restore `snapshot`',
    );
  });

  it('removes an unclosed comment to the end, in linear time', () => {
    const many = Array.from({ length: 20_000 }, () => '<!-- a');
    expect(noteText(['x', ...many], 1, many.length + 1, [])).toBe('x');
  });
});

describe('hasWords', () => {
  it('is false for headings, empty bullets and markup only', () => {
    expect(hasWords('### Heading\n\n- \n* [ ]\n<br/>')).toBe(false);
    expect(hasWords('- note one')).toBe(true);
    expect(hasWords('| a |')).toBe(true);
  });
});

describe('headings of release types and metrics', () => {
  it('recognises release types headings and the type each sub-heading names', () => {
    expect(isReleaseTypesHeading('Release Types')).toBe(true);
    expect(isReleaseTypesHeading('Types of releases')).toBe(true);
    expect(isReleaseTypesHeading('Release notes')).toBe(false);
    expect(releaseTypeOf('Hotfix Release', true, [])).toBe('hotfix');
    expect(releaseTypeOf('2. Emergency releases', true, [])).toBe('emergency');
    expect(releaseTypeOf('Hotfixes process', false, ['hotfix'])).toBe('hotfix');
    expect(releaseTypeOf('Beta Release', false, ['hotfix'])).toBeUndefined();
    expect(releaseTypeOf('Release', true, [])).toBeUndefined();
  });

  it('recognises headings over metric definitions, not actions on metrics', () => {
    for (const t of ['Metrics to Track', 'Deployment Metrics', 'Key metrics', 'KPIs', '3. Metrics'])
      expect(isMetricsHeading(t), t).toBe(true);
    for (const t of ['Review metrics', 'Metrics baselined after launch', 'Monitoring'])
      expect(isMetricsHeading(t), t).toBe(false);
  });

  it('gives each metric an id from its name, once', () => {
    const used = new Map<string, number>();
    expect(
      metricsOf(
        [
          { title: 'Deployment Frequency: How often we deploy' },
          { title: 'MTTR (Mean Time To Recovery): Average time to recover' },
          { title: 'Uptime' },
          { title: 'Uptime: again' },
        ],
        used,
      ),
    ).toEqual([
      ['deployment-frequency', 'Deployment Frequency: How often we deploy'],
      ['mttr', 'MTTR (Mean Time To Recovery): Average time to recover'],
      ['uptime', 'Uptime'],
      ['uptime-2', 'Uptime: again'],
    ]);
    expect(metricsOf([{ title: 'Uptime: third' }], used)).toEqual([['uptime-3', 'Uptime: third']]);
  });
});
