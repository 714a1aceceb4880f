/**
 * Which commands found in a checklist the importer may write as a `check` (DESIGN.md §1, "text
 * is data"): known verifiers only, that is test runners, linters, type checkers, audit and
 * coverage tools, and the project's own test command. A verifier reads the project and says
 * yes or no; anything that could change or fetch something (`rm -rf`, `curl … | sh`, `sudo`,
 * redirections, pipes, `;` chains, command substitution, environment assignments, `--fix`)
 * stays a suggestion that nothing runs. The list is data; the matcher checks the whole command,
 * so a verifier followed by `&& rm -rf /` is not a verifier.
 */

export type VerifierKind = 'tests' | 'lint' | 'types' | 'audit' | 'coverage';

interface VerifierSpec {
  /** The words the command starts with: the program, then its subcommand if it needs one. */
  command: string;
  kind: VerifierKind;
  /** One of these must be among the arguments (`tsc --noEmit`, `prettier --check`). */
  requires?: string[];
  /** Arguments that make the program change files or run other programs. */
  denies?: string[];
  /**
   * What the other arguments may be: anything (the default, for flags and paths), only
   * options (build tools, where another word is another goal or task), or the name of a
   * verifying script or make target first.
   */
  args?: 'any' | 'options' | 'script' | 'targets';
  /**
   * Also started through a runner (`npx`, `python -m`, `bundle exec`) or from the project's
   * node_modules/.bin or vendor/bin; package managers and build tools are not.
   */
  tool?: boolean;
}

/** Script and make-target names that verify: `test`, `lint:css`, `typecheck`, `check`, … */
const verifyingName =
  /^(test|tests|spec|lint|typecheck|type-check|types|tsc|check|verify|vet|coverage|audit|format:check|fmt:check|format-check|fmt-check)([:_-][\w.:-]+)?$/;

const fix = ['--fix'];
/** Go's flag package reads `-exec` and `--exec` alike. */
const goExec = ['-exec', '--exec', '-toolexec', '--toolexec', '-vettool', '--vettool'];
/** Options that keep a runner waiting for changes instead of exiting with a verdict. */
const watching = ['--watch', '--watchAll', '--watch-all', '--ui'];

