/**
 * Reading and writing the files a user names on the command line: checklists and playbooks in,
 * playbooks out. Every refusal is an {@link InputError} naming the file and the fix (exit 2).
 */
import {
  constants,
  copyFileSync,
  linkSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { decodeInputBytes, maxInputBytes } from '../core/playbook-yaml-input.ts';

/**
 * Reads a text file the user named: refused when missing, a directory, too large (checked
 * before reading, so a huge file costs nothing), or not text; UTF-16 with a byte-order mark is
 * decoded.
 *
 * @example readInputText(process.cwd(), 'RELEASE.md') // '# Release checklist\n...'
 */
export function readInputText(cwd: string, path: string): string {
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
  if (size > maxInputBytes) {
    throw new InputError([
      {
        file: path,
        message: `file is too large (${Math.round(size / 1024 / 1024)} MiB; the limit is ${maxInputBytes / 1024 / 1024} MiB)`,
        fix: 'a checklist or playbook is a text file of a few pages; check the file name',
      },
    ]);
  }
  return decodeInputBytes(readFileSync(full), path);
}

/**
 * Writes a file whole (a temporary file, then a rename or a link), never half. Unless
 * `overwrite` is set, an existing file is left alone and refused, also when it appears while
 * writing.
 *
 * @example writeOutputText(process.cwd(), 'gonogo.yaml', yaml, { overwrite: false });
 */
export function writeOutputText(
  cwd: string,
  path: string,
  text: string,
  opts: { overwrite: boolean },
): void {
  const full = resolve(cwd, path);
  const tmp = `${full}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
  } catch (e) {
    throw writeError(path, e);
  }
  try {
    if (opts.overwrite) renameSync(tmp, full);
    else placeNew(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(path);
    throw writeError(path, e);
  }
}

/** Moves `tmp` to `full` only if nothing is at `full`, without a window for another writer. */
function placeNew(tmp: string, full: string): void {
  try {
    linkSync(tmp, full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOENT' || code === 'EACCES') throw e;
    // A file system without hard links: an exclusive copy still never overwrites.
    copyFileSync(tmp, full, constants.COPYFILE_EXCL);
  }
  rmSync(tmp, { force: true });
}

function writeError(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  const why: Record<string, string> = {
    ENOENT: 'its directory does not exist',
    ENOTDIR: 'a part of its path is not a directory',
    EISDIR: 'it is a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
  };
  return new InputError(
    [
      {
        file: path,
        message: `cannot write: ${why[code] ?? code}`,
        fix: 'choose another path with -o FILE',
      },
    ],
    { cause: e },
  );
}

/**
 * The refusal for an output file that is already there.
 *
 * @example throw existsError('gonogo.yaml'); // "gonogo.yaml already exists (use --force …)"
 */
export function existsError(path: string): InputError {
  return new InputError([
    { file: path, message: 'already exists', fix: 'use --force to overwrite it, or -o FILE' },
  ]);
}
