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

/** gonogo's own modules import Node's built-ins through getBuiltinModule (build-builtins.ts). */
const builtinsWithoutFacade: Plugin = {
  name: 'builtins-without-facade',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => ({
      contents: rewriteBuiltinImports(readFileSync(args.path, 'utf8')),
      loader: 'ts',
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { gonogo: 'src/cli/main.ts' },
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
  banner: {
    // Some bundled CommonJS (pg) calls require(); give ESM chunks one (without node:module's
    // ESM facade, for the reason in build-builtins.ts).
    js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync('dist/gonogo.js', 0o755);
