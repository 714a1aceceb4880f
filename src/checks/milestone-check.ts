/**
 * `milestone`: every issue (and pull request) of a GitHub milestone is closed, through the REST
 * API (base URL configurable for GitHub Enterprise), with the open ones listed.
 */
import type { CheckParams } from '../core/check-params.ts';
import { guardCancel, maxFindings, runGit, type CheckOutcome } from './check-git.ts';
import type { CheckContext, CheckDefinition } from './check-types.ts';

type Params = CheckParams<'milestone'>;

/** Pages followed at most per listing (100 items each). */
const maxPages = 20;

/**
 * owner/name from a git remote URL (https, ssh `git@host:owner/name.git`, `ssh://` forms).
 *
 * @example
 * parseRepoFromUrl('git@github.com:acme/shop.git') // → 'acme/shop'
 * parseRepoFromUrl('https://github.com/acme/shop') // → 'acme/shop'
 */
export function parseRepoFromUrl(url: string): string | undefined {
  const trimmed = url.trim();
  const scp = /^[\w.-]+@[\w.-]+:(?!\/\/)\/?(.+)$/.exec(trimmed);
  let path: string | undefined = scp?.[1];
  if (!path) {
    try {
      path = new URL(trimmed).pathname;
    } catch {
      return undefined;
    }
  }
  const parts = path
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2) return undefined;
  const repo = `${parts.at(-2)}/${parts.at(-1)}`;
  return /^[\w.-]+\/[\w.-]+$/.test(repo) ? repo : undefined;
}

/**
 * The URL of the next page from a `Link` header, or undefined.
 *
 * @example
 * nextPageUrl('<https://api.github.com/x?page=2>; rel="next", <…?page=5>; rel="last"') // → 'https://api.github.com/x?page=2'
 */
export function nextPageUrl(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part);
    if (match && match[2]!.split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

interface Request {
  url: string;
  status?: number;
  ms: number;
}

type Fetched = { items: Record<string, unknown>[] } | { error: CheckOutcome };

async function fetchAll(
  start: string,
  headers: Record<string, string>,
  context: { requests: Request[]; signal: AbortSignal; tokenEnv: string; hasToken: boolean },
): Promise<Fetched> {
  const origin = new URL(start).origin;
  const items: Record<string, unknown>[] = [];
  let url: string | undefined = start;
  for (let page = 0; url && page < maxPages; page++) {
    // The token goes only to the API's own origin, whatever a Link header says.
    if (new URL(url).origin !== origin) break;
    const began = performance.now();
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: context.signal, redirect: 'follow' });
    } catch (error) {
      if (context.signal.aborted) throw error;
      context.requests.push({ url, ms: Math.round(performance.now() - began) });
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return {
        error: {
          status: 'error',
          summary: `could not reach ${origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
          fix: 'Check the network and the api: URL in gonogo.yaml.',
          evidence: { requests: context.requests },
        },
      };
    }
    const body = await response.text();
    context.requests.push({
      url,
      status: response.status,
      ms: Math.round(performance.now() - began),
    });
    if (!response.ok) return { error: refusal(response, body, context) };
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    if (!Array.isArray(json)) {
      return {
        error: {
          status: 'error',
          summary: `${url} did not answer with a JSON list (HTTP ${response.status})`,
          fix: 'Check the api: URL (GitHub Enterprise: https://HOST/api/v3).',
          evidence: { requests: context.requests },
        },
      };
    }
    items.push(...json.filter((item) => typeof item === 'object' && item !== null));
    url = nextPageUrl(response.headers.get('link'));
  }
  return { items };
}

function refusal(
  response: Response,
  body: string,
  context: { requests: Request[]; tokenEnv: string; hasToken: boolean },
): CheckOutcome {
  let message: string;
  try {
    message = String((JSON.parse(body) as { message?: unknown }).message ?? '');
  } catch {
    message = body.slice(0, 200);
  }
  const status = response.status;
  const evidence = { requests: context.requests };
  const limited = response.headers.get('x-ratelimit-remaining') === '0';
  if (status === 401 || status === 403 || status === 429) {
    return {
      status: 'error',
      summary: `GitHub refused the request (HTTP ${status}${message ? `: ${message}` : ''})${
        context.hasToken ? '' : `: set ${context.tokenEnv}`
      }`,
      fix: context.hasToken
        ? `The token in ${context.tokenEnv} was refused${limited ? ' (rate limit reached)' : ''}: check that it is valid and can read the repository's issues.`
        : `Set ${context.tokenEnv} to a token that can read the repository's issues (anonymous requests are rate-limited and see only public repositories).`,
      evidence,
    };
  }
  if (status === 404) {
    return {
      status: 'error',
      summary: `not found (HTTP 404): the repository does not exist or is private${context.hasToken ? '' : ` (set ${context.tokenEnv})`}`,
      fix: 'Check repo: (owner/name) and the token, or the api: URL for GitHub Enterprise.',
      evidence,
    };
  }
  return {
    status: 'error',
    summary: `GitHub answered HTTP ${status}${message ? `: ${message}` : ''}`,
    fix: 'Try again later; if it persists check the api: URL.',
    evidence,
  };
}

