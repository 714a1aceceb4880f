/**
 * The one way the web app speaks to the server: JSON over `/api/v1`, the session cookie sent by
 * the browser, the CSRF token of the session on every change, `If-Match` where a write was
 * decided on a release as it was seen. A refusal becomes an {@link ApiFailure} carrying the
 * API's error envelope, so a page can show the service's message and hint next to its cause.
 */
import type { ApiErrorBody, Release } from './web-api-types.ts';

let csrfToken: string | undefined;

/** Keeps the session's CSRF token (from set-up, sign-in or GET /session) for later changes. */
export function rememberCsrf(token: string | undefined): void {
  csrfToken = token;
}

/** A request the server refused, or one that never reached it (status 0). */
export class ApiFailure extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;

  constructor(status: number, body: ApiErrorBody) {
    super(body.error.message);
    this.status = status;
    this.body = body;
  }

  get code(): string {
    return this.body.error.code;
  }

  /** For a stale write (409): the release as it is now. */
  get current(): Release | undefined {
    return this.body.current;
  }
}

export interface ApiAnswer<T> {
  data: T;
  etag: string | undefined;
}

export interface ApiRequestInit {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  json?: unknown;
  /** The release's ETag the write was decided on; 409 when the release moved since. */
  ifMatch?: string | undefined;
}

/**
 * Calls the API; resolves with the body and ETag, or rejects with an {@link ApiFailure}.
 *
 * @example const { data, etag } = await apiRequest<StatusView>(`${releasePath('acme/app', '1.0.0')}/status`);
 */
export async function apiRequest<T>(
  path: string,
  init: ApiRequestInit = {},
): Promise<ApiAnswer<T>> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  if (init.ifMatch !== undefined) headers['if-match'] = init.ifMatch;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
  } catch {
    throw failure(
      0,
      'environment',
      'the server cannot be reached; check the connection and try again',
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    throw isErrorBody(body)
      ? new ApiFailure(res.status, body)
      : failure(res.status, 'internal', `the server answered ${res.status} without an explanation`);
  }
  return { data: body as T, etag: res.headers.get('etag') ?? undefined };
}

/**
 * GETs a resource's body.
 *
 * @example const overview = await apiGet<Overview>('/overview');
 */
export async function apiGet<T>(path: string): Promise<T> {
  return (await apiRequest<T>(path)).data;
}

/**
 * A project's path, its id as one percent-encoded segment (ids hold slashes).
 *
 * @example projectPath('github.com/acme/app') // '/projects/github.com%2Facme%2Fapp'
 */
export function projectPath(project: string): string {
  return `/projects/${encodeURIComponent(project)}`;
}

/**
 * A release's API path.
 *
 * @example releasePath('acme/app', '1.0.0') // '/projects/acme%2Fapp/releases/1.0.0'
 */
export function releasePath(project: string, version: string): string {
  return `${projectPath(project)}/releases/${encodeURIComponent(version)}`;
}

/**
 * The event count an ETag names (`"12"` → 12).
 *
 * @example countOfEtag('"12"') // 12
 */
export function countOfEtag(etag: string | undefined): number {
  return Number(/"(\d+)"/.exec(etag ?? '')?.[1] ?? 0);
}

function failure(status: number, code: string, message: string): ApiFailure {
  return new ApiFailure(status, { error: { code, message } } as ApiErrorBody);
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}
