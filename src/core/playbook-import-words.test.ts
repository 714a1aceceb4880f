import { describe, expect, it } from 'vitest';
import {
  deployTargets,
  findDue,
  isAfterDeploymentText,
  namesEarlierEnvironment,
  namesProduction,
  readCondition,
  saysOptional,
  stripStep,
} from './playbook-import-words.ts';

const vocab = {
  types: ['hotfix', 'patch', 'minor', 'major'],
  environments: ['development', 'staging', 'production'],
};

describe('readCondition', () => {
  it('reads release types from conditions in many wordings', () => {
    const cases: [string, string[]][] = [
      ['Send email notification to users (if major changes)', ['major']],
      ['Notify customers for hotfixes', ['hotfix']],
      ['Security review (major releases only)', ['major']],
      ['Hotfix only: page the on-call engineer', ['hotfix']],
      ['Load test only for major releases', ['major']],
      ['Write migration notes (minor/major releases)', ['minor', 'major']],
      ['Update the API docs if minor or major release', ['minor', 'major']],
      ['Cherry-pick to the release branch (patch)', ['patch']],
      ['When a patch release: skip the beta', ['patch']],
    ];
    for (const [text, type] of cases) expect(readCondition(text, vocab), text).toEqual({ type });
  });

  it('reads environments only when the words limit the work to them', () => {
    expect(readCondition('Smoke tests (staging only)', vocab)).toEqual({
      environment: ['staging'],
    });
    expect(readCondition('Test rollback (in staging first!)', vocab)).toEqual({
      environment: ['staging'],
    });
    expect(readCondition('Feature flag on, only in prod', vocab)).toEqual({
      environment: ['production'],
    });
    expect(readCondition('Seed data when deploying to dev', vocab)).toEqual({
      environment: ['development'],
    });
  });

  it('leaves words that only describe the work', () => {
    for (const text of [
      'Load tested in staging',
      'No major issues found',
      'Fix for major customers',
      'Hotfix process ready if needed',
      'Test for minor regressions',
      'For critical bugs in production',
      'Database migrations tested in staging',
      'Health checks (production)',
    ])
      expect(readCondition(text, vocab), text).toBeUndefined();
  });

  it("knows only the names it is given, and a type of the checklist's own", () => {
    expect(readCondition('Demo to sales (beta releases only)', vocab)).toBeUndefined();
    expect(
      readCondition('Demo to sales (beta releases only)', { ...vocab, types: ['beta'] }),
    ).toEqual({ type: ['beta'] });
    expect(readCondition('Smoke tests (qa only)', { ...vocab, environments: ['qa'] })).toEqual({
      environment: ['qa'],
    });
  });
});

describe('saysOptional', () => {
  it('is the words that make work optional whatever the release', () => {
    for (const t of [
      'x (if applicable)',
      'x if needed',
      'x (optional)',
      'Optional: y',
      'x where relevant',
    ])
      expect(saysOptional(t), t).toBe(true);
    for (const t of ['x (if major changes)', 'x for hotfixes', 'Identify x'])
      expect(saysOptional(t), t).toBe(false);
  });
});