/** The verifiers, as data. `tool: true` marks programs a runner (`npx`, `uv run`) may start. */
const verifierSpecs: VerifierSpec[] = [
  // Test runners behind the package managers' script commands.
  { command: 'npm test', kind: 'tests' },
  { command: 'npm t', kind: 'tests' },
  { command: 'npm run', kind: 'tests', args: 'script' },
  { command: 'npm run-script', kind: 'tests', args: 'script' },
  { command: 'pnpm test', kind: 'tests' },
  { command: 'pnpm run', kind: 'tests', args: 'script' },
  { command: 'yarn test', kind: 'tests' },
  { command: 'yarn run', kind: 'tests', args: 'script' },
  { command: 'yarn', kind: 'tests', args: 'script' },
  { command: 'bun test', kind: 'tests' },
  { command: 'bun run', kind: 'tests', args: 'script' },
  { command: 'deno test', kind: 'tests' },
  { command: 'deno lint', kind: 'lint' },
  { command: 'deno check', kind: 'types' },
  // JavaScript and TypeScript tools.
  { command: 'vitest', kind: 'tests', tool: true },
  { command: 'jest', kind: 'tests', tool: true },
  { command: 'mocha', kind: 'tests', tool: true },
  { command: 'ava', kind: 'tests', tool: true },
  { command: 'playwright test', kind: 'tests', tool: true },
  { command: 'cypress run', kind: 'tests', tool: true },
  { command: 'eslint', kind: 'lint', denies: [...fix, '--fix-type'], tool: true },
  { command: 'oxlint', kind: 'lint', denies: fix, tool: true },
  { command: 'stylelint', kind: 'lint', denies: fix, tool: true },
  { command: 'biome check', kind: 'lint', denies: ['--write', '--apply', '--fix'], tool: true },
  { command: 'biome lint', kind: 'lint', denies: ['--write', '--apply', '--fix'], tool: true },
  { command: 'biome ci', kind: 'lint', tool: true },
  {
    command: 'prettier',
    kind: 'lint',
    requires: ['--check', '-c', '--list-different', '-l'],
    denies: ['--write', '-w'],
    tool: true,
  },
  { command: 'tsc', kind: 'types', requires: ['--noEmit'], denies: ['-b', '--build'], tool: true },
  { command: 'vue-tsc', kind: 'types', requires: ['--noEmit'], tool: true },
  { command: 'c8 check-coverage', kind: 'coverage', tool: true },
  { command: 'nyc check-coverage', kind: 'coverage', tool: true },
  // Python.
  { command: 'pytest', kind: 'tests', tool: true },
  { command: 'py.test', kind: 'tests', tool: true },
  { command: 'tox', kind: 'tests', tool: true },
  { command: 'nox', kind: 'tests', tool: true },
  { command: 'unittest', kind: 'tests', tool: true },
  {
    command: 'ruff check',
    kind: 'lint',
    denies: [...fix, '--unsafe-fixes', '--fix-only'],
    tool: true,
  },
  { command: 'ruff format', kind: 'lint', requires: ['--check', '--diff'], tool: true },
  { command: 'ruff', kind: 'lint', denies: [...fix, '--unsafe-fixes', '--fix-only'], tool: true },
  { command: 'flake8', kind: 'lint', tool: true },
  { command: 'pylint', kind: 'lint', tool: true },
  { command: 'black', kind: 'lint', requires: ['--check', '--diff'], tool: true },
  {
    command: 'isort',
    kind: 'lint',
    requires: ['--check', '--check-only', '-c', '--diff'],
    tool: true,
  },
  { command: 'bandit', kind: 'audit', tool: true },
  { command: 'mypy', kind: 'types', tool: true },
  { command: 'pyright', kind: 'types', tool: true },
  { command: 'pip-audit', kind: 'audit', tool: true },
  { command: 'safety check', kind: 'audit', tool: true },
  { command: 'safety scan', kind: 'audit', tool: true },
  { command: 'coverage report', kind: 'coverage', tool: true },
  // Go.
  { command: 'go test', kind: 'tests', denies: goExec },
  { command: 'go vet', kind: 'lint', denies: goExec },
  { command: 'golangci-lint run', kind: 'lint', denies: fix, tool: true },
  { command: 'staticcheck', kind: 'lint', tool: true },
  { command: 'govulncheck', kind: 'audit', tool: true },
  // Rust.
  { command: 'cargo test', kind: 'tests', denies: ['--config'] },
  { command: 'cargo nextest run', kind: 'tests', denies: ['--config'] },
  { command: 'cargo clippy', kind: 'lint', denies: [...fix, '--config'] },
  { command: 'cargo fmt', kind: 'lint', requires: ['--check'] },
  { command: 'cargo audit', kind: 'audit' },
  { command: 'cargo deny check', kind: 'audit' },
  // JVM and .NET: another word would be another goal or task, so only options may follow.
  { command: 'mvn test', kind: 'tests', args: 'options' },
  { command: 'mvn verify', kind: 'tests', args: 'options' },
  { command: './mvnw test', kind: 'tests', args: 'options' },
  { command: './mvnw verify', kind: 'tests', args: 'options' },
  { command: 'gradle test', kind: 'tests', args: 'options', denies: ['-I', '--init-script'] },
  { command: 'gradle check', kind: 'tests', args: 'options', denies: ['-I', '--init-script'] },
  { command: './gradlew test', kind: 'tests', args: 'options', denies: ['-I', '--init-script'] },
  { command: './gradlew check', kind: 'tests', args: 'options', denies: ['-I', '--init-script'] },
  { command: 'dotnet test', kind: 'tests' },
  // Ruby and PHP.
  { command: 'rspec', kind: 'tests', tool: true },
  { command: 'rake test', kind: 'tests', args: 'options', tool: true },
  { command: 'rake spec', kind: 'tests', args: 'options', tool: true },
  { command: 'rails test', kind: 'tests', tool: true },
  { command: 'bin/rails test', kind: 'tests' },
  {
    command: 'rubocop',
    kind: 'lint',
    denies: [
      '-a',
      '-A',
      '--autocorrect',
      '--autocorrect-all',
      '--auto-correct',
      '--auto-correct-all',
    ],
    tool: true,
  },
  { command: 'bundle audit', kind: 'audit' },
  { command: 'bundler-audit', kind: 'audit', tool: true },
  { command: 'phpunit', kind: 'tests', tool: true },
  { command: 'pest', kind: 'tests', tool: true },
  { command: 'phpstan analyse', kind: 'types', tool: true },
  { command: 'psalm', kind: 'types', tool: true },
  { command: 'phpcs', kind: 'lint', tool: true },
  { command: 'composer audit', kind: 'audit' },
  { command: 'composer test', kind: 'tests' },
  // Other languages and general tools.
  { command: 'make', kind: 'tests', args: 'targets' },
  { command: 'swift test', kind: 'tests' },
  { command: 'mix test', kind: 'tests' },
  { command: 'flutter test', kind: 'tests' },
  { command: 'dart test', kind: 'tests' },
  { command: 'ctest', kind: 'tests' },
  { command: 'bats', kind: 'tests', tool: true },
  { command: 'shellcheck', kind: 'lint', tool: true },
  { command: 'hadolint', kind: 'lint', tool: true },
  { command: 'yamllint', kind: 'lint', tool: true },
  { command: 'markdownlint', kind: 'lint', denies: fix, tool: true },
  { command: 'actionlint', kind: 'lint' },
  { command: 'tflint', kind: 'lint' },
  { command: 'terraform validate', kind: 'lint' },
  { command: 'terraform fmt', kind: 'lint', requires: ['-check'] },
  { command: 'osv-scanner', kind: 'audit', tool: true },
  { command: 'npm audit', kind: 'audit', denies: ['fix'] },
  { command: 'pnpm audit', kind: 'audit', denies: [...fix] },
  { command: 'yarn audit', kind: 'audit' },
  { command: 'yarn npm audit', kind: 'audit' },
  { command: 'trivy fs', kind: 'audit' },
  { command: 'gitleaks detect', kind: 'audit' },
];

