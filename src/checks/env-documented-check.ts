/**
 * `env-documented`: every environment variable the code reads is listed in `.env.example` (or
 * the configured file), and no `.env` file is committed. Reads are found by language: JS/TS
 * `process.env.X` / `process.env['X']` / `import.meta.env.X` / destructuring, Python
 * `os.environ[...]` / `os.environ.get` / `os.getenv`, Ruby `ENV[...]` / `ENV.fetch`, Go
 * `os.Getenv` / `os.LookupEnv`, shell scripts and Dockerfiles `${X}` / `$X` (minus variables the
 * file sets itself and the shell's own), docker-compose `${X}` / `${X:-default}`.
 */
import { basename } from 'node:path';
import type { CheckParams } from '../core/check-params.ts';
import { guardCancel, maxFindings, sha256Hex, type CheckOutcome } from './check-git.ts';
import { openReleaseTree } from './check-tree.ts';
import type { CheckContext, CheckDefinition, CheckEvidence } from './check-types.ts';
import { isBinaryContent } from '../core/secret-patterns.ts';
import { matchesPathPattern } from './secrets-check.ts';

type Params = CheckParams<'env-documented'>;

/** One read of an environment variable in the code. */
export interface EnvRead {
  name: string;
  path: string;
  line: number;
}

type Language = 'js' | 'python' | 'ruby' | 'go' | 'shell' | 'dockerfile' | 'compose';

const skippedDirs = new Set(['node_modules', 'vendor', 'dist', '.git']);
const maxFileBytes = 2 * 1024 * 1024;

// Set by the operating system or the login for every program: reading them documents nothing.
const osVariables = new Set([
  'HOME',
  'PATH',
  'PWD',
  'OLDPWD',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'LANGUAGE',
  'HOSTNAME',
  'TMPDIR',
  'EDITOR',
  'PAGER',
  'TZ',
]);

// The shell's own variables.
const shellBuiltins = new Set([
  ...osVariables,
  'IFS',
  'PS1',
  'PS2',
  'PS4',
  'RANDOM',
  'LINENO',
  'SECONDS',
  'HOSTTYPE',
  'OSTYPE',
  'MACHTYPE',
  'UID',
  'EUID',
  'GROUPS',
  'PPID',
  'BASH',
  'BASHPID',
  'BASH_SOURCE',
  'BASH_VERSION',
  'BASH_REMATCH',
  'BASH_LINENO',
  'FUNCNAME',
  'OPTARG',
  'OPTIND',
  'OPTERR',
  'REPLY',
  'PIPESTATUS',
  'SHLVL',
  '_',
]);

// Vite's own `import.meta.env` keys.
const viteBuiltins = new Set(['MODE', 'BASE_URL', 'PROD', 'DEV', 'SSR']);

/**
 * Which reader applies to a file, by name (and, for extension-less scripts, by shebang).
 *
 * @example languageOf('deploy/docker-compose.prod.yml') // 'compose'
 */
