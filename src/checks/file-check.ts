/**
 * The `file` check: a path exists, optionally matches a regex, optionally is younger than a
 * duration ("backup completed", "runbook updated"). Also the path helpers the changelog and
 * version checks share: stay inside the repository, hash what was read.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CheckParams } from '../core/check-params.ts';
import { parseDuration } from '../core/duration.ts';
import type { CheckDefinition, CheckEvidence } from './check-types.ts';

/** Files above this size are not hashed or searched, so a multi-gigabyte backup stays cheap. */
export const maxReadBytes = 64 * 1024 * 1024;

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

const fileCheck: CheckDefinition<CheckParams<'file'>> = {
  name: 'file',
  timeoutMs: 30_000,
  async run(ctx, params, signal) {
    const where = await resolveInRoot(ctx.root, params.path);
    if (!where.ok) {
      return {
        status: 'error',
        summary: where.reason,
        fix: 'give a path inside the repository, relative to its root',
        evidence: {},
      };
    }
    const info = await stat(where.abs).catch((err: NodeJS.ErrnoException) => err);
    if (info instanceof Error) {
      const missing = info.code === 'ENOENT' || info.code === 'ENOTDIR';
      return {
        status: missing ? 'failed' : 'error',
        summary: missing
          ? `${where.rel} does not exist`
          : `cannot read ${where.rel}: ${info.code ?? info.message}`,
        fix: missing
          ? `create ${where.rel}, or fix the path in the playbook`
          : 'check the permissions of the path',
        evidence: {
          findings: [{ where: where.rel, message: missing ? 'missing' : String(info.code) }],
        },
      };
    }
    const evidence: CheckEvidence = {
      path: where.rel,
      type: info.isDirectory() ? 'directory' : 'file',
      size: info.size,
      mtime: info.mtime.toISOString(),
    };
    const problems: string[] = [];
    const findings: { where: string; message: string }[] = [];
    let read: string | undefined;
    try {
      if (info.isFile() && info.size <= maxReadBytes) {
        if (params.contains) {
          const bytes = await readFile(where.abs, { signal });
          evidence.files = [
            { path: where.rel, sha256: createHash('sha256').update(bytes).digest('hex') },
          ];
          read = bytes.toString('utf8');
        } else {
          evidence.files = [{ path: where.rel, sha256: await hashFile(where.abs, signal) }];
        }
      }
    } catch (err) {
      if (signal.aborted) return { status: 'error', summary: 'cancelled', evidence };
      return {
        status: 'error',
        summary: `cannot read ${where.rel}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        fix: 'check the permissions of the file',
        evidence,
      };
    }

    if (params.max_age !== undefined) {
      const limit = parseDuration(params.max_age)!;
      const age = Math.max(0, ctx.now().getTime() - info.mtime.getTime());
      evidence.ageMs = age;
      if (age > limit) {
        problems.push(`is ${formatAge(age)} old, older than ${params.max_age}`);
        findings.push({
          where: where.rel,
          message: `modified ${info.mtime.toISOString()} (${formatAge(age)} ago)`,
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
      if (info.isDirectory()) {
        return {
          status: 'error',
          summary: `${where.rel} is a directory, so it cannot contain /${params.contains}/`,
          fix: 'point contains at a file',
          evidence,
        };
      }
      if (read === undefined) {
        return {
          status: 'error',
          summary: `${where.rel} is larger than ${maxReadBytes / 1024 / 1024} MiB, too large to search`,
          fix: 'check a smaller file, such as a log or a marker written next to it',
          evidence,
        };
      }
      const m = re.exec(read);
      if (m) {
        evidence.match = {
          line: read.slice(0, m.index).split('\n').length,
          text: m[0].slice(0, 200),
        };
      } else {
        problems.push(`does not contain /${params.contains}/`);
        findings.push({ where: where.rel, message: `no match for /${params.contains}/` });
      }
    }

    if (problems.length) {
      return {
        status: 'failed',
        summary: `${where.rel} ${problems.join(' and ')}`,
        fix: `update ${where.rel}`,
        evidence: { ...evidence, findings },
      };
    }
    const details = [
      params.contains ? `contains /${params.contains}/` : '',
      params.max_age ? `modified ${formatAge(Number(evidence.ageMs))} ago` : '',
    ].filter(Boolean);
    return {
      status: 'passed',
      summary: `${where.rel} exists${details.length ? `, ${details.join(', ')}` : ''}`,
      evidence,
    };
  },
};

export default fileCheck;
