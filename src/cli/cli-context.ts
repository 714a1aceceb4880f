/**
 * What every command gets: parsed flags, output, identity, paths, and lazy access to the
 * store and the service (so commands that fail on their input never touch the database).
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { InputError, UsageError } from '../core/errors.ts';
import { findControlChar } from '../core/text-safety.ts';
import type { Output } from './cli-output.ts';
import { createOutput } from './cli-output.ts';
import { resolveDb } from './cli-db.ts';
import { writeFileWhole } from './cli-files.ts';
import { readInputText } from './cli-user-files.ts';
import { findRepoRoot, gitUserEmail } from './cli-git.ts';
import type { ReleaseService } from '../service/service-contract.ts';
import { deriveProjectKey } from './cli-project.ts';
import { remoteFromEnv } from './cli-credentials.ts';

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
  /** Reads a user-named text file with size and encoding checks (see cli-files.ts). */
  readText(path: string): string;
  /** Writes a file whole (temp file + rename), never half. */
  writeText(path: string, text: string): void;
  /**
   * Local mode: start no background sender of queued notifications on close (the sender itself,
   * and commands that sent what they queued).
   */
  quietSender?: boolean;
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
  /** The command only reads the database (opened read-only where it may not be written). */
  readOnly?: boolean;
}): Context {
  const cwd = process.cwd();
  const root = findRepoRoot(cwd) ?? cwd;
  const json = flags.json ?? false;
  let service: ReleaseService | undefined;
  let project: string | undefined;
  let closer: (() => Promise<void>) | undefined;
  // Local mode: deliveries queued by this command, or due already, are sent by a detached child.
  let queued = false;
  let dueCheck: (() => Promise<boolean>) | undefined;
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
    actor: () => userFromEnv() || gitUserEmail(cwd) || userInfo().username,
    dbPath: () => resolveDb(flags.db, root).url,
    async service(opts = {}) {
      if (service) return service;
      // GONOGO_SERVER: the same service, answered by a team server (cli-credentials.ts).
      const remote = remoteFromEnv();
      if (remote) {
        const { createHttpReleaseService } = await import('../client/http-release-service.ts');
        service = createHttpReleaseService({
          baseUrl: remote.server,
          ...('token' in remote ? { token: remote.token } : { session: remote.session }),
          project: ctx.project(),
        });
        return service;
      }
      // One import() for the whole opening path: the bundle then gives it one chunk (cli-service.ts).
      const { openLocalService } = await import('./cli-service.ts');
      const now = clockFromEnv();
      const opened = await openLocalService(
        resolveDb(flags.db, root),
        cwd,
        { ...opts, ...(flags.readOnly ? { readOnly: true } : {}) },
        {
          actor: () => ctx.actor(),
          project: ctx.project(),
          secretEnv: process.env,
          notify: { env: process.env, onQueued: () => (queued = true) },
          // An overridden clock is recorded beside the real one in every event.
          ...(now ? { now, realNow: () => new Date() } : {}),
        },
      );
      closer = () => opened.store.close();
      if (!flags.readOnly)
        dueCheck = async () => {
          const next = await opened.store.nextDeliveryAt(ctx.project());
          return next !== undefined && next <= (now ?? (() => new Date()))().toISOString();
        };
      service = opened.service;
      return service;
    },
    readText: (path) => readInputText(cwd, path),
    writeText(path, text) {
      writeFileWhole(cwd, path, text);
    },
    async close() {
      try {
        if (dueCheck && !ctx.quietSender && (queued || (await dueCheck()))) {
          const { startBackgroundSender } = await import('./cli-notify.ts');
          startBackgroundSender({ db: ctx.dbPath(), project: ctx.project(), cwd });
        }
      } catch {
        // A failed look at the outbox must not fail the command: the next one looks again.
      } finally {
        await closer?.();
      }
    },
  };
  return ctx;
}

/**
 * `GONOGO_USER`, trimmed, or undefined when unset or blank. A value with a line break or another
 * control character is refused: the name is written on every line of the record and shown in
 * every listing, where it could forge a line.
 *
 * @example GONOGO_USER=ana@example.com gonogo item done 3
 */
export function userFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.GONOGO_USER;
  if (raw === undefined) return undefined;
  const bad = findControlChar(raw);
  if (bad) {
    throw new InputError([
      {
        message: `GONOGO_USER contains ${bad}`,
        fix: 'set it to a name or e-mail address on one line, e.g. GONOGO_USER=ana@example.com',
      },
    ]);
  }
  return raw.trim() || undefined;
}

/**
 * The overridden time and the real time, when `GONOGO_NOW` overrides the clock.
 *
 * @example clockOverride({ GONOGO_NOW: '2026-11-18T10:00:00Z' })?.at // '2026-11-18T10:00:00.000Z'
 */
export function clockOverride(
  env: NodeJS.ProcessEnv = process.env,
): { at: string; realAt: string } | undefined {
  const now = clockFromEnv(env);
  return now && { at: now().toISOString(), realAt: new Date().toISOString() };
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
