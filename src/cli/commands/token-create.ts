import { parseDuration } from '../../core/duration.ts';
import { InputError, UsageError } from '../../core/errors.ts';
import { sanitizeText } from '../../core/text-safety.ts';
import { defineCommand } from '../cli-command.ts';
import { clockFromEnv } from '../cli-context.ts';
import type { TokenInfo } from '../cli-tokens.ts';
import { formatTokenLine, openTokenSession } from '../cli-tokens.ts';

const usage =
  'gonogo token create --project PROJECT --name NAME [--role ROLE]... [--expires DURATION]';

export default defineCommand({
  usage,
  summary:
    'Creates an API token acting as you in one project, with the roles named (by default every role you hold there; never more than you hold), e.g. for CI: GONOGO_TOKEN=… gonogo deploy production. Needs you signed in: gonogo login --server URL --email EMAIL. --expires takes a duration such as 30d, 12h or 2w. The secret is printed once and never again.',
  options: {
    name: { type: 'string' },
    role: { type: 'string', multiple: true },
    expires: { type: 'string' },
  },
  async run(ctx, values) {
    const name = values.name?.trim();
    if (!name) throw new UsageError(`missing --name (e.g. --name ci)\nusage: ${usage}`);
    let expiresAt: string | undefined;
    if (values.expires !== undefined) {
      const ms = parseDuration(values.expires.trim());
      if (ms === undefined || ms <= 0) {
        throw new InputError(
          [
            {
              message: `--expires "${sanitizeText(values.expires, { oneLine: true }).slice(0, 40)}" is not a duration`,
              fix: 'give a duration such as 30d, 12h or 2w, or leave --expires out for a token that does not expire',
            },
          ],
          { field: 'expires' },
        );
      }
      const now = (clockFromEnv() ?? (() => new Date()))();
      expiresAt = new Date(now.getTime() + ms).toISOString();
    }
    const project = ctx.project();
    const { http, server } = await openTokenSession();
    let roles = (values.role ?? []).map((r) => r.trim()).filter((r) => r !== '');
    if (roles.length === 0) {
      // No --role: the roles the creator holds in the project, which is the most a token may have.
      const me = (await http.call('getSession')) as { user: { id: string } };
      const member = (await http.call('getMember', {
        params: { project, user: me.user.id },
      })) as { roles: string[] };
      roles = member.roles;
    }
    const made = (await http.call('createToken', {
      body: { name, project, roles, ...(expiresAt ? { expiresAt } : {}) },
    })) as TokenInfo & { secret: string };
    if (ctx.json) {
      ctx.output.out(JSON.stringify({ server, ...made }));
      process.stderr.write('gonogo: the secret is in this output only; it is not shown again\n');
    } else {
      ctx.output.out(
        `created token ${formatTokenLine(made)}`,
        '',
        `  ${made.secret}`,
        '',
        'copy it now: it is not shown again (the server keeps only its hash)',
        `use it with GONOGO_SERVER=${server} GONOGO_TOKEN=…, or gonogo login --server ${server}`,
      );
    }
    return 0;
  },
});
