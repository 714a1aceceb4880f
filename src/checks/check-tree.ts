/**
 * The files a check judges, read from the commit the release is pinned to (DESIGN.md §1,
 * "Evidence is of the release commit"): listed with `git ls-tree` and read from git's objects,
 * so a file edited, added or committed after the release commit cannot make a check pass. Only
 * when there is no commit to read (the release has none, or the directory is not a git
 * repository) is the working tree read, and the evidence says so.
 *
 * Also the rule for what must run in the working tree (the command check, a coverage report
 * made there): it stands for the release commit only when HEAD is that commit and no tracked
 * file differs from it.
 */
import { execFile, spawn } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import {
  isGitRepo,
  maxFindings,
  missingCommitResult,
  resolveRevision,
  runGit,
  type CheckOutcome,
} from './check-git.ts';
import type { CheckContext, CheckEvidence } from './check-types.ts';
import { parsePorcelainStatus } from './git-clean-check.ts';

export type TreeEntryKind = 'file' | 'symlink' | 'directory' | 'submodule';

/** One path of a tree: a commit's (from `git ls-tree`) or the working tree's. */
export interface TreeEntry {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  kind: TreeEntryKind;
  /** Bytes, for files and symlinks. */
  size?: number;
  /** The git object id, in a commit's tree. */
  oid?: string;
  /** The working tree holds this file as it is: it may be read from disk instead of git. */
  onDisk?: boolean;
}

export type TreeLookup =
  { ok: true; entry: TreeEntry } | { ok: false; problem: 'missing' | 'outside'; message: string };

export type TreeRead =
  | { ok: true; path: string; bytes: Buffer }
  | {
      ok: false;
      problem: 'missing' | 'outside' | 'not-a-file' | 'too-large' | 'unreadable';
      message: string;
    };

/** How much {@link ReleaseTree.readFiles} read and left out. */
export interface TreeReadCounts {
  read: number;
  large: number;
  /** Symlinks, submodules, files gone since they were listed. */
  other: number;
}

/** The tree a check reads: the release commit's, or the working tree when there is none. */
export interface ReleaseTree {
  source: 'commit' | 'working tree';
  root: string;
  /** Whether the root is a git repository (always so for a commit). */
  git: boolean;
  /** The full SHA of the release commit, when `source` is `commit`. */
  commit?: string;
  /** What to put in a check's evidence: `{ commit }`, or the working tree and why it was read. */
  evidence: CheckEvidence;
  /** The entry at `path` (a symlink is followed inside the tree), or why there is none. */
  lookup(path: string): Promise<TreeLookup>;
  /** The bytes of the file at `path`, at most `maxBytes`. */
  read(path: string, maxBytes?: number): Promise<TreeRead>;
  /** Every file path (ignored files are not part of a working tree's list), sorted. */
  listFiles(): Promise<TreeEntry[]>;
  /** The paths git tracks: the commit's files, the index's in a working tree, none outside git. */
  listTracked(): Promise<string[]>;
  /**
   * Reads the files of `entries` at most `maxBytes` each (one `git cat-file --batch` for a
   * commit), calling `onFile` for each in order. Larger files and other kinds are counted.
   */
  readFiles(
    entries: TreeEntry[],
    maxBytes: number,
    onFile: (entry: TreeEntry, bytes: Buffer) => void,
  ): Promise<TreeReadCounts>;
  /**
   * When the working tree's copy of `path` is not what the release commit holds, a sentence
   * saying so and what to do; undefined when they agree or there is no commit.
   */
  explainDifference(path: string): Promise<string | undefined>;
}

/** Files above this size are not read whole: a multi-gigabyte backup stays cheap. */
export const maxReadBytes = 64 * 1024 * 1024;
const maxSymlinkHops = 8;
const skippedDirs = new Set(['node_modules', '.git']);
const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

