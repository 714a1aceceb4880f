/**
 * The `version` check: the version in the project's manifests equals the release's, and is
 * greater than the previous release tag. Reads package.json, pyproject.toml ([project] or
 * [tool.poetry]), setup.cfg, setup.py, Cargo.toml, Chart.yaml and a VERSION file, or one
 * configured file with a regex. TOML and INI are read line by line for these few keys, which
 * needs no parser dependency.
 */
import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import type { CheckParams } from '../core/check-params.ts';
import { guardCancel, sha256Hex, type CheckOutcome } from './check-git.ts';
import { openReleaseTree } from './check-tree.ts';
import type { CheckContext, CheckDefinition, CheckEvidence } from './check-types.ts';

const run = promisify(execFile);

/** One version read from one place of one manifest. */
export interface ManifestVersion {
  file: string;
  /** Where in the file: `version`, `[project] version`, `appVersion`, the pattern ... */
  key: string;
  value: string;
}

/** What a manifest reader found: versions, or a note why it holds none (dynamic, inherited). */
type Reading = { versions: ManifestVersion[]; notes: string[] };

/** The manifests looked for when the playbook names no file. */
export const manifestNames = [
  'package.json',
  'pyproject.toml',
  'setup.cfg',
  'setup.py',
  'Cargo.toml',
  'Chart.yaml',
  'VERSION',
];

const stripV = (v: string) => v.trim().replace(/^v(?=\d)/i, '');

/**
 * A key's value in a table of a TOML or INI file, read line by line: strings quoted or bare
 * (INI), inline comments dropped. Returns the raw text when the value is not a plain string.
 *
 * @example readTableKey('[project]\nversion = "1.2.0"\n', 'project', 'version') // { value: '1.2.0', quoted: true }
 */
