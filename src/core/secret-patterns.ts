/**
 * Well-known secret formats as named patterns, and one fast pass that finds them in a text.
 *
 * Throughput comes from a prefilter: each family of patterns (token formats, secret-looking
 * names, URLs) has one combined regex of cheap literal hints ("AKIA", "ghp_", "-----BEGIN",
 * "password", "://" ...). Only a line where a hint hits is given to the specific patterns of that
 * family, so most bytes are looked at by three simple scans and nothing else.
 *
 * The look-alikes that must not be reported (placeholders, lockfile hashes, UUIDs, git SHAs,
 * base64 images) are rejected by the patterns' boundaries and by `isPlaceholderSecret`.
 */

export type SecretFamily = 'token' | 'keyword' | 'url';

export interface SecretPattern {
  /** Stable id, used in masks (`[REDACTED:<id>]`) and findings. */
  id: string;
  /** Human name for summaries. */
  name: string;
  family: SecretFamily;
  /** Regex source of the cheap literal part; a line is tried only when it matches. */
  hint: string;
  /** The full pattern, global; the secret is the named group `secret`, else the whole match. */
  regex: RegExp;
  /**
   * How far past its line a match may reach (private key blocks span lines). Such a pattern
   * must start with `hint` (a literal), and is tried only where that literal is on the line.
   */
  spill?: number;
  /** Extra test on the secret value (entropy, character mix); placeholders are always rejected. */
  accept?: (secret: string, match: RegExpExecArray) => boolean;
}

/** One secret found in a text: where its value is, and the value itself (never print it). */
export interface SecretMatch {
  id: string;
  name: string;
  /** Offset of the secret value in the text (start inclusive, end exclusive). */
  start: number;
  end: number;
  /** 1-based line and column of `start`. */
  line: number;
  column: number;
  secret: string;
}

const keyOperator = String.raw`["']?\s*(?::=|=>|:(?![:/])|=(?!=))\s*`;

// A key block's body: base64, PEM headers (Proc-Type, DEK-Info) and whitespace or JSON `\n`
// escapes, up to the END line; bounded so a stray BEGIN cannot make a match run away.
const keyBody = String.raw`(?:(?!-----(?:END|BEGIN))[A-Za-z0-9+/=\s:,.-]|\\[rn]){16,12000}(?:-----END[A-Z ]{0,30}-----)?`;

const hasKeyMaterial = (secret: string) => /[A-Za-z0-9+/]{32,}/.test(secret.replace(/\\n/g, '\n'));

