/**
 * `secrets`: no secret in the release commit's tree (the working tree when the release has no
 * commit), nor in any blob added to history since the previous release tag (or in the whole
 * history). Findings name the file, commit, line and kind with a
 * masked excerpt and a fingerprint (the first 16 hex of the value's SHA-256), so a finding can be
 * allowed in `.gonogo-secrets-allow` without writing the secret down. The secret itself never
 * reaches the summary or the evidence.
 *
 * History is read once per blob: `git rev-list --objects` names the blobs of the range (with a
 * size filter), `git cat-file --batch` streams them, and `git log --raw` maps each blob to the
 * commit that introduced it. Blobs identical to a file of the tree are not scanned twice. A
 * release commit missing from the clone is an error: nothing passes on what could not be read.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, matchesGlob } from 'node:path';
import { createInterface } from 'node:readline';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { CheckParams } from '../core/check-params.ts';
import {
  guardCancel,
  isGitRepo,
  maxFindings,
  previousTag,
  resolveRevision,
  runGit,
  sha256Hex,
  type CheckOutcome,
} from './check-git.ts';
import {
  listCommitFiles,
  listWorkingFiles,
  openReleaseTree,
  readObjects,
  type TreeEntry,
} from './check-tree.ts';
import type { CheckContext, CheckDefinition, CheckEvidence } from './check-types.ts';
import { maskSecret } from '../core/redact.ts';
import { findSecrets, isBinaryContent, type SecretMatch } from '../core/secret-patterns.ts';

type Params = CheckParams<'secrets'>;

/** One secret found, as it may be shown: never the value, only a mask and a fingerprint. */
export interface SecretFinding {
  path: string;
  line: number;
  column: number;
  patternId: string;
  patternName: string;
  /** First 16 hex of the SHA-256 of the secret value: what an allowlist entry names. */
  fingerprint: string;
  /** The line around the secret with every secret on it masked. */
  excerpt: string;
  /** Short SHA of the commit that added it, when it was found in (or is also in) history. */
  commit?: string;
  /**
   * True when the secret is in the scanned tree (the release commit's, or the working tree);
   * false when it is only in history (deleted or changed since).
   */
  inWorkingTree: boolean;
}

export interface ScanOptions {
  history: 'since-tag' | 'all' | 'none';
  /** Path globs or prefixes to skip. */
  exclude?: string[];
  tagPrefix?: string;
  /** The release version: `since-tag` starts at the highest tag below it. */
  version?: string;
  /**
   * The commit whose tree and history are scanned (its tree instead of the working tree); when
   * absent, the working tree and the history up to HEAD.
   */
  commit?: string;
  /** Files and blobs larger than this are skipped (default 5 MB). */
  maxFileBytes?: number;
}

export interface ScanReport {
  /** False when `root` is not a git repository (the directory was walked, no history). */
  git: boolean;
  /** The full SHA whose tree was scanned; undefined when the working tree was. */
  commit?: string;
  findings: SecretFinding[];
  files: number;
  blobs: number;
  bytes: number;
  skipped: { binary: number; large: number; excluded: number };
  /** What history was scanned: `v1.2.0..HEAD`, `all history`, or undefined for none. */
  range?: string;
  /** Why the history could not be read (git failed); the working tree was still scanned. */
  historyError?: string;
}

const defaultMaxBytes = 5 * 1024 * 1024;

/**
 * The first 16 hex of the SHA-256 of a secret value.
 *
 * @example fingerprintSecret('hunter2') // 'f52fbd32b2b3b86f'
 */
export function fingerprintSecret(value: string): string {
  return createHash('sha256').update(value, 'latin1').digest('hex').slice(0, 16);
}

/**
 * True when `path` (relative, `/`-separated) is matched by an exclude/allow pattern: a glob
 * (`test/fixtures/**`, `*.pem`: a glob without `/` also matches the base name) or a plain prefix
 * (`vendor/` or `vendor` skips everything under it).
 *
 * @example matchesPathPattern('test/fixtures/keys.txt', 'test/fixtures') // true
 * @example matchesPathPattern('a/b/server.pem', '*.pem') // true
 */