export function readTableKey(
  text: string,
  table: string,
  key: string,
): { value: string; quoted: boolean } | undefined {
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*([^\]]+?)\s*\](?:\s*[#;].*)?$/.exec(line);
    if (header) {
      current = line.startsWith('[[') ? '' : header[1]!.replace(/\s*\.\s*/g, '.');
      continue;
    }
    if (current !== table) continue;
    const m = /^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$/.exec(line);
    if (!m || m[1] !== key) continue;
    const value = m[2]!;
    const quoted = /^(["'])(.*?)\1/.exec(value);
    if (quoted) return { value: quoted[2]!, quoted: true };
    return { value: value.replace(/\s+[#;].*$/, '').trim(), quoted: false };
  }
  return undefined;
}

/**
 * Reads the versions a manifest declares, by its file name. Chart.yaml has two (the chart's
 * `version` and the packaged `appVersion`); either one matching `wanted` is the one kept.
 *
 * @example readManifest('package.json', '{"version":"1.2.0"}').versions // [{ file: 'package.json', key: 'version', value: '1.2.0' }]
 */
export function readManifest(file: string, text: string, wanted?: string): Reading {
  const name = basename(file);
  const versions: ManifestVersion[] = [];
  const notes: string[] = [];
  const add = (key: string, value: unknown) => {
    if (typeof value === 'string' && value.trim())
      versions.push({ file, key, value: value.trim() });
    else if (typeof value === 'number') versions.push({ file, key, value: String(value) });
  };
  switch (name) {
    case 'package.json': {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        notes.push(`${file} is not valid JSON: ${(err as Error).message}`);
        break;
      }
      const v = (json as { version?: unknown } | null)?.version;
      if (v === undefined) notes.push(`${file} has no "version"`);
      add('version', v);
      break;
    }
    case 'pyproject.toml': {
      for (const table of ['project', 'tool.poetry']) {
        const v = readTableKey(text, table, 'version');
        if (v?.quoted) add(`[${table}] version`, v.value);
      }
      if (!versions.length) {
        const dynamic = readTableKey(text, 'project', 'dynamic');
        notes.push(
          dynamic && /["']version["']/.test(dynamic.value)
            ? `${file} declares the version dynamic (set by the build backend)`
            : `${file} has no [project] or [tool.poetry] version`,
        );
      }
      break;
    }
    case 'setup.cfg': {
      const v = readTableKey(text, 'metadata', 'version');
      if (v && /^(attr|file):/.test(v.value))
        notes.push(`${file} reads the version from ${v.value}`);
      else if (v) add('[metadata] version', v.value);
      else notes.push(`${file} has no [metadata] version`);
      break;
    }
    case 'setup.py': {
      const m = /\bversion\s*=\s*(['"])([^'"\n]+)\1/.exec(text);
      if (m) add('version=', m[2]);
      else notes.push(`${file} sets no literal version="..."`);
      break;
    }
    case 'Cargo.toml': {
      const v = readTableKey(text, 'package', 'version');
      const w = readTableKey(text, 'workspace.package', 'version');
      if (v?.quoted) add('[package] version', v.value);
      else if (w?.quoted) add('[workspace.package] version', w.value);
      else notes.push(`${file} has no literal [package] version`);
      break;
    }
    case 'Chart.yaml': {
      let doc: unknown;
      try {
        doc = parseYaml(text);
      } catch (err) {
        notes.push(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
        break;
      }
      const chart = (doc ?? {}) as { version?: unknown; appVersion?: unknown };
      add('version', chart.version);
      add('appVersion', chart.appVersion);
      const match = versions.find(
        (v) => wanted !== undefined && stripV(v.value) === stripV(wanted),
      );
      if (match) versions.splice(0, versions.length, match);
      break;
    }
    default: {
      const first = text.split(/\r?\n/).find((l) => l.trim());
      if (first) add('contents', first);
      else notes.push(`${file} is empty`);
    }
  }
  return { versions, notes };
}

/**
 * The highest semver release tag with the prefix among `tags` (those in the release commit's
 * history), leaving out the release's own tag.
 *
 * @example previousTag(['v1.0.0', 'v1.2.0', 'v1.3.0', 'other'], 'v', '1.3.0') // { tag: 'v1.2.0', version: '1.2.0' }
 */
export function previousTag(
  tags: string[],
  prefix: string,
  version: string,
): { tag: string; version: string } | undefined {
  let best: { tag: string; version: string } | undefined;
  for (const tag of tags) {
    if (!tag.startsWith(prefix)) continue;
    const v = semver.valid(tag.slice(prefix.length));
    if (!v || tag === `${prefix}${version}` || semver.eq(v, version)) continue;
    if (!best || semver.gt(v, best.version)) best = { tag, version: v };
  }
  return best;
}

type TagReading =
  { kind: 'tags'; tags: string[] } | { kind: 'skipped'; note: string } | { kind: 'cancelled' };

/**
 * The tags in the release commit's history (`git tag --merged`): a patch on a maintenance
 * branch (1.4.3 while v2.0.0 exists elsewhere) compares with v1.4.2, its own history's latest.
 */
async function listTags(
  root: string,
  commit: string | undefined,
  signal: AbortSignal,
): Promise<TagReading> {
  try {
    const { stdout } = await run('git', ['tag', '--list', '--merged', commit ?? 'HEAD'], {
      cwd: root,
      signal,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { kind: 'tags', tags: stdout.split('\n').filter(Boolean) };
  } catch (err) {
    if (signal.aborted) return { kind: 'cancelled' };
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      return { kind: 'skipped', note: 'git is not installed: the previous tag was not compared' };
    const why = (e.stderr ?? '').trim().split('\n')[0] || e.message;
    return {
      kind: 'skipped',
      note: `no git tags read (${why}): the previous tag was not compared`,
    };
  }
}

const versionCheck: CheckDefinition<CheckParams<'version'>> = {
  name: 'version',
  timeoutMs: 15_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkVersion(ctx, params, signal)),
};

async function checkVersion(
  ctx: CheckContext,
  params: CheckParams<'version'>,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const version = stripV(ctx.version);
  const files: { path: string; sha256: string }[] = [];
  const found: ManifestVersion[] = [];
  const notes: string[] = [];

  // The manifests of the release commit, not of whatever the working tree holds now.
  const tree = await openReleaseTree(ctx, signal);
  if ('error' in tree) return tree.error;
  const names = params.file ? [params.file] : manifestNames;
  for (const name of names) {
    const read = await tree.read(name);
    if (!read.ok && (read.problem === 'missing' || read.problem === 'not-a-file')) {
      if (params.file) {
        const hint = await tree.explainDifference(params.file);
        return {
          status: 'error',
          summary: `${params.file} not found${tree.commit ? ` in the release commit ${tree.commit.slice(0, 7)}` : ''}`,
          fix: hint ? `${hint}.` : 'fix check: { version: { file: ... } } in the playbook',
          evidence: tree.evidence,
        };
      }
      continue;
    }
    if (!read.ok) {
      return {
        status: 'error',
        summary: read.problem === 'outside' ? read.message : `cannot read ${name}: ${read.message}`,
        fix:
          read.problem === 'outside'
            ? 'name a file inside the repository'
            : "check the file's permissions",
        evidence: tree.evidence,
      };
    }
    const { path: rel, bytes } = read;
    files.push({ path: rel, sha256: sha256Hex(bytes) });
    const text = bytes.toString('utf8');
    if (params.pattern) {
      let re: RegExp;
      try {
        re = new RegExp(params.pattern, 'm');
      } catch (err) {
        return {
          status: 'error',
          summary: `pattern is not a regular expression: ${(err as Error).message}`,
          fix: 'fix the regex in the playbook (JavaScript syntax, the first group is the version)',
          evidence: { files },
        };
      }
      const m = re.exec(text);
      if (!m) {
        return {
          status: 'error',
          summary: `${rel} has no match for /${params.pattern}/`,
          fix: 'fix the pattern so that its first group captures the version',
          evidence: { files },
        };
      }
      found.push({ file: rel, key: `/${params.pattern}/`, value: (m[1] ?? m[0]).trim() });
    } else {
      const reading = readManifest(rel, text, version);
      found.push(...reading.versions);
      notes.push(...reading.notes);
    }
  }

  const evidence: CheckEvidence = { ...tree.evidence, files, manifests: found };
  if (!found.length) {
    return {
      status: 'error',
      summary: files.length
        ? `no version found in ${files.map((f) => f.path).join(', ')}`
        : `no manifest found (looked for ${manifestNames.join(', ')})`,
      fix: 'name the file that holds the version with check: { version: { file: FILE, pattern: REGEX } }',
      evidence: { ...evidence, notes },
    };
  }

  const findings: { where: string; message: string }[] = [];
  for (const m of found) {
    if (stripV(m.value) !== version) {
      findings.push({ where: m.file, message: `${m.key} is ${m.value}, not ${version}` });
    }
  }

  const tags = await listTags(ctx.root, tree.commit, signal);
  if (tags.kind === 'cancelled') return { status: 'error', summary: 'cancelled', evidence };
  let previous: { tag: string; version: string } | undefined;
  if (tags.kind === 'skipped') notes.push(tags.note);
  else if (!semver.valid(version))
    notes.push(`${version} is not semver: the previous tag was not compared`);
  else {
    previous = previousTag(tags.tags, params.tag_prefix, version);
    if (!previous) notes.push(`no earlier tag ${params.tag_prefix}X.Y.Z: nothing to compare with`);
    else {
      evidence.previousTag = previous.tag;
      if (!semver.gt(version, previous.version)) {
        findings.push({
          where: `tag ${previous.tag}`,
          message: `${version} is not greater than the previous release ${previous.version}`,
        });
      }
    }
  }
  if (notes.length) evidence.notes = notes;

  const places = [...new Set(found.map((m) => m.file))].join(', ');
  if (findings.length) {
    const stale = findings.find((f) => !f.where.startsWith('tag '));
    const hint = stale ? await tree.explainDifference(stale.where) : undefined;
    return {
      status: 'failed',
      summary: findings.map((f) => `${f.where}: ${f.message}`).join('; '),
      fix: [
        findings.some((f) => !f.where.startsWith('tag '))
          ? `set the version to ${version} in ${places}`
          : '',
        findings.some((f) => f.where.startsWith('tag '))
          ? `release a version greater than ${previous?.version}`
          : '',
        hint ?? '',
      ]
        .filter(Boolean)
        .join('; '),
      evidence: { ...evidence, findings },
    };
  }
  return {
    status: 'passed',
    summary: `${places} ${found.length === 1 ? 'says' : 'say'} ${version}${previous ? `, after ${previous.tag}` : ''}`,
    evidence,
  };
}

export default versionCheck;
