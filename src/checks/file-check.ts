/**
 * The `file` check: a path exists, optionally matches a regex, optionally is younger than a
 * duration ("runbook updated", "backup completed").
 *
 * A path the release commit holds is judged as that commit has it: its content from git, its
 * age from the last commit that changed it. A file added in a later commit does not count. A
 * file no commit tracks (a backup marker, a report a job writes) is read from the working tree,
 * with its modification time, and the evidence says so.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { CheckParams } from '../core/check-params.ts';
import { parseDuration } from '../core/duration.ts';
import { guardCancel, runGit, sha256Hex, type CheckOutcome } from './check-git.ts';
import { maxReadBytes, openReleaseTree, resolveInRoot, type ReleaseTree } from './check-tree.ts';
import type { CheckContext, CheckDefinition, CheckEvidence } from './check-types.ts';

type Params = CheckParams<'file'>;

/**
 * SHA-256 of a file's bytes, streamed.
 *
 * @example await hashFile('/repo/CHANGELOG.md') // 'e3b0c442...'
 */
export async function hashFile(abs: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(abs, signal ? { signal } : {}))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function formatAge(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [unit, size] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return `${Math.max(0, Math.round(ms))}ms`;
}

/** What the check looked at, wherever it was: its kind, content (when read) and time. */
interface Subject {
  rel: string;
  kind: 'file' | 'directory' | 'other';
  size?: number;
  /** When it last changed: the last commit that touched it, or the file's mtime. */
  changed?: Date;
  /** The content, when it is a file no larger than `maxReadBytes`. */
  read?: () => Promise<Buffer>;
  /** Hash without holding the content (large files in the working tree). */
  hash?: () => Promise<string>;
  evidence: CheckEvidence;
}

type Found = { subject: Subject } | { outcome: CheckOutcome };

/** The path as the release commit has it, or what to say when it does not. */
async function findInCommit(
  ctx: CheckContext,
  tree: ReleaseTree & { commit: string },
  params: Params,
  signal: AbortSignal,
): Promise<Found | undefined> {
  const found = await tree.lookup(params.path);
  if (!found.ok && found.problem === 'outside') return { outcome: outsideResult(found.message) };
  const short = tree.commit.slice(0, 7);
  if (!found.ok) {
    const where = await resolveInRoot(ctx.root, params.path);
    const rel = where.ok ? where.rel : params.path;
    // Tracked now but not in the release commit: added after it, and it does not count.
    const tracked = await runGit(
      ['--literal-pathspecs', 'ls-files', '--error-unmatch', '--', rel],
      {
        cwd: ctx.root,
        signal,
      },
    );
    if (tracked.code === 0) {
      return {
        outcome: {
          status: 'failed',
          summary: `${rel} is not in the release commit ${short} (it was added after it)`,
          fix: `Retarget the release to a commit that has ${rel} (gonogo release retarget SHA), or start a release at it.`,
          evidence: { ...tree.evidence, findings: [{ where: rel, message: `not in ${short}` }] },
        },
      };
    }
    return undefined; // never committed: a file a job writes, read from the working tree
  }
  const { entry } = found;
  const log = await runGit(
    ['--literal-pathspecs', 'log', '-1', '--format=%H %cI', tree.commit, '--', entry.path],
    {
      cwd: ctx.root,
      signal,
    },
  );
  const [lastCommit, at] = log.stdout.trim().split(' ');
  const evidence: CheckEvidence = {
    ...tree.evidence,
    path: entry.path,
    type: entry.kind === 'directory' ? 'directory' : entry.kind,
    ...(entry.size !== undefined ? { size: entry.size } : {}),
    ...(lastCommit && at ? { lastChanged: { commit: lastCommit, at } } : {}),
  };
  return {
    subject: {
      rel: entry.path,
      kind: entry.kind === 'file' || entry.kind === 'directory' ? entry.kind : 'other',
      ...(entry.size !== undefined ? { size: entry.size } : {}),
      ...(at ? { changed: new Date(at) } : {}),
      read: async () => {
        const read = await tree.read(entry.path);
        if (!read.ok) throw new Error(read.message);
        return read.bytes;
      },
      evidence,
    },
  };
}

