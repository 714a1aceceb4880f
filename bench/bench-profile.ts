/**
 * Where a command's start-up goes: runs it under `node --cpu-prof` a few times and sums the
 * sampled self time per bucket (compiling our bundle, Node's own modules, the git subprocess,
 * each bundled package or gonogo layer, GC). The profiler slows the process down, so shares
 * matter, not ms. A bundled function is traced to its source file through the chunk's source
 * map when the build writes one, else its chunk is named by text markers.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface ProfileShare {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  runs: number;
  /** The bundle's files the command loaded, in load order, with their sizes. */
  files?: { name: string; bytes: number }[];
  /** Sampled time per run, profiler overhead included. */
  msPerRun: number;
  buckets: ProfileShare[];
  functions: ProfileShare[];
}

interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, like SourceMap.findEntry's arguments. */
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Text markers that name the package bundled into a chunk when there is no source map (first
 * match wins). String literals, because a minified build renames classes and functions.
 */
const packageMarkers: [string, RegExp][] = [
  ['kysely', /kysely_migration|KyselyPlugin/],
  ['zod', /\$ZodType|ZodError/],
  ['yaml', /YAMLParseError|YAMLSemanticError/],
  ['micromark / mdast', /micromark/],
  ['semver', /SemVer|Invalid comparator/],
  ['pg', /PGPASSWORD|pg-pool/],
];

/** Per chunk URL: its source map, or null when it has none (cached either way). */
type MapCache = Map<string, SourceMap | null>;

/**
 * Profiles `node ARGS` `runs` times in `cwd` and returns the summed self time per bucket and
 * per function (top 12), largest first.
 *
 * @example
 * const p = profileCommand(['dist/gonogo.js', 'status'], repo, process.env, 5);
 * p.buckets[0]; // { name: 'Node internals (built-ins, module loader)', ms: 30, share: 0.3 }
 */
export function profileCommand(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  runs: number,
): ProfileSummary {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-prof-'));
  try {
    const profArgs = ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200'];
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, [...profArgs, ...args], { cwd, env, stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`profiling node ${args.join(' ')} exited ${r.status}`);
    }
    const profiles = readdirSync(dir).map((f) => readProfile(join(dir, f)));
    return { ...summarizeProfiles(profiles), files: listLoadedFiles(args, cwd, env, dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The files `node ARGS` loads through the ES module loader (a module hook that logs every
 * `file:` URL): each one costs a resolve, a read and a link whatever its size, so their number
 * matters for start-up as well as their bytes.
 */
function listLoadedFiles(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  dir: string,
): { name: string; bytes: number }[] {
  const hook = join(dir, 'log-loads.mjs');
  writeFileSync(
    hook,
    "import { registerHooks } from 'node:module';\n" +
      'registerHooks({ load(url, context, next) { const r = next(url, context);' +
      " if (url.startsWith('file:')) process.stderr.write(`gonogo-bench-load ${url}\\n`); return r; } });\n",
  );
  const r = spawnSync(process.execPath, ['--import', hook, ...args], {
    cwd,
    env,
    encoding: 'utf8',
  });
  return [...r.stderr.matchAll(/^gonogo-bench-load (\S+)$/gm)].map((m) => {
    const path = new URL(m[1]!).pathname;
    return { name: basename(path), bytes: statSync(path).size };
  });
}

function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

function summarizeProfiles(profiles: CpuProfile[]): ProfileSummary {
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  const chunkLabels = new Map<string, string>();
  const maps: MapCache = new Map();
  let totalUs = 0;
  for (const profile of profiles) {
    for (const [frame, us] of sumSelfTime(profile)) {
      if (frame.functionName === '(idle)') continue;
      totalUs += us;
      const bucket = nameBucket(frame, chunkLabels, maps);
      addTo(buckets, bucket, us);
      addTo(functions, `${frame.functionName || '(anonymous)'} · ${bucket}`, us);
    }
  }
  const toShares = (m: Map<string, number>): ProfileShare[] =>
    [...m]
      .map(([name, us]) => ({ name, ms: us / 1000 / profiles.length, share: us / totalUs }))
      .sort((a, b) => b.ms - a.ms);
  return {
    runs: profiles.length,
    msPerRun: totalUs / 1000 / profiles.length,
    buckets: toShares(buckets),
    functions: toShares(functions).slice(0, 12),
  };
}

function sumSelfTime(profile: CpuProfile): Map<CallFrame, number> {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<CallFrame, number>();
  profile.samples.forEach((id, i) => addTo(self, frames.get(id)!, profile.timeDeltas[i] ?? 0));
  return self;
}

function addTo<K>(map: Map<K, number>, key: K, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

/** The bucket a sampled frame belongs to: what a reader can act on, not V8's internals. */
function nameBucket(frame: CallFrame, chunkLabels: Map<string, string>, maps: MapCache): string {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'V8 / native (program)';
  if (fn === 'compileSourceTextModule') return 'compile ESM source (V8)';
  // Regex execution has no URL; left alone it would count as Node internals.
  if (fn.startsWith('RegExp: ')) return 'regular expressions (V8 irregexp)';
  if (url.startsWith('wasm://')) return "WebAssembly (Node's TypeScript type stripping)";
  if (/child_process/.test(url) || fn === 'spawnSync') return 'child process (git)';
  if (url.startsWith('node:') || fn === 'compileForInternalLoader' || url === '') {
    return 'Node internals (built-ins, module loader)';
  }
  if (/\/dist\/(chunks\/|gonogo\.js$)/.test(url)) {
    return traceToSource(frame, maps) ?? labelChunk(url, chunkLabels);
  }
  return basename(url);
}

/** The npm package or gonogo layer the bundled function came from, by the chunk's source map. */
function traceToSource(frame: CallFrame, maps: MapCache): string | undefined {
  const map = loadSourceMap(frame.url, maps);
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  const source = entry && 'originalSource' in entry ? entry.originalSource : undefined;
  if (!source) return undefined;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return pkg[1]!;
  const layer = /\bsrc\/([^/]+)\//.exec(source);
  return layer ? `gonogo src/${layer[1]}/` : basename(source);
}

function loadSourceMap(url: string, maps: MapCache): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const path = `${new URL(url).pathname}.map`;
      if (existsSync(path)) {
        map = new SourceMap(JSON.parse(readFileSync(path, 'utf8')) as SourceMapPayload);
      }
    } catch {
      // No usable map: the chunk is named by its markers instead.
    }
    maps.set(url, map);
  }
  return maps.get(url) ?? null;
}

function labelChunk(url: string, cache: Map<string, string>): string {
  const cached = cache.get(url);
  if (cached) return cached;
  const file = basename(url);
  // Entry chunks (`status-HASH.js`) are our modules; shared `chunk-HASH.js` may be a package.
  if (file === 'gonogo.js') return 'gonogo entry (dist/gonogo.js)';
  let label = file.startsWith('chunk-')
    ? `gonogo shared code (${file})`
    : `gonogo ${file.replace(/-[A-Z0-9]+\.js$/, '')}`;
  if (file.startsWith('chunk-')) {
    try {
      const text = readFileSync(new URL(url), 'utf8');
      const found = packageMarkers.find(([, marker]) => marker.test(text));
      if (found) label = `${found[0]} (${file})`;
    } catch {
      // A parallel rebuild may have replaced the chunk; the file name still says enough.
    }
  }
  cache.set(url, label);
  return label;
}
