/**
 * Facts about the client of a request that the server records or keys on: its address (from
 * the socket, never from a header the client writes) and whether it came over TLS.
 */
import type { Context } from 'hono';

/**
 * The client's address from the socket; `local` for an in-process request (tests).
 *
 * @example clientAddress(c) // '127.0.0.1'
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}

/**
 * Whether the request came over TLS (the cookie is then `Secure`).
 *
 * @example cameOverTls(c) // false on plain http://127.0.0.1:8080
 */
export function cameOverTls(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:';
}
