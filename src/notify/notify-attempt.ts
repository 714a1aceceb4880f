/**
 * Building a {@link DeliveryAttempt}: the clock and duration around one try, what is retryable,
 * and the masking of everything an attempt returns (the delivery log is stored).
 */
import { collectSecretValues, createRedactor, type Redactor } from '../core/redact.ts';
import type { DeliverOptions, DeliveryAttempt } from './notify-types.ts';

/** Characters of a receiver's answer kept in the log. */
export const maxResponseChars = 500;

/** A masker for this delivery: the env's secret-named values and the channel's own secrets. */
export function createDeliveryRedactor(
  env: DeliverOptions['env'],
  secrets: (string | undefined)[],
): Redactor {
  const values = [
    ...collectSecretValues(env),
    ...secrets.filter((s): s is string => !!s && s.length >= 4),
  ];
  return createRedactor({ secretValues: values });
}

/** The running attempt: its start time and how to finish it as an attempt record. */
export interface AttemptClock {
  at: string;
  finish(fields: Omit<DeliveryAttempt, 'durationMs' | 'at'>, redact: Redactor): DeliveryAttempt;
}

export function startAttempt(now: () => Date): AttemptClock {
  const at = now().toISOString();
  const started = performance.now();
  return {
    at,
    finish(fields, redact) {
      const out: DeliveryAttempt = {
        ...fields,
        durationMs: Math.max(0, Math.round(performance.now() - started)),
        at,
      };
      if (out.response !== undefined)
        out.response = redact(out.response).slice(0, maxResponseChars);
      if (out.error !== undefined) out.error = redact(out.error);
      if (out.messageId !== undefined) out.messageId = redact(out.messageId);
      return out;
    },
  };
}

/**
 * How an HTTP status is taken: 2xx delivered; 410 gone (disable the endpoint); 408, 429 and
 * 5xx failed but worth trying again; a redirect or another 4xx failed for good (the request or
 * the configuration is wrong, trying again changes nothing).
 *
 * @example classifyStatus(503) // { outcome: 'failed', retryable: true }
 */
export function classifyStatus(status: number): Pick<DeliveryAttempt, 'outcome' | 'retryable'> {
  if (status >= 200 && status < 300) return { outcome: 'delivered', retryable: false };
  if (status === 410) return { outcome: 'gone', retryable: false };
  if (status === 408 || status === 429 || status >= 500)
    return { outcome: 'failed', retryable: true };
  return { outcome: 'failed', retryable: false };
}

/** A failure that comes before anything is sent: the configuration must change first. */
export function configFailure(
  clock: AttemptClock,
  error: string,
  redact: Redactor,
): DeliveryAttempt {
  return clock.finish({ outcome: 'failed', retryable: false, error }, redact);
}

/** The message for an environment variable a channel names but the environment lacks. */
export function missingEnvError(name: string, what: string): string {
  return `the environment variable ${name} is not set: set ${name} to ${what} where gonogo runs (the server or the CI job)`;
}
