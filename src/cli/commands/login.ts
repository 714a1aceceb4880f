import { InputError, UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';
import type { Context } from '../cli-context.ts';
import { writeCredentials } from '../cli-credentials.ts';
import { readSecret } from '../cli-password.ts';

const usage = 'gonogo login --server URL [--email EMAIL]';

export default defineCommand({
  usage,
  summary:
    'Stores how to act on a team server, so commands run with GONOGO_SERVER=URL act there. Without --email: an API token (gng_…, made with gonogo token create, in the web interface or with POST /api/v1/tokens), checked with the server. With --email: signs you in with your password, to manage your API tokens (gonogo token create|list|revoke). The token or password is asked without echo in a terminal, else read from the first line of stdin; never from the command line. Kept in $XDG_CONFIG_HOME/gonogo/credentials.json (or ~/.config/gonogo/credentials.json), readable by you only.',
  options: {
    server: { type: 'string' },
    email: { type: 'string' },
    // Declared only to refuse them with the reason.
    token: { type: 'string' },
    password: { type: 'string' },
  },
  async run(ctx, values) {
    for (const secret of ['token', 'password'] as const) {
      if (values[secret] !== undefined) {
        throw new UsageError(
          `a ${secret} is never taken from the command line (other users see it in the process list, and it stays in the shell history): leave out --${secret}; you will be asked for it, or give it as the first line of stdin`,
        );
      }
    }
    if (values.server === undefined) throw new UsageError(`missing --server\nusage: ${usage}`);
    const server = values.server.trim().replace(/\/+$/, '');
    if (!/^https?:\/\/[^\s/]+/.test(server)) {
      throw new InputError([
        {
          message: `--server ${server.slice(0, 80)} is not an http:// or https:// address`,
          fix: 'e.g. --server https://gonogo.example.com',
        },
      ]);
    }
    if (values.email !== undefined) return signIn(ctx, server, values.email.trim());
    const token = (await readSecret(process.stdin, process.stderr, 'token: ')).trim();
    // Checked before it is kept: a wrong token fails here, not in the next command.
    const { createHttpTransport } = await import('../../client/http-transport.ts');
    await createHttpTransport({ baseUrl: server, credentials: { token } }).call('listTokens');
    const path = writeCredentials({ server, token });
    if (ctx.json) ctx.output.out(JSON.stringify({ server, stored: path }));
    else {
      ctx.output.out(
        `logged in to ${server}; the token is in ${path} (mode 0600)`,
        `run commands with GONOGO_SERVER=${server}`,
      );
    }
    return 0;
  },
});

/** `--email`: the password to a session, kept so the person can manage their tokens. */
async function signIn(ctx: Context, server: string, email: string): Promise<number> {
  if (email === '') throw new UsageError(`--email needs your e-mail address\nusage: ${usage}`);
  const password = await readSecret(process.stdin, process.stderr, 'password: ');
  const { signInWithPassword } = await import('../../client/http-session.ts');
  const signed = await signInWithPassword({ baseUrl: server, email, password });
  const path = writeCredentials({ server, session: signed.session, csrf: signed.csrfToken });
  if (ctx.json) {
    ctx.output.out(
      JSON.stringify({
        server,
        user: signed.user.email,
        expiresAt: signed.expiresAt,
        stored: path,
      }),
    );
  } else {
    ctx.output.out(
      `signed in to ${server} as ${signed.user.email} until ${signed.expiresAt}; the session is in ${path} (mode 0600)`,
      `create an API token with: gonogo token create --project PROJECT --name NAME`,
    );
  }
  return 0;
}
