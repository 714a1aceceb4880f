/**
 * One HTTP POST for a channel: a timeout through AbortSignal, no redirects followed (a
 * redirect is an answer, so a hook cannot bounce a signed payload elsewhere), and at most the
 * first 64 kB of the answer read.
 */
import { classifyStatus, type AttemptClock } from './notify-attempt.ts';
import type { Redactor } from '../core/redact.ts';
import type { DeliveryAttempt } from './notify-types.ts';

/** Largest request body a channel sends. */
export const maxRequestBytes = 64 * 1024;
const maxAnswerBytes = 64 * 1024;

async function readBounded(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxAnswerBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, maxAnswerBytes).toString('utf8');
}

/** Why a request failed before an answer came, as a short sentence. */
function describeFetchError(e: unknown, timedOut: boolean, aborted: boolean): string {
  if (timedOut) return 'no answer within the timeout';
  if (aborted) return 'the delivery was cancelled';
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  const detail = err.cause?.message ?? err.message ?? String(e);
  return code ? `${code}: ${detail}` : detail;
}

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal?: AbortSignal;
  messageId?: string;
  /** Maps an answer's status and body to the attempt (default {@link classifyStatus}). */
  classify?: (
    status: number,
    body: string,
  ) => Pick<DeliveryAttempt, 'outcome' | 'retryable' | 'error'>;
}

/** POSTs `body` and returns the attempt; never throws. */
export async function postForAttempt(
  req: PostRequest,
  clock: AttemptClock,
  redact: Redactor,
): Promise<DeliveryAttempt> {
  const size = Buffer.byteLength(req.body);
  if (size > maxRequestBytes) {
    return clock.finish(
      {
        outcome: 'failed',
        retryable: false,
        error: `the message is ${size} bytes, more than the ${maxRequestBytes} a channel sends`,
        messageId: req.messageId,
      },
      redact,
    );
  }
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal,
    });
    const answer = await readBounded(res);
    const base: Pick<DeliveryAttempt, 'outcome' | 'retryable' | 'error'> = (
      req.classify ?? classifyStatus
    )(res.status, answer);
    let error: string | undefined = base.error;
    if (base.outcome === 'failed' && error === undefined) {
      error =
        res.status >= 300 && res.status < 400
          ? `answered ${res.status} (a redirect${res.headers.get('location') ? ` to ${res.headers.get('location')}` : ''}); redirects are not followed: put the final address in the channel`
          : `answered ${res.status}`;
    }
    if (base.outcome === 'gone')
      error = `answered ${res.status} Gone: the endpoint asks not to be called again`;
    return clock.finish(
      {
        outcome: base.outcome,
        retryable: base.retryable,
        status: res.status,
        messageId: req.messageId,
        response: answer,
        ...(error !== undefined ? { error } : {}),
      },
      redact,
    );
  } catch (e) {
    const error = describeFetchError(e, timeout.aborted, req.signal?.aborted ?? false);
    return clock.finish(
      { outcome: 'failed', retryable: true, error, messageId: req.messageId },
      redact,
    );
  }
}
