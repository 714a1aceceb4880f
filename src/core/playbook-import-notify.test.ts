import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintPlaybook } from './playbook-yaml.ts';
import { audiencesOf, chooseMessage, isCommunicationLine } from './playbook-import-notify.ts';
import { importChecklist } from './playbook-import.ts';
import { describeReport } from './playbook-import-summary.ts';
import type { RawItem } from './playbook-schema.ts';

describe('isCommunicationLine', () => {
  it.each([
    'Notify stakeholders about the upcoming deployment',
    'Stakeholders notified of rollback',
    'Release completion announcement sent',
    'Maintenance window notice sent (if applicable)',
    'Known issues communicated to support team',
    'Status page updated to "operational"',
    'Update status page: "Scheduled Maintenance"',
    'Post completion message in Slack',
    'Post in #releases when done',
    'Send completion email (if needed)',
    'Email sent to customers.',
    'email the team',
    'Release notes finalized and published',
    'On-call engineer briefed on release changes',
    'Tell support about the new limits',
    'Communicate to customers via the newsletter',
  ])('"%s" tells someone', (line) => expect(isCommunicationLine(line)).toBe(true));

  it.each([
    'Stakeholder notification list confirmed',
    'Release announcement drafted',
    'Customer-facing communication prepared (if applicable)',
    'Communication channels active (Slack, etc.)',
    'Release date and time confirmed with stakeholders',
    'Generate release notes from CHANGELOG',
    'Conduct a final review of the release notes',
    'Verify password-reset emails are sent',
    'All services communicate over TLS',
    'Post-deploy database updates applied',
    'Roll out the update to 10% of users',
    'Production monitoring links shared with team',
    'Brief description of the change in the PR',
  ])('"%s" stays a manual item', (line) => expect(isCommunicationLine(line)).toBe(false));
});

describe('audiencesOf and chooseMessage', () => {
  it('names the channel after the audience, a #channel as written, team by default', () => {
    expect(audiencesOf('Announce deployment in #Eng_Releases Slack channel')).toEqual([
      'eng-releases',
    ]);
    expect(audiencesOf('Notify stakeholders and the support team')).toEqual([
      'stakeholders',
      'support',
    ]);
    expect(audiencesOf('Customers informed on the status page')).toEqual([
      'customers',
      'status-page',
    ]);
    expect(audiencesOf('Email sent to the product owner.')).toEqual(['product']);
    expect(audiencesOf('Notify on-call engineer')).toEqual(['on-call']);
    expect(audiencesOf('Release completion announcement sent')).toEqual(['team']);
  });

  it('chooses the message from the words, then from the place', () => {
    expect(chooseMessage('Notify stakeholders', ['Post-Rollback'], 'rollback')).toBe(
      'rollback-finished',
    );
    expect(chooseMessage('Notify in #engineering channel', [], 'rollback')).toBe(
      'rollback-started',
    );
    expect(chooseMessage('Customer-facing release notes published', [], 'after')).toBe(
      'release-notes',
    );
    expect(chooseMessage('Maintenance window notice sent', [], 'before')).toBe(
      'maintenance-notice',
    );
    expect(chooseMessage('Notify stakeholders that the deployment is complete', [], 'after')).toBe(
      'deployed',
    );
    expect(chooseMessage('Post completion message in Slack', [], 'after')).toBe('release-finished');
    expect(chooseMessage('Status page updated', [], 'before', ['status-page'])).toBe(
      'maintenance-notice',
    );
    expect(chooseMessage('Notify on-call engineer', [], 'before')).toBe('release-started');
    expect(chooseMessage('Notify on-call engineer', [], 'after')).toBe('deployed');
  });
});

const checklist = `# Web release

## Preparation

- [ ] Stakeholder notification list confirmed
- [ ] Notify stakeholders about the upcoming deployment
- [ ] Status page updated (if applicable)

## Deploy to production

- [ ] Deploy the application to production
- [ ] Post in #deploys that production is live

## After the release

- [ ] Release notes finalized and published
- [ ] Email sent to customers

## Rollback

- [ ] Previous version redeployed
- [ ] Stakeholders notified of rollback
- [ ] Post-rollback communication sent
`;

