import { describe, expect, it } from 'vitest';
import { PlaybookError } from './errors.ts';
import { loadPlaybook } from './playbook-yaml.ts';

const yaml = (item: string) => `name: Run keys
roles:
  ops: Ops
phases:
  - id: deploy
    items:
${item}
`;

function problemsOf(text: string): string {
  try {
    loadPlaybook(text, 'gonogo.yaml');
  } catch (error) {
    if (error instanceof PlaybookError) return error.message;
    throw error;
  }
  return '';
}

describe('run item keys', () => {
  it('compiles by, confirm, cwd and timeout on a run item', () => {
    const { playbook } = loadPlaybook(
      yaml(
        '      - { title: Deploy, run: [./deploy.sh, prod], by: ops, confirm: true, cwd: ops, timeout: 20m }',
      ),
      'gonogo.yaml',
    );
    expect(playbook.phases[0]!.sections[0]!.items[0]).toMatchObject({
      kind: 'run',
      run: ['./deploy.sh', 'prod'],
      by: ['ops'],
      confirm: true,
      cwd: 'ops',
      timeout: '20m',
    });
  });

  it('reports by, confirm and cwd on another kind, an unknown role, and a cwd outside the repository', () => {
    expect(problemsOf(yaml('      - { title: Tick, by: [ops] }'))).toMatch(
      /"by" applies to run items only/,
    );
    expect(problemsOf(yaml('      - { title: Tick, confirm: true }'))).toMatch(
      /"confirm" applies to run items only/,
    );
    expect(problemsOf(yaml('      - { title: Go, run: ./go.sh, by: [opps] }'))).toMatch(
      /unknown role "opps".*did you mean "ops"/,
    );
    expect(problemsOf(yaml('      - { title: Go, run: ./go.sh, cwd: ../elsewhere }'))).toMatch(
      /relative to the repository root/,
    );
    expect(problemsOf(yaml('      - { title: Go, run: ./go.sh, cwd: /etc }'))).toMatch(
      /relative to the repository root/,
    );
    expect(problemsOf(yaml('      - { title: Go, run: ./go.sh, timeout: soon }'))).toMatch(
      /duration/,
    );
  });
});
