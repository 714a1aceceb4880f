import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import auditCheck, { normalizeSeverity, parseNpmAudit, parseOsvScanner } from './audit-check.ts';
import { testContext, useTestRepos } from './check-git.fixture.ts';
import { sha256Hex } from './check-git.ts';

const dirs: string[] = [];
const tempDir = (files: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const run = (
  root: string,
  raw: unknown,
  env: Record<string, string> = {},
  signal = new AbortController().signal,
) => auditCheck.run(testContext(root, '1.0.0', { env }), checkParams.audit.parse(raw), signal);

// A project whose lockfile pins versions with published advisories: minimist 0.0.8 (critical,
// reached directly and through mkdirp 0.5.1), lodash 4.17.20 (high), debug 2.6.8 (low).
const shopPackage = JSON.stringify({
  name: 'shop',
  version: '1.0.0',
  dependencies: { mkdirp: '^0.5.1', lodash: '4.17.20', debug: '2.6.8' },
});
const shopLock = JSON.stringify({
  name: 'shop',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': {
      name: 'shop',
      version: '1.0.0',
      dependencies: { mkdirp: '^0.5.1', lodash: '4.17.20', debug: '2.6.8' },
    },
    'node_modules/mkdirp': { version: '0.5.1', dependencies: { minimist: '0.0.8' } },
    'node_modules/minimist': { version: '0.0.8' },
    'node_modules/lodash': { version: '4.17.20' },
    'node_modules/debug': { version: '2.6.8', dependencies: { ms: '2.0.0' } },
    'node_modules/ms': { version: '2.0.0' },
  },
});

/**
 * A loopback stand-in for the npm registry: the bulk advisory endpoint `npm audit` posts to, and
 * the packuments it reads to work out fixes. The advisories are the published ones for these
 * versions (GitHub Advisory Database).
 */
