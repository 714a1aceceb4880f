/**
 * Who is signed in: `GET /session` through TanStack Query (null when nobody is), the CSRF token
 * it carries kept for later changes, and whether the server still waits for its first
 * administrator (readiness says so while set-up is open).
 */
import { useQuery } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { ApiFailure, apiGet, rememberCsrf } from './web-api.ts';
import type { Session } from './web-api-types.ts';

export const sessionKey = ['session'] as const;

/** The signed-in session, or null. */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        const session = await apiGet<Session>('/session');
        rememberCsrf(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ApiFailure && (error.status === 401 || error.status === 403)) {
          rememberCsrf(undefined);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** Whether the server has no user yet (the set-up page is the way in). */
export function useSetupOpen(enabled: boolean) {
  return useQuery({
    queryKey: ['setup-open'],
    enabled,
    queryFn: async () => {
      const r = await apiGet<{ setupOpen?: boolean }>('/ready').catch(() => ({ setupOpen: false }));
      return r.setupOpen === true;
    },
  });
}

/**
 * Takes a session a set-up or sign-in answered with as the signed-in one.
 *
 * @example adoptSession(queryClient, await signIn(...))
 */
export function adoptSession(client: QueryClient, session: Session | null): void {
  rememberCsrf(session?.csrfToken);
  client.clear();
  client.setQueryData(sessionKey, session);
}
