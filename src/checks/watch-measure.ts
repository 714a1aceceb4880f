/**
 * Watch measurements: a Prometheus instant query (`GET /api/v1/query`) or an `http` check's
 * samples, as a provider value (a number, an empty result, or an error) with its evidence. An
 * expected failure (refused, timeout, a bad query, a response too large) is an `error` value,
 * never a throw: the window's `consecutiveErrorLimit` decides what errors mean.
 */
import { checkParams } from '../core/check-params.ts';
import type { ProviderValue } from '../core/watch-analysis.ts';
import type { WatchTarget } from '../core/watch-spec.ts';
import type { CheckContext } from './check-types.ts';
import { loadCheck } from './check-registry.ts';

/** A Prometheus answer to an instant query is small; anything larger is not what we asked. */
export const maxPrometheusBytes = 1024 * 1024;

export interface Measured {
  value: ProviderValue;
  evidence: Record<string, unknown>;
}

/** The first number of an instant query's result: a scalar, or the first sample of a vector. */
function firstValue(data: unknown): ProviderValue {
  const d = data as { resultType?: unknown; result?: unknown };
  if (d.resultType === 'scalar' && Array.isArray(d.result))
    return { kind: 'value', value: Number(d.result[1]) };
  if (d.resultType === 'vector' && Array.isArray(d.result)) {
    const first = d.result[0] as { value?: unknown[] } | undefined;
    if (!first?.value) return { kind: 'empty' };
    const v = Number(first.value[1]);
    return Number.isNaN(v) ? { kind: 'empty' } : { kind: 'value', value: v };
  }
  return { kind: 'error', message: `unexpected result type ${String(d.resultType)}` };
}

/** Reads a body up to `max` bytes; undefined when it is larger. */
async function readBounded(res: Response, max: number): Promise<string | undefined> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs one PromQL instant query.
 *
 * @example await queryPrometheus('http://127.0.0.1:9090', 'sum(rate(errors_total[1m]))', { timeoutMs: 10_000 })
 * // { value: { kind: 'value', value: 0.01 }, evidence: { prometheus: ..., query: ... } }
 */
export async function queryPrometheus(
  baseUrl: string,
  query: string,
  opts: { timeoutMs: number; signal?: AbortSignal; at?: Date },
): Promise<Measured> {
  const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('query', query);
  if (opts.at) url.searchParams.set('time', String(opts.at.getTime() / 1000));
  const evidence: Record<string, unknown> = { prometheus: url.origin + url.pathname, query };
  const signal = opts.signal
    ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)])
    : AbortSignal.timeout(opts.timeoutMs);
  try {
    const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
    const text = await readBounded(res, maxPrometheusBytes);
    if (text === undefined)
      return {
        value: { kind: 'error', message: `the answer is larger than ${maxPrometheusBytes} bytes` },
        evidence: { ...evidence, status: res.status },
      };
    let body: { status?: string; data?: unknown; error?: string; errorType?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return {
        value: { kind: 'error', message: `HTTP ${res.status}: the answer is not JSON` },
        evidence: { ...evidence, status: res.status },
      };
    }
    if (!res.ok || body.status !== 'success')
      return {
        value: {
          kind: 'error',
          message: `HTTP ${res.status}: ${body.errorType ?? 'error'}: ${String(body.error ?? 'no reason given').slice(0, 300)}`,
        },
        evidence: { ...evidence, status: res.status },
      };
    return { value: firstValue(body.data), evidence: { ...evidence, status: res.status } };
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return {
      value: {
        kind: 'error',
        message: timedOut
          ? `no answer within ${opts.timeoutMs}ms`
          : `${url.origin}: ${cause ?? (e instanceof Error ? e.message : String(e))}`,
      },
      evidence,
    };
  }
}

/**
 * Measures a watch's target: a metric through Prometheus, or an `http` check, whose p99 latency
 * in seconds is the value; an answer with the wrong status or body is a `failed` value, one that
 * never came an `error`.
 *
 * @example await measureTarget({ kind: 'metric', metric: 'error_rate', query: 'q' }, { prometheus: { url } }, ctx)
 */
export async function measureTarget(
  target: WatchTarget,
  opts: { prometheus?: { url: string; timeoutMs: number }; signal?: AbortSignal },
  ctx: CheckContext,
): Promise<Measured> {
  if (target.kind === 'metric') {
    if (!opts.prometheus)
      return {
        value: {
          kind: 'error',
          message:
            'no Prometheus server: set prometheus.url in the playbook or GONOGO_PROMETHEUS_URL',
        },
        evidence: { query: target.query },
      };
    return queryPrometheus(opts.prometheus.url, target.query, {
      timeoutMs: opts.prometheus.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
  if (target.kind === 'http') {
    const parsed = checkParams.http.safeParse(target.check.params);
    if (!parsed.success)
      return { value: { kind: 'error', message: 'invalid http check' }, evidence: {} };
    const def = await loadCheck('http');
    const signal = opts.signal ?? AbortSignal.timeout(def.timeoutMs);
    const r = await def.run(ctx, parsed.data, signal);
    const http = r.evidence.http as { p99?: number } | undefined;
    const evidence = { ...r.evidence, summary: r.summary };
    if (r.status === 'error') return { value: { kind: 'error', message: r.summary }, evidence };
    if (r.status === 'failed') return { value: { kind: 'failed', message: r.summary }, evidence };
    return { value: { kind: 'value', value: (http?.p99 ?? 0) / 1000 }, evidence };
  }
  return { value: { kind: 'error', message: 'a person watches this one' }, evidence: {} };
}
