/**
 * A benchmark's child process: `node ARGS`, resolved with the URL its ready line names, and a
 * stop that waits for it to end (SIGKILL after 20 s).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createBenchEnv } from './bench-setup.ts';

export interface Started {
  base: string;
  setupCode(): string;
  stop(): Promise<void>;
}

/** Starts `node ARGS` and resolves with the URL its ready line names. */
export function startProcess(args: string[], ready: RegExp, cwd: string): Promise<Started> {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, args, {
    cwd,
    env: createBenchEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => {
    // Keep the start (the set-up code), not every request's log line.
    if (err.length < 64_000) err += b.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const line = ready.exec(out);
      if (!line) return;
      resolve({
        base: line[1]!,
        setupCode: () => {
          const code = /"setupCode":"([^"]+)"/.exec(err)?.[1];
          if (!code) throw new Error(`no set-up code in the server's log: ${err.slice(0, 300)}`);
          return code;
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} ended (${code}): ${out}${err}`)));
  });
}
