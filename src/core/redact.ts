/**
 * Masking secrets before anything is shown or stored: captured command output, check evidence,
 * notes. What is masked (DESIGN.md §1, "Secrets stay out of the record"):
 *
 * - the token shapes the secret scanner knows (`findSecrets`): `ghp_…[REDACTED:github-token]`;
 * - the values of environment variables whose names say secret (`collectSecretValues`);
 * - `Authorization` (any scheme) and other credential headers (`Cookie`, `X-Api-Key`, …);
 * - URL passwords, whatever they contain (`https://u:p@ss%40w0rd@host` masks `p@ss%40w0rd`);
 * - `-u user:pass` / `--user user:pass` credentials, `--password X` / `--token X` flags, and
 *   `NAME=value` where the name says secret.
 *
 * A token's mask keeps a few leading characters (its public prefix: enough to tell which key it
 * was); every other credential is masked whole, since any character of a password is a leak.
 * Masking is idempotent: masked text stays as it is when masked again.
 */
import { findSecrets, secretPatterns } from './secret-patterns.ts';

/** What to mask besides the shapes every text is scanned for. */
export interface RedactOptions {
  /** Exact values masked wherever they appear (from {@link collectSecretValues}). */
  secretValues?: readonly string[];
}

/** Marks masked text; a value containing it is not masked again. */
const marker = '[REDACTED:';

/**
 * The masked form of a secret: its first 4 characters (fewer for short values, so a short
 * password is never mostly shown), `…`, and `[REDACTED:<id>]`.
 *
 * @example maskSecret('ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8', 'github-token') // 'ghp_…[REDACTED:github-token]'
 * @example maskSecret('s3cr3t!', 'url-password') // 's…[REDACTED:url-password]'
 */
