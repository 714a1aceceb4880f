import { describe, expect, it } from 'vitest';
import { alnum, createRandom, randomString } from './secret-samples.fixture.ts';
import {
  findSecrets,
  isBinaryContent,
  isPlaceholderSecret,
  secretPatterns,
  shannonEntropy,
} from './secret-patterns.ts';

const rnd = createRandom(3);
const r = (n: number, alphabet = alnum) => randomString(rnd, alphabet, n);

describe('shannonEntropy', () => {
  it('is 0 for one repeated character and log2(n) for n distinct ones', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('abcdefghijklmnop')).toBe(4);
  });
});

describe('isPlaceholderSecret', () => {
  it.each([
    'YOUR_API_KEY',
    'your-token-here',
    'xxxxxxxxxxxx',
    'changeme',
    '<token>',
    '${TOKEN}',
    '$GITHUB_TOKEN',
    'process.env.API_KEY',
    'exampleSecret123',
    'dummy-key-123456',
    'my-test-token-1',
    'FAKE_KEY_0001',
    '{{ vault_password }}',
    '**********',
  ])('%s is a placeholder', (value) => expect(isPlaceholderSecret(value)).toBe(true));

  it('a random value is not', () => {
    expect(isPlaceholderSecret(r(24))).toBe(false);
  });
});

describe('findSecrets', () => {
  it('reports line, column and the span of the value only', () => {
    const value = r(28);
    const text = `first line\n  api_key = "${value}"\n`;
    const [m] = findSecrets(text);
    expect(m).toMatchObject({ id: 'secret-assignment', line: 2, column: 14, secret: value });
    expect(text.slice(m!.start, m!.end)).toBe(value);
  });

  it('finds several secrets on one line and keeps the most specific pattern for an overlap', () => {
    const gh = `ghp_${r(36)}`;
    const aws = `AKIA${r(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    const found = findSecrets(`GITHUB_TOKEN="${gh}" AWS_KEY=${aws}`);
    expect(found.map((f) => [f.id, f.secret])).toEqual([
      ['github-token', gh],
      ['aws-access-key-id', aws],
    ]);
  });

  it('counts lines across CRLF and finds secrets on late lines', () => {
    const token = `glpat-${r(20)}`;
    const text = `${'filler line\r\n'.repeat(500)}token: ${token}\r\n`;
    expect(findSecrets(text)).toMatchObject([{ id: 'gitlab-token', line: 501, column: 8 }]);
  });

  it('a private key block spans lines and ends at its END line', () => {
    const header = '-----BEGIN ' + 'EC PRIVATE KEY-----';
    const footer = '-----END ' + 'EC PRIVATE KEY-----';
    const block = `${header}\n${r(64, `${alnum}+/`)}\n${r(40, `${alnum}+/`)}=\n${footer}`;
    const [m] = findSecrets(`x\n${block}\nafter`);
    expect(m).toMatchObject({ id: 'private-key', line: 2, secret: block });
  });

  it('a BEGIN header with no key material (code that detects keys) is not a finding', () => {
    const header = '-----BEGIN ' + 'RSA PRIVATE KEY-----';
    expect(findSecrets(`if (pem.startsWith("${header}")) {\n  return true;\n}`)).toEqual([]);
  });

  it('does not take identifiers, member expressions or sentences for assigned secrets', () => {
    const code = [
      'const token = req.headers.authorization.slice(7);',
      'secret = generateSecretForTenant(tenantId);',
      "password: 'Please enter your password',",
      "api_key = 'CONFIGURED_IN_THE_ENVIRONMENT'",
      'private_key_id = "4f9a1c0b7d2e4f564f9a1c0b7d2e4f56aa00bb11"',
    ].join('\n');
    expect(findSecrets(code)).toEqual([]);
  });

  it('finds unquoted values only where configuration writes them', () => {
    const value = r(20);
    expect(findSecrets(`export DB_PASSWORD=${value}`)).toMatchObject([{ secret: value }]);
    expect(findSecrets(`  client_secret: ${value}`)).toMatchObject([{ secret: value }]);
    expect(findSecrets(`mysql --password=${value} shop`)).toMatchObject([{ secret: value }]);
    expect(findSecrets(`if (ok) token = ${value};`)).toEqual([]);
  });

  it('ignores URL credentials that are placeholders, loopback or documentation hosts', () => {
    const real = r(16);
    expect(findSecrets(`amqp://shop:${real}@mq.internal:5672`)).toMatchObject([
      { id: 'url-password', secret: real },
    ]);
    for (const url of [
      'postgres://user:password@db/app',
      `https://abc:${real}@example.com/`,
      `http://user:${real}@127.0.0.1:8080/`,
      'redis://:${REDIS_PASSWORD}@cache:6379',
      'https://admin:admin@ci.internal',
      'mysql://root:<password>@db:3306',
    ]) {
      expect(findSecrets(url), url).toEqual([]);
    }
  });

  it('ignores base64 data, integrity hashes, UUIDs and git SHAs', () => {
    const bytes = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 251));
    const text = [
      `<img src="data:image/png;base64,${bytes.toString('base64')}">`,
      `"integrity": "sha512-${bytes.subarray(0, 64).toString('base64')}"`,
      'session_token = "3f2b8a9c-1d4e-4f6a-9b7c-2e5d8f1a3c4b"',
      'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
    ].join('\n');
    expect(findSecrets(text)).toEqual([]);
  });

  it('stays linear on adversarial input (a regression here would time the test out)', () => {
    const inputs = [
      `token=${'1'.repeat(200_000)}`,
      `secret: "${'a'.repeat(200_000)}`,
      `${'token'.repeat(20)}=`.repeat(20_000),
      `http://${'a:'.repeat(100_000)}@`,
      ('-----BEGIN ' + 'PRIVATE KEY-----\n').repeat(20_000),
      `xoxb-1-${'a-'.repeat(50)}`.repeat(5_000),
      `password = "${'Ab1'.repeat(70)}"\n`.repeat(5_000),
      `lastToken = "?${'NoLineTerminator9'.repeat(10)}"`,
    ];
    for (const input of inputs) expect(findSecrets(input)).toEqual([]);
  });

  it('every pattern has a unique id and a name', () => {
    const ids = secretPatterns.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(secretPatterns.every((p) => p.name.length > 0 && p.regex.global)).toBe(true);
  });
});

