/**
 * The API tokens of the signed-in user (`gonogo login --email`), over the server's account
 * routes: what `gonogo token create|list|revoke` share.
 */
import type { HttpTransport } from '../client/http-transport.ts';
import { EnvironmentError, UnauthenticatedError } from '../core/errors.ts';
import { sanitizeText } from '../core/text-safety.ts';
import { sessionFromEnv } from './cli-credentials.ts';

/** A token as the server lists it (never with its secret). */
export interface TokenInfo {
  id: string;
  name: string;
  project: string;
  roles: string[];
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/**
 * A transport signed in as the stored session's user, for the server in the environment.
 *
 * @example const { http, server } = await openTokenSession(); await http.call('listTokens');
 */
export async function openTokenSession(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ http: HttpTransport; server: string }> {
  const { server, session } = sessionFromEnv(env);
  const { createHttpTransport } = await import('../client/http-transport.ts');
  const signed = createHttpTransport({
    baseUrl: server,
    credentials: { session: session.secret, csrfToken: session.csrfToken },
  });
  // A stored session ends (expiry, sign-out elsewhere): say how to get a new one.
  const http: HttpTransport = {
    baseUrl: signed.baseUrl,
    async call(operationId, call) {
      try {
        return await signed.call(operationId, call);
      } catch (e) {
        if (!(e instanceof UnauthenticatedError)) throw e;
        throw new EnvironmentError(
          {
            place: server,
            message: `your session on ${server} has ended (${e.message})`,
            fix: `run gonogo login --server ${server} --email YOUR-EMAIL`,
          },
          { cause: e },
        );
      }
    },
  };
  return { http, server };
}

/**
 * One line per token: id, name, project, roles, and when it expires, was last used or revoked.
 *
 * @example formatTokenLine(token) // 'tok_1  ci  github.com/acme/app  member  expires 2026-12-31…'
 */
export function formatTokenLine(t: TokenInfo): string {
  const when = [
    `created ${t.createdAt}`,
    t.expiresAt ? `expires ${t.expiresAt}` : 'never expires',
    ...(t.lastUsedAt ? [`last used ${t.lastUsedAt}`] : []),
    ...(t.revokedAt ? [`revoked ${t.revokedAt}`] : []),
  ];
  // Names are what someone typed: shown without control characters.
  return sanitizeText(
    `${t.id}  ${t.name}  ${t.project}  ${t.roles.join(',')}  ${when.join(', ')}`,
    { oneLine: true },
  );
}
