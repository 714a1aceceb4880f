/**
 * Bundles the CLI into dist/ with esbuild: one small entry file plus a chunk per command, so
 * `gonogo --version` loads almost nothing and each command loads only what it needs. Node
 * could run the TypeScript directly, but stripping types and resolving hundreds of modules on
 * every start costs more than bare Node itself (measured in bench/RESULTS.md).
 */
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { rewriteBuiltinImports } from './build-builtins.ts';
import { buildWeb } from './build-web.ts';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  engines: { node: string };
};
// The Node.js major version gonogo needs, from `engines` (">=24"): main.ts checks it first.
const nodeMajor = Number(/\d+/.exec(pkg.engines.node)?.[0]);
if (!nodeMajor) throw new Error(`package.json engines.node "${pkg.engines.node}" names no version`);

/**
 * gonogo's own modules import Node's built-ins through getBuiltinModule (build-builtins.ts).
 * Not the entry: it must load on any Node to say which one gonogo needs (older ones lack
 * getBuiltinModule), and it imports only node:module.
 */
const builtinsWithoutFacade: Plugin = {
  name: 'builtins-without-facade',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) =>
      /[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.path)
        ? undefined
        : { contents: rewriteBuiltinImports(readFileSync(args.path, 'utf8')), loader: 'ts' },
    );
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  // The server's text worker is its own entry: a Worker starts from a file
  // (server/server-text-pool.ts finds it beside the chunks).
  entryPoints: { gonogo: 'src/cli/main.ts', 'text-worker': 'src/server/server-text-worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  chunkNames: 'chunks/[name]-[hash]',
  // Fewer bytes to parse on every start; the linked source map keeps stack traces readable
  // with `node --enable-source-maps`.
  minify: true,
  legalComments: 'none',
  sourcemap: 'linked',
  // A package's ES module build where it names one without "exports" (fastest-levenshtein):
  // CommonJS would need esbuild's wrapper helpers, one more chunk on every command's path.
  mainFields: ['module', 'main'],
  // pg loads its optional native binding lazily; we never use it.
  external: ['pg-native'],
  plugins: [builtinsWithoutFacade],
  // Inlined, so `gonogo --version` reads no file at run time.
  define: {
    GONOGO_VERSION: JSON.stringify(pkg.version),
    GONOGO_NODE_MAJOR: String(nodeMajor),
  },
  // Built-in templates are YAML files imported as text (`./templates/NAME.yaml?raw`; esbuild
  // drops the query when no such file exists, vitest reads it as Vite's raw import).
  loader: { '.yaml': 'text' },
  banner: {
    // Some bundled CommonJS (pg) calls require(); give ESM chunks one.
    js: "import { createRequire as __gonogoRequire } from 'node:module'; const require = __gonogoRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync('dist/gonogo.js', 0o755);

// The web app into dist/web (after the CLI: the rmSync above clears dist first).
await buildWeb();
