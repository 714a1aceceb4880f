import { InputError, UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';
import { writeCredentials } from '../cli-credentials.ts';
import { readSecret } from '../cli-password.ts';

const usage = 'gonogo login --server URL';

export default defineCommand({
  usage,
  summary:
    'Stores an API token for a team server, so commands run with GONOGO_SERVER=URL act there. The token (gng_…, made in the web interface or with POST /api/v1/tokens) is asked without echo in a terminal, else read from the first line of stdin; never from the command line. It is checked with the server, then kept in $XDG_CONFIG_HOME/gonogo/credentials.json (or ~/.config/gonogo/credentials.json), readable by you only.',
  options: {
    server: { type: 'string' },
    // Declared only to refuse it with the reason.
    token: { type: 'string' },
  },
  async run(ctx, values) {
    if (values.token !== undefined) {
      throw new UsageError(
        'a token is never taken from the command line (other users see it in the process list, and it stays in the shell history): leave out --token; you will be asked for it, or give it as the first line of stdin',
      );
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