export function matchesPathPattern(path: string, pattern: string): boolean {
  const clean = pattern.replace(/^\.\//, '');
  if (/[*?[\]{}]/.test(clean)) {
    if (matchesGlob(path, clean) || matchesGlob(path, `${clean.replace(/\/$/, '')}/**`)) {
      return true;
    }
    return !clean.includes('/') && matchesGlob(path.slice(path.lastIndexOf('/') + 1), clean);
  }
  const prefix = clean.replace(/\/+$/, '');
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * The secrets in one text, as findings (masked, fingerprinted). `path` is only recorded.
 *
 * @example
 * scanText('aws_key = "' + 'AKIA' + 'Z7XQ2KLM4NP3RST6' + '"', 'config.py')[0]
 * // { path: 'config.py', line: 1, patternId: 'aws-access-key-id', excerpt: 'aws_key = "AKIA…[REDACTED:aws-access-key-id]"', … }
 */
export function scanText(text: string, path: string): SecretFinding[] {
  return toFindings(text, path, findSecrets(text), (s) => s);
}

/**
 * Scans the bytes of one file or blob: undefined when they are binary. Decoding as latin1 keeps
 * one byte per character (fast scanning, byte offsets); excerpts are decoded back as UTF-8.
 */
function scanBytes(bytes: Buffer, path: string): SecretFinding[] | undefined {
  if (isBinaryContent(bytes)) return undefined;
  const text = bytes.toString('latin1');
  const matches = findSecrets(text);
  if (matches.length === 0) return [];
  return toFindings(text, path, matches, (s) => Buffer.from(s, 'latin1').toString('utf8'));
}

function toFindings(
  text: string,
  path: string,
  matches: SecretMatch[],
  decode: (s: string) => string,
): SecretFinding[] {
  return matches.map((m) => ({
    path,
    line: m.line,
    column: m.column,
    patternId: m.id,
    patternName: m.name,
    fingerprint: fingerprintSecret(m.secret),
    excerpt: buildExcerpt(text, m, matches, decode),
    inWorkingTree: true,
  }));
}

const excerptContext = 40;

/** The finding's line with every secret on it masked, cut to some context around this one. */
function buildExcerpt(
  text: string,
  target: SecretMatch,
  all: SecretMatch[],
  decode: (s: string) => string,
): string {
  const lineStart = target.start - (target.column - 1);
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd === -1) lineEnd = text.length;
  let masked = '';
  let at = lineStart;
  let targetAt = 0;
  let targetEnd = 0;
  for (const m of all) {
    if (m.end <= lineStart || m.start >= lineEnd) continue;
    const from = Math.max(m.start, lineStart);
    masked += decode(text.slice(at, from));
    if (m === target) targetAt = masked.length;
    masked += maskSecret(m.secret, m.id);
    if (m === target) targetEnd = masked.length;
    at = Math.min(m.end, lineEnd);
  }
  masked += decode(text.slice(at, lineEnd));
  const from = Math.max(0, targetAt - excerptContext);
  const to = Math.min(masked.length, targetEnd + excerptContext);
  const cut = masked.slice(from, to).replace(/\r$/, '').trim();
  return `${from > 0 ? '…' : ''}${cut}${to < masked.length ? '…' : ''}`;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

/**
 * Scans a repository: the working tree (tracked and untracked files that are not ignored; the
 * whole directory minus node_modules and .git outside git) and, per `options.history`, every
 * blob added since the previous release tag or in all history.
 *
 * @example
 * const report = await scanRepository('/src/app', { history: 'all' }, AbortSignal.timeout(60_000));
 * report.findings.length; // 0 when clean
 */
export async function scanRepository(
  root: string,
  options: ScanOptions,
  signal?: AbortSignal,
): Promise<ScanReport> {
  const maxBytes = options.maxFileBytes ?? defaultMaxBytes;
  const git = await isGitRepo(root, signal);
  const report: ScanReport = {
    git,
    findings: [],
    files: 0,
    blobs: 0,
    bytes: 0,
    skipped: { binary: 0, large: 0, excluded: 0 },
  };
  const treeBlobs = new Map<string, string>();
  const wantBlobIds = git && options.history !== 'none';
  let files: TreeEntry[];
  let history = options;
  if (git && options.commit) {
    const sha = await resolveRevision(root, options.commit, signal);
    if (!sha) {
      report.historyError = `commit ${options.commit} is not in this repository`;
      return report;
    }
    report.commit = sha;
    history = { ...options, commit: sha };
    const listed = await listCommitFiles(root, sha, signal);
    if (typeof listed === 'string') {
      report.historyError = listed;
      return report;
    }
    files = listed;
  } else {
    files = (await listWorkingFiles(root, git, signal)).map((path) => ({
      path,
      kind: 'file' as const,
      onDisk: true,
    }));
  }
  await scanTreeFiles(
    root,
    files,
    options.exclude ?? [],
    maxBytes,
    wantBlobIds,
    treeBlobs,
    report,
    signal,
  );
  if (wantBlobIds) await scanHistory(root, history, maxBytes, treeBlobs, report, signal);
  return report;
}

/**
 * Scans the files of the tree: from disk where they are there as they are, from git's objects
 * otherwise. Records each file's blob id (given, or computed when history is scanned next) so
 * history does not scan the same content again.
 */
async function scanTreeFiles(
  root: string,
  files: TreeEntry[],
  exclude: string[],
  maxBytes: number,
  wantBlobIds: boolean,
  treeBlobs: Map<string, string>,
  report: ScanReport,
  signal?: AbortSignal,
): Promise<void> {
  const scan = (path: string, bytes: Buffer) => {
    report.files++;
    report.bytes += bytes.length;
    const found = scanBytes(bytes, path);
    if (found === undefined) report.skipped.binary++;
    else report.findings.push(...found);
  };
  const fromObjects = new Map<string, string[]>();
  // Small files are read synchronously (far cheaper than a thread-pool round trip each), and
  // the event loop gets a turn every few milliseconds so checks running beside this one go on.
  let sliceStart = performance.now();
  for (const file of files) {
    if (performance.now() - sliceStart > 10) {
      await setImmediatePromise();
      throwIfAborted(signal);
      sliceStart = performance.now();
    }
    const { path, oid } = file;
    if (exclude.some((p) => matchesPathPattern(path, p))) {
      report.skipped.excluded++;
      continue;
    }
    if ((file.size ?? 0) > maxBytes) {
      report.skipped.large++;
      continue;
    }
    if (oid && !treeBlobs.has(oid)) treeBlobs.set(oid, path);
    if (!file.onDisk) {
      if (oid) fromObjects.set(oid, [...(fromObjects.get(oid) ?? []), path]);
      continue;
    }
    const bytes = readRegularFile(join(root, path), maxBytes, report);
    if (bytes === 'large') continue;
    if (bytes === undefined) {
      // Gone from disk since it was listed: git still has the committed copy.
      if (oid) fromObjects.set(oid, [...(fromObjects.get(oid) ?? []), path]);
      continue;
    }
    if (wantBlobIds && !oid) treeBlobs.set(gitBlobId(bytes), path);
    scan(path, bytes);
  }
  await readObjects(
    root,
    [...fromObjects.keys()],
    (id, bytes) => {
      if (bytes.length > maxBytes) {
        report.skipped.large += fromObjects.get(id)?.length ?? 0;
        return;
      }
      for (const path of fromObjects.get(id) ?? []) scan(path, bytes);
    },
    signal,
  );
}

function readRegularFile(
  path: string,
  maxBytes: number,
  report: ScanReport,
): Buffer | 'large' | undefined {
  try {
    const info = lstatSync(path);
    // Symlinks could point outside the repository; submodules show up as directories.
    if (!info.isFile()) return undefined;
    if (info.size > maxBytes) {
      report.skipped.large++;
      return 'large';
    }
    return readFileSync(path);
  } catch {
    // Listed by git but deleted in the working tree, or unreadable: nothing to scan.
    return undefined;
  }
}

function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Runs git and hands each output line to `onLine`; resolves with the exit code. The child is
 * killed when `signal` aborts.
 */
function streamGitLines(
  root: string,
  args: string[],
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', args, {
      cwd: root,
      signal,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 2000) stderr += chunk;
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', onLine);
    // spawn fails only when git is missing (or aborted): report it like a failed git run.
    child.on('error', (error) =>
      signal?.aborted
        ? reject(signal.reason)
        : resolvePromise({ code: 127, stderr: error.message }),
    );
    child.on('close', (code) => {
      if (signal?.aborted) reject(signal.reason ?? new Error('aborted'));
      else resolvePromise({ code: code ?? 1, stderr: stderr.trim() });
    });
  });
}

