/**
 * The `http` check: request a URL a number of times, one after another, and pass when every
 * answer has an expected status, the body holds what it must, and the p50/p95/p99 latencies are
 * within budget. A request that gets no answer (refused, reset, DNS, TLS, timeout) is an
 * `error` naming the cause, not a `failed`.
 */
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { CheckParams } from '../core/check-params.ts';
import { parseDuration } from '../core/duration.ts';
import type { CheckDefinition, CheckEvidence } from './check-types.ts';

/** Body bytes kept for body_contains and json: a health endpoint says what it must early. */
const maxBodyChars = 1024 * 1024;

/**
 * The value at a dotted path of a JSON value: `status`, `checks.db`, `items.0.id` or `items[0].id`.
 *
 * @example valueAtPath({ checks: [{ ok: true }] }, 'checks[0].ok') // true
 */
export function valueAtPath(value: unknown, path: string): unknown {
  const keys = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  let at: unknown = value;
  for (const key of keys) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/**
 * The nearest-rank percentile of some numbers (the smallest value at or above p% of them).
 *
 * @example percentile([10, 20, 30, 40], 50) // 20
 */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? 0;
}

/** The URL without a password, for evidence and messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** The system error code behind a failed fetch (ECONNREFUSED, ECONNRESET, ENOTFOUND ...). */
function causeCode(err: unknown): { code: string; message: string } {
  let at: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 5 && at; depth++) {
    const e = at as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof e.message === 'string' && e.message) message = e.message;
    if (typeof e.code === 'string' && e.code) return { code: e.code, message };
    at = e.cause ?? e.errors?.[0];
  }
  // undici names no code for a port the Fetch standard blocks (1, 9, 25, 6000 ...).
  return { code: message === 'bad port' ? 'BAD_PORT' : 'UNKNOWN', message };
}

const causeText: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ECONNRESET: 'connection reset by the server',
  UND_ERR_SOCKET: 'the server closed the connection without answering',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed for now',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the body stopped arriving',
  CERT_HAS_EXPIRED: 'the TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the TLS certificate is for another host',
  BAD_PORT: 'fetch refuses this port (a "bad port" of the Fetch standard, such as 1, 9 or 25)',
};

/** Replaces `${NAME}` in a header value from the environment, so tokens stay out of the playbook. */
function expandEnv(
  value: string,
  env: Record<string, string | undefined>,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const out = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined) missing.push(name);
    return v ?? '';
  });
  return { value: out, missing };
}

interface Sample {
  status: number;
  ms: number;
  body: string;
}

/**
 * The URL to request: the one given, or the environment's from a URL per environment; undefined
 * when the map has none for it (or no environment is known).
 *
 * @example pickUrl({ staging: 'https://s', production: 'https://p' }, 'staging') // 'https://s'
 */
export function pickUrl(
  url: string | Record<string, string>,
  environment?: string,
): string | undefined {
  if (typeof url === 'string') return url;
  return environment !== undefined && Object.hasOwn(url, environment)
    ? url[environment]
    : undefined;
}

