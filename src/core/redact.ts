/**
 * Masking secrets before anything is shown or stored: captured command output, finding
 * excerpts. A mask keeps a few leading characters (enough to recognise which key it was) and
 * names the kind: `AKIA…[REDACTED:aws-access-key-id]`.
 */
import { findSecrets } from './secret-patterns.ts';

/**
 * The masked form of a secret: its first 4 characters (fewer for short values, so a short
 * password is never mostly shown), `…`, and `[REDACTED:<id>]`.
 *
 * @example maskSecret('ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8', 'github-token') // 'ghp_…[REDACTED:github-token]'
 * @example maskSecret('s3cr3t!', 'url-password') // 's…[REDACTED:url-password]'
 */
export function maskSecret(value: string, id = 'secret'): string {
  const shown = value.length >= 16 ? 4 : Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, shown)}…[REDACTED:${id}]`;
}

/**
 * `text` with every secret `findSecrets` knows replaced by its mask; the rest is unchanged.
 *
 * @example
 * redactSecrets('export NPM_TOKEN=' + 'npm_' + 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2')
 * // 'export NPM_TOKEN=npm_…[REDACTED:npm-token]'
 */
export function redactSecrets(text: string): string {
  const found = findSecrets(text);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + maskSecret(f.secret, f.id);
    at = f.end;
  }
  return out + text.slice(at);
}
