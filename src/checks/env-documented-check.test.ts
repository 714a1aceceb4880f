import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { gitIn, testContext, useTestRepos } from './check-git.fixture.ts';
import type { CheckContext } from './check-types.ts';
import envDocumentedCheck, {
  findEnvReads,
  isEnvFile,
  languageOf,
  parseEnvExample,
} from './env-documented-check.ts';

const git = gitIn;
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function makeTree(files: Record<string, string>, opts: { git?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'gonogo-env-'));
  temps.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  if (opts.git !== false) {
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'init');
  }
  return root;
}

const run = (root: string, params: unknown = {}) =>
  envDocumentedCheck.run(
    {
      root,
      version: '1.0.0',
      policy: {} as CheckContext['policy'],
      env: {},
      now: () => new Date('2026-01-01T00:00:00Z'),
    },
    checkParams['env-documented'].parse(params),
    AbortSignal.timeout(30_000),
  );

const names = (text: string, path: string) => findEnvReads(text, path).map((r) => r.name);

describe('findEnvReads', () => {
  it('JS/TS: process.env, brackets, import.meta.env (minus Vite built-ins), destructuring', () => {
    const text = [
      'const url = process.env.DATABASE_URL;',
      "const port = Number(process.env['PORT'] ?? 3000);",
      'if (import.meta.env.DEV) console.log(import.meta.env.VITE_API_URL);',
      "const { SENTRY_DSN, REDIS_URL: redis = 'x', ...rest } = process.env;",
      'const key = process.env[name]; // dynamic: not knowable',
      ' * Reads process.env.IN_A_DOC_COMMENT',
      '// process.env.COMMENTED_OUT',
      'const home = process.env.HOME;',
    ].join('\n');
    expect(findEnvReads(text, 'src/app.ts')).toEqual([
      { name: 'DATABASE_URL', path: 'src/app.ts', line: 1 },
      { name: 'PORT', path: 'src/app.ts', line: 2 },
      { name: 'VITE_API_URL', path: 'src/app.ts', line: 3 },
      { name: 'SENTRY_DSN', path: 'src/app.ts', line: 4 },
      { name: 'REDIS_URL', path: 'src/app.ts', line: 4 },
    ]);
  });

  it('Python, Ruby and Go', () => {
    const py =
      "import os\n# os.getenv('IN_COMMENT')\nA = os.environ['PY_A']\nB = os.environ.get(\"PY_B\", 'x')\nC = os.getenv('PY_C')\n";
    expect(names(py, 'app/settings.py')).toEqual(['PY_A', 'PY_B', 'PY_C']);
    const rb = "a = ENV['RB_A']\nb = ENV.fetch('RB_B', nil)\nc = ENV.fetch \"RB_C\"\n";
    expect(names(rb, 'config/app.rb')).toEqual(['RB_A', 'RB_B', 'RB_C']);
    const go = 'v := os.Getenv("GO_A")\nw, ok := os.LookupEnv("GO_B")\n';
    expect(names(go, 'cmd/main.go')).toEqual(['GO_A', 'GO_B']);
  });

  it('shell: ${X} and $X, minus the shell own variables and what the script sets', () => {
    const sh = [
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      'OUT_DIR="$HOME/out"',
      'for FILE in *.txt; do echo "$FILE"; done',
      'read -r ANSWER',
      'echo "${DEPLOY_TOKEN:?missing}" "$1" "$ANSWER" $PATH',
      'curl "$API_URL/health" ${#TARGETS} "$OUT_DIR" \\$ESCAPED $$',
    ].join('\n');
    expect(names(sh, 'scripts/deploy.sh')).toEqual(['DEPLOY_TOKEN', 'API_URL', 'TARGETS']);
    expect(names(sh, 'bin/deploy')).toEqual(['DEPLOY_TOKEN', 'API_URL', 'TARGETS']);
    expect(names(sh.replace('#!/usr/bin/env bash', ''), 'bin/deploy')).toEqual([]);
  });

  it('Dockerfile: ARG and ENV it sets itself are not reads', () => {
    const docker = [
      'FROM node:24',
      'ARG NODE_VERSION=24',
      'ENV APP_HOME=/app PORT=8080',
      'WORKDIR $APP_HOME',
      'RUN echo "$NODE_VERSION $NPM_TOKEN ${PORT}"',
    ].join('\n');
    expect(names(docker, 'Dockerfile')).toEqual(['NPM_TOKEN']);
    expect(names(docker, 'docker/api.Dockerfile')).toEqual(['NPM_TOKEN']);
  });

  it('docker-compose: ${X}, ${X:-default}, $X, and $$ escapes', () => {
    const compose = [
      'services:',
      '  db:',
      '    image: postgres:${PG_VERSION:-16}',
      '    environment:',
      '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}',
      '      LITERAL: $$NOT_A_VAR',
      '      OTHER: $COMPOSE_OTHER',
    ].join('\n');
    expect(names(compose, 'docker-compose.yml')).toEqual([
      'PG_VERSION',
      'POSTGRES_PASSWORD',
      'COMPOSE_OTHER',
    ]);
    expect(languageOf('deploy/compose.prod.yaml')).toBe('compose');
    expect(languageOf('config/app.yml')).toBeUndefined();
  });
});