/** Every supported secret kind, most specific first (an overlap keeps the earlier one). */
export const secretPatterns: readonly SecretPattern[] = [
  {
    id: 'gcp-service-account',
    name: 'GCP service-account private key',
    family: 'token',
    hint: '-----BEGIN',
    regex: new RegExp(
      String.raw`"private_key"\s*:\s*"(?<secret>-----BEGIN (?:RSA )?PRIVATE KEY-----\\n${keyBody})`,
      'g',
    ),
    accept: hasKeyMaterial,
  },
  {
    id: 'private-key',
    name: 'private key block',
    family: 'token',
    hint: '-----BEGIN',
    regex: new RegExp(
      String.raw`-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----${keyBody}`,
      'g',
    ),
    spill: 16_000,
    accept: hasKeyMaterial,
  },
  {
    id: 'aws-access-key-id',
    name: 'AWS access key id',
    family: 'token',
    hint: 'AKIA|ASIA|ABIA|ACCA',
    regex: /(?<![A-Za-z0-9/+])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9/+])/g,
  },
  {
    id: 'github-token',
    name: 'GitHub token',
    family: 'token',
    hint: 'gh[pousr]_|github_pat_',
    regex:
      /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,251})(?![A-Za-z0-9_])/g,
  },
  {
    id: 'gitlab-token',
    name: 'GitLab personal access token',
    family: 'token',
    hint: 'glpat-',
    regex: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'slack-token',
    name: 'Slack token',
    family: 'token',
    hint: 'xox[abposr]-',
    regex: /(?<![A-Za-z0-9_-])xox[abposr]-[0-9]{1,13}-[A-Za-z0-9-]{10,}(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'slack-webhook',
    name: 'Slack webhook URL',
    family: 'token',
    hint: String.raw`hooks\.slack\.com`,
    regex:
      /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]{16,}/g,
  },
  {
    id: 'stripe-key',
    name: 'Stripe live key',
    family: 'token',
    hint: '[sr]k_live_',
    regex: /(?<![A-Za-z0-9_])[sr]k_live_[A-Za-z0-9]{20,247}(?![A-Za-z0-9])/g,
  },
  {
    id: 'twilio-api-key',
    name: 'Twilio API key',
    family: 'token',
    hint: 'SK[0-9a-fA-F]{32}',
    regex: /(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])/g,
    accept: (s) => /[0-9]/.test(s.slice(2)) && /[a-fA-F]/.test(s.slice(2)),
  },
  {
    id: 'sendgrid-key',
    name: 'SendGrid API key',
    family: 'token',
    hint: String.raw`SG\.`,
    regex: /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'npm-token',
    name: 'npm access token',
    family: 'token',
    hint: 'npm_',
    regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
  },
  {
    // gonogo's own API tokens and session secrets (core/account-credentials.ts): a prefix and
    // 32 random bytes in base64url. The service only hands out ones this pattern finds.
    id: 'gonogo-token',
    name: 'gonogo API token or session secret',
    family: 'token',
    hint: 'gngs?_',
    regex: /(?<![A-Za-z0-9_-])gngs?_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'pypi-token',
    name: 'PyPI upload token',
    family: 'token',
    hint: 'pypi-',
    regex: /(?<![A-Za-z0-9_-])pypi-AgE[A-Za-z0-9_-]{50,}/g,
  },
  {
    id: 'openai-key',
    name: 'OpenAI-style API key',
    family: 'token',
    hint: 'sk-',
    regex:
      /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d\d-)?[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g,
    // A long kebab-case name is not a key: keys mix upper case, lower case and digits.
    accept: (s) => /[A-Z]/.test(s) && /[a-z]/.test(s.slice(3)) && /[0-9]/.test(s),
  },
  {
    id: 'google-api-key',
    name: 'Google API key',
    family: 'token',
    hint: 'AIza',
    regex: /(?<![A-Za-z0-9_+/-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_+/-])/g,
  },
  {
    id: 'jwt',
    name: 'JSON Web Token',
    family: 'token',
    hint: 'eyJ',
    regex:
      /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'azure-storage-key',
    name: 'Azure storage key / connection string',
    family: 'token',
    hint: 'AccountKey=|SharedAccessKey=',
    regex:
      /(?:AccountKey|SharedAccessKey)=(?<secret>[A-Za-z0-9+/]{40,86}={0,2})(?![A-Za-z0-9+/=])/g,
  },
  {
    id: 'aws-secret-access-key',
    name: 'AWS secret access key',
    family: 'keyword',
    hint: 'secret',
    regex: new RegExp(
      String.raw`(?<![A-Za-z0-9])(?:(?:aws_?)?secret_?access_?key|aws_?secret(?:_?key)?)${keyOperator}["'\x60]?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      'gi',
    ),
    accept: (s) => /[0-9]/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s),
  },
  {
    id: 'secret-assignment',
    name: 'high-entropy value assigned to a secret-looking name',
    family: 'keyword',
    hint: String.raw`passw|secret|token|api[_-]?key|access[_-]?key|private[_-]?key`,
    regex: new RegExp(
      String.raw`(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]{0,48}(?:passw(?:or)?d|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]{0,48}${keyOperator}(?:(?<q>["'\x60])(?<quoted>[^\s"'\x60\\]{12,200})\k<q>|(?<bare>[^\s"'\x60,;(){}[\]<>]{12,200})(?=[\s,;)}\]]|$))`,
      'gi',
    ),
    accept: acceptAssignedValue,
  },
  {
    id: 'url-password',
    name: 'password in a URL',
    family: 'url',
    hint: '://',
    regex:
      /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,20}:\/\/(?<user>[^\s:/?#@'"<>`\\]*):(?<secret>[^\s:/?#@'"<>`\\]{3,200})@(?=(?<host>\[[0-9a-fA-F:.]*\]|[A-Za-z0-9][A-Za-z0-9.-]*))/g,
    accept: (secret, m) => acceptUrlPassword(secret, m.groups?.user ?? '', m.groups?.host ?? ''),
  },
];

