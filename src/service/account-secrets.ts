/**
 * Session secrets and API tokens: 256 random bits each, handed out once, stored as their
 * SHA-256. A fast hash is enough for them, unlike for passwords: a password is chosen by a
 * person from a small space that an attacker with the stored hashes can search, so it needs a
 * slow, salted hash; these secrets are uniformly random over 2^256 values, so no search of that
 * space is possible however fast the hash, and a lookup by hash (an index) stays possible.
 */
import { randomBytes } from 'node:crypto';
import { formatSecret, secretBytes } from '../core/account-credentials.ts';
import { sha256 } from '../core/hash.ts';
import { findSecrets } from '../core/secret-patterns.ts';

/**
 * A new secret of `kind`. Drawn again, rarely, when the secret scanner would not mask it (its
 * random body happens to look like a placeholder, e.g. contains `test`), so every secret gonogo
 * hands out is one its own redaction catches in captured output.
 *
 * @example newSecret('token') // 'gng_…' (47 characters)
 */
export function newSecret(kind: 'token' | 'session'): string {
  for (;;) {
    const secret = formatSecret(kind, randomBytes(secretBytes));
    const found = findSecrets(secret);
    if (found.length === 1 && found[0]!.secret === secret) return secret;
  }
}

/**
 * What the store keeps of a secret: its SHA-256, hex.
 *
 * @example digestSecret('gng_…').length // 64
 */
export function digestSecret(secret: string): string {
  return sha256(secret);
}
