/**
 * What every command gets: parsed flags, output, identity, paths, and lazy access to the
 * store and the service (so commands that fail on their input never touch the database).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { InputError, NotFoundError, UsageError } from '../core/errors.ts';
import type { Output } from './cli-output.ts';
import { createOutput } from './cli-output.ts';
import { findRepoRoot, gitUserEmail } from './cli-git.ts';
import type { ReleaseService } from '../service/service-contract.ts';
import { deriveProjectKey } from './cli-project.ts';

export const globalOptions = {
  json: { type: 'boolean' },
  db: { type: 'string' },
  release: { type: 'string' },
  project: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export interface Context {
  cwd: string;
  /** The repository root, or the working directory outside git. */
  root: string;
  json: boolean;
  output: Output;
  /** `--release VERSION`. */
  release?: string;
  /** The project releases belong to: `--project`, the playbook's `project:`, the origin remote, the folder. */
  project(): string;
  actor(): string;
  dbPath(): string;
  /** Opens the service; with `mustExist`, a missing database is a clear error, not a new file. */
  service(opts?: { mustExist?: boolean }): Promise<ReleaseService>;
  /** Reads a user-named text file with size and binary checks. */
  readText(path: string): string;
  /** Writes a file whole (temp file + rename), never half. */
  writeText(path: string, text: string): void;
  close(): Promise<void>;
}

/**
 * Parses a command's arguments with the global options added; unknown flags are usage errors.
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  usage: string,
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...globalOptions, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}\nusage: ${usage}`, { cause: e });
  }
}

export function createContext(flags: {
  json?: boolean;
  db?: string;
  release?: string;
  project?: string;
}): Context {
  const cwd = process.cwd();
  const root = findRepoRoot(cwd) ?? cwd;
  const json = flags.json ?? false;
  let service: ReleaseService | undefined;
  let project: string | undefined;
  let closer: (() => Promise<void>) | undefined;
  const ctx: Context = {
    cwd,
    root,
    json,
    output: createOutput({ json }),
    ...(flags.release ? { release: flags.release } : {}),
    project: () =>
      (project ??= deriveProjectKey(root, {
        ...(flags.project !== undefined ? { explicit: flags.project } : {}),
        playbookFile: existsSync(join(cwd, 'gonogo.yaml'))
          ? join(cwd, 'gonogo.yaml')
          : join(root, 'gonogo.yaml'),
      })),
    actor: () => process.env.GONOGO_USER?.trim() || gitUserEmail(cwd) || userInfo().username,
    dbPath: () => flags.db ?? process.env.GONOGO_DB ?? join(root, '.gonogo', 'gonogo.db'),
    async service(opts = {}) {
      if (service) return service;
      const url = ctx.dbPath();
      const isUrl = /^postgres(ql)?:\/\//.test(url);
      if (!isUrl) {
        if (opts.mustExist && !existsSync(url)) {
          throw new NotFoundError(
            `no gonogo database at ${url}: start a release with \`gonogo release start VERSION\``,
          );
        }
        prepareDbDir(url);
      }
      const { openLocalService } = await import('./cli-service.ts');
      const now = clockFromEnv();
      const opened = await openLocalService(url, {
        actor: () => ctx.actor(),
        project: ctx.project(),
        ...(now ? { now } : {}),
      });
      closer = () => opened.store.close();
      service = opened.service;
      return service;
    },
    readText(path) {
      const full = resolve(cwd, path);
      let size: number;
      try {
        const st = statSync(full);
        if (st.isDirectory())
          throw new InputError([{ file: path, message: 'is a directory', fix: 'name a file' }]);
        size = st.size;
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError([{ file: path, message: 'file not found', fix: 'check the path' }], {
          cause: e,
        });
      }
      if (size > 2 * 1024 * 1024) {
        throw new InputError([
          {
            file: path,
            message: `file is too large (${Math.round(size / 1024 / 1024)} MiB; the limit is 2 MiB)`,
            fix: 'a checklist or playbook is a text file of a few pages; check the file name',
          },
        ]);
      }
      return readFileSync(full, 'utf8');
    },
    writeText(path, text) {
      const full = resolve(cwd, path);
      const tmp = `${full}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, full);
    },
    async close() {
      await closer?.();
    },
  };
  return ctx;
}

function prepareDbDir(dbFile: string) {
  const dir = dirname(dbFile);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    // The database is local state, not source: keep it out of git by default.
    if (dir.endsWith('.gonogo')) writeFileSync(join(dir, '.gitignore'), '*\n');
  }
}

/**
 * The clock, fixed by `GONOGO_NOW` (an ISO time) for tests and demos that must not depend on
 * the day they run (release windows); the real clock otherwise.
 *
 * @example GONOGO_NOW=2026-11-18T10:00:00Z gonogo decide
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): (() => Date) | undefined {
  const text = env.GONOGO_NOW?.trim();
  if (!text) return undefined;
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime())) {
    throw new InputError([
      {
        message: `invalid GONOGO_NOW "${text}"`,
        fix: 'give an ISO time such as 2026-11-18T10:00:00Z, or unset it',
      },
    ]);
  }
  return () => new Date(at);
}
