/**
 * Signing in to a server with e-mail and password, for a command-line user: the session travels
 * in an HttpOnly cookie, which a browser keeps by itself and the CLI has to take from the answer.
 */
import { EnvironmentError, InputError, UnauthenticatedError } from '../core/errors.ts';
import { createHttpTransport } from './http-transport.ts';

/** The cookie a session travels in (server/server-auth.ts `sessionCookie`). */
const sessionCookie = 'gonogo_session';

export interface SignedIn {
  /** The session cookie's value. */
  session: string;
  /** Sent back as X-CSRF-Token on every state-changing request. */
  csrfToken: string;
  user: { id: string; email: string };
  expiresAt: string;
}

/**
 * Signs `email` in at `baseUrl` (`POST /api/v1/session`) and returns the session and its CSRF
 * token; a wrong password is the server's error, unchanged.
 *
 * @example const { session, csrfToken } = await signInWithPassword({ baseUrl, email, password });
 */
export async function signInWithPassword(input: {
  baseUrl: string;
  email: string;
  password: string;
  fetch?: typeof fetch;
}): Promise<SignedIn> {
  const doFetch = input.fetch ?? fetch;
  let cookies: string[] = [];
  // The transport returns the body only: the cookie is read from the response on its way past.
  const http = createHttpTransport({
    baseUrl: input.baseUrl,
    fetch: async (url, init) => {
      const res = await doFetch(url, init);
      cookies = res.headers.getSetCookie();
      return res;
    },
  });
  let answer: { csrfToken: string; user: { id: string; email: string }; expiresAt: string };
  try {
    answer = (await http.call('signIn', {
      body: { email: input.email, password: input.password },
    })) as typeof answer;
  } catch (e) {
    // A password the schema refuses (too short) cannot be right: said as the server says it,
    // not as the password rules, which are no business of someone guessing.
    if (e instanceof InputError && e.field === 'password') {
      throw new UnauthenticatedError('the e-mail address or password is not right', { cause: e });
    }
    throw e;
  }
  const session = cookies
    .map((c) => c.split(';')[0]!.trim())
    .find((c) => c.startsWith(`${sessionCookie}=`))
    ?.slice(sessionCookie.length + 1);
  if (!session) {
    throw new EnvironmentError({
      place: input.baseUrl,
      message: `${input.baseUrl} signed you in but sent no session cookie`,
      fix: 'check that the address is a gonogo server and not a proxy that drops cookies',
    });
  }
  return { session, csrfToken: answer.csrfToken, user: answer.user, expiresAt: answer.expiresAt };
}
