import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { testContext, useTestRepos } from './check-git.fixture.ts';
import type { CheckContext } from './check-types.ts';
import commandCheck, { hasPipeline, OutputCapture, splitCommand } from './command-check.ts';
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

describe('hasPipeline', () => {
  it.each([
    ['npm test | tee log', true],
    ['false|cat', true],
    ['a || b', false],
    ["grep 'a|b' f", false],
    ['grep "a|b" f && echo ok', false],
    ['echo a\\|b', false],
    ['echo x >| file', false],
  ])('%s → %s', (line, expected) => expect(hasPipeline(line)).toBe(expected));
});

describe('command check: shells', () => {
  const shHasPipefail = (() => {
    try {
      execFileSync('sh', ['-o', 'pipefail', '-c', 'true'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it('runs bash with pipefail, so a failure before the last | fails the check', async () => {
    const result = await run({ run: 'false | cat', shell: 'bash' });
    expect(result.status).toBe('failed');
    expect(result.evidence.exitCode).toBe(1);
    expect(result.evidence.shell).toEqual({ name: 'bash', pipefail: true });
    expect((await run({ run: 'true | cat', shell: 'bash' })).status).toBe('passed');
  });

  it('never passes `false | cat` with sh: pipefail where sh has it, refused where not', async () => {
    const result = await run({ run: 'false | cat', shell: 'sh' });
    if (shHasPipefail) {
      expect(result.status).toBe('failed');
    } else {
      expect(result.status).toBe('error');
      expect(result.summary).toBe(
        'sh on this machine has no pipefail, so a failure before a "|" would pass unseen',
      );
      expect(result.fix).toMatch(/shell: bash/);
    }
  });

  it('runs sh without a pipeline either way, and says whether pipefail was on', async () => {
    const result = await run({ run: 'echo one && echo two', shell: 'sh' });
    expect(result.status).toBe('passed');
    expect(result.evidence.shell).toEqual(
      shHasPipefail
        ? { name: 'sh', pipefail: true }
        : {
            name: 'sh',
            pipefail: false,
            note: 'sh on this machine has no pipefail; the command has no pipeline',
          },
    );
  });

  it('is could-not-run when the shell cannot find the program (exit 127)', async () => {
    const result = await run({ run: 'gonogo-no-such-program --version', shell: 'bash' });
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(
      /^bash -o pipefail -c "gonogo-no-such-program --version" could not run a program \(exit code 127: command not found\): .*gonogo-no-such-program: command not found$/,
    );
    expect(result.evidence.exitCode).toBe(127);
    const notExecutable = await run({ run: 'echo x > plain.txt && ./plain.txt', shell: 'bash' });
    expect(notExecutable.status).toBe('error');
    expect(notExecutable.summary).toMatch(/exit code 126: not executable/);
  });
});

describe('command check: masking', () => {
  const secretCtx = (env: Record<string, string>): CheckContext => ({
    ...ctx,
    env: { ...ctx.env, ...env },
  });

  it('masks the values of secret-named variables wherever the command prints them', async () => {
    const token = 'dT0k-fake-9f8e7d6c5b';
    const result = await commandCheck.run(
      secretCtx({ DEPLOY_TOKEN: token }),
      checkParams.command.parse({
        run: ['sh', '-c', 'echo "deploying with $DEPLOY_TOKEN"; echo "$DB_PASSWORD" >&2; exit 2'],
        env: { DB_PASSWORD: 'p@ss:w0rd/x' },
      }),
      AbortSignal.timeout(30_000),
    );
    expect(result.status).toBe('failed');
    expect(result.evidence.output?.head).toEqual([
      'deploying with …[REDACTED:env-secret]',
      '…[REDACTED:env-secret]',
    ]);
    expect(result.summary).toBe(
      'sh -c "echo \\"deploying with $DEPLOY_TOKEN\\"; echo \\"$DB_PASSWORD\\" >&2; exit 2" failed with exit code 2: …[REDACTED:env-secret]',
    );
    expect(JSON.stringify(result)).not.toContain(token);
    expect(JSON.stringify(result)).not.toContain('p@ss:w0rd');
  });

  it('masks Authorization headers, -u user:pass and URL passwords in output and argv', async () => {
    const result = await run({
      run: [
        'sh',
        '-c',
        'echo "> Authorization: Basic dXNlcjpodW50ZXIy"; echo "fetching https://ci:p@ss:w0rd@git.internal/repo.git"; echo "$0"',
        '-u',
        'ci:hunter22',
      ],
    });
    expect(result.status).toBe('passed');
    expect(result.evidence.output?.head).toEqual([
      '> Authorization: Basic …[REDACTED:authorization]',
      'fetching https://ci:…[REDACTED:url-password]@git.internal/repo.git',
      '-u',
    ]);
    expect(result.evidence.command?.slice(3)).toEqual(['-u', 'ci:…[REDACTED:user-password]']);
    const text = JSON.stringify(result);
    for (const secret of ['dXNlcjpodW50ZXIy', 'p@ss:w0rd', 'hunter22'])
      expect(text).not.toContain(secret);
  });
});

describe('command check: the release commit', () => {
  const repo = useTestRepos(afterEach);
  const runAt = (root: string, commit: string | undefined, params: unknown) =>
    commandCheck.run(
      testContext(root, '1.0.0', {
        ...(commit ? { commit } : {}),
        env: { PATH: process.env.PATH },
      }),
      checkParams.command.parse(params),
      AbortSignal.timeout(30_000),
    );

  it('runs when HEAD is the release commit and tracked files are unchanged', async () => {
    const r = repo();
    const release = r.commit('one', { 'a.txt': 'a\n' });
    r.write({ 'build/out.txt': 'untracked output\n' });
    const result = await runAt(r.root, release, 'cat a.txt');
    expect(result.status).toBe('passed');
    expect(result.evidence).toMatchObject({ commit: release, output: { head: ['a'] } });
  });

  it('could not run when HEAD moved past the release commit', async () => {
    const r = repo();
    const release = r.commit('one', { 'a.txt': 'a\n' });
    const head = r.commit('two', { 'a.txt': 'b\n' });
    const result = await runAt(r.root, release, 'cat a.txt');
    expect(result.status).toBe('error');
    expect(result.summary).toBe(
      `HEAD is ${head.slice(0, 7)}, the release is pinned to ${release.slice(0, 7)}: check out the release commit or retarget the release`,
    );
    expect(result.evidence.output).toBeUndefined();
  });

  it('could not run when a tracked file differs from the release commit', async () => {
    const r = repo();
    const release = r.commit('one', { 'a.txt': 'a\n' });
    r.write({ 'a.txt': 'edited\n' });
    const result = await runAt(r.root, release, 'cat a.txt');
    expect(result.status).toBe('error');
    expect(result.summary).toBe(
      `tracked files differ from the release commit ${release.slice(0, 7)}: commit or stash them (a.txt)`,
    );
  });

  it('could not run when the release commit is missing from the clone', async () => {
    const r = repo();
    r.commit('one');
    const result = await runAt(r.root, 'd'.repeat(40), 'true');
    expect(result).toMatchObject({ status: 'error', evidence: { commit: 'd'.repeat(40) } });
    expect(result.summary).toMatch(/^release commit ddddddd is not in this clone/);
  });

  it('without a release commit runs in the working tree as it is and says so', async () => {
    const r = repo();
    r.commit('one', { 'a.txt': 'a\n' });
    r.write({ 'a.txt': 'edited\n' });
    const result = await runAt(r.root, undefined, 'cat a.txt');
    expect(result.status).toBe('passed');
    expect(result.evidence).toMatchObject({
      source: 'working tree',
      note: 'the release has no commit: ran in the working tree as it is',
      output: { head: ['edited'] },
    });
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
