/**
 * Test samples for the secret scanner: one planted secret of every supported kind and a set of
 * look-alikes that must not be reported. Every secret is assembled at run time from a prefix
 * and seeded random characters, so this repository never holds a literal secret (which would
 * trip secret scanners, gonogo's own `secrets` check included).
 */

/** A deterministic random generator (mulberry32), so failures reproduce. */
export function createRandom(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const lower = 'abcdefghijklmnopqrstuvwxyz';
export const digits = '0123456789';
export const alnum = upper + lower + digits;
export const base64url = `${alnum}_-`;
export const hex = '0123456789abcdef';

/** A random string over `alphabet` with at least one upper, lower and digit where possible. */
export function randomString(rnd: (n: number) => number, alphabet: string, length: number): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[rnd(alphabet.length)];
    const wantsMix = /[A-Z]/.test(alphabet) && /[a-z]/.test(alphabet) && /[0-9]/.test(alphabet);
    const mixed = /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);
    // Words that mark placeholders must not appear by chance.
    const clean = !/test|fake|dummy|example|sample|xxxx|here|todo/i.test(s);
    if (clean && (!wantsMix || mixed)) return s;
  }
}

export interface PlantedSecret {
  /** The pattern id that must report it. */
  id: string;
  /** The file it is planted in and the text around it. */
  file: string;
  content: string;
  /** The secret value (what must never appear in output). */
  secret: string;
  /** 1-based line of the secret in `content`. */
  line: number;
}