const isInside = (root: string, abs: string) => {
  const rel = relative(root, abs);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * Resolves a path given in the playbook against the repository root, refusing one that leaves
 * it (`../x`, an absolute path elsewhere, or a symlink pointing out).
 *
 * @example await resolveInRoot('/repo', 'docs/runbook.md') // { ok: true, abs: '/repo/docs/runbook.md', rel: 'docs/runbook.md' }
 */
export async function resolveInRoot(
  root: string,
  path: string,
): Promise<{ ok: true; abs: string; rel: string } | { ok: false; reason: string }> {
  const abs = resolve(root, path);
  if (!isInside(resolve(root), abs)) {
    return { ok: false, reason: `"${path}" is outside the repository` };
  }
  try {
    const [realRoot, realAbs] = await Promise.all([realpath(root), realpath(abs)]);
    if (!isInside(realRoot, realAbs)) {
      return { ok: false, reason: `"${path}" is a link to outside the repository` };
    }
  } catch {
    // Does not exist (yet): nothing to follow, the caller reports it missing.
  }
  return { ok: true, abs, rel: relative(resolve(root), abs) || '.' };
}

/** Runs git and resolves with its raw stdout, or undefined when it fails. */
function gitBytes(
  args: string[],
  cwd: string,
  signal: AbortSignal,
  maxBuffer: number,
): Promise<Buffer | undefined> {
  return new Promise((done, reject) => {
    execFile(
      'git',
      args,
      { cwd, signal, env: gitEnv, encoding: 'buffer', maxBuffer },
      (error, stdout) => {
        if (signal.aborted) return reject(signal.reason ?? new Error('aborted'));
        done(error ? undefined : stdout);
      },
    );
  });
}

/**
 * Streams objects through one `git cat-file --batch`, calling `onObject` with each one's bytes
 * in order. Memory holds one object at a time; ids git does not have are skipped.
 *
 * @example await readObjects(root, [oid1, oid2], (id, bytes) => scan(bytes), signal);
 */
export function readObjects(
  root: string,
  ids: string[],
  onObject: (id: string, bytes: Buffer) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (ids.length === 0) return Promise.resolve();
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: root,
      signal,
      env: gitEnv,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let header: { id: string; size: number } | undefined;
    let failed: unknown;
    const take = (n: number): Buffer => {
      const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      const head = all.subarray(0, n);
      const rest = all.subarray(n);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
      return head;
    };
    child.stdout.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      try {
        for (;;) {
          if (!header) {
            const first = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
            pending = [first];
            const nl = first.indexOf(10);
            if (nl === -1) return;
            const line = take(nl + 1)
              .toString('latin1')
              .trimEnd();
            const [id = '', type, size] = line.split(' ');
            // "<id> missing" carries no content.
            if (type === undefined || size === undefined) continue;
            header = { id, size: Number(size) };
          }
          if (pendingBytes < header.size + 1) return;
          const content = take(header.size + 1).subarray(0, header.size);
          const { id } = header;
          header = undefined;
          onObject(id, content);
        }
      } catch (error) {
        failed = error;
        child.kill();
      }
    });
    child.stdin.on('error', () => undefined); // closed early when aborted
    child.on('error', (error) => reject(signal?.aborted ? signal.reason : error));
    child.on('close', () => {
      if (signal?.aborted) reject(signal.reason ?? new Error('aborted'));
      else if (failed) reject(failed);
      else resolvePromise();
    });
    child.stdin.end(`${ids.join('\n')}\n`);
  });
}

/**
 * Parses `git ls-tree -z --long` output into entries (`./`, listed for the directory itself
 * when git runs in a subdirectory, is left out).
 *
 * @example parseLsTree('100644 blob 3b18e5…     12\tREADME.md\0') // [{ path: 'README.md', kind: 'file', size: 12, oid: '3b18e5…' }]
 */
