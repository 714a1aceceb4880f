import type { HttpCredentials } from '../../client/http-transport.ts';
import { EnvironmentError, GonogoError, UnauthenticatedError } from '../../core/errors.ts';
import { sanitizeText } from '../../core/text-safety.ts';
import { defineCommand } from '../cli-command.ts';
import type { Context } from '../cli-context.ts';
import { credentialsPath, readCredentials, removeCredentials } from '../cli-credentials.ts';
import type { StoredCredentials } from '../cli-credentials.ts';

/** What became of the login on the server. */
type ServerOutcome =
  | 'ended'
  | 'already-ended'
  /** A token login without --everywhere: a token has no session to end. */
  | 'token-kept'
  | 'not-ended';

export default defineCommand({
  usage: 'gonogo logout [--everywhere]',
  summary:
    'Signs the stored login (gonogo login) out of its server and removes it from this computer. A signed-in session is ended on the server; --everywhere ends every session of your user there (every browser and computer), also for a token login. An API token itself stays valid until it expires or is revoked (gonogo token revoke ID). When the server cannot be reached, the stored login is removed all the same and the command says how to end the session later (exit 2). Without a stored login there is nothing to do (exit 0).',
  options: {
    everywhere: { type: 'boolean' },
  },
  async run(ctx, values) {
    const path = credentialsPath();
    let stored: StoredCredentials | undefined;
    try {
      stored = readCredentials();
    } catch (e) {
      // A file gonogo may not use (others may read it, or it is not gonogo's) is still removed:
      // logging out must never leave a login behind.
      if (!(e instanceof GonogoError)) throw e;
      removeCredentials();
      return say(ctx, { removed: path }, [
        `removed ${path}, which gonogo could not use (${e.message}); no session was ended on a server`,
      ]);
    }
    if (!stored) {
      return say(ctx, { removed: null }, [
        `not logged in: there is no stored login (${path}), so nothing to log out of`,
      ]);
    }
    const everywhere = values.everywhere === true;
    const { server } = stored;
    const credentials: HttpCredentials =
      'token' in stored
        ? { token: stored.token }
        : { session: stored.session, csrfToken: stored.csrf };
    let outcome: ServerOutcome = 'token-kept';
    let reason: string | undefined;
    if (!('token' in stored) || everywhere) {
      ({ outcome, reason } = await signOut(server, credentials, everywhere));
    }
    // Removed whatever the server said: the stored login must not outlive the wish to log out.
    removeCredentials();
    const again = `gonogo login --server ${server} --email YOUR-EMAIL, then gonogo logout --everywhere`;
    const lines = [`logged out of ${server}: removed ${path}`];
    if (outcome === 'ended') {
      lines.push(everywhere ? 'ended every session of your user there' : 'ended the session there');
    } else if (outcome === 'already-ended') {
      lines.push(
        everywhere
          ? `the stored login no longer worked there, so no other session was ended; to end them: ${again}`
          : 'the session had already ended there',
      );
    } else if (outcome === 'token-kept') {
      lines.push(
        'the API token itself still works until it expires or is revoked: gonogo token revoke ID (signed in with --email), or in the web interface',
      );
    }
    if (ctx.json) {
      ctx.output.out(
        JSON.stringify({ server, removed: path, serverSession: outcome, everywhere, reason }),
      );
    } else {
      ctx.output.out(...lines);
    }
    if (outcome !== 'not-ended') return 0;
    // The login is gone here but still valid there: said on stderr and with exit 2, so a script
    // that logs out to end access does not take it for done.
    const what = 'token' in stored ? 'the sessions of your user were' : 'the session was';
    ctx.output.err(
      `gonogo: ${what} not ended on ${server}: ${sanitizeText(reason ?? 'no answer', { oneLine: true })}\n` +
        `  a session ends by itself when it expires; to end it sooner, once the server answers: ${again}`,
    );
    return 2;
  },
});

/** `DELETE /api/v1/session` with the stored credentials; never throws for the server's sake. */
async function signOut(
  server: string,
  credentials: HttpCredentials,
  everywhere: boolean,
): Promise<{ outcome: ServerOutcome; reason?: string }> {
  const { createHttpTransport } = await import('../../client/http-transport.ts');
  const http = createHttpTransport({ baseUrl: server, credentials, timeoutMs: 10_000 });
  try {
    await http.call('signOut', { query: { everywhere: everywhere ? 'true' : undefined } });
    return { outcome: 'ended' };
  } catch (e) {
    // Expired, revoked or signed out elsewhere: nothing left to end with these credentials.
    if (e instanceof UnauthenticatedError) return { outcome: 'already-ended' };
    // The transport's fix speaks of GONOGO_SERVER, which logging out does not use: left out.
    if (e instanceof EnvironmentError) {
      return { outcome: 'not-ended', reason: e.message.replace(` (${e.fix})`, '') };
    }
    if (e instanceof GonogoError) return { outcome: 'not-ended', reason: e.message };
    throw e;
  }
}

function say(ctx: Context, json: { removed: string | null }, lines: string[]): number {
  if (ctx.json) ctx.output.out(JSON.stringify(json));
  else ctx.output.out(...lines);
  return 0;
}