export function languageOf(path: string, firstLine = ''): Language | undefined {
  const name = basename(path);
  const lower = name.toLowerCase();
  if (/\.(?:[cm]?[jt]sx?|vue|svelte|astro)$/.test(lower)) return 'js';
  if (lower.endsWith('.py')) return 'python';
  if (/\.(?:rb|rake|ru)$/.test(lower) || name === 'Gemfile' || name === 'Rakefile') return 'ruby';
  if (lower.endsWith('.go')) return 'go';
  if (/\.(?:sh|bash)$/.test(lower)) return 'shell';
  if (/^(?:dockerfile|containerfile)(?:\..+)?$/.test(lower) || lower.endsWith('.dockerfile')) {
    return 'dockerfile';
  }
  if (/^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/.test(lower)) return 'compose';
  if (!name.includes('.') && /^#!.*\b(?:ba|da|z)?sh\b/.test(firstLine)) return 'shell';
  return undefined;
}

const jsReads = [
  /\bprocess\.env\.([A-Za-z_$][\w$]*)/g,
  /\bprocess\.env\[\s*(['"`])([A-Za-z_][\w]*)\1\s*\]/g,
  /\bimport\.meta\.env\.([A-Za-z_][\w]*)/g,
  /\bBun\.env\.([A-Za-z_][\w]*)/g,
  /\bDeno\.env\.get\(\s*(['"`])([A-Za-z_][\w]*)\1/g,
];
const pythonReads = [
  /\bos\.environ\[\s*(['"])(\w+)\1\s*\]/g,
  /\benviron\.get\(\s*(['"])(\w+)\1/g,
  /\bos\.getenv\(\s*(['"])(\w+)\1/g,
];
const rubyReads = [/\bENV\[\s*(['"])(\w+)\1\s*\]/g, /\bENV\.fetch\(?\s*(['"])(\w+)\1/g];
const goReads = [/\bos\.(?:Getenv|LookupEnv)\(\s*"(\w+)"\s*\)/g];
// `${NAME}`, `${NAME:-default}`, `${#NAME}`, `$NAME`; `$$` escapes in compose; UPPER_CASE only,
// since lower-case names are a script's own locals by convention.
const shellReads = [
  /(?<![\\$])\$\{#?([A-Z_][A-Z0-9_]*)(?=[}:?+=#%/@[-])/g,
  /(?<![\\$])\$([A-Z_][A-Z0-9_]*)/g,
];

/**
 * Every environment variable read in one file's text, with its line.
 *
 * @example
 * findEnvReads('const url = process.env.DATABASE_URL;', 'src/db.ts')
 * // [{ name: 'DATABASE_URL', path: 'src/db.ts', line: 1 }]
 */
export function findEnvReads(text: string, path: string): EnvRead[] {
  const newline = text.indexOf('\n');
  const language = languageOf(path, newline === -1 ? text : text.slice(0, newline));
  if (!language) return [];
  const found: { name: string; index: number }[] = [];
  const comment = language === 'js' || language === 'go' ? /^\s*(?:\/\/|\/\*|\*)/ : /^\s*#/;
  const commentedOut = (index: number) =>
    comment.test(text.slice(text.lastIndexOf('\n', index - 1) + 1, index));
  const collect = (patterns: RegExp[], skip: Set<string> = osVariables) => {
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        const name = m[m.length - 1]!;
        // A read in a line comment (docs, commented-out code) is not a read.
        if (!skip.has(name) && !commentedOut(m.index)) found.push({ name, index: m.index });
      }
    }
  };
  switch (language) {
    case 'js':
      collect(jsReads);
      for (const m of text.matchAll(/import\.meta\.env\.([A-Za-z_]\w*)/g)) {
        if (viteBuiltins.has(m[1]!)) removeAt(found, m.index);
      }
      collectDestructured(text, found, commentedOut);
      break;
    case 'python':
      collect(pythonReads);
      break;
    case 'ruby':
      collect(rubyReads);
      break;
    case 'go':
      collect(goReads);
      break;
    case 'shell':
    case 'dockerfile':
      collect(shellReads, new Set([...shellBuiltins, ...definedInScript(text, language)]));
      break;
    case 'compose':
      collect(shellReads, new Set());
      break;
  }
  if (found.length === 0) return [];
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return found
    .sort((a, b) => a.index - b.index)
    .map(({ name, index }) => ({ name, path, line: lineOf(lineStarts, index) }));
}

function removeAt(found: { index: number }[], index: number): void {
  for (let i = found.length - 1; i >= 0; i--) {
    if (found[i]!.index === index) found.splice(i, 1);
  }
}

// `const { API_URL, PORT: port = '3000', ...rest } = process.env`
function collectDestructured(
  text: string,
  found: { name: string; index: number }[],
  commentedOut: (index: number) => boolean,
): void {
  const re = /\b(?:const|let|var)\s*\{([^{}]*)\}\s*=\s*process\.env\b/g;
  for (const m of text.matchAll(re)) {
    if (commentedOut(m.index)) continue;
    let offset = m.index + m[0].indexOf('{') + 1;
    for (const part of m[1]!.split(',')) {
      const name = /^\s*([A-Za-z_$][\w$]*)/.exec(part)?.[1];
      if (name && !part.trim().startsWith('...')) {
        found.push({ name, index: offset + part.indexOf(name) });
      }
      offset += part.length + 1;
    }
  }
}

/** Variables a shell script or Dockerfile sets itself (assignments, read, for, ARG, ENV). */
function definedInScript(text: string, language: Language): Set<string> {
  const names = new Set<string>();
  const add = (re: RegExp) => {
    for (const m of text.matchAll(re)) names.add(m[1]!);
  };
  add(
    /^[ \t]*(?:export[ \t]+|local[ \t]+|readonly[ \t]+|declare[ \t]+(?:-\w+[ \t]+)*)?([A-Za-z_]\w*)=/gm,
  );
  add(/\bfor[ \t]+([A-Za-z_]\w*)[ \t]+in\b/g);
  for (const m of text.matchAll(/\bread[ \t]+(?:-\w+[ \t]+)*([A-Za-z_][\w \t]*)/g)) {
    for (const name of m[1]!.trim().split(/[ \t]+/)) names.add(name);
  }
  if (language === 'dockerfile') {
    for (const m of text.matchAll(/^[ \t]*(?:ARG|ENV)[ \t]+(.+)$/gim)) {
      const rest = m[1]!;
      // `ENV A=1 B=2`, `ARG VERSION=1.0`, and the legacy `ENV NAME value`.
      for (const a of rest.matchAll(/([A-Za-z_]\w*)=/g)) names.add(a[1]!);
      const first = /^([A-Za-z_]\w*)/.exec(rest)?.[1];
      if (first) names.add(first);
    }
  }
  return names;
}

function lineOf(lineStarts: number[], index: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * The variable names a `.env.example`-style file lists: `NAME=…`, `export NAME=…`, a bare
 * `NAME`, and commented-out `# NAME=…` (an optional variable is documented too).
 *
 * @example parseEnvExample('# db\nDATABASE_URL=\nexport PORT=3000\n# SENTRY_DSN=\n') // Set { 'DATABASE_URL', 'PORT', 'SENTRY_DSN' }
 */
export function parseEnvExample(text: string): Set<string> {
  const names = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const m =
      /^(?:export\s+)?([A-Za-z_][\w.-]*)\s*(?:[=:]|$)/.exec(line) ??
      /^#\s*(?:export\s+)?([A-Za-z_][\w.-]*)=/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

/**
 * True for a committed file that holds real environment values: `.env`, `.env.local`,
 * `prod.env`; not examples or templates (`.env.example`, `.env.sample`, `env.template`).
 *
 * @example isEnvFile('config/.env.production') // true
 * @example isEnvFile('.env.example') // false
 */
export function isEnvFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  const envLike = name === '.env' || name.endsWith('.env') || name.startsWith('.env.');
  return envLike && !/example|sample|template|dist|defaults|schema|tpl/.test(name);
}

function matchesName(name: string, pattern: string): boolean {
  if (!pattern.includes('*')) return name === pattern;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return re.test(name);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function inSkippedDir(path: string): boolean {
  return path
    .split('/')
    .slice(0, -1)
    .some((part) => skippedDirs.has(part));
}

async function checkEnvDocumented(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  // The code and the documentation of the release commit, not of the working tree.
  const tree = await openReleaseTree(ctx, signal);
  if ('error' in tree) return tree.error;
  const git = tree.git;
  const excluded = (path: string) => params.exclude.some((p) => matchesPathPattern(path, p));

  const reads: EnvRead[] = [];
  let scanned = 0;
  const candidates = (await tree.listFiles()).filter(
    ({ path }) =>
      !inSkippedDir(path) &&
      !excluded(path) &&
      // Extension-less files may be scripts: their first line decides.
      (languageOf(path, '') !== undefined || !basename(path).includes('.')),
  );
  await tree.readFiles(candidates, maxFileBytes, ({ path }, bytes) => {
    if (isBinaryContent(bytes)) return;
    const text = bytes.toString('utf8');
    const newline = text.indexOf('\n');
    if (!languageOf(path, newline === -1 ? text : text.slice(0, newline))) return;
    scanned++;
    reads.push(...findEnvReads(text, path));
  });
  // First read of each variable, in path order then line order (files arrive in object order).
  const firstRead = new Map<string, EnvRead>();
  reads.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  for (const read of reads) if (!firstRead.has(read.name)) firstRead.set(read.name, read);
  const ignored = (name: string) => params.ignore.some((p) => matchesName(name, p));
  const used = [...firstRead.values()].filter((r) => !ignored(r.name));

  const committedEnv = (await tree.listTracked()).filter(
    (path) => isEnvFile(path) && path !== params.file && !excluded(path),
  );
  const evidence: CheckEvidence = { ...tree.evidence };
  let documented: Set<string> | undefined;
  const doc = await tree.read(params.file, maxFileBytes);
  if (doc.ok) {
    documented = parseEnvExample(doc.bytes.toString('utf8'));
    evidence.files = [{ path: params.file, sha256: sha256Hex(doc.bytes) }];
  }
  evidence.variables = { read: used.length, scannedFiles: scanned };

  const findings: { where: string; message: string }[] = committedEnv.map((path) => ({
    where: path,
    message: `a .env file is committed; remove it (git rm --cached ${path}), ignore it, and rotate what it held`,
  }));
  if (!documented) {
    if (used.length === 0 && committedEnv.length === 0) {
      return {
        status: 'passed',
        summary: `no environment variables read in ${scanned} source files (and no ${params.file})`,
        evidence,
      };
    }
    if (used.length > 0) {
      evidence.findings = used.slice(0, maxFindings).map((r) => ({
        where: `${r.path}:${r.line}`,
        message: `${r.name} is read here`,
      }));
      return {
        status: 'error',
        summary: `${params.file} not found; the code reads ${used.length} environment variable${used.length === 1 ? '' : 's'}`,
        fix: `Create ${params.file} with one line per variable: ${used
          .slice(0, 8)
          .map((r) => `${r.name}=`)
          .join(' ')}${used.length > 8 ? ' …' : ''}`,
        evidence,
      };
    }
  }
  const missing = used.filter((r) => !documented?.has(r.name));
  for (const r of missing) {
    findings.push({
      where: `${r.path}:${r.line}`,
      message: `${r.name} is read here but not listed in ${params.file}`,
    });
  }
  if (documented) {
    const unused = [...documented].filter((n) => !firstRead.has(n));
    if (unused.length > 0) evidence.documentedButNotRead = unused.slice(0, maxFindings);
  }
  if (findings.length === 0) {
    return {
      status: 'passed',
      summary: `all ${used.length} environment variable${used.length === 1 ? '' : 's'} the code reads are listed in ${params.file}${git ? '; no .env file is committed' : ''}`,
      evidence,
    };
  }
  evidence.findings = findings.slice(0, maxFindings);
  const parts: string[] = [];
  if (missing.length > 0) {
    const names = missing
      .slice(0, 5)
      .map((r) => `${r.name} (${r.path}:${r.line})`)
      .join(', ');
    parts.push(
      `${missing.length} environment variable${missing.length === 1 ? '' : 's'} not in ${params.file}: ${names}${missing.length > 5 ? ', …' : ''}`,
    );
  }
  if (committedEnv.length > 0) parts.push(`committed .env file: ${committedEnv.join(', ')}`);
  const fixes: string[] = [];
  if (missing.length > 0) {
    fixes.push(
      `add ${missing
        .slice(0, 8)
        .map((r) => `${r.name}=`)
        .join(' ')} to ${params.file} (or list them under ignore)`,
    );
  }
  if (committedEnv.length > 0) {
    fixes.push(
      `git rm --cached ${committedEnv.join(' ')}, add them to .gitignore, rotate their secrets`,
    );
  }
  return {
    status: 'failed',
    summary: parts.join('; '),
    fix: `${fixes.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()),
    evidence,
  };
}

const envDocumentedCheck: CheckDefinition<Params> = {
  name: 'env-documented',
  timeoutMs: 60_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkEnvDocumented(ctx, params, signal)),
};

export default envDocumentedCheck;