describe('findDue', () => {
  it('reads headings of the time after the deployment', () => {
    expect(findDue('First Hour')).toEqual({ due: '+1h', explicit: false });
    expect(findDue('First 24 Hours')).toEqual({ due: '+24h', explicit: false });
    expect(findDue('First Week')).toEqual({ due: '+1w', explicit: false });
    expect(findDue('The first two days')).toEqual({ due: '+2d', explicit: false });
    expect(findDue('First month')).toEqual({ due: '+30d', explicit: false });
    expect(findDue('Day 2')).toEqual({ due: '+2d', explicit: false });
    expect(findDue('Week 1 checks')).toEqual({ due: '+1w', explicit: false });
    expect(findDue('After 1 hour:')).toEqual({ due: '+1h', explicit: false });
  });

  it('knows words that tie the time to the deployment', () => {
    expect(findDue('T+15m')).toEqual({ due: '+15m', explicit: true });
    expect(findDue('T + 2 hours: compare dashboards')).toEqual({ due: '+2h', explicit: true });
    expect(findDue('Check error budget (+24h)')).toEqual({ due: '+24h', explicit: true });
    expect(findDue('Review metrics 1 hour after deploy')).toEqual({ due: '+1h', explicit: true });
    expect(findDue('Monitor the application for 24-48 hours after deployment')).toEqual({
      due: '+48h',
      explicit: true,
    });
    expect(findDue('Confirm no regressions within 2 days of the release')).toEqual({
      due: '+2d',
      explicit: true,
    });
    expect(findDue('Post-Deployment Review (within 24 hours)')).toEqual({
      due: '+24h',
      explicit: true,
    });
  });

  it('reads how long monitoring lasts, a range up to its end', () => {
    expect(findDue('Monitor for 15 minutes:')).toEqual({ due: '+15m', explicit: false });
    expect(findDue('Extended monitoring (24-48 hours)')).toEqual({ due: '+48h', explicit: false });
    expect(findDue('Watch the error rate for the next 30 min')).toEqual({
      due: '+30m',
      explicit: false,
    });
    expect(findDue('Monitor closely for first hour')).toEqual({ due: '+1h', explicit: false });
    expect(findDue('Watch dashboards for an hour')).toEqual({ due: '+1h', explicit: false });
  });

  it('gives none for times before, preparation, or no time at all', () => {
    for (const t of [
      'Pre-Deployment (1 hour before)',
      'Notify users 2 hours before',
      'Freeze merges 1 day prior to the release',
      'Announce 1 week ahead',
      'Monitor application performance and error rates',
      'Communicate with users every 15 minutes',
      'Monitor CloudWatch dashboard continuously',
      'Timeline: < 2 hours from detection to deployment',
      'Check logs from 15 minutes ago',
    ])
      expect(findDue(t), t).toBeUndefined();
  });
});

describe('isAfterDeploymentText and namesProduction', () => {
  it('tells post-deployment headings and production from their look-alikes', () => {
    expect(isAfterDeploymentText('Post-Deployment Monitoring')).toBe(true);
    expect(isAfterDeploymentText('After the release')).toBe(true);
    expect(isAfterDeploymentText('Follow-up')).toBe(true);
    expect(isAfterDeploymentText('Monitoring & Observability')).toBe(false);
    expect(namesProduction('5. Production Deployment')).toBe(true);
    expect(namesProduction('Go live')).toBe(true);
    expect(namesProduction('Pre-production checks')).toBe(false);
    expect(namesProduction('Live coding session')).toBe(false);
    expect(namesEarlierEnvironment('Deploy to staging', vocab.environments)).toBe(true);
    expect(namesEarlierEnvironment('Deploy to prod', vocab.environments)).toBe(false);
  });
});

describe('deployTargets', () => {
  const envs = vocab.environments;
  it('marks the items that deploy, to the environments they name', () => {
    expect(deployTargets('Deploy to production', envs, false)).toEqual(['production']);
    expect(deployTargets('Deploy to staging', envs, true)).toEqual(['staging']);
    expect(deployTargets('Code deployed to production', envs, false)).toEqual(['production']);
    expect(
      deployTargets(
        'Use the CI/CD pipeline to deploy the tagged version to the development environment',
        envs,
        false,
      ),
    ).toEqual(['development']);
    expect(deployTargets('Deploy to staging and prod', envs, false)).toEqual([
      'staging',
      'production',
    ]);
    expect(deployTargets('Promote the build to production', envs, false)).toEqual(['production']);
    expect(deployTargets('Step 2: Deploy `app` to prod', envs, false)).toEqual(['production']);
  });

  it('gives a bare "Deploy …" the last environment only where production is deployed', () => {
    expect(deployTargets('Deploy application', envs, true)).toEqual(['production']);
    expect(deployTargets('Deploy application', envs, false)).toEqual([]);
    expect(deployTargets('Deploy immediately', ['production'], true)).toEqual(['production']);
  });

  it('leaves checks, reports, questions and other things deployed', () => {
    for (const t of [
      'Verify deployment',
      'Verify deployed to production',
      'Deployment completed',
      'Monitor the deployment process closely',
      'Schedule the production deployment during a low-traffic period',
      'Is new variables deployed?',
      'Deploy Database Migrations (if needed)',
      'Deploy config to production',
      'Version deployed',
      'Release notes published to production docs',
      'Images pushed to ECR',
      'Deploying works the same no matter which environment you are deploying to',
      'Notify stakeholders that the deployment to production is complete',
    ])
      expect(deployTargets(t, envs, true), t).toEqual([]);
  });

  it('strips step numbers from headings', () => {
    expect(stripStep('Step 2: Deploy Application')).toBe('Deploy Application');
    expect(stripStep('3. Database Backup')).toBe('Database Backup');
    expect(stripStep('Phase 1 - Prepare')).toBe('Prepare');
  });
});
