import { normalizeEmail } from '../../core/account-credentials.ts';
import { ConflictError, InputError, UsageError } from '../../core/errors.ts';
import { openAccountService } from '../cli-accounts.ts';
import { defineCommand } from '../cli-command.ts';
import { resolveDb } from '../cli-db.ts';
import { readNewPassword } from '../cli-password.ts';

export default defineCommand({
  usage: 'gonogo admin create --email E [--name N]',
  summary:
    "Creates the team server's first administrator in the database (--db, GONOGO_DB or the default file). The password is asked twice without echo in a terminal, else read from the first line of stdin; never from the command line. Refused once the database has an administrator: an administrator adds the others.",
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    // Declared only to refuse it with the reason (an unknown flag would just be "unknown").
    password: { type: 'string' },
  },
  async run(ctx, values) {
    if (values.password !== undefined) {
      throw new UsageError(
        'a password is never taken from the command line (other users see it in the process list, and it stays in the shell history): leave out --password; you will be asked for it, or give it as the first line of stdin',
      );
    }
    if (values.email === undefined) {
      throw new UsageError('missing --email\nusage: gonogo admin create --email E [--name N]');
    }
    const { accounts, store } = await openAccountService(resolveDb(values.db, ctx.root), ctx.cwd);
    try {
      // Refused before asking for a password that would not be used.
      if (await accounts.hasAdministrator()) {
        throw new ConflictError(
          'the database has an administrator already; an administrator adds new users',
        );
      }
      if (normalizeEmail(values.email) === undefined) {
        throw new InputError(
          [
            {
              message: `--email ${values.email} is not an e-mail address`,
              fix: 'e.g. --email ana@example.com',
            },
          ],
          { field: 'email' },
        );
      }
      const password = await readNewPassword(process.stdin, process.stderr);
      const { user } = await accounts.createFirstAdmin({
        email: values.email,
        password,
        ...(values.name !== undefined ? { name: values.name } : {}),
      });
      if (ctx.json) ctx.output.out(JSON.stringify({ user }));
      else ctx.output.out(`created the first administrator ${user.email} (${user.name})`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