const httpCheck: CheckDefinition<CheckParams<'http'>> = {
  name: 'http',
  timeoutMs: 30_000,
  async run(ctx, givenParams, signal) {
    const picked = pickUrl(givenParams.url, ctx.environment);
    if (picked === undefined) {
      const named = Object.keys(givenParams.url);
      return {
        status: 'error',
        summary: ctx.environment
          ? `could not run: no URL for ${ctx.environment} (the check has one for ${named.join(', ')})`
          : `could not run: the check has a URL per environment (${named.join(', ')}) and no environment was given`,
        fix: ctx.environment
          ? `add ${ctx.environment}: to the check's url map, or run it for another environment (gonogo check --env ${named[0]})`
          : `name the environment: gonogo check --env ${named[0]}`,
        evidence: ctx.environment ? { environment: ctx.environment } : {},
      };
    }
    const params = { ...givenParams, url: picked };
    const url = redactUrl(params.url);
    const expected = Array.isArray(params.status) ? params.status : [params.status];
    const headers: Record<string, string> = {};
    for (const [name, raw] of Object.entries(params.headers ?? {})) {
      const { value, missing } = expandEnv(raw, ctx.env);
      if (missing.length) {
        return {
          status: 'error',
          summary: `header ${name} needs the environment variable ${missing.join(', ')}, which is not set`,
          fix: `set ${missing.join(', ')} in the environment that runs gonogo check`,
          evidence: { http: { url } },
        };
      }
      headers[name] = value;
    }

    // fetch refuses URLs with credentials; send them as Basic auth, as curl does.
    let target = params.url;
    const parsedUrl = new URL(params.url);
    if (parsedUrl.username || parsedUrl.password) {
      const user = decodeURIComponent(parsedUrl.username);
      const pass = decodeURIComponent(parsedUrl.password);
      parsedUrl.username = '';
      parsedUrl.password = '';
      target = parsedUrl.toString();
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
        headers.Authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      }
    }

    const samples: Sample[] = [];
    for (let i = 0; i < params.samples; i++) {
      const started = performance.now();
      try {
        const res = await fetch(target, { method: params.method, headers, signal });
        let body = '';
        if (params.method !== 'HEAD') body = (await res.text()).slice(0, maxBodyChars);
        samples.push({ status: res.status, ms: performance.now() - started, body });
      } catch (err) {
        const evidence: CheckEvidence = { http: { url, samples: samples.length } };
        if (signal.aborted) return { status: 'error', summary: 'cancelled', evidence };
        const cause = causeCode(err);
        const code = cause.code;
        const message = cause.message.split(params.url).join(url);
        return {
          status: 'error',
          summary: `${url}: ${causeText[code] ?? message} (${code})${params.samples > 1 ? ` on request ${i + 1} of ${params.samples}` : ''}`,
          fix:
            code === 'ECONNREFUSED' || code === 'ENOTFOUND'
              ? 'check the URL and that the service is up'
              : 'check the service and the network between here and it',
          evidence: { ...evidence, error: { code, message } },
        };
      }
    }

    const times = samples.map((s) => s.ms);
    const round = (n: number) => Math.round(n * 10) / 10;
    const timings = {
      p50: round(percentile(times, 50)),
      p95: round(percentile(times, 95)),
      p99: round(percentile(times, 99)),
    };
    const last = samples.at(-1)!;
    const statuses = [...new Set(samples.map((s) => s.status))];
    const evidence: CheckEvidence = {
      http: { url, status: last.status, samples: samples.length, ...timings },
      statuses,
      ...(typeof givenParams.url === 'string' ? {} : { environment: ctx.environment }),
    };
    const findings: { where: string; message: string }[] = [];

    samples.forEach((s, i) => {
      if (!expected.includes(s.status)) {
        findings.push({
          where: `request ${i + 1}`,
          message: `status ${s.status}, expected ${expected.join(' or ')}`,
        });
      }
    });
    if (params.body_contains !== undefined) {
      const missing = samples.findIndex((s) => !s.body.includes(params.body_contains!));
      if (missing >= 0) {
        findings.push({
          where: `request ${missing + 1}`,
          message: `body does not contain ${JSON.stringify(params.body_contains)}`,
        });
      }
    }
    if (params.json) {
      const { path, equals } = params.json;
      for (const [i, s] of samples.entries()) {
        let actual: unknown;
        try {
          actual = valueAtPath(JSON.parse(s.body), path);
        } catch {
          findings.push({ where: `request ${i + 1}`, message: 'body is not JSON' });
          break;
        }
        if (!isDeepStrictEqual(actual, equals)) {
          findings.push({
            where: `request ${i + 1}`,
            message: `${path} is ${JSON.stringify(actual) ?? 'missing'}, expected ${JSON.stringify(equals)}`,
          });
          break;
        }
      }
    }
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const budget = params[p];
      if (budget === undefined) continue;
      const limit = typeof budget === 'number' ? budget : parseDuration(budget)!;
      if (timings[p] > limit) {
        findings.push({
          where: p,
          message: `${p} latency ${timings[p]}ms is over the budget of ${limit}ms`,
        });
      }
    }

    const shown = findings.slice(0, 50);
    if (findings.length) {
      const first = findings[0]!;
      const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : '';
      return {
        status: 'failed',
        summary: `${url}: ${first.where}: ${first.message}${more}`,
        fix: 'look at the service: its logs, its health, its load',
        evidence: { ...evidence, findings: shown },
      };
    }
    const budgets = (['p50', 'p95', 'p99'] as const).filter((p) => params[p] !== undefined);
    return {
      status: 'passed',
      summary: `${url}: ${samples.length === 1 ? `status ${last.status}` : `${samples.length} × status ${statuses.join('/')}`}, p50 ${timings.p50}ms${budgets.length ? ` (within ${budgets.join('/')} budgets)` : ''}`,
      evidence,
    };
  },
};

export default httpCheck;