export function parseLsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab === -1) continue;
    const [mode = '', type = '', oid = '', size = '-'] = record.slice(0, tab).split(/ +/);
    const path = record.slice(tab + 1);
    if (path === './' || path === '') continue;
    const kind: TreeEntryKind =
      type === 'tree'
        ? 'directory'
        : type === 'commit'
          ? 'submodule'
          : mode === '120000'
            ? 'symlink'
            : 'file';
    entries.push({ path, kind, oid, ...(size !== '-' ? { size: Number(size) } : {}) });
  }
  return entries;
}

/**
 * The files of commit `sha` (not symlinks or submodules). When HEAD is that commit and no
 * tracked file differs from it, the working tree's copies are those files and are marked
 * `onDisk`: reading them from disk is several times faster than inflating git's objects. Files
 * git does not keep on disk as they are (skip-worktree in a sparse checkout, assume-unchanged)
 * are read from the objects still. A string says why git failed.
 *
 * @example await listCommitFiles('/repo', sha) // [{ path: 'README.md', kind: 'file', oid: '3b18…', onDisk: true }]
 */
export async function listCommitFiles(
  root: string,
  sha: string,
  signal?: AbortSignal,
): Promise<TreeEntry[] | string> {
  const head = await resolveRevision(root, 'HEAD', signal);
  if (head === sha) {
    const status = await runGit(
      ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=no'],
      { cwd: root, signal },
    );
    const index =
      status.code === 0 && status.stdout === ''
        ? await runGit(['ls-files', '-s', '-v', '-z'], { cwd: root, signal })
        : undefined;
    if (index?.code === 0) {
      const files: TreeEntry[] = [];
      for (const record of index.stdout.split('\0')) {
        // "<tag> <mode> <oid> <stage>\t<path>"; tag H is a file kept as it is in the working tree.
        const m = /^(\S) (\d+) ([0-9a-f]+) \d\t(.+)$/s.exec(record);
        if (!m || (m[2] !== '100644' && m[2] !== '100755')) continue;
        files.push({ path: m[4]!, kind: 'file', oid: m[3]!, onDisk: m[1] === 'H' });
      }
      return files;
    }
  }
  const listed = await runGit(['ls-tree', '-r', '-z', '--long', sha], { cwd: root, signal });
  if (listed.code !== 0) {
    return `git could not list the tree of ${sha.slice(0, 7)}: ${listed.stderr.trim() || `exit code ${listed.code}`}`;
  }
  return parseLsTree(listed.stdout).filter((e) => e.kind === 'file');
}

/** A path from the playbook as a `/`-separated path relative to the root, or undefined outside it. */
function toTreePath(root: string, path: string): string | undefined {
  const abs = resolve(root, path);
  if (!isInside(resolve(root), abs)) return undefined;
  return relative(resolve(root), abs).split(sep).join('/') || '.';
}

const outside = (path: string): TreeLookup => ({
  ok: false,
  problem: 'outside',
  message: `"${path}" is outside the repository`,
});
const missing = (shown: string, where: string): TreeLookup => ({
  ok: false,
  problem: 'missing',
  message: `${shown} does not exist in ${where}`,
});

/** The entry at `given` when it is a file that may be read whole, or the failed read saying why. */
async function lookupFile(
  lookup: (path: string) => Promise<TreeLookup>,
  given: string,
  maxBytes: number,
): Promise<TreeEntry | Extract<TreeRead, { ok: false }>> {
  const found = await lookup(given);
  if (!found.ok) return { ok: false, problem: found.problem, message: found.message };
  const { entry } = found;
  if (entry.kind !== 'file') {
    return { ok: false, problem: 'not-a-file', message: `${given} is a ${entry.kind}, not a file` };
  }
  const size = entry.size ?? 0;
  if (size > maxBytes) {
    const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
    return {
      ok: false,
      problem: 'too-large',
      message: `${given} is ${mib(size)}, larger than the ${mib(maxBytes)} a check reads`,
    };
  }
  return entry;
}