describe('isBinaryContent', () => {
  it('is true with a NUL byte in the first 8 KiB only', () => {
    expect(isBinaryContent(Buffer.from('plain text\n'))).toBe(false);
    expect(isBinaryContent(Buffer.from([0x89, 0x50, 0x00, 0x47]))).toBe(true);
    const late = Buffer.alloc(10_000, 0x41);
    late[9_000] = 0;
    expect(isBinaryContent(late)).toBe(false);
  });
});

describe('gonogo tokens', () => {
  const body = () => r(43, `${alnum}-_`);
  it('API tokens and session secrets are found, in headers, URLs and config lines', () => {
    const token = `gng_${body()}`;
    const session = `gngs_${body()}`;
    const text = `Authorization: Bearer ${token}\nCookie: gonogo_session=${session}; Path=/\n`;
    expect(findSecrets(text).map((f) => [f.id, f.secret])).toEqual([
      ['gonogo-token', token],
      ['gonogo-token', session],
    ]);
  });
  it('a longer or shorter body, or one glued to a word, is not a gonogo token', () => {
    for (const text of [`gng_${r(42)}`, `gng_${r(44)}`, `xgng_${body()}`, `gng_${body()}x`]) {
      expect(findSecrets(text).filter((f) => f.id === 'gonogo-token')).toEqual([]);
    }
  });
});