export function maskSecret(value: string, id = 'secret'): string {
  const shown = value.length >= 16 ? 4 : Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, shown)}…${marker}${id}]`;
}

/** The mask of a credential shown with none of its characters. */
const maskWhole = (id: string) => `…${marker}${id}]`;

// Token formats start with a public prefix (ghp_, AKIA, npm_) worth keeping; a password or a
// value assigned to a secret name has none.
const prefixedIds = new Set(secretPatterns.filter((p) => p.family === 'token').map((p) => p.id));

// Names that say secret. AUTH but not AUTHOR/AUTHORITY (GIT_AUTHOR_NAME, XAUTHORITY), while
// AUTHORIZATION counts; PWD is the working directory, not a password.
const secretName =
  /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|KEY|CREDENTIAL|AUTH(?!OR(?!IZ))|SESSION|COOKIE/i;
// Variables of the login and desktop session whose names only look secret.
const publicNames =
  /^(?:SSH_AUTH_SOCK|XDG_SESSION_\w+|DESKTOP_SESSION|SESSION_MANAGER|DBUS_SESSION_BUS_ADDRESS|GNOME_KEYRING_\w+|KEYTIMEOUT|TERM_SESSION_ID)$/i;
const trivialValues = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'null',
  'none',
  'undefined',
  'enabled',
  'disabled',
]);
/** Env values shorter than this are not masked: too many ordinary words would be. */
export const minSecretValueLength = 6;

/**
 * True when a variable or key name says it holds a secret: it contains TOKEN, SECRET, PASSWORD,
 * PASSWD, PASSPHRASE, KEY, CREDENTIAL, AUTH (not AUTHOR), SESSION or COOKIE, in any case, and is
 * not one of the login session's public variables (SSH_AUTH_SOCK, XDG_SESSION_TYPE, …).
 *
 * @example isSecretName('NPM_TOKEN') // true
 * @example isSecretName('GIT_AUTHOR_NAME') // false
 */
export function isSecretName(name: string): boolean {
  return secretName.test(name) && !publicNames.test(name);
}

function isTrivialValue(value: string, minLength: number): boolean {
  const v = value.trim();
  if (v.length < minLength || trivialValues.has(v.toLowerCase())) return true;
  // Timeouts and TTLs (SESSION_TIMEOUT=86400) are numbers; a secret of digits alone is rare.
  return /^\d{1,11}$/.test(v);
}

/**
 * The values to mask from an environment: those of the variables whose names say secret
 * ({@link isSecretName}), at least 6 characters and not trivial (`true`, `3600`). A multi-line
 * value adds each of its lines, and a value that URL-encoding changes adds its encoded form too,
 * so it is masked where a program prints it either way. Longest first.
 *
 * @example collectSecretValues({ NPM_TOKEN: 'n9Qz2-fake-LmX7vB4', DEBUG: 'true', HOME: '/home/a' }) // ['n9Qz2-fake-LmX7vB4']
 */
export function collectSecretValues(env: Record<string, string | undefined>): string[] {
  const values = new Set<string>();
  const add = (value: string) => {
    if (isTrivialValue(value, minSecretValueLength) || value.includes(marker)) return;
    values.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) values.add(encoded);
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !isSecretName(name)) continue;
    add(value);
    if (value.includes('\n')) for (const line of value.split(/\r?\n/)) add(line.trim());
  }
  return [...values].sort((a, b) => b.length - a.length);
}

interface Span {
  start: number;
  end: number;
  id: string;
  /** The mask for exactly this span. */
  mask: string;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Header names whose whole value is a credential; Authorization keeps its scheme visible. The
// name counts where a header is written: at a line's start (curl -v's `> `), after a quote, `=`,
// `{`, `,` or `-H`, so a test named "authorization: rejects bad token" keeps its words.
const headerRule =
  /(?<=(?:^|["'={,[(]|-H|--header=?)[ \t]*(?:[<>*][ \t]*)?)((?:proxy-)?authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|private-token|x-vault-token)(["']?[ \t]*[:=][ \t]*["']?)([^\r\n"']*)/gim;
const headerHint = /authorization|cookie|api-key|auth-token|private-token|vault-token/i;

// scheme://user:password@host: the password runs to the last `@` before the host, so it may
// hold `@` and `:` itself; the authority ends at `/`, `?`, `#`, whitespace or a quote.
const urlRule =
  /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s/?#:'"<>`\\]*:([^\s/?#'"<>`\\]+)@(?=[^\s/?#@'"<>`\\]*(?:[\s/?#'"<>`\\]|$))/g;

// curl/wget style: -u user:pass, -uuser:pass, --user user:pass, --user=user:pass, quoted or not.
const userRule =
  /(?<![\w-])(?:-u|-U|--user|--proxy-user)(?:[ \t]+|=|(?=[^\s-]))(?:(["'])[^"'\r\n:]*:([^"'\r\n]+)\1|[^\s:"']+:([^\s"']+))/g;
const userFlags = new Set(['-u', '-U', '--user', '--proxy-user']);

// --password X, --token=X, --api-key X, --client-secret X (not --password-stdin, not -x values).
const flagRule =
  /(?<![\w-])--(?:[\w-]*-)?(?:password|passwd|passphrase|token|api-?key|secret)(?:=|[ \t]+)(?!-)(["']?)([^\s"']+)\1/gi;
const flagNames = /^--(?:[\w-]*-)?(?:password|passwd|passphrase|token|api-?key|secret)$/i;

// NAME=value where the name says secret (checked with isSecretName); `name: value` only where the
// name is quoted or written like a variable (DB_PASSWORD, api-key), so prose ("Token: expired")
// keeps its words.
const assignmentRule =
  /(?<![\w.-])(["']?)([A-Za-z_][\w.-]*)\1[ \t]*([=:])[ \t]*(["']?)([^\s"'&;,]+)\4/g;

function pushSpan(spans: Span[], start: number, value: string, id: string, whole = true): void {
  if (value === '' || value.includes(marker) || /^\*+$/.test(value)) return;
  spans.push({
    start,
    end: start + value.length,
    id,
    mask: whole ? maskWhole(id) : maskSecret(value, id),
  });
}

function headerSpans(text: string, spans: Span[]): void {
  if (!headerHint.test(text)) return;
  for (const m of text.matchAll(headerRule)) {
    const name = m[1]!.toLowerCase();
    const raw = m[3]!;
    const value = raw.trimEnd();
    let at = m.index + m[1]!.length + m[2]!.length;
    let secret = value;
    // "Authorization: Bearer abc": the scheme stays readable, the credential goes.
    const scheme = /^[A-Za-z][\w-]*[ \t]+(?=\S)/.exec(value);
    if (name.endsWith('authorization') && scheme) {
      at += scheme[0].length;
      secret = value.slice(scheme[0].length);
    }
    pushSpan(spans, at, secret, name);
  }
}

function urlSpans(text: string, spans: Span[]): void {
  if (!text.includes('://')) return;
  for (const m of text.matchAll(urlRule)) {
    const password = m[1]!;
    pushSpan(spans, m.index + m[0].length - 1 - password.length, password, 'url-password');
  }
}

function userSpans(text: string, spans: Span[]): void {
  if (!/-u|--user|--proxy-user|-U/.test(text)) return;
  for (const m of text.matchAll(userRule)) {
    const password = m[2] ?? m[3]!;
    const end = m[2] !== undefined ? m.index + m[0].length - 1 : m.index + m[0].length;
    pushSpan(spans, end - password.length, password, 'user-password');
  }
}

function flagSpans(text: string, spans: Span[]): void {
  if (!text.includes('--')) return;
  for (const m of text.matchAll(flagRule)) {
    const value = m[2]!;
    const end = m.index + m[0].length - m[1]!.length;
    pushSpan(spans, end - value.length, value, 'credential');
  }
}

function assignmentSpans(text: string, spans: Span[]): void {
  if (!secretName.test(text)) return;
  for (const m of text.matchAll(assignmentRule)) {
    const [, quote, name = '', separator, valueQuote = '', value = ''] = m;
    if (!isSecretName(name) || isTrivialValue(value, 4) || /^[$%]/.test(value)) continue;
    // `private_key_id`, `accessTokenId`: the identifier of a secret, not the secret.
    if (/(?:[_.-]id|[a-z]Id|ID)$/.test(name)) continue;
    if (separator === ':' && !quote && !/[_-]/.test(name) && name !== name.toUpperCase()) continue;
    const end = m.index + m[0].length - valueQuote.length;
    pushSpan(spans, end - value.length, value, 'credential');
  }
}

/** Replaces the spans (overlapping ones merged) with their masks. */
function applySpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (let i = 0; i < spans.length;) {
    const first = spans[i]!;
    let end = first.end;
    let best = first;
    let j = i + 1;
    for (; j < spans.length && spans[j]!.start < end; j++) {
      const s = spans[j]!;
      if (s.end - s.start > best.end - best.start) best = s;
      end = Math.max(end, s.end);
    }
    const covers = best.start === first.start && best.end === end;
    out += text.slice(at, first.start) + (covers ? best.mask : maskWhole(best.id));
    at = end;
    i = j;
  }
  return out + text.slice(at);
}

/** A text masker compiled once for a set of secret values; see {@link redactText}. */
export type Redactor = (text: string) => string;

/**
 * Compiles the masking for `options` once, for masking many texts with the same values.
 *
 * @example
 * const redact = createRedactor({ secretValues: collectSecretValues(process.env) });
 * redact('token is n9Qz2-fake-LmX7vB4') // 'token is …[REDACTED:env-secret]'
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const values = (options.secretValues ?? []).filter((v) => v !== '' && !v.includes(marker));
  const valueRule =
    values.length === 0
      ? undefined
      : new RegExp(
          [...values]
            .sort((a, b) => b.length - a.length)
            .map(escapeRegex)
            .join('|'),
          'g',
        );
  return (text) => {
    if (text === '') return text;
    const spans: Span[] = [];
    for (const s of findSecrets(text)) {
      const mask = prefixedIds.has(s.id) ? maskSecret(s.secret, s.id) : maskWhole(s.id);
      spans.push({ start: s.start, end: s.end, id: s.id, mask });
    }
    if (valueRule) {
      for (const m of text.matchAll(valueRule)) pushSpan(spans, m.index, m[0], 'env-secret');
    }
    headerSpans(text, spans);
    urlSpans(text, spans);
    userSpans(text, spans);
    flagSpans(text, spans);
    assignmentSpans(text, spans);
    return applySpans(text, spans);
  };
}

/**
 * `text` with every secret masked: known token shapes, the given secret values, credential
 * headers, URL passwords, `-u user:pass`, credential flags and secret-named assignments. The
 * rest is unchanged, and masking masked text changes nothing.
 *
 * @example
 * redactText('curl -u ci:s3cr3t@x https://ci:p@ss@example.org -H "Authorization: Bearer abc123"')
 * // 'curl -u ci:…[REDACTED:user-password] https://ci:…[REDACTED:url-password]@example.org -H "Authorization: Bearer …[REDACTED:authorization]"'
 */
export function redactText(text: string, options: RedactOptions = {}): string {
  return createRedactor(options)(text);
}

/**
 * An argument list with its secrets masked: each argument as text, and the argument after
 * `-u`/`--user` (its password) or after `--password`/`--token`/… (whole) as well, since a
 * credential given as its own argument does not look like one alone.
 *
 * @example redactArgv(['curl', '-u', 'ci:s3cr3t', 'https://x']) // ['curl', '-u', 'ci:…[REDACTED:user-password]', 'https://x']
 */
export function redactArgv(argv: readonly string[], redact: Redactor = createRedactor()): string[] {
  return argv.map((arg, i) => {
    const before = i > 0 ? argv[i - 1]! : '';
    if (!arg.includes(marker)) {
      if (userFlags.has(before) && arg.includes(':')) {
        const colon = arg.indexOf(':');
        return `${redact(arg.slice(0, colon))}:${maskWhole('user-password')}`;
      }
      if (flagNames.test(before) && !arg.startsWith('-')) return maskWhole('credential');
    }
    return redact(arg);
  });
}

// A bare `key` names a field (a manifest's `key: 'version'`), not a secret.
const isSecretKey = (key: string) => isSecretName(key) && !/^keys?$/i.test(key);

/**
 * A copy of `value` (evidence, a result, notes) with every string in it masked as
 * {@link redactText} does, string arrays as {@link redactArgv} does, and the string value of a
 * key whose name says secret (`token`, `password`, `authorization`, …) masked whole. Numbers,
 * booleans and null are kept; the input is not changed.
 *
 * @example
 * redactDeep({ summary: 'ok', evidence: { headers: { Authorization: 'Bearer abc123' } } })
 * // { summary: 'ok', evidence: { headers: { Authorization: '…[REDACTED:credential]' } } }
 */
export function redactDeep<T>(value: T, options: RedactOptions | Redactor = {}): T {
  const redact = typeof options === 'function' ? options : createRedactor(options);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) {
      return v.every((x) => typeof x === 'string') ? redactArgv(v, redact) : v.map(walk);
    }
    if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) {
      return v;
    }
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(v)) {
      out[key] =
        typeof inner === 'string' && inner !== '' && !inner.includes(marker) && isSecretKey(key)
          ? maskWhole('credential')
          : walk(inner);
    }
    return out;
  };
  return walk(value) as T;
}
