/**
 * The playbook every watch test starts from: production is deployed by an item of `ship`, and
 * `post-release` holds the watches. Tests and benchmarks differ in the watches and in what goes
 * above and below (metrics, policy, a rollback procedure), not in this shape.
 */

export interface WatchFixtureItem {
  id: string;
  title: string;
  /** The watch as a YAML flow map: `{ metric: error_rate, interval: 1s, for: 4s }`. */
  watch: string;
}

/**
 * A watch playbook as YAML text.
 *
 * @example
 * renderWatchPlaybook({
 *   name: 'Watch e2e',
 *   head: 'metrics:\n  error_rate: { title: Error rate, query: "sum(x)" }',
 *   watches: [{ id: 'errors-low', title: 'Error rate stays low', watch: '{ metric: error_rate, count: 1 }' }],
 * });
 */
export function renderWatchPlaybook(o: {
  name: string;
  /** Top-level YAML between the environments and the phases (metrics, policy, prometheus). */
  head?: string;
  watches: WatchFixtureItem[];
  /** Top-level YAML after the phases (a rollback procedure). */
  tail?: string;
}): string {
  const watches = o.watches
    .map((w) => `      - id: ${w.id}\n        title: ${w.title}\n        watch: ${w.watch}\n`)
    .join('');
  return `name: ${o.name}
environments: [staging, production]
${o.head ? `${o.head.trimEnd()}\n` : ''}phases:
  - id: ship
    items:
      - title: Deploy to production
        deploys: production
  - id: post-release
    items:
${watches}${o.tail ? `${o.tail.trimEnd()}\n` : ''}`;
}

/** An `http` watch of `url`, one sample per measurement. */
export const httpWatch = (url: string, interval: string, window: string) =>
  `{ check: { http: { url: "${url}", samples: 1 } }, interval: ${interval}, for: ${window} }`;

/** The error-rate watch of the Prometheus tests: metric `error_rate`, every 1s for 4s. */
export const errorRateWatch: WatchFixtureItem = {
  id: 'errors-low',
  title: 'Error rate stays low',
  watch: '{ metric: error_rate, interval: 1s, for: 4s }',
};
