/**
 * The peer release tools whose `--version` start-up is timed beside gonogo's, in the same run
 * and the same hyperfine rounds as `node -e 0`, so their ratios are this machine's at this
 * moment. They are pinned in bench/peers/package.json (and its lockfile) and installed with
 * `npm ci` into bench/peers/node_modules, apart from gonogo's own dependencies: gonogo's install
 * and `npm audit` do not carry four hundred packages that only the bench runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandSpec } from './bench-measure.ts';

/** A peer tool by package and the bin the user would type. */
interface Peer {
  pkg: string;
  bin: string;
}

const peers: Peer[] = [
  { pkg: '@changesets/cli', bin: 'changeset' },
  { pkg: 'release-it', bin: 'release-it' },
  { pkg: 'semantic-release', bin: 'semantic-release' },
];

export interface PeerTools {
  /** `node BIN --version` for each installed peer, labelled `NAME VERSION --version`. */
  specs: CommandSpec[];
  /** Why a peer (or all of them) could not be timed. */
  missing: string[];
  /** Seconds spent in `npm ci`, or 0 when node_modules was already up to date. */
  installSeconds: number;
}

/**
 * Installs the pinned peer tools when bench/peers/node_modules is missing or older than the
 * lockfile, and returns one command per tool to time. Never throws: a tool that cannot be
 * installed or run is listed in `missing` with the reason.
 *
 * @example
 * const { specs } = preparePeerTools('/work/main', process.execPath);
 * specs[0].label; // 'changeset 3.0.3 --version'
 */
export function preparePeerTools(repoRoot: string, node: string): PeerTools {
  const dir = join(repoRoot, 'bench', 'peers');
  const lock = join(dir, 'package-lock.json');
  const modules = join(dir, 'node_modules');
  const missing: string[] = [];
  let installSeconds = 0;
  if (!existsSync(modules) || statSync(modules).mtimeMs < statSync(lock).mtimeMs) {
    const started = performance.now();
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', dir], {
      encoding: 'utf8',
    });
    installSeconds = (performance.now() - started) / 1000;
    if (r.status !== 0) {
      const why = r.error?.message ?? r.stderr.trim().split('\n').pop();
      return {
        specs: [],
        missing: [`peer tools not installed (npm ci in bench/peers exited ${r.status}: ${why})`],
        installSeconds,
      };
    }
  }
  const specs: CommandSpec[] = [];
  for (const peer of peers) {
    const manifest = join(modules, ...peer.pkg.split('/'), 'package.json');
    if (!existsSync(manifest)) {
      missing.push(`${peer.bin}: ${peer.pkg} is not in bench/peers/node_modules`);
      continue;
    }
    const { version, bin } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      version: string;
      bin: string | Record<string, string>;
    };
    const file = typeof bin === 'string' ? bin : bin[peer.bin];
    if (!file) {
      missing.push(`${peer.bin}: ${peer.pkg} ${version} has no such bin`);
      continue;
    }
    const argv = [node, join(modules, ...peer.pkg.split('/'), file), '--version'];
    const check = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
    if (check.status !== 0) {
      const why = check.error?.message ?? check.stderr.trim().split('\n')[0];
      missing.push(`${peer.bin} ${version}: \`--version\` exited ${check.status} (${why})`);
      continue;
    }
    specs.push({ label: `${peer.bin} ${version} --version`, argv });
  }
  return { specs, missing, installSeconds };
}
