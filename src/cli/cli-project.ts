/**
 * What the CLI can tell about the project it runs in, for the importer's check suggestions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The project's test command from its manifests: `npm test` when package.json has a real test
 * script, `pytest`, `cargo test`, `go test ./...`, `make test`; undefined when none is clear.
 *
 * @example detectTestCommand('/path/to/repo') // 'npm test'
 */
export function detectTestCommand(root: string): string | undefined {
  const read = (f: string) => {
    try {
      return readFileSync(join(root, f), 'utf8');
    } catch {
      return undefined;
    }
  };
  const pkg = read('package.json');
  if (pkg) {
    try {
      const test = (JSON.parse(pkg) as { scripts?: { test?: string } }).scripts?.test;
      // npm init's placeholder script only says there are no tests.
      if (test && !/no test specified/.test(test)) return 'npm test';
    } catch {
      // A broken package.json is not ours to report here.
    }
  }
  if (
    existsSync(join(root, 'pytest.ini')) ||
    /\[tool\.pytest|\[tool:pytest\]/.test(
      `${read('pyproject.toml') ?? ''}${read('setup.cfg') ?? ''}${read('tox.ini') ?? ''}`,
    )
  ) {
    return 'pytest';
  }
  if (existsSync(join(root, 'Cargo.toml'))) return 'cargo test';
  if (existsSync(join(root, 'go.mod'))) return 'go test ./...';
  if (/^test:/m.test(read('Makefile') ?? '')) return 'make test';
  return undefined;
}
