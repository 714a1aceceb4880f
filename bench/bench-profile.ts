/**
 * Where a command's start-up goes: runs it under `node --cpu-prof` a few times and sums the
 * sampled self time per bucket (compiling our bundle, Node's own modules, the git subprocess,
 * each bundled package, GC). The profiler slows the process down, so shares matter, not ms.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface ProfileShare {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  runs: number;
  /** Sampled time per run, profiler overhead included. */
  msPerRun: number;
  buckets: ProfileShare[];
  functions: ProfileShare[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

/** Text markers that name the package bundled into an esbuild chunk (first match wins). */
const packageMarkers: [string, RegExp][] = [
  ['kysely (query builder)', /\bKysely\b/],
  ['zod (schema)', /\bZodError\b/],
  ['yaml', /\bYAMLParseError\b/],
  ['remark / micromark', /\bmicromark\b/],
  ['semver', /\bSemVer\b/],
  ['pg', /\bpg-pool\b|\bPGPASSWORD\b/],
];

/**
 * Profiles `node ARGS` `runs` times in `cwd` and returns the summed self time per bucket and
 * per function (top 12), largest first.
 *
 * @example
 * const p = profileCommand(['dist/gonogo.js', 'status'], repo, process.env, 5);
 * p.buckets[0]; // { name: 'compile ESM source (V8)', ms: 120, share: 0.3 }
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
    return summarizeProfiles(profiles);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

function summarizeProfiles(profiles: CpuProfile[]): ProfileSummary {
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  const chunkLabels = new Map<string, string>();
  let totalUs = 0;
  for (const profile of profiles) {
    for (const [frame, us] of sumSelfTime(profile)) {
      if (frame.functionName === '(idle)') continue;
      totalUs += us;
      const bucket = nameBucket(frame, chunkLabels);
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
function nameBucket(frame: CallFrame, chunkLabels: Map<string, string>): string {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'V8 / native (program)';
  if (fn === 'compileSourceTextModule') return 'compile ESM source (V8)';
  if (/child_process/.test(url) || fn === 'spawnSync') return 'child process (git)';
  if (url.startsWith('node:') || fn === 'compileForInternalLoader' || url === '') {
    return 'Node internals (built-ins, module loader)';
  }
  if (/\/dist\/chunks\//.test(url)) return labelChunk(url, chunkLabels);
  if (/\/dist\/gonogo\.js$/.test(url)) return 'gonogo entry (dist/gonogo.js)';
  return basename(url);
}

function labelChunk(url: string, cache: Map<string, string>): string {
  const cached = cache.get(url);
  if (cached) return cached;
  const file = basename(url);
  // Entry chunks (`status-HASH.js`) are our modules; shared `chunk-HASH.js` may be a package.
  let label = file.startsWith('chunk-')
    ? `gonogo shared code (${file})`
    : `gonogo ${file.replace(/-[A-Z0-9]+\.js$/, '')}`;
  if (file.startsWith('chunk-')) {
    try {
      const text = readFileSync(new URL(url), 'utf8');
      const found = packageMarkers.find(([, marker]) => countMatches(text, marker) >= 3);
      if (found) label = `${found[0]} (${file})`;
    } catch {
      // A parallel rebuild may have replaced the chunk; the file name still says enough.
    }
  }
  cache.set(url, label);
  return label;
}

function countMatches(text: string, marker: RegExp): number {
  return text.match(new RegExp(marker.source, 'g'))?.length ?? 0;
}
