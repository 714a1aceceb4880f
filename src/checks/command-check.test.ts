import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import type { CheckContext } from './check-types.ts';
import commandCheck, { OutputCapture, splitCommand } from './command-check.ts';
import { plantedSecrets } from '../core/secret-samples.fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'gonogo-command-'));
mkdirSync(join(root, 'pkg'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ctx: CheckContext = {
  root,
  version: '1.0.0',
  policy: {} as CheckContext['policy'],
  env: { ...process.env },
  now: () => new Date('2026-01-01T00:00:00Z'),
};
const run = (params: unknown, signal = AbortSignal.timeout(30_000)) =>
  commandCheck.run(ctx, checkParams.command.parse(params), signal);

describe('splitCommand', () => {
  it.each([
    ['npm test', ['npm', 'test']],
    ['  npm   run  lint  ', ['npm', 'run', 'lint']],
    [
      `npm run "unit tests" -- --reporter=dot`,
      ['npm', 'run', 'unit tests', '--', '--reporter=dot'],
    ],
    [`echo 'it''s' "a \\"b\\""`, ['echo', 'its', 'a "b"']],
    [`echo ""`, ['echo', '']],
  ])('%s', (line, words) => expect(splitCommand(line)).toEqual(words));

  it('refuses an unterminated quote', () => {
    expect(splitCommand('echo "oops')).toBeUndefined();
    expect(splitCommand("echo 'oops")).toBeUndefined();
  });
});

describe('OutputCapture', () => {
  it('keeps 20 head and 20 tail lines and counts all, across chunk boundaries', () => {
    const capture = new OutputCapture();
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join('\n');
    for (let i = 0; i < text.length; i += 7) capture.push('stdout', text.slice(i, i + 7));
    capture.end();
    const out = capture.summary();
    expect(out.lines).toBe(1000);
    expect(out.head).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 1}`));
    expect(out.tail).toEqual(Array.from({ length: 20 }, (_, i) => `line ${981 + i}`));
  });

  it('keeps a line without end bounded', () => {
    const capture = new OutputCapture();
    for (let i = 0; i < 1000; i++) capture.push('stdout', 'x'.repeat(10_000));
    capture.end();
    const out = capture.summary();
    expect(out.lines).toBe(1);
    expect(out.head[0]!.length).toBeLessThanOrEqual(401);
  });
});

describe('command check', () => {
  it('passes on exit 0 with the command and output in evidence', async () => {
    const result = await run('echo hello world');
    expect(result.status).toBe('passed');
    expect(result.summary).toBe('echo hello world exited 0 (1 lines of output)');
    expect(result.evidence).toMatchObject({
      command: ['echo', 'hello', 'world'],
      exitCode: 0,
      output: { head: ['hello world'], tail: [], lines: 1 },
    });
  });

  it('fails with the exit code and the last line of output', async () => {
    const result = await run(['sh', '-c', 'echo "3 tests failed" >&2; exit 3']);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(
      'sh -c "echo \\"3 tests failed\\" >&2; exit 3" failed with exit code 3: 3 tests failed',
    );
    expect(result.evidence.exitCode).toBe(3);
    expect(result.fix).toBeTruthy();
  });

  it('is an error when the program does not exist', async () => {
    const result = await run('gonogo-no-such-program --version');
    expect(result.status).toBe('error');
    expect(result.summary).toBe(
      'gonogo-no-such-program: command not found; install it or fix the command',
    );
  });

  it('masks secrets the command prints, also in the command line itself', async () => {
    const [aws, , , key] = plantedSecrets(31);
    const result = await run({
      run: [
        'sh',
        '-c',
        'printf "%s\\n" "$LEAK"; cat "$KEYFILE" 2>/dev/null; echo done',
        aws!.secret,
      ],
      env: { LEAK: `AWS_ACCESS_KEY_ID=${aws!.secret}` },
    });
    expect(result.status).toBe('passed');
    const text = JSON.stringify(result);
    expect(text).not.toContain(aws!.secret);
    expect(result.evidence.output?.head[0]).toBe(
      'AWS_ACCESS_KEY_ID=AKIA…[REDACTED:aws-access-key-id]',
    );
    expect(result.evidence.command?.[3]).toBe('AKIA…[REDACTED:aws-access-key-id]');
    expect(key).toBeDefined();
  });

  it('masks a private key block printed across lines', async () => {
    const key = plantedSecrets(32).find((p) => p.id === 'private-key')!;
    const result = await run({ run: ['printf', '%s\\n', 'before', key.secret, 'after'] });
    const out = result.evidence.output!;
    expect(out.head).toEqual(['before', '----…[REDACTED:private-key]', 'after']);
    expect(JSON.stringify(result)).not.toContain(key.secret.split('\n')[1]);
  });

  it('runs a pipe only through the shell the playbook names', async () => {
    const result = await run({ run: "printf 'a\\nb\\nc\\n' | wc -l", shell: 'bash' });
    expect(result.status).toBe('passed');
    expect(result.evidence.output?.head.map((l) => l.trim())).toEqual(['3']);
    expect(result.evidence.command?.slice(0, 4)).toEqual(['bash', '-o', 'pipefail', '-c']);
    expect(() => checkParams.command.parse("printf 'a' | wc -l")).toThrow(/needs a shell/);
  });

  it('runs in cwd with env added, and refuses a cwd outside the repository', async () => {
    const inside = await run({
      run: ['sh', '-c', 'pwd; echo "$GREETING"'],
      cwd: 'pkg',
      env: { GREETING: 'hi' },
    });
    expect(inside.evidence.output?.head).toEqual([join(root, 'pkg'), 'hi']);
    const outside = await run({ run: 'ls', cwd: '../..' });
    expect(outside.status).toBe('error');
    expect(outside.summary).toMatch(/outside the repository/);
    const missing = await run({ run: 'ls', cwd: 'nope' });
    expect(missing).toMatchObject({ status: 'error' });
    expect(missing.summary).toMatch(/not a directory/);
  });

  it('on abort kills the whole process group and reports cancelled', async () => {
    const controller = new AbortController();
    const pidFile = join(root, 'group.pid');
    // Sleeps in the background, one deaf to SIGTERM: only the group's SIGKILL stops it.
    const pending = run(
      {
        run: `echo $$ > '${pidFile}.tmp' && mv '${pidFile}.tmp' '${pidFile}'; (trap '' TERM HUP; exec sleep 30) & sleep 31 & wait`,
        shell: 'bash',
      },
      controller.signal,
    );
    while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 20));
    const group = Number(readFileSync(pidFile, 'utf8'));
    while (liveMembers(group).length < 3) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ status: 'error', summary: 'cancelled' });
    expect(await groupGone(group)).toEqual([]);
  });

  it('finishes when the program exits even if a background child holds its output open', async () => {
    const result = await run({ run: 'sleep 3 & echo done', shell: 'bash' });
    expect(result.status).toBe('passed');
    expect(result.evidence.output?.head).toEqual(['done']);
  });

  it('an unterminated quote is an error before anything runs', async () => {
    const result = await commandCheck.run(
      ctx,
      { run: 'echo "unterminated' },
      AbortSignal.timeout(5_000),
    );
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/unterminated quote/);
  });
});

/** The live (not zombie) processes of process group `pgid`, from /proc. */
function liveMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...; comm may contain spaces, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

/** Polls until group `pgid` has no live process; returns what is still alive at the end. */
async function groupGone(pgid: number): Promise<number[]> {
  for (let i = 0; i < 250; i++) {
    if (liveMembers(pgid).length === 0) return [];
    await new Promise((r) => setTimeout(r, 20));
  }
  return liveMembers(pgid);
}