async function scanHistory(
  root: string,
  options: ScanOptions,
  maxBytes: number,
  worktreeBlobs: Map<string, string>,
  report: ScanReport,
  signal?: AbortSignal,
): Promise<void> {
  const target = await resolveRevision(root, options.commit ?? 'HEAD', signal);
  if (!target) return; // no commits yet: no history to scan
  // Options first: after --end-of-options, `--all` would be taken for a revision name.
  let revOptions: string[] = [];
  let revs: string[];
  if (options.history === 'all') {
    revOptions = ['--all'];
    revs = [target];
    report.range = 'all history';
  } else {
    const tag = await previousTag(root, options.tagPrefix ?? 'v', options.version ?? '', signal);
    revs = tag ? [target, `^refs/tags/${tag}`] : [target];
    report.range = tag
      ? `${tag}..${target.slice(0, 7)}`
      : `all history (no release tag before ${options.version || 'this version'})`;
  }
  const shallow = await runGit(['rev-parse', '--is-shallow-repository'], { cwd: root, signal });
  if (shallow.stdout.trim() === 'true') report.range += ' (shallow clone: fetched commits only)';
  const exclude = options.exclude ?? [];

  // Which blobs the range adds (with a path each), and which commit added each one first.
  const blobPaths = new Map<string, string>();
  const firstCommit = new Map<string, string>();
  const commitOrder = new Map<string, number>();
  let commit = '';
  const runs = await Promise.all([
    streamGitLines(
      root,
      [
        'rev-list',
        '--objects',
        `--filter=combine:object:type=blob+blob:limit=${maxBytes + 1}`,
        ...revOptions,
        '--end-of-options',
        ...revs,
      ],
      (line) => {
        const space = line.indexOf(' ');
        if (space !== 40 && space !== 64) return; // a commit line has no path
        const id = line.slice(0, space);
        const path = line.slice(space + 1);
        if (exclude.some((p) => matchesPathPattern(path, p))) return;
        blobPaths.set(id, path);
      },
      signal,
    ),
    streamGitLines(
      root,
      [
        'log',
        '--raw',
        '--no-abbrev',
        '--no-renames',
        '--reverse',
        '--format=%x01%H',
        ...revOptions,
        '--end-of-options',
        ...revs,
      ],
      (line) => {
        if (line.startsWith('\x01')) {
          commit = line.slice(1);
          commitOrder.set(commit, commitOrder.size);
        } else if (line.startsWith(':')) {
          const id = line.split(' ', 4)[3];
          if (id && !firstCommit.has(id)) firstCommit.set(id, commit);
        }
      },
      signal,
    ),
  ]);

  const failed = runs.find((r) => r.code !== 0);
  if (failed) {
    report.historyError = `git could not list the history of ${report.range}: ${failed.stderr || `exit code ${failed.code}`}`;
    return;
  }
  const byPathAndPrint = new Map<string, SecretFinding>();
  for (const f of report.findings) byPathAndPrint.set(`${f.path}\0${f.fingerprint}`, f);

  const wanted = [...blobPaths.keys()].filter((id) => !worktreeBlobs.has(id));
  const historyFindings: { finding: SecretFinding; order: number }[] = [];
  await readObjects(
    root,
    wanted,
    (id, bytes) => {
      report.blobs++;
      report.bytes += bytes.length;
      const path = blobPaths.get(id) ?? id;
      const found = scanBytes(bytes, path);
      if (found === undefined) {
        report.skipped.binary++;
        return;
      }
      const sha = firstCommit.get(id);
      const order = sha === undefined ? Infinity : (commitOrder.get(sha) ?? Infinity);
      for (const f of found) {
        f.inWorkingTree = false;
        if (sha) f.commit = sha.slice(0, 7);
        historyFindings.push({ finding: f, order });
      }
    },
    signal,
  );

  // A secret that stays in a file across edits is in every later blob: report it once, at the
  // commit that added it, and fold it into the working-tree finding when it is still there.
  historyFindings.sort((a, b) => a.order - b.order);
  for (const { finding } of historyFindings) {
    const key = `${finding.path}\0${finding.fingerprint}`;
    const seen = byPathAndPrint.get(key);
    if (seen) {
      if (!seen.commit && finding.commit) seen.commit = finding.commit;
      continue;
    }
    byPathAndPrint.set(key, finding);
    report.findings.push(finding);
  }
  // A working-tree file identical to a blob of the range was not scanned again: its secrets
  // were committed by the commit that added that blob (unless an earlier blob had them already).
  for (const [id, path] of worktreeBlobs) {
    const sha = firstCommit.get(id);
    if (!sha || !blobPaths.has(id)) continue;
    for (const f of report.findings) if (f.path === path && !f.commit) f.commit = sha.slice(0, 7);
  }
}