/** Every item of a raw playbook, rollback included, with whether it is in the rollback. */
function allItems(raw: ReturnType<typeof importChecklist>['raw']) {
  const out: { item: RawItem; rollback: boolean }[] = [];
  const walk = (items: RawItem[] | undefined, rollback: boolean) => {
    for (const item of items ?? []) {
      out.push({ item, rollback });
      walk(item.items, rollback);
    }
  };
  for (const p of raw.phases) {
    walk(p.items, false);
    for (const s of p.sections ?? []) walk(s.items, false);
  }
  const rb = raw.rollback;
  if (Array.isArray(rb)) walk(rb, true);
  else if (rb) {
    walk(rb.items, true);
    for (const s of rb.sections ?? []) walk(s.items, true);
  }
  return out;
}

describe('importChecklist with communication lines', () => {
  const result = importChecklist(checklist, 'RELEASE.md');
  const byTitle = new Map(allItems(result.raw).map((x) => [x.item.title, x.item]));

  it('makes each communication line a notify item, addressed and with its message', () => {
    expect(byTitle.get('Stakeholder notification list confirmed')?.notify).toBeUndefined();
    expect(byTitle.get('Notify stakeholders about the upcoming deployment')?.notify).toEqual({
      to: 'stakeholders',
      message: 'release-started',
    });
    expect(byTitle.get('Status page updated (if applicable)')).toMatchObject({
      optional: true,
      notify: { to: 'status-page', message: 'maintenance-notice' },
    });
    expect(byTitle.get('Post in #deploys that production is live')?.notify).toEqual({
      to: 'deploys',
      message: 'deployed',
    });
    expect(byTitle.get('Release notes finalized and published')?.notify).toEqual({
      to: 'team',
      message: 'release-notes',
    });
    expect(byTitle.get('Email sent to customers')?.notify).toEqual({
      to: 'customers',
      message: 'deployed',
    });
    expect(byTitle.get('Stakeholders notified of rollback')?.notify).toEqual({
      to: 'stakeholders',
      message: 'rollback-started',
    });
    expect(byTitle.get('Post-rollback communication sent')?.notify).toEqual({
      to: 'team',
      message: 'rollback-finished',
    });
  });

  it('declares every channel with an environment variable, so the YAML lints without a warning about them', () => {
    expect(result.raw.notify).toEqual({
      stakeholders: { type: 'webhook', url_env: 'STAKEHOLDERS_WEBHOOK_URL', events: [] },
      'status-page': { type: 'webhook', url_env: 'STATUS_PAGE_WEBHOOK_URL', events: [] },
      deploys: { type: 'slack', url_env: 'DEPLOYS_SLACK_URL', events: [] },
      team: { type: 'webhook', url_env: 'TEAM_WEBHOOK_URL', events: [] },
      customers: { type: 'webhook', url_env: 'CUSTOMERS_WEBHOOK_URL', events: [] },
    });
    expect(parse(result.yaml).notify).toEqual(result.raw.notify);
    expect(result.yaml).toMatch(/^# notify: the audiences the checklist tells/m);
    const lint = lintPlaybook(result.yaml, 'gonogo.yaml');
    expect(lint.problems).toEqual([]);
    expect(lint.warnings.filter((w) => /notify|channel/.test(w.message))).toEqual([]);
    const kinds = lint.loaded!.playbook.phases.flatMap((p) => p.sections.flatMap((s) => s.items));
    expect(kinds.filter((i) => i.notify).length).toBe(5);
  });

  it('reports each notify item with its line, and the channels to configure', () => {
    const lines = describeReport(result.report);
    expect(lines).toContain(
      '  6:7: "Notify stakeholders about the upcoming deployment" → stakeholders: release-started',
    );
    expect(lines).toContain('  deploys: slack, set DEPLOYS_SLACK_URL (1 item)');
    expect(lines).toContain('  stakeholders: webhook, set STAKEHOLDERS_WEBHOOK_URL (2 items)');
    expect(result.report.notifies?.map((n) => n.line)).toEqual([6, 7, 12, 16, 17, 22, 23]);
  });
});