/** Runners that start a tool (`npx vitest`, `python -m pytest`, `bundle exec rspec`). */
const runners = [
  'npx',
  'pnpm exec',
  'yarn exec',
  'python -m',
  'python3 -m',
  'py -m',
  'uv run',
  'poetry run',
  'pipenv run',
  'pdm run',
  'hatch run',
  'bundle exec',
].map((r) => r.split(' '));

/** Where a project keeps its tools: `./node_modules/.bin/eslint` is eslint. */
const toolDirs = /^(?:\.\/)?(?:node_modules\/\.bin|vendor\/bin)\/(?=[\w.-]+$)/;

/**
 * Shell syntax a verifier never needs: pipes, `;`, `&`, redirections, substitution, globs,
 * escapes, comments and newlines. `&&` between verifiers is handled before this applies.
 */
const shellSyntax = /[|&;<>()$`\\*?{}[\]!#~\r\n]/;

/** A command the importer may write as a check: its parts (`a && b`) and their kinds. */
export interface VerifierMatch {
  commands: string[];
  kinds: VerifierKind[];
}

/**
 * Matches a command line against the known verifiers: every part of an `a && b` chain must be
 * one, whole (its arguments included); the project's detected test command always is.
 * Returns undefined for anything else.
 *
 * @example matchVerifier('npx vitest run') // { commands: ['npx vitest run'], kinds: ['tests'] }
 * @example matchVerifier('npm test && rm -rf /') // undefined
 */
export function matchVerifier(line: string, testCommand?: string): VerifierMatch | undefined {
  const parts = line.trim().split(/\s+&&\s+/);
  const kinds: VerifierKind[] = [];
  for (const part of parts) {
    const kind = verifierKind(part, testCommand);
    if (!kind) return undefined;
    kinds.push(kind);
  }
  return { commands: parts, kinds };
}

function verifierKind(part: string, testCommand: string | undefined): VerifierKind | undefined {
  if (testCommand && collapse(part) === collapse(testCommand)) return 'tests';
  if (shellSyntax.test(part)) return undefined;
  const words = splitWords(part);
  if (!words?.length) return undefined;
  // `TOKEN=… npm test`: environment assignments need a shell, and may carry secrets.
  if (words[0]!.includes('=')) return undefined;
  const runner = runners.find((r) => r.every((w, i) => words[i] === w));
  if (runner) {
    const rest = words.slice(runner.length);
    // Runner options (`npx -y pkg`, `uv run --with x`) choose what gets installed and run.
    if (!rest.length || rest[0]!.startsWith('-')) return undefined;
    return matchSpec(rest, true);
  }
  return matchSpec(words, false);
}

function matchSpec(words: string[], viaRunner: boolean): VerifierKind | undefined {
  const argv = [words[0]!.replace(toolDirs, ''), ...words.slice(1)];
  const viaToolDir = argv[0] !== words[0];
  let best: { spec: VerifierSpec; length: number } | undefined;
  for (const spec of verifierSpecs) {
    if ((viaRunner || viaToolDir) && !spec.tool) continue;
    const fixed = spec.command.split(' ');
    if (fixed.length > argv.length || !fixed.every((w, i) => argv[i] === w)) continue;
    if (!best || fixed.length > best.length) best = { spec, length: fixed.length };
  }
  if (!best) return undefined;
  const { spec, length } = best;
  const args = argv.slice(length);
  const named = (flags: string[]) =>
    args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
  // A one-letter option may carry its value attached (`-Iinit.gradle`).
  const denied = (flags: string[]) =>
    named(flags) || args.some((a) => flags.some((f) => /^-\w$/.test(f) && a.startsWith(f)));
  if (denied([...watching, ...(spec.denies ?? [])])) return undefined;
  if (spec.requires && !named(spec.requires)) return undefined;
  switch (spec.args) {
    case 'options':
      return args.every((a) => a.startsWith('-')) ? spec.kind : undefined;
    case 'script':
      return args[0] !== undefined && verifyingName.test(args[0]) ? spec.kind : undefined;
    case 'targets':
      // Variables (`SHELL=…`) and options such as -f or -e change what make runs.
      return args.length > 0 && args.every((a) => verifyingName.test(a) || /^-[jk]\d*$/.test(a))
        ? spec.kind
        : undefined;
    default:
      return spec.kind;
  }
}

function collapse(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}

/**
 * Words of a command without shell syntax (checked before): whitespace separates them, and
 * single or double quotes group them. Undefined for an unterminated quote.
 */
function splitWords(part: string): string[] | undefined {
  const words: string[] = [];
  const re = /\s*(?:'([^']*)'|"([^"]*)"|([^\s'"]+))/y;
  let word: string | undefined;
  let at = 0;
  while (at < part.length) {
    if (/\s/.test(part[at]!)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      while (at < part.length && /\s/.test(part[at]!)) at++;
      continue;
    }
    re.lastIndex = at;
    const m = re.exec(part);
    if (!m) return undefined;
    word = (word ?? '') + (m[1] ?? m[2] ?? m[3]!);
    at = re.lastIndex;
  }
  if (word !== undefined) words.push(word);
  return words;
}
