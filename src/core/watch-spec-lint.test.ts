import { describe, expect, it } from 'vitest';
import { lintPlaybook } from './playbook-yaml.ts';

const base = (watch: string, extra = '') => `name: W
${extra}
phases:
  - id: post
    items:
      - title: Errors stay low
        watch: ${watch}
`;

describe('watch lint', () => {
  it('accepts a metric watch with a query and Argo criteria', () => {
    const r = lintPlaybook(
      base(
        '{ metric: error_rate, interval: 1s, for: 5s, failureLimit: 1, successCondition: "result < 1%" }',
        'metrics: { error_rate: { title: Errors, query: "sum(rate(errors_total[1m]))" } }\npolicy: { rollback: { when: ["error_rate > 5%", "Users unhappy"] } }',
      ),
    );
    expect(r.problems).toEqual([]);
    expect(r.loaded?.playbook.phases[0]?.sections[0]?.items[0]?.watch).toMatchObject({
      metric: 'error_rate',
      failureLimit: 1,
    });
  });

  it('refuses an undeclared metric, and warns of a metric without a query (a blank to fill)', () => {
    const r = lintPlaybook(
      base(
        '{ metric: error_rate, for: 5m }',
        'metrics: { error_rate: Errors }\npolicy: { rollback: { when: ["error_rate > 5%", "p99_latency > 2x baseline"] } }',
      ),
    );
    expect(r.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      expect.stringMatching(
        /^3: "p99_latency > 2x baseline" names metric "p99_latency", which metrics: does not declare/,
      ),
    ]);
    const blank = lintPlaybook(
      base(
        '{ metric: error_rate, for: 5m }',
        'metrics: { error_rate: Errors }\npolicy: { rollback: { when: ["error_rate > 5%"] } }',
      ),
    );
    expect(blank.problems).toEqual([]);
    expect(blank.loaded).toBeDefined();
    expect(blank.warnings.map((p) => `${p.line}: ${p.message}`)).toEqual([
      expect.stringMatching(/^3: "error_rate > 5%" names metric "error_rate", which has no query/),
      expect.stringMatching(/^8: metric "error_rate" has no query yet/),
    ]);
  });

  it('warns when the rollback policy acts on nothing, and refuses unknown keys there', () => {
    const idle = lintPlaybook(
      base('{ for: 5m }', 'policy: { rollback: { auto: true, lock_on_failure: true } }'),
    );
    expect(idle.problems).toEqual([]);
    expect(idle.loaded?.playbook.policy.rollback).toEqual({
      when: [],
      auto: true,
      lock_on_failure: true,
    });
    expect(idle.warnings.map((p) => p.message)).toEqual([
      expect.stringMatching(/^auto: true acts when a watch fails, and no watch here measures/),
      expect.stringMatching(
        /^auto: true runs the rollback procedure's run items, and rollback: has none/,
      ),
      expect.stringMatching(/^lock_on_failure: true acts when a watch fails/),
    ]);
    const typo = lintPlaybook(base('{ for: 5m }', 'policy: { rollback: { lockOnFailure: true } }'));
    expect(typo.problems.map((p) => p.message)).toEqual(['unknown key "lockOnFailure"']);
    const bad = lintPlaybook(base('{ for: 5m }', 'policy: { rollback: { auto: "yes" } }'));
    expect(bad.problems).toHaveLength(1);
  });

  it('says what is wrong with a condition, and asks for a length', () => {
    const r = lintPlaybook(
      base('{ metric: e, successCondition: "result <" }', 'metrics: { e: { title: E, query: q } }'),
    );
    expect(r.problems.map((p) => p.message)).toEqual([
      'a watch needs for: (how long it watches) or count: (how many measurements)',
      expect.stringMatching(/^successCondition: expected a number/),
    ]);
  });

  it('keeps rollback lines for people in playbooks that watch no metric', () => {
    const r = lintPlaybook(
      base(
        '{ for: 15m, every: 30s, check: { http: { url: "https://x.example/health" } } }',
        'policy: { rollback: { when: ["error_rate > 5%"] } }',
      ),
    );
    expect(r.problems).toEqual([]);
  });
});
