/**
 * One request to the API: the route from the table (`api/api-routes.ts`), its path filled in,
 * the body checked against the route's request schema before it leaves, the credentials, a
 * timeout, the answer parsed with the route's response schema, and every failure a
 * `GonogoError` (the envelope's, or an `EnvironmentError` naming the server when it cannot be
 * reached).
 */
import { apiRoutes, fillApiPath } from '../api/api-routes.ts';
import type { ApiRoute } from '../api/api-routes.ts';
import { EnvironmentError, GonogoError, InputError, InternalError } from '../core/errors.ts';
import type { Problem } from '../core/errors.ts';
import { errorFromResponse } from './http-errors.ts';

/** How a request proves who sends it. */
export type HttpCredentials =
  | { token: string }
  /** A signed-in user's session (`gonogo login` with e-mail and password). */
  | { session: string; csrfToken: string };

export interface HttpTransportOptions {
  /** The server's address, e.g. `https://gonogo.example.com` (a path prefix is kept). */
  baseUrl: string;
  credentials?: HttpCredentials;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Per request; 30 s unless told. */
  timeoutMs?: number;
}

export interface HttpCall {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** The release's event count the write was decided on (`If-Match`). */
  ifMatch?: number;
}

export interface HttpTransport {
  readonly baseUrl: string;
  /** Calls the route `operationId` and returns its parsed body (undefined for 204). */
  call(operationId: string, call?: HttpCall): Promise<unknown>;
}

const defaultTimeoutMs = 30_000;

/**
 * A transport to one server.
 *
 * @example
 * const http = createHttpTransport({ baseUrl: 'http://127.0.0.1:8080', credentials: { token } });
 * const { releases } = (await http.call('listReleases', { params: { project: 'acme/app' } })) as { releases: Release[] };
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return {
    baseUrl,
    async call(operationId, call = {}) {
      const route = routeOf(operationId);
      const url = new URL(baseUrl + fillApiPath(route.path, call.params ?? {}));
      for (const [k, v] of Object.entries(call.query ?? {})) {
        if (v !== undefined) url.searchParams.set(k, v);
      }
      const headers = new Headers({ accept: 'application/json' });
      const creds = options.credentials;
      if (creds && 'token' in creds) headers.set('authorization', `Bearer ${creds.token}`);
      if (creds && 'session' in creds) {
        headers.set('cookie', `gonogo_session=${creds.session}`);
        headers.set('x-csrf-token', creds.csrfToken);
      }
      if (call.ifMatch !== undefined) headers.set('if-match', `"${call.ifMatch}"`);
      let body: string | undefined;
      if (route.body) {
        body = JSON.stringify(checkBody(route, call.body ?? {}));
        headers.set('content-type', 'application/json');
      }
      const res = await send(doFetch, url, baseUrl, timeoutMs, {
        method: route.method.toUpperCase(),
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await readText(res, baseUrl, timeoutMs);
      if (res.status !== route.status) throw errorFromResponse(res.status, text, baseUrl);
      if (route.status === 204) return undefined;
      return parseAnswer(route, text, baseUrl);
    },
  };
}

function routeOf(operationId: string): ApiRoute {
  const route = apiRoutes.find((r) => r.operationId === operationId);
  if (!route) throw new InternalError(`no route ${operationId} in the API table`);
  return route;
}

/**
 * The body as the route's schema takes it: refused here, with the same problems the server
 * would list, so a bad input costs no round trip and never half-reaches the server.
 */
function checkBody(route: ApiRoute, body: unknown): unknown {
  const parsed = route.body!.safeParse(body);
  if (parsed.success) return body;
  const problems: Problem[] = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { message: `${path ? `body.${path}` : 'body'}: ${issue.message}` };
  });
  const first = parsed.error.issues[0]?.path.map(String).join('.');
  throw new InputError(problems, { field: first ? first : 'body' });
}

async function send(
  doFetch: typeof fetch,
  url: URL,
  server: string,
  timeoutMs: number,
  init: RequestInit,
): Promise<Response> {
  try {
    return await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw unreachable(e, server, timeoutMs);
  }
}

async function readText(res: Response, server: string, timeoutMs: number): Promise<string> {
  try {
    return await res.text();
  } catch (e) {
    throw unreachable(e, server, timeoutMs);
  }
}

/** Why the server could not be reached, as an EnvironmentError naming it and the fix. */
function unreachable(e: unknown, server: string, timeoutMs: number): GonogoError {
  if (e instanceof GonogoError) return e;
  const name = (e as { name?: string }).name;
  const cause = (e as { cause?: { code?: string } }).cause?.code;
  const fix =
    'check GONOGO_SERVER and that the server runs (gonogo serve), or unset GONOGO_SERVER to work locally';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new EnvironmentError(
      { place: server, message: `${server} did not answer within ${timeoutMs / 1000} s`, fix },
      { cause: e },
    );
  }
  const why =
    cause === 'ECONNREFUSED'
      ? 'refused the connection'
      : cause === 'ENOTFOUND' || cause === 'EAI_AGAIN'
        ? 'is not a known host name'
        : cause
          ? `could not be reached (${cause})`
          : 'could not be reached';
  return new EnvironmentError({ place: server, message: `${server} ${why}`, fix }, { cause: e });
}

function parseAnswer(route: ApiRoute, text: string, server: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EnvironmentError({
      place: server,
      message: `${server} answered ${route.operationId} with something that is not JSON`,
      fix: 'check that GONOGO_SERVER is the address of a gonogo server',
    });
  }
  if (!route.response) return json;
  const parsed = route.response.safeParse(json);
  if (!parsed.success) {
    throw new EnvironmentError({
      place: server,
      message: `${server} answered ${route.operationId} in a form this gonogo does not know (${parsed.error.issues[0]?.message ?? 'schema'})`,
      fix: 'use the same gonogo version as the server',
    });
  }
  return parsed.data;
}