function commitTree(root: string, sha: string, signal: AbortSignal, label: string): ReleaseTree {
  const short = sha.slice(0, 7);
  let listing: Promise<TreeEntry[]> | undefined;

  const entryAt = async (path: string): Promise<TreeEntry | undefined> => {
    if (path === '.') return { path, kind: 'directory' };
    const run = await runGit(['--literal-pathspecs', 'ls-tree', '-z', '--long', sha, '--', path], {
      cwd: root,
      signal,
    });
    return parseLsTree(run.stdout).find((e) => e.path === path);
  };

  const lookup = async (given: string): Promise<TreeLookup> => {
    let path = toTreePath(root, given);
    if (path === undefined) return outside(given);
    for (let hop = 0; hop <= maxSymlinkHops; hop++) {
      const entry = await entryAt(path);
      if (!entry) return missing(given, label);
      if (entry.kind !== 'symlink') return { ok: true, entry };
      // A link is followed inside the commit's tree, never out of it.
      const target = (await gitBytes(['cat-file', 'blob', entry.oid!], root, signal, 64 * 1024))
        ?.toString('utf8')
        .trim();
      if (!target) return missing(given, label);
      const next = posix.normalize(posix.join(posix.dirname(path), target));
      if (posix.isAbsolute(target) || next === '..' || next.startsWith('../')) {
        return {
          ok: false,
          problem: 'outside',
          message: `"${given}" is a link to outside the repository`,
        };
      }
      path = next;
    }
    return missing(given, label);
  };

  return {
    source: 'commit',
    root,
    git: true,
    commit: sha,
    evidence: { commit: sha },
    lookup,
    async read(given, maxBytes = maxReadBytes) {
      const entry = await lookupFile(lookup, given, maxBytes);
      if ('ok' in entry) return entry;
      const bytes = await gitBytes(['cat-file', 'blob', entry.oid!], root, signal, maxBytes + 1);
      if (!bytes) {
        return {
          ok: false,
          problem: 'unreadable',
          message: `git could not read ${given} of commit ${short} (a partial clone without it?)`,
        };
      }
      return { ok: true, path: toTreePath(root, given) ?? given, bytes };
    },
    listFiles() {
      // A tree git cannot list must not read as an empty one that passes.
      listing ??= listCommitFiles(root, sha, signal).then((files) => {
        if (typeof files === 'string') throw new Error(files);
        return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      });
      return listing;
    },
    async listTracked() {
      return (await this.listFiles()).map((e) => e.path);
    },
    async readFiles(entries, maxBytes, onFile) {
      const onDisk = entries.filter((e) => e.onDisk);
      const counts = await readDiskFiles(root, onDisk, maxBytes, onFile, signal);
      const byId = new Map<string, TreeEntry[]>();
      for (const entry of entries) {
        if (entry.onDisk && !counts.gone.has(entry)) continue;
        if (entry.kind !== 'file' || !entry.oid) counts.other++;
        else if ((entry.size ?? 0) > maxBytes) counts.large++;
        else byId.set(entry.oid, [...(byId.get(entry.oid) ?? []), entry]);
      }
      await readObjects(
        root,
        [...byId.keys()],
        (id, bytes) => {
          for (const entry of byId.get(id) ?? []) {
            if (bytes.length > maxBytes) {
              counts.large++;
              continue;
            }
            counts.read++;
            onFile(entry, bytes);
          }
        },
        signal,
      );
      return { read: counts.read, large: counts.large, other: counts.other };
    },
    async explainDifference(given) {
      const path = toTreePath(root, given);
      if (path === undefined) return undefined;
      const hashed = await runGit(['hash-object', '--', path], { cwd: root, signal });
      if (hashed.code !== 0) return undefined; // not in the working tree either
      const entry = await entryAt(path);
      if (entry?.oid === hashed.stdout.trim()) return undefined;
      const differs = entry
        ? `${path} in the working tree differs from the one in the release commit ${short}`
        : `${path} is in the working tree but not in the release commit ${short}`;
      return `${differs}: commit it and retarget the release to that commit (gonogo release retarget SHA)`;
    },
  };
}

