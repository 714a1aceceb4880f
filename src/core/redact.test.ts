import { describe, expect, it } from 'vitest';
import {
  collectSecretValues,
  createRedactor,
  isSecretName,
  maskSecret,
  redactArgv,
  redactDeep,
  redactText,
} from './redact.ts';
import { plantedSecrets } from './secret-samples.fixture.ts';

describe('maskSecret', () => {
  it('keeps the first 4 characters of a long value and names the kind', () => {
    expect(maskSecret('abcdefghijklmnopqrst', 'github-token')).toBe('abcd…[REDACTED:github-token]');
  });

  it('shows less of a short value', () => {
    expect(maskSecret('s3cr3tpw', 'url-password')).toBe('s3…[REDACTED:url-password]');
    expect(maskSecret('abc')).toBe('…[REDACTED:secret]');
  });
});

describe('redactText: token shapes', () => {
  it('masks every planted secret and leaves the text around it alone', () => {
    for (const p of plantedSecrets(21)) {
      const out = redactText(p.content);
      expect(out, p.id).not.toContain(p.secret);
      expect(out, p.id).toContain(`[REDACTED:${p.id}]`);
      const before = p.content.slice(0, p.content.indexOf(p.secret));
      expect(out.startsWith(before), p.id).toBe(true);
    }
  });

  it('masks a whole private key block, not just its first line', () => {
    const key = plantedSecrets(5).find((p) => p.file === 'deploy/id_rsa')!;
    const out = redactText(`deploying with\n${key.content}done\n`);
    expect(out).toBe('deploying with\n----…[REDACTED:private-key]\ndone\n');
  });

  it('returns text without secrets unchanged', () => {
    const text =
      'npm test\n> 42 passed\nhttps://registry.npmjs.org/\nhttp://localhost:8080/health\n✓ authorization: rejects a bad token (3ms)\nToken: expired\n';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactText: credentials', () => {
  it.each([
    ['Authorization: Bearer abc.def-123', 'Authorization: Bearer …[REDACTED:authorization]'],
    ['> authorization: Basic dXNlcjpwYXNz', '> authorization: Basic …[REDACTED:authorization]'],
    [
      'curl -H "Authorization: token 0123abcd" https://api.example.org',
      'curl -H "Authorization: token …[REDACTED:authorization]" https://api.example.org',
    ],
    [
      '{"Authorization":"Bearer abc123","x":1}',
      '{"Authorization":"Bearer …[REDACTED:authorization]","x":1}',
    ],
    ['Authorization: abc123', 'Authorization: …[REDACTED:authorization]'],
    [
      'git -c http.extraheader=AUTHORIZATION: basic eDpzZWNyZXQ= fetch',
      'git -c http.extraheader=AUTHORIZATION: basic …[REDACTED:authorization]',
    ],
    ['Cookie: session=abc; theme=dark', 'Cookie: …[REDACTED:cookie]'],
    [
      'echo "> Authorization: Basic abc="',
      'echo "> Authorization: Basic …[REDACTED:authorization]"',
    ],
    ['  X-Api-Key: k-123456', '  X-Api-Key: …[REDACTED:x-api-key]'],
  ])('header %s', (text, masked) => expect(redactText(text)).toBe(masked));

  it.each([
    ['curl -u ci:hunter2 https://h', 'curl -u ci:…[REDACTED:user-password] https://h'],
    ['curl --user ci:hunter2 https://h', 'curl --user ci:…[REDACTED:user-password] https://h'],
    ['curl --user=ci:hunter2 https://h', 'curl --user=ci:…[REDACTED:user-password] https://h'],
    ['curl -uci:hunter2 https://h', 'curl -uci:…[REDACTED:user-password] https://h'],
    ["curl -u 'ci:hun ter2' https://h", "curl -u 'ci:…[REDACTED:user-password]' https://h"],
    ['curl -u ci https://h', 'curl -u ci https://h'],
  ])('user %s', (text, masked) => expect(redactText(text)).toBe(masked));

  it.each([
    ['https://u:p@ss%40w0rd@host/x', 'https://u:…[REDACTED:url-password]@host/x'],
    [
      'https://u:p@ss:w0rd@db.internal:5432/app',
      'https://u:…[REDACTED:url-password]@db.internal:5432/app',
    ],
    ['redis://:hunter2@cache.example:6379', 'redis://:…[REDACTED:url-password]@cache.example:6379'],
    [
      'clone https://x-access-token:ghs_1a2b@git.example.org/o/r.git done',
      'clone https://x-access-token:…[REDACTED:url-password]@git.example.org/o/r.git done',
    ],
    [
      'see "postgres://app:pw@127.0.0.1/db"',
      'see "postgres://app:…[REDACTED:url-password]@127.0.0.1/db"',
    ],
    [
      'http://host:8080/path and ssh://git@github.com:22/x',
      'http://host:8080/path and ssh://git@github.com:22/x',
    ],
  ])('URL %s', (text, masked) => expect(redactText(text)).toBe(masked));

  it.each([
    [
      'docker login --password hunter22 -u x',
      'docker login --password …[REDACTED:credential] -u x',
    ],
    ['tool --api-key=abc123def', 'tool --api-key=…[REDACTED:credential]'],
    ['docker login --password-stdin', 'docker login --password-stdin'],
    ['export DB_PASSWORD=hunter22', 'export DB_PASSWORD=…[REDACTED:credential]'],
    ['"api_key": "abcd1234"', '"api_key": "…[REDACTED:credential]"'],
    ['SESSION_TIMEOUT=86400 DEBUG_TOKEN=true', 'SESSION_TIMEOUT=86400 DEBUG_TOKEN=true'],
    ['TOKEN=$GITHUB_TOKEN', 'TOKEN=$GITHUB_TOKEN'],
  ])('flag or assignment %s', (text, masked) => expect(redactText(text)).toBe(masked));

  it('masks the secret values it is given, longest first, wherever they appear', () => {
    const out = redactText('using s3cr3t-value and s3cr3t-value-2 here', {
      secretValues: ['s3cr3t-value', 's3cr3t-value-2'],
    });
    expect(out).toBe('using …[REDACTED:env-secret] and …[REDACTED:env-secret] here');
  });

  it('is idempotent: masking masked text changes nothing', () => {
    const text = [
      'curl -u ci:hunter2 -H "Authorization: Bearer abc123" https://u:p@ss@host/x',
      'export DB_PASSWORD=hunter22 --token zzz999',
      ...plantedSecrets(3).map((p) => p.content),
      'printed s3cr3t-value',
    ].join('\n');
    const options = { secretValues: ['s3cr3t-value'] };
    const once = redactText(text, options);
    expect(once).not.toBe(text);
    expect(redactText(once, options)).toBe(once);
  });
});

describe('isSecretName and collectSecretValues', () => {
  it.each([
    ['GITHUB_TOKEN', true],
    ['PGPASSWORD', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['npm_config__auth', true],
    ['HTTP_AUTHORIZATION', true],
    ['SESSION_SECRET', true],
    ['GOOGLE_APPLICATION_CREDENTIALS', true],
    ['COOKIE_JAR', true],
    ['GIT_AUTHOR_NAME', false],
    ['XAUTHORITY', false],
    ['SSH_AUTH_SOCK', false],
    ['XDG_SESSION_TYPE', false],
    ['PWD', false],
    ['HOME', false],
  ])('%s → %s', (name, expected) => expect(isSecretName(name)).toBe(expected));

  it('takes the values of secret names that are long enough and not trivial', () => {
    const values = collectSecretValues({
      NPM_TOKEN: 'n9Qz2-fake-LmX7vB4',
      DB_PASSWORD: 'p@ss w0rd',
      SHORT_KEY: 'abc',
      USE_AUTH: 'true',
      SESSION_TIMEOUT: '86400',
      GIT_AUTHOR_EMAIL: 'ana@example.com',
      HOME: '/home/ana',
      UNSET_TOKEN: undefined,
    });
    expect(values).toEqual(['n9Qz2-fake-LmX7vB4', 'p%40ss%20w0rd', 'p@ss w0rd']);
  });

  it('adds each line of a multi-line value', () => {
    expect(collectSecretValues({ SIGNING_KEY: 'line-one-abc\nline-two-def' })).toEqual([
      'line-one-abc%0Aline-two-def',
      'line-one-abc\nline-two-def',
      'line-one-abc',
      'line-two-def',
    ]);
  });
});

describe('redactArgv and redactDeep', () => {
  it('masks a credential given as the argument after its flag', () => {
    expect(redactArgv(['curl', '-u', 'ci:hunter2', '--token', 'abc', 'https://h'])).toEqual([
      'curl',
      '-u',
      'ci:…[REDACTED:user-password]',
      '--token',
      '…[REDACTED:credential]',
      'https://h',
    ]);
  });

  it('masks strings at any depth, secret-named keys whole, and keeps the input as it was', () => {
    const input = {
      summary: 'printed n9Qz2-fake-LmX7vB4',
      evidence: {
        exitCode: 0,
        manifests: [{ file: 'package.json', key: 'version', value: '1.2.0' }],
        headers: { Authorization: 'Bearer abc123', Accept: 'text/plain' },
        command: ['curl', '-u', 'ci:hunter2'],
        output: { head: ['ok', 'token n9Qz2-fake-LmX7vB4'], tail: [], lines: 2 },
        missing: null,
      },
    };
    const copy = structuredClone(input);
    const out = redactDeep(input, { secretValues: ['n9Qz2-fake-LmX7vB4'] });
    expect(input).toEqual(copy);
    expect(out).toEqual({
      summary: 'printed …[REDACTED:env-secret]',
      evidence: {
        exitCode: 0,
        manifests: [{ file: 'package.json', key: 'version', value: '1.2.0' }],
        headers: { Authorization: '…[REDACTED:credential]', Accept: 'text/plain' },
        command: ['curl', '-u', 'ci:…[REDACTED:user-password]'],
        output: { head: ['ok', 'token …[REDACTED:env-secret]'], tail: [], lines: 2 },
        missing: null,
      },
    });
  });

  it('a redactor compiled once masks like redactText', () => {
    const redact = createRedactor({ secretValues: ['n9Qz2-fake-LmX7vB4'] });
    const text = 'a n9Qz2-fake-LmX7vB4 b https://u:pw@host';
    expect(redact(text)).toBe(redactText(text, { secretValues: ['n9Qz2-fake-LmX7vB4'] }));
  });
});

describe('redactText: gonogo tokens', () => {
  it('masks an API token in captured output', () => {
    const token = `gng_${'Zq8-x_3Lm9Kp2Rt7Vw1Yb4Nc6Hd0Jf5Gs8Ae3Ui2Oo'}`;
    const out = redactText(
      `curl -H "Authorization: Bearer ${token}" https://gonogo.internal/api/v1\n`,
    );
    expect(out).not.toContain(token);
    expect(out).toContain('[REDACTED:');
  });
});
