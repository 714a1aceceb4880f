/**
 * Where the CLI finds a team server and its credentials: `GONOGO_SERVER` with `GONOGO_TOKEN`, or
 * what `gonogo login` stored (an API token, or with `--email` a signed-in session) in `$XDG_CONFIG_HOME/gonogo/credentials.json` (else
 * `~/.config/gonogo/credentials.json`), a file only its owner may read (mode 0600). A file
 * others may read is refused, not used: the token in it acts as its user.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvironmentError, InputError } from '../core/errors.ts';

/** What `gonogo login` keeps: an API token, or a signed-in session with its CSRF token. */
export type StoredCredentials =
  { server: string; token: string } | { server: string; session: string; csrf: string };

/** The server to work against and how to prove who is asking. */
export type RemoteCredentials =
  | { server: string; token: string }
  | { server: string; session: { secret: string; csrfToken: string } };

/**
 * The credentials file's path.
 *
 * @example credentialsPath({ XDG_CONFIG_HOME: '/home/ana/.config' }) // '/home/ana/.config/gonogo/credentials.json'
 */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(homedir(), '.config');
  return join(base, 'gonogo', 'credentials.json');
}

/**
 * The stored credentials, or undefined when there is no file; refuses one others may read.
 *
 * @example readCredentials()?.token
 */
export function readCredentials(
  env: NodeJS.ProcessEnv = process.env,
): StoredCredentials | undefined {
  const path = credentialsPath(env);
  if (!existsSync(path)) return undefined;
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new EnvironmentError({
      place: path,
      message: `${path} may be read by other users, and the token or session in it acts as you`,
      fix: `run chmod 600 ${path}, or remove it and run gonogo login again`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    parsed = undefined;
  }
  const c = parsed as { server?: unknown; token?: unknown; session?: unknown; csrf?: unknown };
  if (typeof c?.server === 'string' && typeof c.token === 'string') {
    return { server: c.server, token: c.token };
  }
  if (
    typeof c?.server === 'string' &&
    typeof c.session === 'string' &&
    typeof c.csrf === 'string'
  ) {
    return { server: c.server, session: c.session, csrf: c.csrf };
  }
  throw new EnvironmentError({
    place: path,
    message: `${path} is not a credentials file gonogo wrote`,
    fix: 'remove it and run gonogo login --server URL again',
  });
}

/**
 * Stores the credentials whole, readable by their owner only.
 *
 * @example writeCredentials({ server: 'https://gonogo.example.com', token: 'gng_…' })
 */
export function writeCredentials(
  credentials: StoredCredentials,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const path = credentialsPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Written beside it with mode 0600 from the start, then renamed: never readable by others, never half.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}

/**
 * Removes the stored credentials; true when there was a file to remove.
 *
 * @example removeCredentials() // true after gonogo login, false when not logged in
 */
export function removeCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  const path = credentialsPath(env);
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}

/**
 * The server to work against and its credentials, or undefined for local mode (no
 * `GONOGO_SERVER`). `GONOGO_TOKEN` wins over what is stored; stored credentials are used only
 * for the server they were stored for (a signed-in session acts as its user).
 *
 * @example remoteFromEnv(process.env) // { server: 'https://gonogo.example.com', token: 'gng_…' }
 */
export function remoteFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteCredentials | undefined {
  const server = env.GONOGO_SERVER?.trim();
  if (!server) return undefined;
  checkServerAddress(server);
  const token = env.GONOGO_TOKEN?.trim();
  if (token) return { server, token };
  const stored = readCredentials(env);
  if (stored && sameServer(stored.server, server)) {
    return 'token' in stored
      ? { server, token: stored.token }
      : { server, session: { secret: stored.session, csrfToken: stored.csrf } };
  }
  throw new EnvironmentError({
    place: server,
    message: `no token for ${server}`,
    fix: `set GONOGO_TOKEN, or run gonogo login --server ${server}`,
  });
}

/**
 * The signed-in session for managing tokens: for `GONOGO_SERVER` (else the stored server), from
 * `gonogo login --email`. A stored API token is not enough: a token may not make tokens.
 *
 * @example sessionFromEnv(process.env).session.csrfToken
 */
export function sessionFromEnv(env: NodeJS.ProcessEnv = process.env): {
  server: string;
  session: { secret: string; csrfToken: string };
} {
  const named = env.GONOGO_SERVER?.trim();
  if (named) checkServerAddress(named);
  const stored = readCredentials(env);
  const server = named ?? stored?.server;
  const login = `gonogo login --server ${server ?? 'URL'} --email YOUR-EMAIL`;
  if (!stored || !server || !sameServer(stored.server, server)) {
    throw new EnvironmentError({
      place: server ?? credentialsPath(env),
      message: `not signed in${server ? ` to ${server}` : ''}: managing API tokens needs you signed in with your e-mail and password`,
      fix: `run ${login}`,
    });
  }
  if ('token' in stored) {
    throw new EnvironmentError({
      place: credentialsPath(env),
      message: `the stored login for ${server} is an API token, and a token cannot manage tokens: that needs you signed in with your e-mail and password`,
      fix: `run ${login}`,
    });
  }
  return { server, session: { secret: stored.session, csrfToken: stored.csrf } };
}

function checkServerAddress(server: string): void {
  if (!/^https?:\/\/[^\s/]+/.test(server)) {
    throw new InputError([
      {
        message: `GONOGO_SERVER "${server.slice(0, 80)}" is not an http:// or https:// address`,
        fix: 'e.g. GONOGO_SERVER=https://gonogo.example.com, or unset it to work locally',
      },
    ]);
  }
}

function sameServer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
