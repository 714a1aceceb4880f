/**
 * Content hashing: canonical JSON (sorted keys, no whitespace) and SHA-256, used for the
 * playbook version hash and the event hash chain. Pure: no I/O.
 */
import type * as Crypto from 'node:crypto';

// Loaded on first use: commands that only read (status) never pay for node:crypto.
let crypto: typeof Crypto | undefined;

/**
 * JSON with object keys sorted at every depth, so equal values hash equally.
 *
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  crypto ??= process.getBuiltinModule('node:crypto');
  return crypto.createHash('sha256').update(text).digest('hex');
}
