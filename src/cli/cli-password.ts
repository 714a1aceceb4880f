/**
 * Reading a password for the CLI: from a prompt without echo when stdin is a terminal (asked
 * twice, must match), else the first line of stdin (for scripts: `printf '%s\n' "$PW" | gonogo
 * admin create ...`). Never from the command line, where `ps` and the shell history see it.
 */
import { UsageError } from '../core/errors.ts';

/** More than this on stdin is not a password: stop reading. */
const maxInputBytes = 64 * 1024;

/**
 * The new password: prompted twice on a terminal, else the first line of stdin.
 *
 * @example const password = await readNewPassword(process.stdin, process.stderr);
 */
export async function readNewPassword(
  input: NodeJS.ReadStream,
  prompt: NodeJS.WriteStream,
): Promise<string> {
  if (!input.isTTY) return firstLine(await readAll(input));
  const first = await promptHidden(input, prompt, 'password: ');
  const second = await promptHidden(input, prompt, 'password again: ');
  if (first !== second) throw new UsageError('the two passwords differ; run the command again');
  return first;
}

/**
 * A secret asked once (a token): prompted without echo on a terminal, else the first line of stdin.
 *
 * @example const token = await readSecret(process.stdin, process.stderr, 'token: ');
 */
export async function readSecret(
  input: NodeJS.ReadStream,
  prompt: NodeJS.WriteStream,
  question: string,
): Promise<string> {
  if (!input.isTTY) return firstLine(await readAll(input), question.replace(/: $/, ''));
  return promptHidden(input, prompt, question);
}

async function readAll(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > maxInputBytes) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function firstLine(text: string, what = 'password'): string {
  const line = text.split('\n')[0]!.replace(/\r$/, '');
  if (line === '') {
    throw new UsageError(
      `no ${what} on stdin: give it as the first line of stdin, or run the command in a terminal to be asked`,
    );
  }
  return line;
}

/** Reads one line from a terminal in raw mode, echoing nothing; Ctrl-C and Ctrl-D abort. */
function promptHidden(
  input: NodeJS.ReadStream,
  prompt: NodeJS.WriteStream,
  question: string,
): Promise<string> {
  prompt.write(question);
  input.setRawMode(true);
  input.resume();
  let text = '';
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      prompt.write('\n');
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else if (ch >= ' ') text += ch;
        if (text.length > maxInputBytes) return done(new UsageError('the password is too long'));
      }
    };
    input.on('data', onData);
  });
}
