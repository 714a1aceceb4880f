/**
 * What the benchmarks run against: the seed checklists (read in place, never copied into the
 * repository) and a throw-away git repository with a release in progress, so `status` has a
 * real database and a real playbook to show.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface Seed {
  name: string;
  path: string;
  bytes: number;
}

/**
 * The seed checklists in `../shared/seeds/` beside the repository, in name order; undefined
 * when that folder is absent.
 *
 * @example
 * const seeds = findSeeds('/work/main'); // [{ name: '000_….txt', path: '…', bytes: 4476 }, …]
 */
export function findSeeds(repoRoot: string): Seed[] | undefined {
  const dir = resolve(repoRoot, '../shared/seeds');
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .filter((name) => /\.(txt|md)$/.test(name))
    .sort()
    .map((name) => ({ name, path: join(dir, name), bytes: statSync(join(dir, name)).size }));
}

/**
 * The largest seed by size (the one `status` is measured on).
 *
 * @example
 * pickLargestSeed(seeds).name; // '002_….txt'
 */
export function pickLargestSeed(seeds: Seed[]): Seed {
  return seeds.reduce((big, s) => (s.bytes > big.bytes ? s : big));
}

/**
 * Copies the built CLI (dist/) to a temp folder and returns the copy's entry file. The bundle
 * is self-contained, and in a shared checkout another `npm test` may rebuild (delete) dist/
 * in the middle of a run; the copy keeps the measured build fixed. A package.json with
 * `"type": "module"` goes beside it, as in an installed package: without one Node would guess
 * each chunk's module format by parsing it, work an installed gonogo never does.
 *
 * @example
 * const cli = copyBuiltCli('/work/main'); // '/tmp/gonogo-bench-dist-…/dist/gonogo.js'
 */
export function copyBuiltCli(repoRoot: string): string {
  const source = join(repoRoot, 'dist');
  if (!existsSync(join(source, 'gonogo.js'))) {
    throw new Error(`no build at ${source}/gonogo.js: run \`npm run bench\` (it builds first)`);
  }
  const target = join(mkdtempSync(join(tmpdir(), 'gonogo-bench-dist-')), 'dist');
  cpSync(source, target, { recursive: true });
  writeFileSync(join(dirname(target), 'package.json'), '{ "type": "module" }\n');
  return join(target, 'gonogo.js');
}

/**
 * A temp git repository (identity in its git config, as a user's would be) with the seed
 * imported as gonogo.yaml, release 1.0.0 started and the first `ticks` manual items done.
 *
 * @example
 * const repo = prepareReleaseRepo('dist/gonogo.js', seed, 6); // '/tmp/gonogo-bench-repo-…'
 */
export function prepareReleaseRepo(cli: string, seed: Seed, ticks: number): string {
  const repo = mkdtempSync(join(tmpdir(), 'gonogo-bench-repo-'));
  const env = createBenchEnv();
  const gonogo = (...args: string[]) => runOrThrow(process.execPath, [cli, ...args], repo, env);
  try {
    runOrThrow('git', ['init', '-q'], repo, env);
    runOrThrow('git', ['config', 'user.email', 'bench@example.com'], repo, env);
    runOrThrow('git', ['config', 'user.name', 'Bench'], repo, env);
    runOrThrow('git', ['commit', '-q', '--allow-empty', '-m', 'release candidate'], repo, env);
    gonogo('playbook', 'import', seed.path, '-o', 'gonogo.yaml');
    gonogo('release', 'start', '1.0.0');
    // Items with a check are run by `gonogo check`, not ticked; tick people's items only.
    const view = JSON.parse(gonogo('release', 'show', '--json')) as {
      items: { number: number; kind: string }[];
    };
    const manual = view.items.filter((i) => i.kind === 'manual').slice(0, ticks);
    for (const i of manual) gonogo('item', 'done', String(i.number), '--note', 'bench');
    return repo;
  } catch (e) {
    rmSync(repo, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The environment every measured command gets: no colour, no inherited gonogo settings, so
 * the identity and database come from the repository as they would for a user.
 *
 * @example
 * spawnSync('node', ['dist/gonogo.js', 'status'], { env: createBenchEnv() });
 */
export function createBenchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const key of [
    'GONOGO_USER',
    'GONOGO_DB',
    'GONOGO_SERVER',
    'NODE_OPTIONS',
    'NODE_COMPILE_CACHE',
  ]) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

function runOrThrow(program: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(program, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${program} ${args.join(' ')} exited ${r.status}:\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}
