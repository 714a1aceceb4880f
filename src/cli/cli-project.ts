/**
 * What the CLI can tell about the project it runs in, for the importer's check suggestions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

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

/**
 * A remote URL as a project key: host and path, lower-case host, no user, password, port,
 * scheme or `.git`, so the SSH and HTTPS clones of one repository name the same project.
 *
 * @example normalizeRemoteUrl('git@github.com:Acme/App.git') // 'github.com/Acme/App'
 * @example normalizeRemoteUrl('https://tok:x@GitHub.com/Acme/App.git') // 'github.com/Acme/App'
 */
export function normalizeRemoteUrl(url: string): string | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const u = new URL(text);
      if (u.protocol === 'file:') return undefined;
      host = u.hostname;
      path = decodeURIComponent(u.pathname);
    } catch {
      return undefined;
    }
  } else if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else return undefined;
  path = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '');
  if (!host || !path) return undefined;
  return `${host.toLowerCase()}/${path}`;
}

/** The `url` of `[remote "origin"]` in a git config file's text. */
function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) inOrigin = /^\[remote\s+"origin"\]$/.test(line);
    else if (inOrigin) {
      const m = /^url\s*=\s*(.+)$/.exec(line);
      if (m) return m[1]!.trim();
    }
  }
  return undefined;
}

/** The repository's git config text, also from a worktree or submodule (`.git` is a file). */
function readGitConfig(root: string): string | undefined {
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  const dotGit = join(root, '.git');
  const link = /^gitdir:\s*(.+)$/m.exec(read(dotGit) ?? '')?.[1]?.trim();
  if (!link) return read(join(dotGit, 'config'));
  const gitDir = resolve(root, link);
  const common = read(join(gitDir, 'commondir'))?.trim();
  return read(join(common ? resolve(gitDir, common) : gitDir, 'config'));
}

/**
 * The project a repository's releases belong to (several repositories may share one database):
 * `--project`, else the playbook's top-level `project:`, else the `origin` remote as host/path,
 * else the repository folder's name. Read from files, without a git subprocess or a YAML parse,
 * since every command needs it.
 *
 * @example deriveProjectKey('/src/app', { playbookFile: '/src/app/gonogo.yaml' }) // 'github.com/acme/app'
 */
export function deriveProjectKey(
  root: string,
  opts: { explicit?: string; playbookFile?: string } = {},
): string {
  if (opts.explicit?.trim()) return opts.explicit.trim();
  if (opts.playbookFile) {
    try {
      const text = readFileSync(opts.playbookFile, 'utf8');
      const m = /^project:[ \t]*(['"]?)([^\r\n#'"]+?)\1[ \t]*(?:#.*)?$/m.exec(text);
      if (m?.[2]?.trim()) return m[2].trim();
    } catch {
      // No playbook here: the remote or the folder names the project.
    }
  }
  const url = originUrl(readGitConfig(root) ?? '');
  const fromUrl = url ? normalizeRemoteUrl(url) : undefined;
  return fromUrl ?? basename(resolve(root));
}
