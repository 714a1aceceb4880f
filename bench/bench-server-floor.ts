/**
 * The floor of the server bench, run as its own process like `gonogo serve`: a bare Hono route
 * on @hono/node-server that parses a JSON body and answers JSON. Prints
 * "floor listening on http://127.0.0.1:PORT" when ready; SIGTERM ends it (nothing to flush).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/echo', async (c) => {
  const body = await c.req.json<{ refs?: unknown[]; action?: unknown }>();
  return c.json({ ok: true, refs: body.refs ?? [], action: body.action ?? null });
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`floor listening on http://127.0.0.1:${info.port}\n`);
});
