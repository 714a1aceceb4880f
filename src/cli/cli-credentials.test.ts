import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  credentialsPath,
  readCredentials,
  remoteFromEnv,
  sessionFromEnv,
  writeCredentials,
} from './cli-credentials.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const freshEnv = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'gonogo-creds-'));
  dirs.push(d);
  return { XDG_CONFIG_HOME: d } as NodeJS.ProcessEnv;
};
const server = 'http://127.0.0.1:8080';

describe('stored credentials', () => {
  it('keeps a session readable by its owner only, and uses it for its server', () => {
    const env = freshEnv();
    writeCredentials({ server, session: 's3cret', csrf: 'c1' }, env);
    expect(statSync(credentialsPath(env)).mode & 0o777).toBe(0o600);
    expect(readCredentials(env)).toEqual({ server, session: 's3cret', csrf: 'c1' });
    const session = { secret: 's3cret', csrfToken: 'c1' };
    expect(sessionFromEnv(env)).toEqual({ server, session });
    expect(remoteFromEnv({ ...env, GONOGO_SERVER: `${server}/` })).toEqual({
      server: `${server}/`,
      session,
    });
    // GONOGO_TOKEN still wins for release commands.
    expect(remoteFromEnv({ ...env, GONOGO_SERVER: server, GONOGO_TOKEN: 'gng_x' })).toEqual({
      server,
      token: 'gng_x',
    });
  });

  it('refuses to manage tokens with a stored token, or without a login for that server', () => {
    const env = freshEnv();
    expect(() => sessionFromEnv(env)).toThrow(/not signed in/);
    writeCredentials({ server, token: 'gng_x' }, env);
    expect(() => sessionFromEnv(env)).toThrow(/is an API token, and a token cannot manage tokens/);
    writeCredentials({ server, session: 's', csrf: 'c' }, env);
    expect(() => sessionFromEnv({ ...env, GONOGO_SERVER: 'http://other:1' })).toThrow(
      /not signed in to http:\/\/other:1/,
    );
  });

  it('refuses a file others may read, and one gonogo did not write', () => {
    const env = freshEnv();
    writeCredentials({ server, session: 's', csrf: 'c' }, env);
    chmodSync(credentialsPath(env), 0o640);
    expect(() => readCredentials(env)).toThrow(/may be read by other users/);
    writeFileSync(credentialsPath(env), '{"server":"x","session":1}', { mode: 0o600 });
    chmodSync(credentialsPath(env), 0o600);
    expect(() => readCredentials(env)).toThrow(/not a credentials file/);
  });
});
