/**
 * The CLI against a real `gonogo serve`: a person signs in with `gonogo login --email` (password
 * on stdin) and makes API tokens with `gonogo token create`; then one release scenario runs twice
 * through the built CLI, once locally (GONOGO_DB, GONOGO_USER) and once against the server
 * (GONOGO_SERVER, GONOGO_TOKEN), and the two transcripts, normalised, are identical.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repo, RunResult } from './cli-helper.ts';
import { makeRepo, removeRepos } from './cli-helper.ts';
import { addUser, apiClient, passwordOf, setUp, startServe } from './server-helper.ts';
import type { Served } from './server-helper.ts';

const project = 'github.com/acme/shop';
const rm = 'rm@example.com';
const qa = 'qa@example.com';

const playbook = `name: CLI and server
project: ${project}
roles:
  qa-lead: QA Lead
environments: [production]
phases:
  - id: pre-release
    items:
      - id: changelog
        title: CHANGELOG updated
  - id: qa-gate
    title: QA gate
    gate: [qa-lead]
  - id: production
    title: Deploy to production
    items:
      - id: deployed
        title: Deployed to production
`;

/** Each step: who runs it and the arguments. */
const scenario: { who: string; args: string[] }[] = [
  { who: rm, args: ['release', 'start', '1.0.0'] },
  { who: rm, args: ['item', 'done', 'changelog', '--note', 'written'] },
  { who: rm, args: ['decide'] },
  { who: qa, args: ['sign', 'qa-lead', 'go', '-m', 'tested'] },
  { who: rm, args: ['status'] },
  { who: rm, args: ['--json', 'status'] },
  { who: rm, args: ['decide'] },
  { who: rm, args: ['deploy', 'production'] },
  { who: rm, args: ['env'] },
  { who: rm, args: ['export', '--format', 'md'] },
];

const dir = mkdtempSync(path.join(tmpdir(), 'gonogo-cli-server-'));
let served: Served;
let repo: Repo;
/** Each user's own config directory (XDG_CONFIG_HOME): their credentials file. */
const configOf = (who: string) => path.join(dir, `config-${who}`);

beforeAll(async () => {
  served = await startServe(path.join(dir, 'team.db'), dir);
  const api = apiClient(served.base);
  const admin = await setUp(api, served.setupCode!, project);
  await addUser(api, admin, project, rm, ['release-manager']);
  await addUser(api, admin, project, qa, ['member', 'qa-lead']);
  repo = await makeRepo({ user: rm });
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
});