function startRegistry(): Promise<Server> {
  const advisory = (
    id: number,
    ghsa: string,
    title: string,
    severity: string,
    range: string,
    score: number,
  ) => ({
    id,
    url: `https://github.com/advisories/${ghsa}`,
    title,
    severity,
    vulnerable_versions: range,
    cwe: ['CWE-1321'],
    cvss: { score, vectorString: null },
  });
  const advisories: Record<string, unknown[]> = {
    minimist: [
      advisory(
        1179,
        'GHSA-vh95-rmgr-6w4m',
        'Prototype Pollution in minimist',
        'moderate',
        '<0.2.1',
        5.6,
      ),
      advisory(
        1096465,
        'GHSA-xvch-5gv4-984h',
        'Prototype Pollution in minimist',
        'critical',
        '<0.2.4',
        9.8,
      ),
    ],
    lodash: [
      advisory(
        1094499,
        'GHSA-35jh-r3h4-6jhm',
        'Command Injection in lodash',
        'high',
        '<4.17.21',
        7.2,
      ),
    ],
    debug: [
      advisory(
        1094219,
        'GHSA-gxpj-cx7g-858c',
        'Regular Expression Denial of Service in debug',
        'low',
        '>= 2.0.0 < 2.6.9',
        3.7,
      ),
    ],
  };
  const packuments: Record<string, Record<string, Record<string, string>>> = {
    minimist: { '0.0.8': {}, '0.2.4': {}, '1.2.8': {} },
    mkdirp: { '0.5.1': { minimist: '0.0.8' }, '0.5.6': { minimist: '^1.2.6' } },
    lodash: { '4.17.20': {}, '4.17.21': {} },
    debug: { '2.6.8': { ms: '2.0.0' }, '2.6.9': { ms: '2.0.0' } },
    ms: { '2.0.0': {} },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/mirror/')) {
        // A read-only mirror: packuments yes, audits no (as some proxies answer).
        res.statusCode = 405;
        res.setHeader('allow', 'GET,HEAD');
        res.end();
        return;
      }
      if (req.url?.includes('/-/npm/v1/security/advisories/bulk')) {
        const asked = JSON.parse(body.toString()) as Record<string, string[]>;
        res.end(
          JSON.stringify(
            Object.fromEntries(
              Object.keys(asked)
                .filter((n) => advisories[n])
                .map((n) => [n, advisories[n]]),
            ),
          ),
        );
        return;
      }
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      const versions = packuments[name];
      if (!versions) {
        res.statusCode = 404;
        res.end('{}');
        return;
      }
      const all = Object.keys(versions);
      const port = (server.address() as { port: number }).port;
      res.end(
        JSON.stringify({
          name,
          'dist-tags': { latest: all.at(-1) },
          versions: Object.fromEntries(
            all.map((v) => [
              v,
              {
                name,
                version: v,
                dependencies: versions[v],
                dist: { tarball: `http://127.0.0.1:${port}/${name}/-/${name}-${v}.tgz` },
              },
            ]),
          ),
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let npmAvailable = true;
try {
  execFileSync('npm', ['--version'], { stdio: 'pipe' });
} catch {
  npmAvailable = false;
  console.warn('audit: npm is not on the PATH, the npm audit runs are skipped');
}

describe.skipIf(!npmAvailable)('audit running the real npm audit --json', () => {
  let registry: Server;
  let env: Record<string, string>;
  let cache: string;
  beforeAll(async () => {
    registry = await startRegistry();
    cache = mkdtempSync(join(tmpdir(), 'gonogo-'));
    env = {
      npm_config_registry: `http://127.0.0.1:${(registry.address() as { port: number }).port}/`,
      npm_config_cache: cache, // keep the fake packuments out of the user's cache
    };
  });
  afterAll(() => {
    registry.close();
    rmSync(cache, { recursive: true, force: true });
  });

  it('fails at high with the critical and high packages, worst first, each with its advisories and fix', async () => {
    const root = tempDir({ 'package.json': shopPackage, 'package-lock.json': shopLock });
    const result = await run(root, {}, env);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(
      'npm audit: 2 vulnerable packages at or above high: minimist (critical), lodash (high)',
    );
    expect(result.evidence).toMatchObject({
      command: ['npm', 'audit', '--json'],
      exitCode: 1,
      files: [
        {
          path: 'package-lock.json',
          sha256: sha256Hex(readFileSync(join(root, 'package-lock.json'))),
        },
      ],
      counts: { critical: 1, high: 1, moderate: 1, low: 1 },
    });
    expect(result.evidence.findings).toEqual([
      {
        where: 'minimist 0.0.8',
        message:
          'critical: Prototype Pollution in minimist (GHSA-xvch-5gv4-984h, GHSA-vh95-rmgr-6w4m); fix: npm audit fix',
      },
      {
        where: 'lodash 4.17.20',
        message:
          'high: Command Injection in lodash (GHSA-35jh-r3h4-6jhm); fix: upgrade lodash to 4.17.21',
      },
    ]);
  });

  it('lists transitive packages too when the threshold is low, and only critical at critical', async () => {
    const root = tempDir({ 'package.json': shopPackage, 'package-lock.json': shopLock });
    const low = await run(root, 'low', env);
    expect(low.evidence.findings?.map((f) => f.where)).toEqual([
      'minimist 0.0.8',
      'lodash 4.17.20',
      'mkdirp 0.5.1',
      'debug 2.6.8',
    ]);
    expect(low.evidence.findings?.[2]?.message).toContain('via minimist');
    const critical = await run(root, 'critical', env);
    expect(critical.summary).toBe(
      'npm audit: 1 vulnerable package at or above critical: minimist (critical)',
    );
  });

  it('passes when nothing is vulnerable', async () => {
    const root = tempDir({
      'package.json': JSON.stringify({
        name: 'ok',
        version: '1.0.0',
        dependencies: { ms: '2.0.0' },
      }),
      'package-lock.json': JSON.stringify({
        name: 'ok',
        version: '1.0.0',
        lockfileVersion: 3,
        packages: {
          '': { name: 'ok', version: '1.0.0', dependencies: { ms: '2.0.0' } },
          'node_modules/ms': { version: '2.0.0' },
        },
      }),
    });
    const result = await run(root, {}, env);
    expect(result).toMatchObject({
      status: 'passed',
      summary: 'npm audit: no vulnerable package at or above high',
      evidence: { exitCode: 0 },
    });
  });

  it('is an error "could not reach the registry" when the registry refuses connections', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const root = tempDir({ 'package.json': shopPackage, 'package-lock.json': shopLock });
    const result = await run(
      root,
      {},
      { ...env, npm_config_registry: `http://127.0.0.1:${port}/` },
    );
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/^npm audit could not reach the registry \(.*ECONNREFUSED/);
    expect(result.fix).toContain('file:');
  });

  it('is an error when the registry does not serve audits (HTTP 405 from a mirror)', async () => {
    const root = tempDir({ 'package.json': shopPackage, 'package-lock.json': shopLock });
    const result = await run(
      root,
      {},
      { ...env, npm_config_registry: `${env['npm_config_registry']}mirror/` },
    );
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(
      /^npm audit: the registry refused the audit request \(405 Method Not Allowed/,
    );
  });

  it('is an error with the fix when the project has no lockfile', async () => {
    const root = tempDir({ 'package.json': shopPackage });
    const result = await run(root, {}, env);
    expect(result.status).toBe('error');
    expect(result.summary).toContain('ENOLOCK');
    expect(result.fix).toBe('Create a lockfile (npm i --package-lock-only) and commit it.');
  });

  it('returns cancelled when aborted while npm runs', async () => {
    const root = tempDir({ 'package.json': shopPackage, 'package-lock.json': shopLock });
    const controller = new AbortController();
    const pending = run(root, {}, env, controller.signal);
    controller.abort(); // npm has been spawned by now: run() starts it before its first await
    expect(await pending).toMatchObject({ status: 'error', summary: 'cancelled' });
  });
});

// npm 6 printed advisories keyed by id (shape of npm 6.14 `npm audit --json`).
const npm6Report = {
  actions: [],
  advisories: {
    '1523': {
      findings: [{ version: '4.17.15', paths: ['lodash'] }],
      id: 1523,
      created: '2020-05-20T01:36:49.357Z',
      title: 'Prototype Pollution',
      module_name: 'lodash',
      cves: ['CVE-2019-10744'],
      vulnerable_versions: '<4.17.19',
      patched_versions: '>=4.17.19',
      severity: 'low',
      url: 'https://npmjs.com/advisories/1523',
      github_advisory_id: 'GHSA-p6mc-m468-83gw',
    },
    '1065': {
      findings: [{ version: '4.17.15', paths: ['lodash'] }],
      id: 1065,
      title: 'Prototype Pollution',
      module_name: 'lodash',
      vulnerable_versions: '<4.17.12',
      patched_versions: '>=4.17.12',
      severity: 'high',
      url: 'https://npmjs.com/advisories/1065',
    },
  },
  muted: [],
  metadata: {
    vulnerabilities: { info: 0, low: 1, moderate: 0, high: 1, critical: 0 },
    dependencies: 1,
    devDependencies: 0,
    totalDependencies: 1,
  },
  runId: 'd2c9c4b6-5c61-4b2b-9a3b-1c0b4a1c0a1d',
};

// pip-audit 2.7 `pip-audit -f json`: no severities at all.
const pipAuditReport = {
  dependencies: [
    {
      name: 'flask',
      version: '0.5',
      vulns: [
        {
          id: 'PYSEC-2019-179',
          fix_versions: ['1.0'],
          aliases: ['CVE-2019-1010083'],
          description:
            'The Pallets Project Flask before 1.0 is affected by: unexpected memory usage.',
        },
        {
          id: 'PYSEC-2018-66',
          fix_versions: ['0.12.3'],
          aliases: ['CVE-2018-1000656'],
          description:
            'The Pallets Project flask version Before 0.12.3 contains a CWE-20: Improper Input Validation vulnerability.',
        },
      ],
    },
    { name: 'jinja2', version: '3.1.4', vulns: [] },
    {
      name: 'acme-internal',
      skip_reason: 'Dependency not found on PyPI and could not be audited: acme-internal (0.1.0)',
    },
  ],
  fixes: [],
};

// OSV-Scanner 1.9 `osv-scanner --format json -r .`
const osvReport = {
  results: [
    {
      source: { path: '/src/shop/package-lock.json', type: 'lockfile' },
      packages: [
        {
          package: { name: 'lodash', version: '4.17.20', ecosystem: 'npm' },
          vulnerabilities: [
            {
              modified: '2024-03-15T18:13:12Z',
              published: '2021-05-06T16:05:51Z',
              schema_version: '1.6.0',
              id: 'GHSA-35jh-r3h4-6jhm',
              aliases: ['CVE-2021-23337'],
              summary: 'Command Injection in lodash',
              severity: [
                { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' },
              ],
              database_specific: {
                cwe_ids: ['CWE-77', 'CWE-94'],
                github_reviewed: true,
                severity: 'HIGH',
              },
            },
            {
              id: 'GHSA-29mw-wpgm-hmr9',
              aliases: ['CVE-2020-28500'],
              summary: 'Regular Expression Denial of Service (ReDoS) in lodash',
              database_specific: { severity: 'MODERATE', github_reviewed: true },
            },
          ],
          groups: [
            {
              ids: ['GHSA-35jh-r3h4-6jhm'],
              aliases: ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm'],
              max_severity: '7.2',
            },
            {
              ids: ['GHSA-29mw-wpgm-hmr9'],
              aliases: ['CVE-2020-28500', 'GHSA-29mw-wpgm-hmr9'],
              max_severity: '5.3',
            },
          ],
        },
      ],
    },
    {
      source: { path: '/src/shop/requirements.txt', type: 'lockfile' },
      packages: [
        {
          package: { name: 'urllib3', version: '1.26.4', ecosystem: 'PyPI' },
          vulnerabilities: [
            {
              id: 'PYSEC-2021-108',
              aliases: ['CVE-2021-33503'],
              summary: '',
              details: 'An issue was discovered in urllib3 before 1.26.5.',
            },
            {
              id: 'GHSA-q2q7-5pp4-w6pg',
              aliases: ['CVE-2021-33503'],
              summary:
                'Catastrophic backtracking in URL authority parser when passed URL containing many @ characters',
              database_specific: { severity: 'HIGH' },
            },
          ],
          groups: [
            {
              ids: ['GHSA-q2q7-5pp4-w6pg', 'PYSEC-2021-108'],
              aliases: ['CVE-2021-33503'],
              max_severity: '7.5',
            },
          ],
        },
        {
          package: { name: 'rsa', version: '4.0', ecosystem: 'PyPI' },
          vulnerabilities: [{ id: 'PYSEC-2020-99', summary: 'Bleichenbacher timing oracle' }],
          groups: [{ ids: ['PYSEC-2020-99'], max_severity: '' }],
        },
      ],
    },
  ],
};

describe('audit reading reports from files', () => {
  it('npm 6 reports: one finding per package with its worst advisory', async () => {
    const root = tempDir({ 'npm-audit.json': JSON.stringify(npm6Report) });
    const result = await run(root, { file: 'npm-audit.json' });
    expect(result.status).toBe('failed');
    expect(result.evidence.findings).toEqual([
      {
        where: 'lodash 4.17.15',
        message:
          'high: Prototype Pollution (npm:1065, GHSA-p6mc-m468-83gw); fix: upgrade to >=4.17.19',
      },
    ]);
    expect(result.evidence.files?.[0]?.path).toBe('npm-audit.json');
  });

  it('pip-audit: unrated vulnerabilities count as high, not at critical (and the summary says so)', async () => {
    const root = tempDir({ 'pip-audit.json': JSON.stringify(pipAuditReport) });
    const high = await run(root, { tool: 'pip-audit', file: 'pip-audit.json' });
    expect(high.status).toBe('failed');
    expect(high.evidence.findings).toEqual([
      {
        where: 'flask 0.5',
        message:
          'unrated (counted as high): (PYSEC-2019-179, PYSEC-2018-66); fix: upgrade to 1.0 or 0.12.3',
      },
    ]);
    const critical = await run(root, {
      tool: 'pip-audit',
      file: 'pip-audit.json',
      severity: 'critical',
    });
    expect(critical.status).toBe('passed');
    expect(critical.summary).toBe(
      'pip-audit: no vulnerable package at or above critical (1 unrated below it); 1 unrated, not counted at critical: review them',
    );
  });

  it('OSV-Scanner: severity from the database or the group CVSS score, unrated ones as high', async () => {
    const root = tempDir({ 'osv.json': JSON.stringify(osvReport) });
    const result = await run(root, { tool: 'osv', file: 'osv.json' });
    expect(result.status).toBe('failed');
    expect(result.evidence.findings).toEqual([
      {
        where: 'lodash 4.17.20',
        message:
          'high: Command Injection in lodash Regular Expression Denial of Service (ReDoS) in lodash (GHSA-35jh-r3h4-6jhm, GHSA-29mw-wpgm-hmr9)',
      },
      {
        where: 'rsa 4.0',
        message: 'unrated (counted as high): Bleichenbacher timing oracle (PYSEC-2020-99)',
      },
      {
        where: 'urllib3 1.26.4',
        message:
          'high: Catastrophic backtracking in URL authority parser when passed URL containing many @ characters (GHSA-q2q7-5pp4-w6pg)',
      },
    ]);
    expect((await run(root, { tool: 'osv', file: 'osv.json', severity: 'critical' })).status).toBe(
      'passed',
    );
  });

  it('is an error for a missing file, a non-JSON file, a wrong tool and pip-audit without a file', async () => {
    const root = tempDir({
      'report.txt': 'found 0 vulnerabilities\n',
      'osv.json': JSON.stringify(osvReport),
    });
    expect((await run(root, { file: 'nope.json' })).summary).toBe(
      'cannot read the npm audit report nope.json: ENOENT',
    );
    expect((await run(root, { file: 'report.txt' })).summary).toBe(
      'the npm audit output is not JSON',
    );
    const wrongTool = await run(root, { tool: 'pip-audit', file: 'osv.json' });
    expect(wrongTool.summary).toBe(
      'pip-audit gave no report: no "dependencies" list: not a pip-audit JSON report',
    );
    // playbook lint rejects it; a caller that skipped validation still gets an error result.
    expect(checkParams.audit.safeParse({ tool: 'pip-audit' }).success).toBe(false);
    const noFile = await auditCheck.run(
      testContext(root, '1.0.0'),
      { severity: 'high', tool: 'pip-audit' },
      new AbortController().signal,
    );
    expect(noFile.status).toBe('error');
    expect(noFile.fix).toContain('pip-audit -f json');
  });
});

describe('severity helpers', () => {
  it('maps words and CVSS scores', () => {
    expect(
      ['MEDIUM', 'Moderate', 'LOW', 'critical', 'none', 'weird', '9.0', '8.9', '4', '0.1'].map(
        normalizeSeverity,
      ),
    ).toEqual([
      'moderate',
      'moderate',
      'low',
      'critical',
      'info',
      'unrated',
      'critical',
      'high',
      'moderate',
      'low',
    ]);
  });

  it('parses npm errors and OSV reports without groups', () => {
    expect(
      parseNpmAudit({
        error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.' },
      }),
    ).toBe('ENOLOCK: This command requires an existing lockfile.');
    expect(
      parseOsvScanner({
        results: [
          {
            packages: [
              {
                package: { name: 'x', version: '1' },
                vulnerabilities: [{ id: 'OSV-1', database_specific: { severity: 'CRITICAL' } }],
              },
            ],
          },
        ],
      }),
    ).toEqual([{ name: 'x', version: '1', severity: 'critical', ids: ['OSV-1'], titles: [] }]);
  });
});

describe('audit at the release commit', () => {
  const repo = useTestRepos(afterEach);

  it('does not run npm audit on a lockfile that is not the release commit’s', async () => {
    const r = repo();
    const release = r.commit('one', { 'package.json': shopPackage, 'package-lock.json': shopLock });
    r.write({ 'package-lock.json': '{}\n' });
    const result = await auditCheck.run(
      testContext(r.root, '1.0.0', { commit: release }),
      checkParams.audit.parse('high'),
      AbortSignal.timeout(30_000),
    );
    expect(result.status).toBe('error');
    expect(result.summary).toBe(
      `tracked files differ from the release commit ${release.slice(0, 7)}: commit or stash them (package-lock.json)`,
    );
  });
});
