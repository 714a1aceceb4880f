import { describe, expect, it } from 'vitest';
import { compilePlaybook } from './playbook.ts';
import { playbookSchema } from './playbook-schema.ts';

const compile = (extra: object, item: object) =>
  compilePlaybook(
    playbookSchema.parse({
      name: 'N',
      ...extra,
      phases: [{ id: 'p', items: [{ title: 'Tell them', ...item }] }],
    }),
  );

describe('notify items', () => {
  it('compile to the notify kind with their channels and message', () => {
    const { playbook, problems, warnings } = compile(
      { notify: { team: { type: 'slack', url_env: 'TEAM_SLACK_URL' } } },
      { notify: { to: 'team', message: 'release-started' }, when_reached: true },
    );
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    const item = playbook.phases[0]!.sections[0]!.items[0]!;
    expect(item).toMatchObject({
      kind: 'notify',
      notify: { to: ['team'], message: 'release-started' },
      whenReached: true,
    });
    expect(playbook.notify?.team).toEqual({ type: 'slack', url_env: 'TEAM_SLACK_URL' });
  });

  it('warn about a channel nobody declared, and say how to declare it', () => {
    const { problems, warnings } = compile(
      {},
      { notify: { to: 'stakeholders', message: 'deployed' } },
    );
    expect(problems).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('"stakeholders" is not declared');
    expect(warnings[0]!.fix).toContain('STAKEHOLDERS_SLACK_URL');
  });

  it('refuse an unknown message name and an unknown template field', () => {
    const a = compile({}, { notify: { to: 'team', message: 'deployd' } });
    expect(a.problems[0]!.message).toContain('did you mean "deployed"');
    const b = compile({}, { notify: { to: 'team', message: 'Shipped {{verison}} to prod' } });
    expect(b.problems[0]!.message).toContain('{{verison}}');
    expect(b.problems[0]!.message).toContain('{{version}}');
    const c = compile(
      {},
      { notify: { to: 'team', message: 'Shipped {{version}} of {{project}}' } },
    );
    expect(c.problems).toEqual([]);
  });

  it('refuse when_reached without notify, and a second kind', () => {
    expect(compile({}, { when_reached: true }).problems[0]!.message).toContain('notify items only');
    const both = compile({}, { check: 'changelog', notify: { to: 'team', message: 'status' } });
    expect(both.problems[0]!.message).toContain('has "check" and "notify"');
  });

  it('refuse secrets written into a channel', () => {
    const parse = (ch: object) =>
      playbookSchema.safeParse({
        name: 'N',
        notify: { x: ch },
        phases: [{ id: 'p', items: [{ title: 't' }] }],
      });
    expect(parse({ type: 'webhook', url: 'https://u:p@example.com/h' }).success).toBe(false);
    expect(
      parse({ type: 'webhook', url: 'https://example.com/h', secret_env: 'HOOK_SECRET' }).success,
    ).toBe(true);
    expect(parse({ type: 'webhook' }).success).toBe(false);
    expect(parse({ type: 'slack', url: 'https://hooks.slack.com/x' }).success).toBe(false);
    expect(parse({ type: 'email', to: ['ops@example.com'] }).success).toBe(true);
  });
});
