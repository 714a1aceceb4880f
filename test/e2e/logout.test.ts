/**
 * `gonogo logout` against a real `gonogo serve`: it ends the stored session on the server (or
 * every session of the user with --everywhere) and removes the stored login; without one it
 * has nothing to do; a token login keeps its token working; and when the server cannot be
 * reached, the login is removed all the same and the command says the session lives on.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli-helper.ts';
import {
  addUser,
  apiClient,
  makeToken,
  passwordOf,
  setUp,
  signIn,
  startServe,
} from './server-helper.ts';
import type { Api, Headerset, Served } from './server-helper.ts';

const project = 'acme/app';
const ana = 'ana@example.com';
const dir = mkdtempSync(path.join(tmpdir(), 'gonogo-logout-'));
let served: Served;
let api: Api;
let admin: Headerset;

beforeAll(async () => {
  served = await startServe(path.join(dir, 'team.db'), dir);
  api = apiClient(served.base);
  admin = await setUp(api, served.setupCode!, project);
  await addUser(api, admin, project, ana, ['member']);
});

afterAll(async () => {
  if (served) expect(await served.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with its own config directory (the credentials file's home). */
function cli(config: string, args: string[], input = '') {
  return run(args, { cwd: dir, env: { XDG_CONFIG_HOME: config }, input });
}

const credentialsOf = (config: string) => path.join(config, 'gonogo', 'credentials.json');

/** Signs ana in through the CLI in a fresh config directory; returns the directory. */
async function loggedIn(server = served.base): Promise<string> {
  const config = mkdtempSync(path.join(dir, 'config-'));
  const login = await cli(
    config,
    ['login', '--server', server, '--email', ana],
    `${passwordOf(ana)}\n`,
  );
  expect(login.code, login.stderr).toBe(0);
  return config;
}

/** Whether the session of these headers still works on `base`. */
async function works(headers: Headerset, base = served.base): Promise<boolean> {
  const r = await apiClient(base)('/session', { headers });
  return r.status === 200;
}

/** The stored session as request headers. */
async function storedSession(config: string): Promise<Headerset> {
  const { readFile } = await import('node:fs/promises');
  const c = JSON.parse(await readFile(credentialsOf(config), 'utf8')) as {
    session: string;
    csrf: string;
  };
  return { cookie: `gonogo_session=${c.session}`, 'x-csrf-token': c.csrf };
}

describe('gonogo logout', () => {
  it('ends the stored session on the server and removes it; a second logout has nothing to do', async () => {
    const config = await loggedIn();
    const session = await storedSession(config);
    const browser = await signIn(api, ana);
    expect(await works(session)).toBe(true);

    const out = await cli(config, ['logout']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`logged out of ${served.base}: removed ${credentialsOf(config)}`);
    expect(out.stdout).toContain('ended the session there');
    expect(existsSync(credentialsOf(config))).toBe(false);
    expect(await works(session)).toBe(false);
    // Only that session: the browser stays signed in.
    expect(await works(browser)).toBe(true);

    const again = await cli(config, ['logout']);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toMatch(
      /^not logged in: there is no stored login \(.*\), so nothing to log out of$/m,
    );
    expect(JSON.parse((await cli(config, ['--json', 'logout'])).stdout)).toEqual({ removed: null });
  });

  it('--everywhere ends every session of the user', async () => {
    const config = await loggedIn();
    const browser = await signIn(api, ana);
    const out = await cli(config, ['--json', 'logout', '--everywhere']);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      server: served.base,
      serverSession: 'ended',
      everywhere: true,
    });
    expect(await works(browser)).toBe(false);
    expect(existsSync(credentialsOf(config))).toBe(false);
  });

  it('a session that had ended already is still removed', async () => {
    const config = await loggedIn();
    await api('/session', { method: 'DELETE', headers: await storedSession(config) });
    const out = await cli(config, ['logout']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('the session had already ended there');
    expect(existsSync(credentialsOf(config))).toBe(false);
  });

  it('a token login is removed; the token keeps working until revoked, and says so', async () => {
    const { secret } = await makeToken(api, await signIn(api, ana), project, ['member']);
    const config = mkdtempSync(path.join(dir, 'config-'));
    expect((await cli(config, ['login', '--server', served.base], `${secret}\n`)).code).toBe(0);
    const browser = await signIn(api, ana);
    const out = await cli(config, ['logout']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/the API token itself still works .*gonogo token revoke ID/);
    expect(existsSync(credentialsOf(config))).toBe(false);
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await api('/tokens', { headers: bearer })).status).toBe(200);
    expect(await works(browser)).toBe(true);
  });

  it('when the server cannot be reached: removes the login, says the session was not ended and how to end it (exit 2)', async () => {
    const db = path.join(dir, 'other.db');
    const other = await startServe(db, dir);
    const api2 = apiClient(other.base);
    const admin2 = await setUp(api2, other.setupCode!, project);
    await addUser(api2, admin2, project, ana, ['member']);
    const config = await loggedIn(other.base);
    const session = await storedSession(config);
    expect(await other.stop()).toBe(0);

    const out = await cli(config, ['logout']);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain(`logged out of ${other.base}: removed ${credentialsOf(config)}`);
    expect(out.stderr).toMatch(
      new RegExp(
        `^gonogo: the session was not ended on ${other.base}: ${other.base} refused the connection$`,
        'm',
      ),
    );
    expect(out.stderr).toContain(
      `gonogo login --server ${other.base} --email YOUR-EMAIL, then gonogo logout --everywhere`,
    );
    expect(existsSync(credentialsOf(config))).toBe(false);

    // It was not ended indeed: the same database, served again, still knows the session.
    const back = await startServe(db, dir);
    try {
      expect(await works(session, back.base)).toBe(true);
    } finally {
      expect(await back.stop()).toBe(0);
    }
  });
});