/** One allowlist line: a fingerprint or a path glob, and why it is allowed. */
export interface AllowEntry {
  fingerprint?: string;
  path?: string;
  reason: string;
  line: number;
}

/**
 * Parses an allowlist: `<fingerprint or path glob>  # reason` per line, `#` comments and blank
 * lines ignored. An entry without a reason is a problem and does not count.
 *
 * @example
 * parseAllowlist('3f9a1c0b7d2e4f56  # rotated 2026-01\ntest/fixtures/**\n', '.gonogo-secrets-allow')
 * // { entries: [{ fingerprint: '3f9a1c0b7d2e4f56', reason: 'rotated 2026-01', line: 1 }],
 * //   problems: ['.gonogo-secrets-allow:2: "test/fixtures/**" has no reason; …'] }
 */
export function parseAllowlist(
  text: string,
  file: string,
): { entries: AllowEntry[]; problems: string[] } {
  const entries: AllowEntry[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const hash = line.indexOf('#');
    const target = (hash === -1 ? line : line.slice(0, hash)).trim();
    const reason = hash === -1 ? '' : line.slice(hash + 1).trim();
    if (reason === '') {
      problems.push(
        `${file}:${index + 1}: "${target}" has no reason and is ignored; write it as "${target}  # why it is not a secret"`,
      );
      return;
    }
    const entry: AllowEntry = { reason, line: index + 1 };
    if (/^[0-9a-f]{16,64}$/i.test(target)) entry.fingerprint = target.toLowerCase().slice(0, 16);
    else entry.path = target;
    entries.push(entry);
  });
  return { entries, problems };
}

