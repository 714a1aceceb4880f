/**
 * What gonogo accepts as the text of a playbook or a checklist, before any parsing: a size
 * limit, no binary, and the decoding of a file's bytes. Small on purpose: the CLI reads every
 * file through it, also on commands that load nothing else of the playbook code.
 */
import { InputError } from './errors.ts';
import type { Problem } from './errors.ts';

/** The largest playbook or checklist gonogo reads: far above any real one. */
export const maxInputBytes = 2 * 1024 * 1024;

/**
 * Rejects what is not a text gonogo should read: too large, or binary.
 * Returns the problem, or undefined when the text is fine.
 */
export function checkInputText(text: string, file: string): Problem | undefined {
  if (text.length > maxInputBytes) {
    return {
      file,
      message: `file is too large (${Math.round(text.length / 1024)} KiB; the limit is ${maxInputBytes / 1024} KiB)`,
      fix: 'a checklist or playbook is a text file of a few pages; check the file name',
    };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const line = before.split('\n').length;
    return {
      file,
      line,
      col: nul - before.lastIndexOf('\n'),
      message: 'file is binary (it contains a NUL byte)',
      fix: 'give a Markdown, text or YAML file',
    };
  }
  return undefined;
}

/**
 * The text of a file's bytes: UTF-8 (a byte-order mark is dropped), or UTF-16 LE or BE when
 * a byte-order mark says so. Anything else is refused by what it is: UTF-16 or UTF-32 without
 * a usable mark, binary (with the place of its first NUL byte), or bytes that are not UTF-8
 * (with the place of the first bad one).
 *
 * @throws InputError with the file, a place where there is one, and the fix.
 * @example decodeInputBytes(readFileSync('RELEASE.md'), 'RELEASE.md') // '# Release\n...'
 */
export function decodeInputBytes(bytes: Uint8Array, file: string): string {
  const refuse = (message: string, place: { line?: number; col?: number } = {}): never => {
    throw new InputError([{ file, ...place, message, fix: 'save it as UTF-8 text' }]);
  };
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) refuse('file is UTF-32LE text');
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) refuse('file is UTF-32BE text');
  const body = b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? bytes.subarray(3) : bytes;
  if (b0 === 0xff && b1 === 0xfe) {
    return decodeStrict(bytes.subarray(2), 'utf-16le') ?? refuse('file is not valid UTF-16LE');
  }
  if (b0 === 0xfe && b1 === 0xff) {
    return decodeStrict(bytes.subarray(2), 'utf-16be') ?? refuse('file is not valid UTF-16BE');
  }
  const nul = body.indexOf(0);
  if (nul >= 0) {
    const utf16 = guessUtf16(body);
    if (utf16) refuse(`file is ${utf16} text without a byte-order mark`);
    throw new InputError([
      {
        file,
        ...bytePlace(body, nul),
        message: 'file is binary (it contains a NUL byte)',
        fix: 'give a Markdown, text or YAML file',
      },
    ]);
  }
  const text = decodeStrict(body, 'utf-8');
  if (text !== undefined) return text;
  const bad = firstInvalidUtf8(body);
  return refuse(
    `file is not UTF-8 text (byte 0x${body[bad]!.toString(16).toUpperCase().padStart(2, '0')})`,
    bytePlace(body, bad),
  );
}

function decodeStrict(bytes: Uint8Array, encoding: string): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Line and column (in characters) of a byte offset. */
function bytePlace(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  const before = new TextDecoder('utf-8').decode(bytes.subarray(start, offset));
  return { line, col: [...before].length + 1 };
}

/**
 * UTF-16 without a byte-order mark, told apart from binary by its zero bytes: text in the
 * Latin range has a zero in every other byte, on the same side.
 */
function guessUtf16(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0 && bytes[i + 1] === 0) return undefined;
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero >= pairs * 0.6 && evenZero === 0) return 'UTF-16LE';
  if (evenZero >= pairs * 0.6 && oddZero === 0) return 'UTF-16BE';
  return undefined;
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const [len, lo, hi] = utf8Sequence(bytes[i]!);
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k];
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c === undefined || c < min || c > max) return i;
    }
    i += len;
  }
  return bytes.length;
}

/**
 * The length of the UTF-8 sequence a lead byte starts (0: none) and the range of its second
 * byte, which excludes overlong forms, surrogates and code points past U+10FFFF.
 */
function utf8Sequence(b: number): [length: number, lo: number, hi: number] {
  if (b < 0x80) return [1, 0, 0];
  if (b >= 0xc2 && b <= 0xdf) return [2, 0x80, 0xbf];
  if (b === 0xe0) return [3, 0xa0, 0xbf];
  if (b === 0xed) return [3, 0x80, 0x9f];
  if (b >= 0xe1 && b <= 0xef) return [3, 0x80, 0xbf];
  if (b === 0xf0) return [4, 0x90, 0xbf];
  if (b >= 0xf1 && b <= 0xf3) return [4, 0x80, 0xbf];
  if (b === 0xf4) return [4, 0x80, 0x8f];
  return [0, 0, 0];
}