async function findRepo(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<{ repo: string } | { error: CheckOutcome }> {
  if (params.repo) return { repo: params.repo };
  const run = await runGit(['remote', 'get-url', 'origin'], {
    cwd: ctx.root,
    signal,
  });
  const repo = run.code === 0 ? parseRepoFromUrl(run.stdout) : undefined;
  if (repo) return { repo };
  return {
    error: {
      status: 'error',
      summary:
        run.code === 0
          ? `cannot tell owner/name from the origin remote ${run.stdout.trim()}`
          : 'no repo: set and no origin remote to read it from',
      fix: 'Set repo: owner/name on the check in gonogo.yaml.',
      evidence: {},
    } satisfies CheckOutcome,
  };
}

function sameTitle(a: string, b: string): boolean {
  const plain = (s: string) =>
    s
      .trim()
      .toLowerCase()
      .replace(/^v(?=\d)/, '');
  return plain(a) === plain(b);
}

async function checkMilestone(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const found = await findRepo(ctx, params, signal);
  if ('error' in found) return found.error;
  const repo = found.repo;
  const wanted = params.milestone ?? ctx.version;
  const token = ctx.env[params.token_env];
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'gonogo',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const base = params.api.replace(/\/+$/, '');
  const requests: Request[] = [];
  const context = { requests, signal, tokenEnv: params.token_env, hasToken: !!token };

  const listed = await fetchAll(
    `${base}/repos/${repo}/milestones?state=all&per_page=100`,
    headers,
    context,
  );
  if ('error' in listed) return listed.error;
  const milestones = listed.items;
  const titleOf = (m: Record<string, unknown>) => String(m['title'] ?? '');
  const milestone =
    typeof wanted === 'number'
      ? milestones.find((m) => m['number'] === wanted)
      : (milestones.find((m) => titleOf(m) === wanted) ??
        onlyOne(milestones.filter((m) => sameTitle(titleOf(m), wanted))));
  const evidence = { repo, requests };
  if (!milestone) {
    return {
      status: 'error',
      summary: `${repo} has no milestone ${typeof wanted === 'number' ? `#${wanted}` : JSON.stringify(wanted)}`,
      fix: `Create it, or name the right one: check: { milestone: { milestone: TITLE } }.`,
      evidence: { ...evidence, milestones: milestones.slice(0, 20).map(titleOf) },
    };
  }
  const number = Number(milestone['number']);
  const name = `milestone "${titleOf(milestone)}" (#${number})`;
  const open = await fetchAll(
    `${base}/repos/${repo}/issues?milestone=${number}&state=open&per_page=100`,
    headers,
    context,
  );
  if ('error' in open) return open.error;
  const issues = open.items;
  // The listing may be capped by maxPages; the milestone's own count is the truth then.
  const count = Math.max(issues.length, Number(milestone['open_issues']) || 0);
  const closed = Number(milestone['closed_issues']) || 0;
  const full = {
    ...evidence,
    milestone: { number, title: titleOf(milestone), state: milestone['state'], closed },
    http: { url: requests.at(-1)!.url, status: requests.at(-1)!.status, samples: requests.length },
  };
  if (count === 0) {
    return {
      status: 'passed',
      summary: `every issue of ${name} in ${repo} is closed (${closed} closed)`,
      evidence: full,
    };
  }
  return {
    status: 'failed',
    summary: `${count} open issue${count === 1 ? '' : 's'} in ${name} of ${repo}`,
    fix: 'Close them, or move them to the next milestone.',
    evidence: {
      ...full,
      open: count,
      findings: issues.slice(0, maxFindings).map((issue) => ({
        where: `${issue['pull_request'] ? 'PR ' : ''}#${String(issue['number'])}`,
        message: String(issue['title'] ?? ''),
      })),
    },
  };
}

function onlyOne<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

const milestoneCheck: CheckDefinition<Params> = {
  name: 'milestone',
  timeoutMs: 30_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkMilestone(ctx, params, signal)),
};

export default milestoneCheck;