const pem = (kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----`;
const pemEnd = (kind: string) => `-----END ${kind}PRIVATE KEY-----`;

/**
 * One secret of every supported kind, each in a small file of the kind where people leave them.
 *
 * @example plantedSecrets(1).map((s) => s.id) // ['aws-access-key-id', …]
 */
export function plantedSecrets(seed = 7): PlantedSecret[] {
  const rnd = createRandom(seed);
  const r = (alphabet: string, n: number) => randomString(rnd, alphabet, n);
  const out: PlantedSecret[] = [];
  const plant = (id: string, file: string, before: string, secret: string, after: string) => {
    const content = `${before}${secret}${after}`;
    out.push({ id, file, content, secret, line: before.split('\n').length });
  };

  plant(
    'aws-access-key-id',
    'config/aws.ini',
    '[default]\nregion = eu-west-1\naws_access_key_id = ',
    'AKIA' + r('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16),
    '\n',
  );
  plant(
    'aws-secret-access-key',
    'config/aws-credentials',
    '[prod]\naws_secret_access_key = ',
    r(`${alnum}/+`, 40),
    '\n',
  );
  const body = Array.from({ length: 6 }, () => r(`${alnum}+/`, 64));
  plant(
    'gcp-service-account',
    'deploy/service-account.json',
    '{\n  "type": "service_account",\n  "project_id": "shop-prod",\n  "private_key_id": "' +
      r(hex, 40) +
      '",\n  "private_key": "',
    `${pem('')}\\n${body.join('\\n')}\\n${pemEnd('')}\\n`,
    '",\n  "client_email": "deployer@shop-prod.iam.gserviceaccount.com"\n}\n',
  );
  plant(
    'private-key',
    'deploy/id_rsa',
    '',
    `${pem('RSA ')}\n${body.slice(0, 5).join('\n')}\n${r(alnum, 24)}==\n${pemEnd('RSA ')}`,
    '\n',
  );
  plant(
    'private-key',
    'deploy/id_ed25519',
    'key material follows\n',
    `${pem('OPENSSH ')}\n${r(`${alnum}+/`, 70)}\n${r(`${alnum}+/`, 70)}\n${pemEnd('OPENSSH ')}`,
    '\n',
  );
  for (const prefix of ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']) {
    plant(
      'github-token',
      `scripts/${prefix}release.sh`,
      'export GH_TOKEN=',
      prefix + r(alnum, 36),
      '\n',
    );
  }
  plant(
    'github-token',
    'scripts/fine-grained.ts',
    "const auth = '",
    `github_pat_${r(alnum, 22)}_${r(alnum, 59)}`,
    "';\n",
  );
  plant('gitlab-token', '.gitlab/token.txt', 'GITLAB=', `glpat-${r(alnum, 20)}`, '\n');
  for (const prefix of ['xoxb-', 'xoxp-', 'xoxa-']) {
    plant(
      'slack-token',
      `chat/${prefix}bot.py`,
      'client = WebClient(token="',
      `${prefix}${r(digits, 12)}-${r(digits, 13)}-${r(alnum, 24)}`,
      '")\n',
    );
  }
  plant(
    'slack-webhook',
    'chat/notify.yml',
    'notify:\n  url: ',
    `https://hooks.slack.com/services/T${r(upper + digits, 8)}/B${r(upper + digits, 10)}/${r(alnum, 24)}`,
    '\n',
  );
  plant('stripe-key', 'billing/stripe.rb', "Stripe.api_key = '", `sk_live_${r(alnum, 24)}`, "'\n");
  plant(
    'stripe-key',
    'billing/restricted.env',
    'STRIPE_RESTRICTED=',
    `rk_live_${r(alnum, 24)}`,
    '\n',
  );
  plant('twilio-api-key', 'sms/twilio.js', "const sid = '", `SK${r(hex, 32)}`, "';\n");
  plant(
    'sendgrid-key',
    'mail/sendgrid.go',
    'var key = "',
    `SG.${r(base64url, 22)}.${r(base64url, 43)}`,
    '"\n',
  );
  plant(
    'gonogo-token',
    'ci/release.sh',
    'curl -H "Authorization: Bearer ',
    `gng_${r(base64url, 43)}`,
    '" "$GONOGO_SERVER/api/v1/releases"\n',
  );
  plant('npm-token', '.npmrc', '//registry.npmjs.org/:_authToken=', `npm_${r(alnum, 36)}`, '\n');
  plant(
    'pypi-token',
    '.pypirc',
    '[pypi]\nusername = __token__\npassword = ',
    `pypi-AgEIcHlwaS5vcmc${r(base64url, 60)}`,
    '\n',
  );
  plant('openai-key', 'ai/client.py', 'openai.api_key = "', `sk-proj-${r(alnum, 48)}`, '"\n');
  plant('openai-key', 'ai/legacy.py', 'OPENAI = "', `sk-${r(alnum, 48)}`, '"\n');
  plant(
    'google-api-key',
    'web/maps.html',
    '<script src="https://maps.googleapis.com/maps/api/js?key=',
    `AIza${r(base64url, 35)}`,
    '"></script>\n',
  );
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  plant(
    'jwt',
    'api/session.http',
    'GET /me\nAuthorization: Bearer ',
    `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64(`{"sub":"${r(digits, 10)}","name":"Ada","iat":1716239022}`)}.${r(base64url, 43)}`,
    '\n',
  );
  plant(
    'azure-storage-key',
    'infra/storage.config',
    'conn = DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey=',
    `${r(`${alnum}+/`, 86)}==`,
    ';EndpointSuffix=core.windows.net\n',
  );
  const user = 'shop';
  plant(
    'url-password',
    'infra/db.yml',
    `database:\n  url: postgres://${user}:`,
    r(alnum, 18),
    '@db.internal:5432/shop\n',
  );
  plant(
    'secret-assignment',
    'app/settings.py',
    'DEBUG = False\nCLIENT_SECRET = "',
    r(alnum, 32),
    '"\n',
  );
  plant(
    'secret-assignment',
    '.env.production',
    'NODE_ENV=production\nDB_PASSWORD=',
    r(alnum, 20),
    '\n',
  );
  plant('secret-assignment', 'app/config.json', '{\n  "apiKey": "', r(`${alnum}-_`, 40), '"\n}\n');
  return out;
}

