import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { makeTestRepo, testContext, type TestRepo } from './check-git.fixture.ts';
import milestoneCheck, { nextPageUrl, parseRepoFromUrl } from './milestone-check.ts';

/** What the imitation of GitHub serves: milestones and issues per repository. */
interface FakeRepo {
  milestones: {
    number: number;
    title: string;
    state: string;
    open_issues: number;
    closed_issues: number;
  }[];
  /** Open issues by milestone number. */
  open: Record<number, { number: number; title: string; pull_request?: object }[]>;
}

const pageSize = 2; // GitHub pages by per_page; a small page makes pagination happen
const token = 'ghp_test_token_123';
let api: Server;
let base = '';
const seen: IncomingMessage[] = [];
const repos: Record<string, FakeRepo> = {
  'acme/shop': {
    milestones: [
      { number: 1, title: '1.2.0', state: 'closed', open_issues: 0, closed_issues: 9 },
      { number: 2, title: '1.3.0', state: 'closed', open_issues: 0, closed_issues: 4 },
      { number: 3, title: 'v1.4.0', state: 'open', open_issues: 0, closed_issues: 12 },
      { number: 4, title: '1.5.0', state: 'open', open_issues: 4, closed_issues: 1 },
      { number: 5, title: 'Backlog', state: 'open', open_issues: 1, closed_issues: 0 },
    ],
    open: {
      4: [
        { number: 41, title: 'Checkout fails on Safari' },
        { number: 42, title: 'Refund emails missing' },
        { number: 43, title: 'Add Apple Pay', pull_request: { url: 'x' } },
        { number: 47, title: 'Slow cart page' },
      ],
      5: [{ number: 50, title: 'Someday' }],
    },
  },
};

function send(res: ServerResponse, url: URL, all: unknown[]) {
  const page = Number(url.searchParams.get('page') ?? '1');
  const last = Math.max(1, Math.ceil(all.length / pageSize));
  const link = (p: number) => {
    const next = new URL(url);
    next.searchParams.set('page', String(p));
    return `<${next.href}>`;
  };
  const links = [];
  if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
  if (links.length) res.setHeader('link', links.join(', '));
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(all.slice((page - 1) * pageSize, page * pageSize)));
}

beforeAll(async () => {
  api = createServer((req, res) => {
    seen.push(req);
    const url = new URL(req.url ?? '/', base);
    const auth = req.headers.authorization;
    const fail = (status: number, message: string) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ message, documentation_url: 'https://docs.github.com/rest' }));
    };
    const match = /^\/repos\/([^/]+\/[^/]+)\/(milestones|issues)$/.exec(url.pathname);
    const repo = match ? repos[match[1]!] : undefined;
    if (match?.[1] === 'acme/private' && auth !== `Bearer ${token}`) return fail(404, 'Not Found');
    if (auth && auth !== `Bearer ${token}`) return fail(401, 'Bad credentials');
    if (match?.[1] === 'acme/locked' && !auth) {
      res.setHeader('x-ratelimit-remaining', '0');
      return fail(403, 'API rate limit exceeded for 127.0.0.1.');
    }
    if (!repo) return fail(404, 'Not Found');
    if (match![2] === 'milestones') return send(res, url, repo.milestones);
    if (url.searchParams.get('state') !== 'open')
      return fail(422, 'state must be open in this test');
    return send(res, url, repo.open[Number(url.searchParams.get('milestone'))] ?? []);
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => api.close(resolve)));

const temp: TestRepo[] = [];
afterEach(() => {
  for (const made of temp.splice(0)) made.cleanup();
  seen.length = 0;
});

const run = (
  raw: Record<string, unknown>,
  options: { version?: string; env?: Record<string, string>; root?: string } = {},
) => {
  const root = options.root ?? makeTestRepo({ init: false });
  if (typeof root !== 'string') temp.push(root);
  return milestoneCheck.run(
    testContext(typeof root === 'string' ? root : root.root, options.version ?? '1.4.0', {
      env: options.env ?? {},
    }),
    checkParams.milestone.parse({ api: base, ...raw }),
    new AbortController().signal,
  );
};

