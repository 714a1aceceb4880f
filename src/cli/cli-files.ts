/**
 * Files the CLI writes for the user (`-o`, `--junit`): their paths are checked before any work,
 * so a bad path never leaves recorded results and a crash behind, and they are written whole.
 */
import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EnvironmentError, InputError } from '../core/errors.ts';

/**
 * Throws (exit 2, naming the path and the fix) unless `path` can be written: it is not a folder,
 * its folder exists and this user may write in it.
 *
 * @example checkOutputFile(process.cwd(), 'reports/checks.xml');
 */
export function checkOutputFile(cwd: string, path: string): void {
  const full = resolve(cwd, path);
  const bad = (message: string, fix: string): never => {
    throw new InputError([{ file: path, message, fix }]);
  };
  const st = statOf(full);
  if (st?.isDirectory()) bad('is a folder, not a file', `name a file, e.g. ${join(path, 'out')}`);
  // A device or pipe (/dev/stdout) is written in place; nothing more to check.
  if (st && !st.isFile()) return;
  const folder = dirname(full);
  const parent = statOf(folder);
  if (!parent) bad(`the folder ${dirname(path)} does not exist`, 'create it, or name another');
  if (!parent!.isDirectory()) bad(`${dirname(path)} is a file, not a folder`, 'name another path');
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new EnvironmentError(
      {
        place: path,
        message: `cannot write ${path}: the folder ${dirname(path)} is read-only`,
        fix: 'make it writable, or name a file in a writable folder',
      },
      { cause: error },
    );
  }
}

/**
 * Writes `text` to `path` whole: into a temporary file beside it, then renamed over it, so a
 * reader never sees half a file and a failed write leaves the old one. A device or pipe is
 * written directly.
 *
 * @example writeFileWhole(process.cwd(), 'gonogo.yaml', yaml);
 */
export function writeFileWhole(cwd: string, path: string, text: string): void {
  const full = resolve(cwd, path);
  const st = statOf(full);
  try {
    if (st && !st.isFile() && !st.isDirectory()) {
      writeFileSync(full, text);
      return;
    }
    const tmp = join(dirname(full), `.${basename(full)}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, full);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new EnvironmentError(
      {
        place: path,
        message: `cannot write ${path} (${code})`,
        fix:
          code === 'ENOSPC'
            ? 'free some disk space'
            : 'check that its folder exists and is writable, and that it is not a folder',
      },
      { cause: error },
    );
  }
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
