/**
 * The bundle's imports of Node's built-in modules, rewritten to `process.getBuiltinModule()`.
 *
 * Why: an ESM `import { readFileSync } from 'node:fs'` makes Node build the module's ESM facade,
 * which reads every export once, lazy getters included; for node:fs and node:util that loads
 * about 35 internal modules (fs/promises, streams, readline, worker…) that gonogo never calls.
 * `process.getBuiltinModule('node:fs')` hands over the same object without a facade. Measured
 * on Node 24: `import 'node:fs'` and friends cost about a sixth of bare `node -e 0` again
 * (bench/RESULTS.md), getBuiltinModule costs nothing measurable.
 */

/** One `import … from 'node:…'` declaration, possibly over several lines; never crosses a `;`. */
const builtinImport = /^import\s+(type\s+)?([^;'"]*?)\s*from\s*(['"])(node:[^'"]+)\3;?/gm;

/**
 * Rewrites every value import of a `node:` module in TypeScript source into a `const` taken from
 * `process.getBuiltinModule()`. Type-only imports and type specifiers are dropped (they have no
 * runtime part). Line breaks are kept, so source maps and stack traces keep their lines.
 *
 * @example
 * rewriteBuiltinImports("import { readFileSync as read } from 'node:fs';")
 * // "const { readFileSync: read } = process.getBuiltinModule('node:fs');"
 */
export function rewriteBuiltinImports(source: string): string {
  return source.replace(
    builtinImport,
    (whole, typeOnly: string | undefined, clause: string, _q: string, specifier: string) => {
      const lines = whole.split('\n').length - 1;
      const keepLines = (text: string) => text + '\n'.repeat(Math.max(0, lines - countLines(text)));
      if (typeOnly) return keepLines('');
      const load = `process.getBuiltinModule(${JSON.stringify(specifier)})`;
      const bindings = parseClause(clause.trim());
      if (!bindings) return whole; // an import form we do not know: leave it to the bundler
      const statements: string[] = [];
      if (bindings.whole) statements.push(`const ${bindings.whole} = ${load};`);
      if (bindings.named.length) {
        const names = bindings.named.map(([from, to]) => (from === to ? from : `${from}: ${to}`));
        statements.push(`const { ${names.join(', ')} } = ${load};`);
      }
      return keepLines(statements.join(' '));
    },
  );
}

function countLines(text: string): number {
  return text.split('\n').length - 1;
}

/**
 * `x`, `* as x`, `{ a, b as c, type T }` or `x, { a }`: the whole-module binding and the named
 * ones as [imported, local] pairs; undefined for anything else.
 */
function parseClause(clause: string): { whole?: string; named: [string, string][] } | undefined {
  const identifier = /^[A-Za-z_$][\w$]*$/;
  const braces = clause.indexOf('{');
  const head = (braces < 0 ? clause : clause.slice(0, braces)).replace(/,\s*$/, '').trim();
  let whole: string | undefined;
  if (head) {
    const name = head.startsWith('*') ? head.replace(/^\*\s*as\s+/, '') : head;
    if (!identifier.test(name)) return undefined;
    whole = name;
  }
  const named: [string, string][] = [];
  if (braces >= 0) {
    const close = clause.lastIndexOf('}');
    if (close < braces) return undefined;
    for (const raw of clause.slice(braces + 1, close).split(',')) {
      const spec = raw.trim();
      if (!spec || spec.startsWith('type ')) continue;
      const [from, to = from] = spec.split(/\s+as\s+/);
      if (!identifier.test(from!) || !identifier.test(to!)) return undefined;
      named.push([from!, to!]);
    }
  }
  return { ...(whole ? { whole } : {}), named };
}
