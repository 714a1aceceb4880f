/**
 * The shapes of what people and programs sign in with: e-mail addresses, passwords (the policy)
 * and gonogo's secrets (API tokens and session secrets). Pure: the random bytes come from the
 * caller, hashing lives in the service.
 */

/** At most this many characters in an e-mail address (RFC 5321's path limit). */
export const maxEmailLength = 254;
/** A password has at least this many characters (code points)... */
export const minPasswordLength = 12;
/** ...and at most this many UTF-8 bytes, so hashing a hostile input stays cheap. */
export const maxPasswordBytes = 1024;

// Deliberately simple and linear: one "@", a non-empty local part, a dotted domain, no spaces or
// control characters. Delivery is what really validates an address; this only catches typos.
const emailShape = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}.]+(?:\.[^\s@\p{Cc}.]+)+$/u;

/**
 * The address as stored and compared: trimmed and lower-cased; undefined when it is not an
 * address (see `emailShape`) or longer than {@link maxEmailLength}.
 *
 * @example normalizeEmail('  Ana@Example.COM ') // 'ana@example.com'
 * @example normalizeEmail('ana@localhost') // undefined
 */
export function normalizeEmail(text: string): string | undefined {
  const email = text.trim().toLowerCase();
  if (email.length > maxEmailLength || !emailShape.test(email)) return undefined;
  return email;
}

/**
 * The password as hashed: Unicode NFC, so the same password typed on two systems (composed or
 * decomposed accents) is the same bytes. Nothing else is changed (spaces count).
 *
 * @example normalizePassword('e\u0301') === '\u00e9' // true
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

/**
 * What is wrong with a new password, or undefined when the policy accepts it. The policy is
 * short on purpose (NIST SP 800-63B): long enough, not absurdly long, not one repeated
 * character, not the e-mail address itself; no composition rules. The answer never repeats the
 * password.
 *
 * @example passwordProblem('short', 'ana@example.com') // 'a password needs at least 12 characters'
 * @example passwordProblem('correct horse battery', 'ana@example.com') // undefined
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  const text = normalizePassword(password);
  if ([...text].length < minPasswordLength) {
    return `a password needs at least ${minPasswordLength} characters`;
  }
  if (new TextEncoder().encode(text).length > maxPasswordBytes) {
    return `a password may have at most ${maxPasswordBytes} bytes`;
  }
  if (/^([\s\S])\1*$/u.test(text)) return 'a password must not be one character repeated';
  if (email !== undefined && text.trim().toLowerCase() === email.trim().toLowerCase()) {
    return 'a password must not be the e-mail address';
  }
  return undefined;
}

/** The prefix of an API token: recognisable in a config file and to secret scanners. */
export const apiTokenPrefix = 'gng_';
/** The prefix of a session secret (a browser cookie's value). */
export const sessionSecretPrefix = 'gngs_';
/** Bytes of randomness in every gonogo secret: 256 bits. */
export const secretBytes = 32;

/**
 * A secret of `kind` from 32 random bytes: its prefix and the bytes in base64url (43 characters,
 * no padding, no checksum).
 *
 * @example formatSecret('token', new Uint8Array(32)).length // 47
 */
export function formatSecret(kind: 'token' | 'session', bytes: Uint8Array): string {
  if (bytes.length !== secretBytes) throw new RangeError(`a secret needs ${secretBytes} bytes`);
  const prefix = kind === 'token' ? apiTokenPrefix : sessionSecretPrefix;
  return prefix + Buffer.from(bytes).toString('base64url');
}

const secretShapes = {
  token: /^gng_[A-Za-z0-9_-]{43}$/,
  session: /^gngs_[A-Za-z0-9_-]{43}$/,
};

/**
 * True when `text` has the shape of a gonogo secret of `kind`: checked before any lookup, so
 * garbage costs no database round trip.
 *
 * @example isSecretShape('token', 'gng_' + 'A'.repeat(43)) // true
 */
export function isSecretShape(kind: 'token' | 'session', text: string): boolean {
  return text.length <= 64 && secretShapes[kind].test(text);
}
