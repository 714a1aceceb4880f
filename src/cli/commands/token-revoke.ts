import { defineCommand } from '../cli-command.ts';
import { openTokenSession } from '../cli-tokens.ts';

export default defineCommand({
  usage: 'gonogo token revoke ID',
  summary:
    'Revokes one of your API tokens (its id from gonogo token list): it stops working at once. Needs you signed in: gonogo login --server URL --email EMAIL.',
  options: {},
  positionals: [1, 1],
  async run(ctx, _values, [id]) {
    const { http } = await openTokenSession();
    await http.call('revokeToken', { params: { id: id! } });
    if (ctx.json) ctx.output.out(JSON.stringify({ revoked: id }));
    else ctx.output.out(`revoked token ${id}`);
    return 0;
  },
});