/** Files full of things that look like secrets and are not: none may be reported. */
export function lookAlikeFiles(seed = 11): Record<string, string> {
  const rnd = createRandom(seed);
  const r = (alphabet: string, n: number) => randomString(rnd, alphabet, n);
  const uuid = () => `${r(hex, 8)}-${r(hex, 4)}-4${r(hex, 3)}-a${r(hex, 3)}-${r(hex, 12)}`;
  const sha = () => r(hex, 40);
  const integrity = () => `sha512-${Buffer.from(r(alnum, 64)).toString('base64')}`;
  const image = Buffer.from(Array.from({ length: 6000 }, () => rnd(256))).toString('base64');
  return {
    'package-lock.json': JSON.stringify(
      {
        name: 'shop',
        lockfileVersion: 3,
        packages: {
          'node_modules/js-tokens': {
            version: '4.0.0',
            resolved: 'https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz',
            integrity: integrity(),
          },
          'node_modules/secret-handshake': {
            version: '1.1.0',
            resolved: 'https://registry.npmjs.org/secret-handshake/-/secret-handshake-1.1.0.tgz',
            integrity: integrity(),
          },
        },
      },
      null,
      2,
    ),
    'yarn.lock': `js-tokens@^4.0.0:\n  version "4.0.0"\n  resolved "https://registry.yarnpkg.com/js-tokens/-/js-tokens-4.0.0.tgz#${sha()}"\n  integrity ${integrity()}\n`,
    'pnpm-lock.yaml': `packages:\n  /js-tokens@4.0.0:\n    resolution: {integrity: ${integrity()}}\n`,
    'src/config.ts': [
      'export const config = {',
      '  apiKey: process.env.API_KEY,',
      "  token: process.env['GITHUB_TOKEN'] ?? '',",
      '  secret: import.meta.env.VITE_SECRET,',
      '  password: options.password,',
      '  accessToken: response.data.accessToken,',
      "  tokenUrl: 'https://auth.shop.internal/oauth2/token',",
      "  privateKeyPath: '/run/secrets/private_key.pem',",
      '};',
      'const token = await getInstallationToken12345(app);',
      'if (password === confirmPassword2) save();',
      "const secretName = 'prod/payments/stripeWebhookSecret';",
      '',
    ].join('\n'),
    '.env.example': [
      '# copy to .env and fill in',
      'API_KEY=YOUR_API_KEY',
      'GITHUB_TOKEN=<token>',
      'DB_PASSWORD=changeme',
      'SESSION_SECRET=${SESSION_SECRET}',
      'STRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
      'AWS_ACCESS_KEY_ID=' + 'AKIA' + 'IOSFODNN7' + 'EXAMPLE',
      'AWS_SECRET_ACCESS_KEY=' + 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY',
      'SLACK_TOKEN=xoxb-your-bot-token-here',
      'DATABASE_URL=postgres://user:password@localhost:5432/app',
      'REDIS_URL=redis://:${REDIS_PASSWORD}@cache:6379',
      'OPENAI_API_KEY=sk-...',
      '',
    ].join('\n'),
    'test/fixtures/users.json': JSON.stringify(
      [
        { id: uuid(), session_token: uuid(), password: 'dummy-password-123' },
        { id: uuid(), session_token: uuid(), password: 'test-password-for-login' },
      ],
      null,
      2,
    ),
    'docs/CHANGELOG.md': `## 1.2.0\n- fix token refresh (${sha()})\n- commit ${sha()} reverted the api_key rename\n- token: ${sha().slice(0, 7)}\n`,
    'web/logo.css': `.logo { background: url("data:image/png;base64,${image}"); }\n`,
    'deploy/ci.yml': [
      'env:',
      '  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}',
      '  GH_TOKEN: $GITHUB_TOKEN',
      '  api_key: "%s"',
      '  password: "{{ vault_db_password }}"',
      'steps:',
      '  - run: curl -H "Authorization: token $GH_TOKEN" https://api.github.com/user',
      '  - run: echo "see https://user@example.com/path and git://host/repo"',
      '',
    ].join('\n'),
    'src/keys.py': [
      'PRIVATE_KEY_HEADER = "' + '-----BEGIN ' + 'RSA PRIVATE KEY-----"',
      'def is_key(text):',
      '    return text.startswith(PRIVATE_KEY_HEADER)',
      "token_type = 'bearer_token_value'",
      "password_hint = 'correct-horse-battery-staple'",
      "client_secret = 'ClientSecretGoesInVault'",
      '',
    ].join('\n'),
  };
}