afterAll(async () => {
  // SIGTERM: the server ends cleanly (exit 0).
  if (served) expect(await served.stop()).toBe(0);
  await removeRepos();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI as `who` with their own credentials file. */
function as(who: string, args: string[], env: Record<string, string | undefined>, input = '') {
  return repo.run(args, {
    env: { GONOGO_USER: who, XDG_CONFIG_HOME: configOf(who), ...env },
    input,
  });
}

/** Signs `who` in through the CLI (password on stdin) and makes their token; returns its secret. */
async function loginAndToken(who: string): Promise<string> {
  const login = await as(
    who,
    ['login', '--server', served.base, '--email', who],
    {},
    `${passwordOf(who)}\n`,
  );
  expect(login, login.stderr).toMatchObject({ code: 0 });
  const made = await as(
    who,
    ['--json', 'token', 'create', '--project', project, '--name', 'e2e', '--expires', '30d'],
    {},
  );
  expect(made.code, made.stderr).toBe(0);
  return (JSON.parse(made.stdout) as { secret: string }).secret;
}

/**
 * What must differ between a local run and a server run, replaced by placeholders: the server's
 * address (its port), times (ISO, and to the minute as `2026-12-01 15:24`), ids (UUIDs: the release's) and hashes (event-chain heads, the
 * commit and playbook hashes). JSON output is compared with its keys sorted: the server's
 * answer lists a release's fields in its schema's order, the local store in its own. The actor
 * e-mail is not normalised: a token acts as its user, so the log names the same person.
 */
function normalise(text: string, base: string): string {
  return sortJsonKeys(text)
    .replaceAll(base, '<server>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/g, '<time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<id>')
    .replace(/\b[0-9a-f]{12,64}\b/g, '<hash>');
}

/** JSON text re-serialised with every object's keys in order; other text unchanged. */
function sortJsonKeys(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sorted(value));
}

describe('the CLI against a server', () => {
  it('signs in with --email, creates, lists and revokes tokens; refuses what it must', async () => {
    const who = 'rm@example.com';
    const secret = await loginAndToken(who);
    expect(secret).toMatch(/^gng_/);
    const file = path.join(configOf(who), 'gonogo', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const text = await as(
      who,
      ['token', 'create', '--project', project, '--name', 'ci', '--role', 'member'],
      {},
    );
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/\n {2}gng_\S+\n/);
    expect(text.stdout).toMatch(/not shown again/);
    const list = await as(who, ['--json', 'token', 'list'], {});
    const tokens = (
      JSON.parse(list.stdout) as { tokens: { id: string; name: string; roles: string[] }[] }
    ).tokens;
    expect(tokens.map((t) => t.name).sort()).toEqual(['ci', 'e2e']);
    expect(list.stdout).not.toMatch(/gng_/);
    const ci = tokens.find((t) => t.name === 'ci')!;
    expect(ci.roles).toEqual(['member']);
    const revoked = await as(who, ['token', 'revoke', ci.id], {});
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await as(who, ['token', 'list'], {});
    expect(after.stdout).toMatch(new RegExp(`${ci.id}.*revoked`));

    // No password on the command line; a bad --expires is refused before anything is made.
    expect(
      (await as(who, ['login', '--server', served.base, '--email', who, '--password', 'x'], {}))
        .code,
    ).toBe(2);
    const bad = await as(
      who,
      ['token', 'create', '--project', project, '--name', 'x', '--expires', 'soon'],
      {},
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--expires "soon" is not a duration/);
    // A wrong password: nothing stored over the session.
    const wrong = await as(
      who,
      ['login', '--server', served.base, '--email', who],
      {},
      'not the password\n',
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/e-mail address or password is not right/);
    const short = await as(who, ['login', '--server', served.base, '--email', who], {}, 'short\n');
    expect(short.stderr).toMatch(/e-mail address or password is not right/);
    expect((await as(who, ['token', 'list'], {})).code).toBe(0);

    // A token login cannot make tokens, and says how to sign in.
    const other = path.join(dir, 'config-token-only');
    const tokenEnv = { XDG_CONFIG_HOME: other };
    const tl = await repo.run(['login', '--server', served.base], {
      env: tokenEnv,
      input: `${secret}\n`,
    });
    expect(tl.code, tl.stderr).toBe(0);
    const refused = await repo.run(['token', 'create', '--project', project, '--name', 'y'], {
      env: tokenEnv,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`gonogo login --server ${served.base} --email`);

    // A credentials file others may read is refused, not used.
    chmodSync(file, 0o644);
    const open = await as(who, ['token', 'list'], {});
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/may be read by other users/);
    chmodSync(file, 0o600);

    // A session that ended (signed out elsewhere) says how to sign in again.
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { session: string; csrf: string };
    const out = await fetch(`${served.base}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie: `gonogo_session=${stored.session}`, 'x-csrf-token': stored.csrf },
    });
    expect(out.status).toBe(204);
    const ended = await as(who, ['token', 'list'], {});
    expect(ended.code).toBe(2);
    expect(ended.stderr).toMatch(/session on .* has ended/);
    expect(ended.stderr).toContain(`gonogo login --server ${served.base} --email`);
  });

  it('gives the same transcript locally and against the server', async () => {
    const tokens: Record<string, string> = {
      [rm]: await loginAndToken(rm),
      [qa]: await loginAndToken(qa),
    };
    const local: RunResult[] = [];
    for (const step of scenario) local.push(await as(step.who, step.args, {}));
    const remote: RunResult[] = [];
    for (const step of scenario) {
      remote.push(
        await as(step.who, step.args, {
          GONOGO_DB: undefined,
          GONOGO_USER: undefined,
          GONOGO_SERVER: served.base,
          GONOGO_TOKEN: tokens[step.who],
        }),
      );
    }
    const show = (rs: RunResult[]) =>
      rs.map((r, i) => ({
        step: scenario[i]!.args.join(' '),
        code: r.code,
        stdout: normalise(r.stdout, served.base),
        stderr: normalise(r.stderr, served.base),
      }));
    expect(local.map((r) => r.code)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    // The export names both people: the comparison below covers who did what.
    expect(local.at(-1)!.stdout).toMatch(/\*\*go\*\* by qa@example\.com as QA Lead/);
    expect(show(remote)).toEqual(show(local));
  });
});