/**
 * Shannon entropy of a string in bits per character.
 *
 * @example shannonEntropy('aaaa') // 0
 * @example shannonEntropy('abcd') // 2
 */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const placeholderMarkers =
  /your[_-]?(?:own[_-]?)?(?:api|app|secret|access|private|token|key|pass|client|auth|github|aws|db)|example|dummy|test|fake|sample|placeholder|change[_-]?me|x{4,}|\*{3,}|\.{3}|…|redacted|<[^<>]*>|\$\{|\$\(|\{\{|%\(?[sd]|process\.env|import\.meta|os\.environ|getenv|replace[_-]?(?:me|this|with)|[_-]here\b|not[_-]?a[_-]?real|0{8,}|123456|abcdef|(?:0123|1234|abcd){2}/i;

const placeholderWords = new Set([
  'x',
  'xx',
  'xxx',
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'changeme',
  'admin',
  'root',
  'guest',
  'user',
  'username',
  'postgres',
  'mysql',
  'redis',
  'token',
  'none',
  'null',
]);

/**
 * True when a secret-looking value is a placeholder (`YOUR_API_KEY`, `xxxx`, `changeme`,
 * `<token>`, `${VAR}`, `process.env.X`, anything with example/dummy/test/fake in it).
 *
 * @example isPlaceholderSecret('YOUR_API_KEY') // true
 * @example isPlaceholderSecret('k9Qz2LmX7vB4') // false
 */
export function isPlaceholderSecret(value: string): boolean {
  if (placeholderWords.has(value.toLowerCase())) return true;
  if (/^\$[A-Za-z_]/.test(value)) return true;
  return placeholderMarkers.test(value);
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// sha512-…, sha1-… (npm/yarn/pnpm integrity) and sha256:… (docker digests).
const integrityShape = /^(?:sha(?:1|224|256|384|512)|md5)[-:]/i;
// Words glued by case or separators (`generateAccessToken`, `MY_SECRET_NAME`, `a.b.c`) are
// names, not secrets. Tokenised by one deterministic regex: a nested pattern would backtrack
// exponentially on long digit runs.
function looksLikeWords(value: string): boolean {
  const pieces = value.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^A-Za-z0-9]+/g) ?? [];
  return pieces.every((piece) => {
    if (/^[^A-Za-z0-9]+$/.test(piece)) return true;
    if (/^[0-9]+$/.test(piece)) return piece.length <= 4;
    if (/^[A-Z]+$/.test(piece)) return piece.length >= 2;
    return /^(?:[A-Z][a-z]+|[a-z]{2,})$/.test(piece);
  });
}

const configLinePrefix = /^\s*(?:(?:export|set|setx|ENV|ARG)\s+|-\s+|\$env:)?["']?$/;

function acceptAssignedValue(value: string, m: RegExpExecArray): boolean {
  // Issued secrets are printable ASCII; text in other scripts only looks random byte-wise.
  if (value.length < 12 || !/^[\x21-\x7e]+$/.test(value) || shannonEntropy(value) < 3.5) {
    return false;
  }
  if (uuidShape.test(value) || integrityShape.test(value) || looksLikeWords(value)) return false;
  // URLs and paths are configuration, not secrets; a URL password has its own pattern.
  if (value.includes('://') || /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value)) return false;
  // `private_key_id`, `accessTokenId`: identifiers of a secret, not the secret.
  const key = /^[A-Za-z0-9_.-]*/.exec(m[0])?.[0] ?? '';
  if (/(?:[_.-]id|[a-z]Id|ID)$/.test(key)) return false;
  if (m.groups?.bare !== undefined) {
    // Unquoted values count only where configuration writes them (`.env`, YAML, INI, Dockerfile
    // ENV, `--password=…`): in code an unquoted value is an expression, not a literal.
    const before = m.input.slice(0, m.index);
    const key = m[0];
    if (!configLinePrefix.test(before) && !key.startsWith('--')) return false;
    if (!/[0-9]/.test(value)) return false;
  }
  return true;
}

// Documentation hosts (RFC 2606 names, `somehost`, `your-host`) mark a made-up URL; loopback
// credentials open nothing beyond the developer's own machine (test servers, local databases).
const exampleHost =
  /^(?:(?:[\w-]+\.)*example(?:\.(?:com|org|net))?|(?:some|your|my)[_-]?(?:host|server|domain)|host(?:name)?|localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\])$/i;

function acceptUrlPassword(password: string, user: string, host: string): boolean {
  if (password === user || exampleHost.test(host)) return false;
  // `mypassword`, `somesecret`, `dbpass`: people writing an example, not a password.
  if (/pass|secret|pwd/i.test(password)) return false;
  if (/^(.)\1*$/.test(password)) return false;
  // `host:port@` in odd URLs and `git:x@` style placeholders are not passwords.
  if (/^[0-9]{1,5}$/.test(password)) return false;
  return true;
}

interface PlannedPattern {
  pattern: SecretPattern;
  rank: number;
  hint: RegExp;
  /** For spilling patterns: the same regex, sticky, tried at each hint on the line. */
  sticky?: RegExp;
}

interface FamilyPlan {
  family: SecretFamily;
  prefilter: RegExp;
  patterns: PlannedPattern[];
}

function planFamilies(): FamilyPlan[] {
  const families: SecretFamily[] = ['token', 'keyword', 'url'];
  return families.map((family) => {
    const members = secretPatterns.filter((p) => p.family === family);
    const flags = family === 'keyword' ? 'i' : '';
    const hints = [...new Set(members.flatMap((p) => p.hint.split('|')))];
    return {
      family,
      prefilter: new RegExp(hints.join('|'), `g${flags}`),
      patterns: members.map((pattern) => ({
        pattern,
        rank: secretPatterns.indexOf(pattern),
        hint: new RegExp(pattern.hint, flags),
        ...(pattern.spill ? { sticky: new RegExp(pattern.regex.source, `${flags}y`) } : {}),
      })),
    };
  });
}

const plans = planFamilies();

interface RawMatch {
  rank: number;
  start: number;
  end: number;
  secret: string;
}

/**
 * Every secret in `text`, in order of position, with line and column. Overlapping matches keep
 * the most specific pattern. The returned values ARE the secrets: mask them before showing.
 *
 * @example
 * findSecrets('key = ' + 'AKIA' + 'Z7XQ2KLM4NP3RST6')[0].id // 'aws-access-key-id'
 */
export function findSecrets(text: string): SecretMatch[] {
  const raw: RawMatch[] = [];
  for (const plan of plans) scanFamily(text, plan, raw);
  if (raw.length === 0) return [];
  raw.sort((a, b) => a.start - b.start || a.rank - b.rank);
  const kept: RawMatch[] = [];
  for (const m of raw) {
    const last = kept[kept.length - 1];
    if (last && m.start < last.end) {
      if (m.rank < last.rank) kept[kept.length - 1] = m;
      continue;
    }
    kept.push(m);
  }
  return locate(text, kept);
}

function scanFamily(text: string, plan: FamilyPlan, out: RawMatch[]): void {
  const prefilter = plan.prefilter;
  prefilter.lastIndex = 0;
  let hit: RegExpExecArray | null;
  while ((hit = prefilter.exec(text)) !== null) {
    const lineStart = text.lastIndexOf('\n', hit.index) + 1;
    let lineEnd = text.indexOf('\n', hit.index);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    for (const planned of plan.patterns) {
      if (!planned.hint.test(line)) continue;
      if (planned.sticky) matchSpilling(text, lineStart, line, planned, out);
      else matchLine(line, lineStart, planned, out);
    }
    prefilter.lastIndex = lineEnd + 1;
  }
}

function matchLine(line: string, offset: number, planned: PlannedPattern, out: RawMatch[]): void {
  const re = planned.pattern.regex;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    keepMatch(m, offset, planned, out);
  }
}

// A spilling pattern is tried only where its literal start is on the line, so a text with many
// such lines costs one bounded attempt per line rather than a search through the spill window.
function matchSpilling(
  text: string,
  lineStart: number,
  line: string,
  planned: PlannedPattern,
  out: RawMatch[],
): void {
  const re = planned.sticky as RegExp;
  const literal = planned.pattern.hint;
  const window = text.slice(
    lineStart,
    Math.min(text.length, lineStart + line.length + (planned.pattern.spill ?? 0)),
  );
  for (let at = line.indexOf(literal); at !== -1; at = line.indexOf(literal, at + 1)) {
    re.lastIndex = at;
    const m = re.exec(window);
    if (m) keepMatch(m, lineStart, planned, out);
  }
}

function keepMatch(m: RegExpExecArray, offset: number, planned: PlannedPattern, out: RawMatch[]) {
  const groups = m.groups;
  const secret = groups?.secret ?? groups?.quoted ?? groups?.bare ?? m[0];
  if (isPlaceholderSecret(secret)) return;
  // Long values with little variety (`ghp_aaaa…`, `AKIA0000…`) are made up, not issued.
  if (secret.length >= 16 && shannonEntropy(secret) < 2.5) return;
  if (planned.pattern.accept && !planned.pattern.accept(secret, m)) return;
  const at = m.index + m[0].lastIndexOf(secret);
  out.push({ rank: planned.rank, start: offset + at, end: offset + at + secret.length, secret });
}

function locate(text: string, matches: RawMatch[]): SecretMatch[] {
  const result: SecretMatch[] = [];
  let line = 1;
  let lineStart = 0;
  let cursor = 0;
  for (const m of matches) {
    let nl = text.indexOf('\n', cursor);
    while (nl !== -1 && nl < m.start) {
      line++;
      lineStart = nl + 1;
      nl = text.indexOf('\n', nl + 1);
    }
    cursor = lineStart;
    const pattern = secretPatterns[m.rank] as SecretPattern;
    result.push({
      id: pattern.id,
      name: pattern.name,
      start: m.start,
      end: m.end,
      line,
      column: m.start - lineStart + 1,
      secret: m.secret,
    });
  }
  return result;
}

/**
 * True when the bytes look binary: a NUL byte in the first 8 KiB (git's own rule).
 *
 * @example isBinaryContent(Buffer.from('hello')) // false
 */
export function isBinaryContent(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
