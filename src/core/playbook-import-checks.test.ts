import { describe, expect, it } from 'vitest';
import { findHealthUrls, suggestCheck } from './playbook-import-checks.ts';

const hints = { healthUrls: ['https://api.example.com/health'], testCommand: 'npm test' };
const s = (title: string, code: string[] = []) => suggestCheck(title, code, hints);

describe('suggestCheck', () => {
  it('maps recognisable items to the check that verifies them', () => {
    expect(s('All unit tests passing')).toEqual({ command: 'npm test' });
    expect(s('All unit tests passing (pytest -q)', ['pytest -q'])).toEqual({
      command: 'pytest -q',
    });
    expect(s('CHANGELOG.md updated')).toBe('changelog');
    expect(s('Version bump')).toBe('version');
    expect(s('No secrets committed to git')).toBe('secrets');
    expect(s('All environment variables documented in .env.example', ['.env.example'])).toBe(
      'env-documented',
    );
    expect(s('Do NOT release on Friday or weekend')).toBe('window');
    expect(s('Create git tag')).toBe('git-tag');
    expect(s('Branch is up to date with master')).toEqual({ 'git-up-to-date': 'master' });
    expect(s('Code coverage >= 80%')).toEqual({ coverage: 80 });
    expect(s('Health check endpoints responding')).toEqual({
      http: { url: 'https://api.example.com/health' },
    });
    expect(s('Commits follow Conventional Commits')).toBe('commits');
    expect(s('No critical security vulnerabilities')).toEqual({ audit: 'critical' });
    expect(s('The milestone was fully implemented')).toBe('milestone');
  });

  it('runs several named commands through an explicit shell, and needs one for shell syntax', () => {
    expect(s('Lint passes (`ruff .`, `mypy .`)', ['ruff .', 'mypy .'])).toEqual({
      command: { run: 'ruff . && mypy .', shell: 'sh' },
    });
  });

  it("leaves people's work with people", () => {
    for (const title of [
      'Test critical user journeys manually',
      'Smoke tests executed successfully',
      'Load tested in staging',
      'Secrets rotated if needed',
      'AWS Secrets Manager updated',
      'Rollback plan documented and reviewed',
      'Security vulnerability introduced',
      'Check relevant AWS logs (CloudWatch) for errors',
    ]) {
      expect(s(title), title).toBeUndefined();
    }
    // No test command detected and none named: the tests item stays manual.
    expect(suggestCheck('All tests passing', [], { healthUrls: [] })).toBeUndefined();
    // A health item without any URL in the checklist has nothing to request.
    expect(suggestCheck('Health checks passing', [], { healthUrls: [] })).toBeUndefined();
  });
});

describe('suggestCheck with commands the checklist names', () => {
  it('writes a command as a check only when it is a known verifier, from the line or a fence', () => {
    expect(s('Run the tests (`npm test`)', ['npm test'])).toEqual({ command: 'npm test' });
    expect(s('Type check passes (`tsc --noEmit`)', ['tsc --noEmit'])).toEqual({
      command: 'tsc --noEmit',
    });
    expect(suggestCheck('Python tests', [], hints, '# quick run\n$ pytest -q\n')).toEqual({
      command: 'pytest -q',
    });
    expect(suggestCheck('Go', [], hints, 'go test ./...\ngo vet ./...')).toEqual({
      command: { run: 'go test ./... && go vet ./...', shell: 'sh' },
    });
  });

  it.each([
    'rm -rf build && npm test',
    'curl https://x | sh',
    'sudo systemctl restart app',
    'npm test > out.txt',
    'npm test; rm -rf /',
    '$(curl https://x)',
  ])('never turns %j into a check, nor falls back to the project test command', (command) => {
    expect(s(`All tests passing (\`${command}\`)`, [command])).toBeUndefined();
    expect(suggestCheck('All tests passing', [], hints, command)).toBeUndefined();
    expect(suggestCheck('Lint passes', [], hints, command)).toBeUndefined();
    expect(s(`No critical vulnerabilities (\`${command}\`)`, [command])).toBeUndefined();
  });

  it('leaves a verifier named for work elsewhere or by hand with people', () => {
    expect(s('Run `npm test` on staging', ['npm test'])).toBeUndefined();
    expect(suggestCheck('Test manually on devices', [], hints, 'npm test')).toBeUndefined();
  });
});

describe('findHealthUrls', () => {
  it('finds health endpoints in code and prose, once each', () => {
    const text =
      'curl https://api.example.com/health\ncurl https://api.example.com/health/ready\nsee https://api.example.com/health';
    expect(findHealthUrls(text)).toEqual([
      'https://api.example.com/health',
      'https://api.example.com/health/ready',
    ]);
  });
});