/**
 * The working tree's files, sorted: git's tracked and untracked-but-not-ignored ones, or, outside
 * git, every file under `root` but those in node_modules and .git.
 *
 * @example await listWorkingFiles('/repo', true) // ['README.md', 'src/app.ts']
 */
export async function listWorkingFiles(
  root: string,
  git: boolean,
  signal?: AbortSignal,
): Promise<string[]> {
  if (git) {
    const run = await runGit(['ls-files', '-co', '--exclude-standard', '-z'], {
      cwd: root,
      signal,
    });
    return [...new Set(run.stdout.split('\0').filter(Boolean))].sort();
  }
  const out: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedDirs.has(entry.name)) await visit(full);
      } else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  await visit(root);
  return out.sort();
}

/**
 * Reads files from disk, synchronously (far cheaper than a thread-pool round trip each for small
 * files), skipping symlinks (they could point outside the repository) and directories. `gone`
 * holds those that could not be read (deleted since they were listed, or unreadable).
 */
async function readDiskFiles(
  root: string,
  entries: TreeEntry[],
  maxBytes: number,
  onFile: (entry: TreeEntry, bytes: Buffer) => void,
  signal: AbortSignal,
): Promise<TreeReadCounts & { gone: Set<TreeEntry> }> {
  const counts = { read: 0, large: 0, other: 0, gone: new Set<TreeEntry>() };
  for (const entry of entries) {
    if (signal.aborted) throw signal.reason;
    let bytes: Buffer;
    try {
      const info = lstatSync(join(root, entry.path));
      if (!info.isFile()) {
        counts.other++;
        continue;
      }
      if (info.size > maxBytes) {
        counts.large++;
        continue;
      }
      bytes = readFileSync(join(root, entry.path));
    } catch {
      counts.gone.add(entry);
      continue;
    }
    counts.read++;
    onFile(entry, bytes);
  }
  return counts;
}

function workingTree(root: string, git: boolean, note: string, signal: AbortSignal): ReleaseTree {
  let listing: Promise<TreeEntry[]> | undefined;
  const lookup = async (given: string): Promise<TreeLookup> => {
    const where = await resolveInRoot(root, given);
    if (!where.ok) return { ok: false, problem: 'outside', message: where.reason };
    const info = await stat(where.abs).catch(() => undefined);
    if (!info) return missing(given, 'the working tree');
    const path = where.rel.split(sep).join('/');
    if (info.isDirectory()) return { ok: true, entry: { path, kind: 'directory' } };
    return { ok: true, entry: { path, kind: 'file', size: info.size } };
  };
  return {
    source: 'working tree',
    root,
    git,
    evidence: { source: 'working tree', note },
    lookup,
    async read(given, maxBytes = maxReadBytes) {
      const entry = await lookupFile(lookup, given, maxBytes);
      if ('ok' in entry) return entry;
      try {
        return {
          ok: true,
          path: entry.path,
          bytes: await readFile(join(root, entry.path), { signal }),
        };
      } catch (error) {
        if (signal.aborted) throw error;
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        return { ok: false, problem: 'unreadable', message: `cannot read ${given}: ${code}` };
      }
    },
    listFiles() {
      listing ??= listWorkingFiles(root, git, signal).then((paths) =>
        paths.map((path) => ({ path, kind: 'file' as const })),
      );
      return listing;
    },
    async listTracked() {
      if (!git) return [];
      const run = await runGit(['ls-files', '-z'], { cwd: root, signal });
      return run.stdout.split('\0').filter(Boolean);
    },
    async readFiles(entries, maxBytes, onFile) {
      const counts = await readDiskFiles(root, entries, maxBytes, onFile, signal);
      return { read: counts.read, large: counts.large, other: counts.other + counts.gone.size };
    },
    explainDifference: () => Promise.resolve(undefined),
  };
}

/**
 * Opens the tree a check reads: the release commit's when the context has one, else the working
 * tree (its evidence says why). An error result when the release commit is not in the clone.
 *
 * @example
 * const tree = await openReleaseTree(ctx, signal);
 * if ('error' in tree) return tree.error;
 * const file = await tree.read('CHANGELOG.md');
 */
