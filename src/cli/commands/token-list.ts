import { defineCommand } from '../cli-command.ts';
import type { TokenInfo } from '../cli-tokens.ts';
import { formatTokenLine, openTokenSession } from '../cli-tokens.ts';

export default defineCommand({
  usage: 'gonogo token list',
  summary:
    'Your API tokens on the server: id, name, project, roles, when made, expiring, last used or revoked. Never their secrets. Needs you signed in: gonogo login --server URL --email EMAIL.',
  options: {},
  async run(ctx) {
    const { http } = await openTokenSession();
    const { tokens } = (await http.call('listTokens')) as { tokens: TokenInfo[] };
    if (ctx.json) ctx.output.out(JSON.stringify({ tokens }));
    else if (tokens.length === 0) ctx.output.out('no API tokens');
    else ctx.output.out(...tokens.map(formatTokenLine));
    return 0;
  },
});