describe('parseEnvExample and isEnvFile', () => {
  it('lists assignments, bare names and commented-out assignments', () => {
    const text =
      '# Database\nDATABASE_URL=postgres://localhost/app\nexport PORT=3000\nSENTRY_DSN\n# OPTIONAL_FLAG=1\n# just a note\n';
    expect([...parseEnvExample(text)].sort()).toEqual([
      'DATABASE_URL',
      'OPTIONAL_FLAG',
      'PORT',
      'SENTRY_DSN',
    ]);
  });

  it.each([
    ['.env', true],
    ['config/.env.production', true],
    ['.env.local', true],
    ['deploy/prod.env', true],
    ['.env.example', false],
    ['.env.sample', false],
    ['env.template', false],
    ['docs/environment.md', false],
  ])('%s → %s', (path, expected) => expect(isEnvFile(path)).toBe(expected));
});

describe('env-documented check', () => {
  const tree = {
    'src/server.ts':
      'export const port = process.env.PORT;\nconst db = process.env.DATABASE_URL;\n',
    'src/worker.ts': 'const q = process.env.QUEUE_URL;\nconst n = process.env.NODE_ENV;\n',
    'app/jobs.py': "import os\nTOKEN = os.environ['SLACK_TOKEN']\n",
    'scripts/deploy.sh': '#!/bin/sh\necho "deploying to ${DEPLOY_HOST}"\n',
    'docker-compose.yml': 'services:\n  app:\n    image: app:${APP_TAG:-latest}\n',
    'node_modules/dep/index.js': 'process.env.FROM_A_DEPENDENCY;\n',
    'vendor/lib.rb': "ENV['VENDORED']\n",
    'dist/bundle.js': 'process.env.BUILT;\n',
  };
  const fullExample =
    'PORT=3000\nDATABASE_URL=\nQUEUE_URL=\nSLACK_TOKEN=\nDEPLOY_HOST=\n# APP_TAG=latest\n';

  it('passes when every variable read is documented (ignore removes NODE_ENV)', async () => {
    const root = makeTree({ ...tree, '.env.example': fullExample });
    const result = await run(root, { ignore: ['NODE_ENV'] });
    expect(result.status, result.summary).toBe('passed');
    expect(result.summary).toBe(
      'all 6 environment variables the code reads are listed in .env.example; no .env file is committed',
    );
    expect(result.evidence.files?.[0]?.path).toBe('.env.example');
  });

  it('fails listing each undocumented variable at its first read', async () => {
    const root = makeTree({
      ...tree,
      'src/again.ts': 'process.env.QUEUE_URL;\n',
      '.env.example': 'PORT=3000\nDATABASE_URL=\n',
    });
    const result = await run(root);
    expect(result.status).toBe('failed');
    expect(result.evidence.findings).toEqual([
      {
        where: 'app/jobs.py:2',
        message: 'SLACK_TOKEN is read here but not listed in .env.example',
      },
      {
        where: 'docker-compose.yml:3',
        message: 'APP_TAG is read here but not listed in .env.example',
      },
      {
        where: 'scripts/deploy.sh:2',
        message: 'DEPLOY_HOST is read here but not listed in .env.example',
      },
      { where: 'src/again.ts:1', message: 'QUEUE_URL is read here but not listed in .env.example' },
      { where: 'src/worker.ts:2', message: 'NODE_ENV is read here but not listed in .env.example' },
    ]);
    expect(result.summary).toMatch(
      /^5 environment variables not in \.env\.example: SLACK_TOKEN \(app\/jobs\.py:2\)/,
    );
    expect(result.fix).toContain('SLACK_TOKEN=');
  });

  it('fails when a .env file is committed, even with everything documented', async () => {
    const root = makeTree({
      ...tree,
      '.env.example': fullExample,
      'config/.env': 'SLACK_TOKEN=abc\n',
    });
    const result = await run(root, { ignore: ['NODE_*'] });
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('committed .env file: config/.env');
    expect(result.evidence.findings?.[0]?.where).toBe('config/.env');
  });

  it('an untracked (ignored) .env is fine; exclude skips paths', async () => {
    const root = makeTree({ ...tree, '.env.example': fullExample, '.gitignore': '.env\n' });
    writeFileSync(join(root, '.env'), 'SLACK_TOKEN=abc\n');
    const result = await run(root, { ignore: ['NODE_ENV', 'QUEUE_URL'], exclude: ['app/'] });
    expect(result.status, result.summary).toBe('passed');
    expect(result.evidence.documentedButNotRead).toEqual(['SLACK_TOKEN']);
  });

  it('is an error naming the variables when the documentation file is missing', async () => {
    const root = makeTree(tree);
    const result = await run(root, { file: 'config/env.sample' });
    expect(result.status).toBe('error');
    expect(result.summary).toBe(
      'config/env.sample not found; the code reads 7 environment variables',
    );
    expect(result.fix).toBe(
      'Create config/env.sample with one line per variable: SLACK_TOKEN= APP_TAG= DEPLOY_HOST= PORT= DATABASE_URL= QUEUE_URL= NODE_ENV=',
    );
  });

  it('works outside git, walking the directory', async () => {
    const root = makeTree({ ...tree, '.env.example': fullExample }, { git: false });
    const result = await run(root, { ignore: ['NODE_ENV'] });
    expect(result.status, result.summary).toBe('passed');
    expect(result.summary).not.toContain('committed');
  });
});