export async function openReleaseTree(
  ctx: CheckContext,
  signal: AbortSignal,
): Promise<ReleaseTree | { error: CheckOutcome }> {
  const git = await isGitRepo(ctx.root, signal);
  if (!git) {
    return workingTree(
      ctx.root,
      false,
      'not a git repository: the files in the directory were read',
      signal,
    );
  }
  if (!ctx.commit) {
    return workingTree(
      ctx.root,
      true,
      'the release has no commit: the working tree was read',
      signal,
    );
  }
  const sha = await resolveRevision(ctx.root, ctx.commit, signal);
  if (!sha) return { error: missingCommitResult(ctx.commit) };
  return commitTree(ctx.root, sha, signal, `the release commit ${sha.slice(0, 7)}`);
}

/** What a check that runs in the working tree may say about where it ran. */
export type CheckoutState =
  { ok: true; evidence: CheckEvidence; head?: string } | { ok: false; error: CheckOutcome };

/**
 * Whether the working tree stands for the release commit, for what must run there (a command,
 * a report it writes): HEAD is the release commit and no tracked file differs from it
 * (untracked files, such as build output, do not count). Without a release commit or outside
 * git, the working tree is taken as it is and the evidence says so.
 *
 * @example
 * const checkout = await checkReleaseCheckout(ctx, signal);
 * if (!checkout.ok) return checkout.error;
 */
export async function checkReleaseCheckout(
  ctx: CheckContext,
  signal: AbortSignal,
): Promise<CheckoutState> {
  if (!(await isGitRepo(ctx.root, signal))) {
    return {
      ok: true,
      evidence: {
        source: 'working tree',
        note: 'not a git repository: ran in the directory as it is',
      },
    };
  }
  if (!ctx.commit) {
    return {
      ok: true,
      evidence: {
        source: 'working tree',
        note: 'the release has no commit: ran in the working tree as it is',
      },
    };
  }
  const [sha, head] = await Promise.all([
    resolveRevision(ctx.root, ctx.commit, signal),
    resolveRevision(ctx.root, 'HEAD', signal),
  ]);
  if (!sha) return { ok: false, error: missingCommitResult(ctx.commit) };
  const short = sha.slice(0, 7);
  if (head !== sha) {
    const at = head ? head.slice(0, 7) : 'unborn';
    return {
      ok: false,
      error: {
        status: 'error',
        summary: `HEAD is ${at}, the release is pinned to ${short}: check out the release commit or retarget the release`,
        fix: `Check out the release commit (git switch --detach ${short}) and run the check again; or, when ${at} is the new candidate, retarget the release to it (gonogo release retarget ${at}).`,
        evidence: { commit: sha, ...(head ? { head } : {}) },
      },
    };
  }
  // Optional locks off: a status beside the person's own git commands must not take index.lock.
  const status = await runGit(
    ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=no'],
    { cwd: ctx.root, signal },
  );
  if (status.code !== 0) {
    return {
      ok: false,
      error: {
        status: 'error',
        summary: `git status failed: ${status.stderr.trim().split('\n')[0] ?? ''}`,
        fix: 'Run git status in the repository to see what is wrong.',
        evidence: { commit: sha },
      },
    };
  }
  const changed = parsePorcelainStatus(status.stdout).map((entry) => entry.path);
  if (changed.length > 0) {
    return {
      ok: false,
      error: {
        status: 'error',
        summary: `tracked files differ from the release commit ${short}: commit or stash them (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''})`,
        fix: 'Commit them and retarget the release to the new commit, or stash them (git stash), then run the check again.',
        evidence: {
          commit: sha,
          findings: changed
            .slice(0, maxFindings)
            .map((path) => ({ where: path, message: 'differs from the release commit' })),
        },
      },
    };
  }
  return { ok: true, evidence: { commit: sha }, head };
}
