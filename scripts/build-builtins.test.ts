import { describe, expect, it } from 'vitest';
import { rewriteBuiltinImports } from './build-builtins.ts';

describe('rewriteBuiltinImports', () => {
  it('turns named imports, with and without aliases, into one destructuring', () => {
    expect(
      rewriteBuiltinImports("import { existsSync, readFileSync as read } from 'node:fs';"),
    ).toBe('const { existsSync, readFileSync: read } = process.getBuiltinModule("node:fs");');
  });

  it('turns default and namespace imports into the whole module', () => {
    expect(rewriteBuiltinImports("import path from 'node:path';")).toBe(
      'const path = process.getBuiltinModule("node:path");',
    );
    expect(rewriteBuiltinImports('import * as os from "node:os";')).toBe(
      'const os = process.getBuiltinModule("node:os");',
    );
    expect(rewriteBuiltinImports("import fs, { readFileSync } from 'node:fs';")).toBe(
      'const fs = process.getBuiltinModule("node:fs"); const { readFileSync } = process.getBuiltinModule("node:fs");',
    );
  });

  it('drops type-only imports and type specifiers, keeping the line count', () => {
    const source = [
      "import type { ParseArgsConfig } from 'node:util';",
      "import { type ParseArgsConfig as C, parseArgs } from 'node:util';",
      "import { type SpawnOptions } from 'node:child_process';",
      'export const x = 1;',
    ].join('\n');
    const out = rewriteBuiltinImports(source);
    expect(out.split('\n')).toEqual([
      '',
      'const { parseArgs } = process.getBuiltinModule("node:util");',
      '',
      'export const x = 1;',
    ]);
  });

  it('keeps the lines of an import written over several lines', () => {
    const source = [
      'import {',
      '  mkdirSync,',
      '  writeFileSync,',
      "} from 'node:fs';",
      'mkdirSync("x");',
    ].join('\n');
    const out = rewriteBuiltinImports(source);
    expect(out.split('\n')).toHaveLength(5);
    expect(out.split('\n')[4]).toBe('mkdirSync("x");');
    expect(out).toContain(
      'const { mkdirSync, writeFileSync } = process.getBuiltinModule("node:fs");',
    );
  });

  it('leaves package and relative imports alone, and never joins one to the next', () => {
    const source = [
      "import { Kysely } from 'kysely';",
      "import { findRepoRoot } from './cli-git.ts';",
      "import { join } from 'node:path';",
    ].join('\n');
    expect(rewriteBuiltinImports(source)).toBe(
      [
        "import { Kysely } from 'kysely';",
        "import { findRepoRoot } from './cli-git.ts';",
        'const { join } = process.getBuiltinModule("node:path");',
      ].join('\n'),
    );
  });

  it('leaves an import form it does not know to the bundler', () => {
    const odd = "import { 'string name' as s } from 'node:fs';";
    expect(rewriteBuiltinImports(odd)).toBe(odd);
  });
});
