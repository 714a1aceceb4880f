/**
 * Where a change came from, beside who made it: on the server, the client's address and user
 * agent and the API token it acted with. Kept in each event and covered by its hash. The address
 * and the user agent are what the client says, so they are data: bounded, one line, control
 * characters removed. A token is named by its id only, never by its secret. Pure.
 */
import { isSecretShape } from './account-credentials.ts';
import { InternalError } from './errors.ts';
import type { EventOrigin } from './release-model.ts';
import { sanitizeText } from './text-safety.ts';

/** The longest user agent kept, in characters; the rest is cut. */
export const maxUserAgentLength = 300;
/** The longest client address kept (an IPv6 address with a zone fits easily). */
export const maxAddressLength = 100;

// A token id is a row id (a UUID); letters, digits and `._:-` leave room for another scheme.
const tokenIdShape = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The origin as it is kept: address and user agent on one line, without control characters,
 * cut to their limits; empty parts left out; undefined when nothing is left. Throws an
 * `InternalError` (a bug of the caller, never the client's input) for a token id that is not an
 * id, or that has the shape of a secret: the secret must never reach the record, nor the message.
 *
 * @example cleanEventOrigin({ address: '203.0.113.7', userAgent: 'curl/8.5\u001b[2J' }) // { address: '203.0.113.7', userAgent: 'curl/8.5' }
 * @example cleanEventOrigin({ userAgent: '  ' }) // undefined
 */
export function cleanEventOrigin(raw: EventOrigin | undefined): EventOrigin | undefined {
  if (!raw) return undefined;
  const origin: EventOrigin = {};
  const address = cleanLine(raw.address, maxAddressLength);
  if (address) origin.address = address;
  const userAgent = cleanLine(raw.userAgent, maxUserAgentLength);
  if (userAgent) origin.userAgent = userAgent;
  if (raw.tokenId !== undefined && raw.tokenId !== '') {
    const id = String(raw.tokenId);
    if (isSecretShape('token', id) || isSecretShape('session', id) || /^gngs?_/.test(id)) {
      throw new InternalError('the origin of a change names a token by its secret, not its id');
    }
    if (!tokenIdShape.test(id)) {
      throw new InternalError('the origin of a change names a token by something that is no id');
    }
    origin.tokenId = id;
  }
  return Object.keys(origin).length ? origin : undefined;
}

/** One line of text without control characters, at most `max` characters (code points). */
function cleanLine(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const line = sanitizeText(String(text), { oneLine: true }).replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return (chars.length > max ? chars.slice(0, max).join('').trimEnd() : line) || undefined;
}