/** The path in the working tree, with its mtime. */
async function findInWorkingTree(ctx: CheckContext, params: Params, note?: string): Promise<Found> {
  const where = await resolveInRoot(ctx.root, params.path);
  if (!where.ok) return { outcome: outsideResult(where.reason) };
  const info = await stat(where.abs).catch((err: NodeJS.ErrnoException) => err);
  const noted: CheckEvidence = note ? { source: 'working tree', note } : {};
  if (info instanceof Error) {
    const missing = info.code === 'ENOENT' || info.code === 'ENOTDIR';
    return {
      outcome: {
        status: missing ? 'failed' : 'error',
        summary: missing
          ? `${where.rel} does not exist`
          : `cannot read ${where.rel}: ${info.code ?? info.message}`,
        fix: missing
          ? `create ${where.rel}, or fix the path in the playbook`
          : 'check the permissions of the path',
        evidence: {
          ...noted,
          findings: [{ where: where.rel, message: missing ? 'missing' : String(info.code) }],
        },
      },
    };
  }
  return {
    subject: {
      rel: where.rel,
      kind: info.isDirectory() ? 'directory' : info.isFile() ? 'file' : 'other',
      size: info.size,
      changed: info.mtime,
      read: () => readFile(where.abs),
      hash: () => hashFile(where.abs),
      evidence: {
        ...noted,
        path: where.rel,
        type: info.isDirectory() ? 'directory' : 'file',
        size: info.size,
        mtime: info.mtime.toISOString(),
      },
    },
  };
}

function outsideResult(reason: string): CheckOutcome {
  return {
    status: 'error',
    summary: reason,
    fix: 'give a path inside the repository, relative to its root',
    evidence: {},
  };
}

async function checkFile(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const tree = await openReleaseTree(ctx, signal);
  if ('error' in tree) return tree.error;
  let found: Found | undefined;
  if (tree.commit)
    found = await findInCommit(ctx, { ...tree, commit: tree.commit }, params, signal);
  found ??= await findInWorkingTree(
    ctx,
    params,
    tree.commit
      ? `not in the release commit ${tree.commit.slice(0, 7)} and not tracked: read from the working tree`
      : String(tree.evidence.note ?? ''),
  );
  if ('outcome' in found) return found.outcome;
  return judgeFile(ctx, params, found.subject);
}

async function judgeFile(
  ctx: CheckContext,
  params: Params,
  subject: Subject,
): Promise<CheckOutcome> {
  const { rel, evidence } = subject;
  const problems: string[] = [];
  const findings: { where: string; message: string }[] = [];
  let text: string | undefined;
  try {
    if (subject.kind === 'file' && (subject.size ?? 0) <= maxReadBytes) {
      if (params.contains || !subject.hash) {
        const bytes = await subject.read!();
        evidence.files = [{ path: rel, sha256: sha256Hex(bytes) }];
        if (params.contains) text = bytes.toString('utf8');
      } else {
        evidence.files = [{ path: rel, sha256: await subject.hash() }];
      }
    }
  } catch (err) {
    return {
      status: 'error',
      summary: `cannot read ${rel}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      fix: 'check the permissions of the file',
      evidence,
    };
  }

  if (params.max_age !== undefined) {
    const limit = parseDuration(params.max_age)!;
    if (!subject.changed) {
      return {
        status: 'error',
        summary: `cannot tell when ${rel} last changed`,
        fix: 'check that the repository history is complete (a shallow clone lacks it)',
        evidence,
      };
    }
    const age = Math.max(0, ctx.now().getTime() - subject.changed.getTime());
    evidence.ageMs = age;
    if (age > limit) {
      problems.push(`is ${formatAge(age)} old, older than ${params.max_age}`);
      findings.push({
        where: rel,
        message: `modified ${subject.changed.toISOString()} (${formatAge(age)} ago)`,
      });
    }
  }

  if (params.contains !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(params.contains, 'm');
    } catch (err) {
      return {
        status: 'error',
        summary: `contains: not a regular expression: ${(err as Error).message}`,
        fix: 'fix the regex in the playbook (JavaScript syntax)',
        evidence,
      };
    }
    if (subject.kind === 'directory') {
      return {
        status: 'error',
        summary: `${rel} is a directory, so it cannot contain /${params.contains}/`,
        fix: 'point contains at a file',
        evidence,
      };
    }
    if (text === undefined) {
      return {
        status: 'error',
        summary: `${rel} is larger than ${maxReadBytes / 1024 / 1024} MiB, too large to search`,
        fix: 'check a smaller file, such as a log or a marker written next to it',
        evidence,
      };
    }
    const m = re.exec(text);
    if (m) {
      evidence.match = {
        line: text.slice(0, m.index).split('\n').length,
        text: m[0].slice(0, 200),
      };
    } else {
      problems.push(`does not contain /${params.contains}/`);
      findings.push({ where: rel, message: `no match for /${params.contains}/` });
    }
  }

  if (problems.length) {
    return {
      status: 'failed',
      summary: `${rel} ${problems.join(' and ')}`,
      fix: `update ${rel}`,
      evidence: { ...evidence, findings },
    };
  }
  const details = [
    params.contains ? `contains /${params.contains}/` : '',
    params.max_age ? `modified ${formatAge(Number(evidence.ageMs))} ago` : '',
  ].filter(Boolean);
  return {
    status: 'passed',
    summary: `${rel} exists${details.length ? `, ${details.join(', ')}` : ''}`,
    evidence,
  };
}

const fileCheck: CheckDefinition<Params> = {
  name: 'file',
  timeoutMs: 30_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkFile(ctx, params, signal)),
};

export default fileCheck;