describe('milestone', () => {
  it('passes when the milestone named by the version (v-prefixed title) has no open issue', async () => {
    const result = await run({ repo: 'acme/shop' }, { env: { GITHUB_TOKEN: token } });
    expect(result.status).toBe('passed');
    expect(result.summary).toBe(
      'every issue of milestone "v1.4.0" (#3) in acme/shop is closed (12 closed)',
    );
    // Five milestones took three pages of two; then one page of issues.
    const paths = seen.map((req) => req.url);
    expect(paths).toEqual([
      '/repos/acme/shop/milestones?state=all&per_page=100',
      '/repos/acme/shop/milestones?state=all&per_page=100&page=2',
      '/repos/acme/shop/milestones?state=all&per_page=100&page=3',
      '/repos/acme/shop/issues?milestone=3&state=open&per_page=100',
    ]);
    expect(seen.every((req) => req.headers.authorization === `Bearer ${token}`)).toBe(true);
    expect(seen[0]!.headers.accept).toBe('application/vnd.github+json');
    expect(result.evidence).toMatchObject({
      repo: 'acme/shop',
      milestone: { number: 3, title: 'v1.4.0' },
    });
    expect((result.evidence['requests'] as unknown[]).length).toBe(4);
  });

  it('fails listing every open issue and pull request across pages', async () => {
    const result = await run({ repo: 'acme/shop', milestone: '1.5.0' });
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('4 open issues in milestone "1.5.0" (#4) of acme/shop');
    expect(result.evidence.findings).toEqual([
      { where: '#41', message: 'Checkout fails on Safari' },
      { where: '#42', message: 'Refund emails missing' },
      { where: 'PR #43', message: 'Add Apple Pay' },
      { where: '#47', message: 'Slow cart page' },
    ]);
    expect(seen.filter((req) => req.url?.includes('/issues')).length).toBe(2);
  });

  it('finds a milestone by number, and reads owner/name from the origin remote', async () => {
    const repo = makeTestRepo();
    temp.push(repo);
    repo.git('remote', 'add', 'origin', 'git@github.com:acme/shop.git');
    const result = await run({ milestone: 5 }, { root: repo.root });
    expect(result.status).toBe('failed');
    expect(result.evidence.findings).toEqual([{ where: '#50', message: 'Someday' }]);
  });

  it('is an error naming the milestone when it does not exist, with the ones that do', async () => {
    const result = await run({ repo: 'acme/shop' }, { version: '2.0.0' });
    expect(result.status).toBe('error');
    expect(result.summary).toBe('acme/shop has no milestone "2.0.0"');
    expect(result.evidence['milestones']).toEqual(['1.2.0', '1.3.0', 'v1.4.0', '1.5.0', 'Backlog']);
  });

  it('is an error "set GITHUB_TOKEN" when GitHub refuses an anonymous request', async () => {
    const result = await run({ repo: 'acme/locked' });
    expect(result.status).toBe('error');
    expect(result.summary).toBe(
      'GitHub refused the request (HTTP 403: API rate limit exceeded for 127.0.0.1.): set GITHUB_TOKEN',
    );
    const custom = await run({ repo: 'acme/locked', token_env: 'GH_ENTERPRISE_TOKEN' });
    expect(custom.summary).toContain('set GH_ENTERPRISE_TOKEN');
  });

  it('is an error saying the token was refused when it is wrong', async () => {
    const result = await run({ repo: 'acme/shop' }, { env: { GITHUB_TOKEN: 'ghp_wrong' } });
    expect(result.status).toBe('error');
    expect(result.summary).toBe('GitHub refused the request (HTTP 401: Bad credentials)');
    expect(result.fix).toContain('The token in GITHUB_TOKEN was refused');
  });

  it('is an error for a repository GitHub does not show (404), and without any repo', async () => {
    const hidden = await run({ repo: 'acme/private' });
    expect(hidden.summary).toBe(
      'not found (HTTP 404): the repository does not exist or is private (set GITHUB_TOKEN)',
    );
    const none = await run({});
    expect(none.status).toBe('error');
    expect(none.summary).toBe('no repo: set and no origin remote to read it from');
  });

  it('is an error when the API cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await run({ repo: 'acme/shop', api: `http://127.0.0.1:${port}` });
    expect(result.status).toBe('error');
    expect(result.summary).toBe(`could not reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('never follows a next link to another origin (the token stays with the API)', async () => {
    const elsewhere: IncomingMessage[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(req);
      res.end('[]');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}/steal?page=2`;
    const redirecting = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('/issues')) return res.end('[]');
      res.setHeader('link', `<${otherUrl}>; rel="next"`);
      res.end(JSON.stringify([{ number: 1, title: '1.4.0', open_issues: 0, closed_issues: 1 }]));
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const port = (redirecting.address() as { port: number }).port;
    const result = await run(
      { repo: 'acme/shop', api: `http://127.0.0.1:${port}` },
      { env: { GITHUB_TOKEN: token } },
    );
    expect(result.status).toBe('passed');
    expect(elsewhere).toHaveLength(0);
    await new Promise((resolve) => other.close(resolve));
    await new Promise((resolve) => redirecting.close(resolve));
  });

  it('returns cancelled when aborted', async () => {
    const controller = new AbortController();
    const pending = milestoneCheck.run(
      testContext('/', '1.4.0'),
      checkParams.milestone.parse({ api: base, repo: 'acme/shop' }),
      controller.signal,
    );
    controller.abort();
    expect(await pending).toMatchObject({ status: 'error', summary: 'cancelled' });
  });
});

describe('parseRepoFromUrl and nextPageUrl', () => {
  it.each([
    ['https://github.com/acme/shop.git', 'acme/shop'],
    ['https://github.com/acme/shop', 'acme/shop'],
    ['https://token@github.com/acme/shop.git/', 'acme/shop'],
    ['git@github.com:acme/shop.git', 'acme/shop'],
    ['ssh://git@github.com/acme/shop.git', 'acme/shop'],
    ['ssh://git@ghe.example.com:2222/team/app.js.git', 'team/app.js'],
    ['git@ghe.example.com:/team/app.git\n', 'team/app'],
    ['/srv/git/shop.git', undefined],
    ['https://github.com/acme', undefined],
  ])('%s → %s', (url, repo) => {
    expect(parseRepoFromUrl(url)).toBe(repo);
  });

  it('reads rel="next" from a Link header', () => {
    const link =
      '<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last"';
    expect(nextPageUrl(link)).toBe('https://api.github.com/repositories/1/issues?page=2');
    expect(nextPageUrl('<https://x/?page=1>; rel="prev"')).toBeUndefined();
    expect(nextPageUrl(null)).toBeUndefined();
  });
});