describe('env-documented at the release commit', () => {
  const repo = useTestRepos(afterEach);
  const at = (root: string, commit: string) =>
    envDocumentedCheck.run(
      testContext(root, '1.0.0', { commit }),
      checkParams['env-documented'].parse({}),
      AbortSignal.timeout(30_000),
    );

  it('judges the code and .env.example of the release commit, not later edits', async () => {
    const r = repo();
    const release = r.commit('feat: a', {
      'src/db.ts': 'export const url = process.env.DATABASE_URL;\n',
      'src/cache.ts': 'export const redis = process.env.REDIS_URL;\n',
      '.env.example': 'DATABASE_URL=\n',
    });
    // Documented only after the release commit, and a new read only in the working tree.
    r.commit('docs: env', { '.env.example': 'DATABASE_URL=\nREDIS_URL=\n' });
    r.write({ 'src/new.ts': 'export const k = process.env.NEW_ONE;\n' });
    const result = await at(r.root, release);
    expect(result.status).toBe('failed');
    expect(result.evidence.findings).toEqual([
      { where: 'src/cache.ts:1', message: 'REDIS_URL is read here but not listed in .env.example' },
    ]);
    expect(result.evidence.commit).toBe(release);
  });

  it('finds a .env committed in the release commit even when deleted since', async () => {
    const r = repo();
    const release = r.commit('oops', { '.env': 'X=1\n', '.env.example': '' });
    r.git('rm', '-q', '.env');
    r.commit('remove .env');
    const result = await at(r.root, release);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('committed .env file: .env');
  });
});