/**
 * Splits findings into those an allowlist entry covers and the rest.
 *
 * @example
 * applyAllowlist(findings, [{ path: 'test/fixtures/**', reason: 'fake keys', line: 1 }])
 */
export function applyAllowlist(
  findings: SecretFinding[],
  entries: AllowEntry[],
): { kept: SecretFinding[]; allowed: SecretFinding[] } {
  const kept: SecretFinding[] = [];
  const allowed: SecretFinding[] = [];
  for (const f of findings) {
    const covered = entries.some((e) =>
      e.fingerprint ? e.fingerprint === f.fingerprint : matchesPathPattern(f.path, e.path ?? ''),
    );
    (covered ? allowed : kept).push(f);
  }
  return { kept, allowed };
}

function describeWhere(f: SecretFinding): string {
  const where = `${f.path}:${f.line}`;
  if (!f.commit) return where;
  return f.inWorkingTree
    ? `${where} (committed in ${f.commit})`
    : `${where} @${f.commit} (history)`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

async function checkSecrets(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const tree = await openReleaseTree(ctx, signal);
  if ('error' in tree) return tree.error;
  const allowFile = params.allowlist ?? '.gonogo-secrets-allow';
  const evidence: CheckEvidence = { ...tree.evidence };
  let allow: { entries: AllowEntry[]; problems: string[] } = { entries: [], problems: [] };
  // The allowlist of the release commit: one only in the working tree cannot hide a leak.
  const read = isAbsolute(allowFile)
    ? await readFile(allowFile).then(
        (bytes) => ({ ok: true as const, bytes }),
        (error: NodeJS.ErrnoException) => ({ ok: false as const, message: error.code ?? 'error' }),
      )
    : await tree.read(allowFile);
  if (read.ok) {
    allow = parseAllowlist(read.bytes.toString('utf8'), allowFile);
    evidence.files = [{ path: allowFile, sha256: sha256Hex(read.bytes) }];
  } else if (params.allowlist !== undefined) {
    return {
      status: 'error',
      summary: `allowlist ${allowFile} cannot be read (${read.message})`,
      fix: `Create ${allowFile} (lines "<fingerprint or path glob>  # reason")${tree.commit ? ' and commit it' : ''}, or remove the allowlist parameter.`,
      evidence,
    };
  }

  const report = await scanRepository(
    ctx.root,
    {
      history: params.history,
      exclude: [...params.exclude, allowFile],
      tagPrefix: params.tag_prefix,
      version: ctx.version,
      ...(tree.commit ? { commit: tree.commit } : {}),
    },
    signal,
  );
  if (report.historyError) {
    return {
      status: 'error',
      summary: report.historyError,
      fix: 'Check that the repository is intact (git fsck) and not a shallow clone missing the range; or set history: none.',
      evidence: { ...evidence, scanned: { files: report.files, history: report.range } },
    };
  }
  const { kept, allowed } = applyAllowlist(report.findings, allow.entries);
  const scope = [
    `${report.files} files${report.commit ? ` of the release commit ${report.commit.slice(0, 7)}` : ''}`,
    ...(report.range ? [`${report.blobs} blobs of ${report.range}`] : []),
  ].join(' and ');
  evidence.scanned = {
    files: report.files,
    blobs: report.blobs,
    bytes: report.bytes,
    history: report.range ?? (report.git ? 'none' : 'not a git repository'),
    skipped: report.skipped,
  };
  if (allowed.length > 0) evidence.allowed = allowed.length;
  if (allow.problems.length > 0) evidence.allowlistProblems = allow.problems;
  const notGit = report.git ? '' : ' (not a git repository: working directory only, no history)';

  if (kept.length === 0) {
    return {
      status: 'passed',
      summary: `no secrets in ${scope} (${formatBytes(report.bytes)})${allowed.length ? `, ${allowed.length} allowed` : ''}${notGit}`,
      ...(allow.problems.length
        ? { fix: `Give every allowlist entry a reason: ${allow.problems[0]}` }
        : {}),
      evidence,
    };
  }
  evidence.findings = kept.slice(0, maxFindings).map((f) => ({
    where: describeWhere(f),
    message: `${f.patternName}: ${f.excerpt} (fingerprint ${f.fingerprint})`,
  }));
  const inHistoryOnly = kept.filter((f) => !f.inWorkingTree).length;
  const first = kept
    .slice(0, 3)
    .map((f) => `${f.patternName} in ${describeWhere(f)}`)
    .join(', ');
  return {
    status: 'failed',
    summary: `${kept.length} secret${kept.length === 1 ? '' : 's'} found in ${scope}: ${first}${kept.length > 3 ? ', …' : ''}${notGit}`,
    fix:
      `Remove each secret and rotate it${inHistoryOnly ? ' (one in git history counts as leaked even when deleted since)' : ''}; ` +
      `if it is not a secret, add "<fingerprint>  # reason" (or a path glob) to ${allowFile}.`,
    evidence,
  };
}

const secretsCheck: CheckDefinition<Params> = {
  name: 'secrets',
  timeoutMs: 120_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkSecrets(ctx, params, signal)),
};

export default secretsCheck;
