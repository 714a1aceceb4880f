/**
 * Password hashing with scrypt from node:crypto. A stored hash names its parameters
 * (`scrypt$N$r$p$saltB64$hashB64`), so the cost can rise later and old hashes still verify
 * (a sign-in could then re-hash them). Comparison is constant-time; an unknown e-mail costs one
 * verify too ({@link PasswordHasher.verifyDummy}), so timing does not tell which e-mails exist.
 *
 * Measured on the 2-core development machine (Node 24): N=2^15, r=8, p=1 takes about 90 ms per
 * hash (N=2^14 about 33 ms, N=2^16 about 180 ms), and needs 32 MiB, above Node's default
 * `maxmem`, which is therefore raised per call.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import { normalizePassword } from '../core/account-credentials.ts';

export interface ScryptParams {
  /** CPU and memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt recommendation's order of magnitude: about 90 ms and 32 MiB per hash here. */
export const defaultScryptParams: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const keyLength = 32;
const saltLength = 16;
// Stored parameters beyond these are refused rather than run: a damaged or planted hash must
// not make one sign-in take a gigabyte.
const maxN = 2 ** 20;
const maxRp = 64;

export interface PasswordHasher {
  /** The stored form of a new password. */
  hash(password: string): Promise<string>;
  /** True when `password` is the one `stored` was made from; false for a malformed hash. */
  verify(password: string, stored: string): Promise<boolean>;
  /** Does the work of one verify and answers nothing: for an e-mail that has no user. */
  verifyDummy(password: string): Promise<void>;
}

/**
 * A hasher with the given cost (tests pass a low N to stay fast; the server uses the default).
 *
 * @example
 * const hasher = createPasswordHasher();
 * const stored = await hasher.hash('correct horse battery');
 * await hasher.verify('correct horse battery', stored); // true
 */
export function createPasswordHasher(params: ScryptParams = defaultScryptParams): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    async hash(password) {
      const salt = randomBytes(saltLength);
      const key = await derive(password, salt, params);
      return ['scrypt', params.N, params.r, params.p, b64(salt), b64(key)].join('$');
    },
    async verify(password, stored) {
      const parsed = parseHash(stored);
      if (!parsed) return false;
      const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
      return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
    },
    async verifyDummy(password) {
      // A hash of a random password nobody knows, made once with the current parameters.
      dummy ??= hasher.hash(randomBytes(24).toString('base64url'));
      await hasher.verify(password, await dummy);
    },
  };
  return hasher;
}

/**
 * The parameters of a stored hash, or undefined when it is not one this module wrote.
 *
 * @example parseHash('scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA')?.params // { N: 32768, r: 8, p: 1 }
 */
export function parseHash(
  stored: string,
): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^[0-9]{1,8}$/.test(x!) ? Number(x) : NaN));
  if (!N || !r || !p || N < 2 || N > maxN || (N & (N - 1)) !== 0 || r > maxRp || p > maxRp)
    return undefined;
  const salt = Buffer.from(parts[4]!, 'base64');
  const key = Buffer.from(parts[5]!, 'base64');
  if (salt.length === 0 || key.length === 0 || key.length > 64) return undefined;
  return { params: { N, r, p }, salt, key };
}

function derive(password: string, salt: Buffer, params: ScryptParams, length = keyLength) {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // scrypt needs 128·N·r bytes; Node's default limit (32 MiB) is exactly N=2^15, r=8 and
    // OpenSSL counts a little more, so allow twice that.
    maxmem: 256 * params.N * params.r,
  };
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(normalizePassword(password), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

const b64 = (bytes: Buffer) => bytes.toString('base64');
