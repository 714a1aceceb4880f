import { describe, expect, it } from 'vitest';
import { environmentsNamed } from './check-params.ts';
import { formatProblem } from './errors.ts';
import { lintPlaybook } from './playbook-yaml.ts';

const lint = (yaml: string) => lintPlaybook(yaml, 'g.yaml').problems.map(formatProblem);

describe('a URL per environment', () => {
  it('names the environments of a value per environment, and none of a plain value', () => {
    expect(
      environmentsNamed('http', { url: { staging: 'https://s', production: 'https://p' } }),
    ).toEqual([
      { param: 'url', environment: 'staging' },
      { param: 'url', environment: 'production' },
    ]);
    expect(environmentsNamed('http', { url: 'https://p' })).toEqual([]);
    expect(environmentsNamed('changelog', { file: 'CHANGES.md' })).toEqual([]);
    expect(environmentsNamed('no-such-check', { url: { staging: 'x' } })).toEqual([]);
  });

  it('lints the keys of a URL map against the environments, at the key, in checks and watches', () => {
    const yaml = [
      'name: x',
      'environments: [staging, production]',
      'phases:',
      '  - id: p',
      '    items:',
      '      - title: Health',
      '        check:',
      '          http:',
      '            url: { staging: "https://s.example", prod: "https://p.example" }',
      '      - title: Watch it',
      '        watch:',
      '          for: 15m',
      '          check: { http: { url: { stagin: "https://s.example" } } }',
      '',
    ].join('\n');
    const at = (key: string) => {
      const lines = yaml.split('\n');
      const line = lines.findIndex((l) => l.includes(`${key}:`));
      return `g.yaml:${line + 1}:${lines[line]!.indexOf(`${key}:`) + 1}`;
    };
    expect(lint(yaml)).toEqual([
      `${at('prod')} unknown environment "prod" in url (did you mean "production"?)`,
      `${at('stagin')} unknown environment "stagin" in url (did you mean "staging"?)`,
    ]);
    expect(lint(yaml.replace('prod:', 'production:').replace('stagin:', 'staging:'))).toEqual([]);
  });

  it('refuses a map without an environment, and a URL that is not http', () => {
    const item = (url: string) =>
      `name: x\nphases:\n  - id: p\n    items:\n      - title: Health\n        check: { http: { url: ${url} } }\n`;
    expect(lint(item('{}'))[0]).toMatch(/name at least one environment/);
    expect(lint(item('{ staging: "ftp://x" }'))[0]).toMatch(/url\.staging: Invalid URL/);
  });
});
