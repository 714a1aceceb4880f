/**
 * Loads `gonogo.yaml`: YAML → schema → compiled playbook, reporting every problem at once as
 * `FILE:LINE:COL message (fix)`. Pure: it takes the text, not a path to read.
 */
import { rememberPlaybookSource } from './playbook-source.ts';
import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
} from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { z } from 'zod';
import { PlaybookError } from './errors.ts';
import type { Place, Problem } from './errors.ts';
import { canonicalJson, sha256 } from './hash.ts';
import { checkInputText } from './playbook-yaml-input.ts';
import { compilePlaybook, suggestName, walkItems } from './playbook.ts';
import type { PathProblem, Playbook } from './playbook.ts';
import {
  metadataSchema,
  phaseSchema,
  playbookSchema,
  policySchema,
  sectionSchema,
  suggestSchema,
  watchSchema,
  whenSchema,
  windowSchema,
} from './playbook-schema.ts';

export interface LoadedPlaybook {
  playbook: Playbook;
  /** SHA-256 of the compiled playbook's canonical JSON: the playbook's version. */
  hash: string;
}

const itemKeys = [
  'id',
  'title',
  'details',
  'optional',
  'when',
  'check',
  'run',
  'sign',
  'watch',
  'notify',
  'when_reached',
  'suggest',
  'timeout',
  'due',
  'deploys',
  'items',
];

/** The keys allowed at a path, for "did you mean" on unknown keys. */
function allowedKeys(path: PropertyKey[]): string[] {
  const p = path.map(String);
  const last = p.at(-1);
  const prev = p.at(-2);
  const keys = (s: { shape: Record<string, unknown> }) => Object.keys(s.shape);
  if (p.length === 0) return keys(playbookSchema);
  if (prev === 'items' || (prev === 'rollback' && /^\d+$/.test(last ?? ''))) return itemKeys;
  if (prev === 'phases') return keys(phaseSchema);
  if (prev === 'sections') return keys(sectionSchema);
  if (prev === 'freezes') return ['from', 'to', 'reason'];
  switch (last) {
    case 'policy':
      return keys(policySchema);
    case 'window':
      return keys(windowSchema);
    case 'when':
      return keys(whenSchema);
    case 'watch':
      return keys(watchSchema);
    case 'suggest':
      return keys(suggestSchema);
    case 'metadata':
      return keys(metadataSchema);
    case 'rollback':
      return p.length === 1 ? ['sections', 'items'] : ['when'];
  }
  return [];
}

/** Finds the node (or the key of the pair) at a path in a YAML document. */
function locate(
  root: Node | null | undefined,
  path: PropertyKey[],
  atKey: boolean,
): Node | undefined {
  let node: Node | null | undefined = root;
  let keyNode: Node | undefined;
  for (const seg of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find(
        (it) => isScalar(it.key) && String(it.key.value) === String(seg),
      ) as Pair<Node, Node> | undefined;
      if (!pair) return keyNode ?? node ?? undefined;
      keyNode = pair.key ?? undefined;
      node = pair.value ?? keyNode;
    } else if (isSeq(node) && typeof seg === 'number') {
      const next = node.items[seg];
      if (!next || isPair(next)) return node;
      node = next as Node;
    } else {
      return node ?? undefined;
    }
  }
  return (atKey ? keyNode : undefined) ?? node ?? undefined;
}

/**
 * Parses and validates a playbook, throwing a {@link PlaybookError} listing every problem.
 *
 * @example
 * const { playbook, hash } = loadPlaybook(readFileSync('gonogo.yaml', 'utf8'), 'gonogo.yaml');
 */
export function loadPlaybook(text: string, file = 'gonogo.yaml'): LoadedPlaybook {
  const result = lintPlaybook(text, file);
  if (result.problems.length > 0 || !result.loaded) throw new PlaybookError(result.problems);
  return result.loaded;
}

/**
 * Like {@link loadPlaybook} but returns the problems instead of throwing; for a playbook that
 * loads, also the warnings: what is allowed but probably not meant (a role that a gate or a
 * sign item asks for and that anyone may act as, having no members).
 */
export function lintPlaybook(
  text: string,
  file = 'gonogo.yaml',
): { problems: Problem[]; warnings: Problem[]; loaded?: LoadedPlaybook } {
  const inputProblem = checkInputText(text, file);
  if (inputProblem) return { problems: [inputProblem], warnings: [] };
  const lineCounter = new LineCounter();
  // A problem without a node (an empty document) is placed at its start.
  const at = (offset: number | undefined) => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { file, line: pos.line, col: pos.col };
  };
  try {
    const result = lintDocument(text, lineCounter, at);
    if (result.loaded) rememberPlaybookSource(result.loaded.playbook, text);
    return result;
  } catch (e) {
    // Nesting deep enough to exhaust the stack in the parser or the validation is bad input.
    if (!(e instanceof RangeError)) throw e;
    return {
      warnings: [],
      problems: [
        {
          file,
          line: 1,
          col: 1,
          message: 'the document is nested too deeply to read',
          fix: 'a playbook nests a few levels; flatten it',
        },
      ],
    };
  }
}

function lintDocument(
  text: string,
  lineCounter: LineCounter,
  at: (offset: number | undefined) => Place,
): { problems: Problem[]; warnings: Problem[]; loaded?: LoadedPlaybook } {
  // Merge keys (`<<: *defaults`) are how YAML users share settings between entries.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    problems.push({
      ...at(e.pos[0]),
      message: e.message.split('\n')[0]!,
      fix: 'fix the YAML syntax',
    });
  }
  if (problems.length) return { problems, warnings: [] };
  const resolved = yamlValue(doc, at);
  if ('problem' in resolved) return { problems: [resolved.problem], warnings: [] };
  const value = resolved.value;
  const placeOf = (path: PropertyKey[], atKey = false) =>
    at(locate(doc.contents, path, atKey)?.range?.[0]);

  const parsed = playbookSchema.safeParse(value ?? {});
  if (!parsed.success) {
    for (const issue of flattenIssues(parsed.error.issues)) {
      if (issue.code === 'unrecognized_keys') {
        const allowed = allowedKeys(issue.path);
        for (const key of issue.keys) {
          const near = suggestName(key, allowed);
          problems.push({
            ...placeOf([...issue.path, key], true),
            message: `unknown key "${key}"`,
            fix: near ? `did you mean "${near}"?` : `allowed here: ${allowed.join(', ')}`,
          });
        }
      } else {
        const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
        problems.push({ ...placeOf(issue.path), message: `${where}${issue.message}` });
      }
    }
    return { problems: sortProblems(problems), warnings: [] };
  }
  const { playbook, problems: semantic, warnings: notReady } = compilePlaybook(parsed.data);
  for (const p of semantic) problems.push(toProblem(p, placeOf));
  if (problems.length) return { problems: sortProblems(problems), warnings: [] };
  const warnings = sortProblems(
    [...notReady, ...warnPlaybook(playbook)].map((p) => toProblem(p, placeOf)),
  );
  return { problems, warnings, loaded: { playbook, hash: hashPlaybook(playbook) } };
}

/**
 * What a sound playbook allows but probably does not mean: each role that a gate or a sign
 * item asks for and that has no members, so anyone may act as it. Placed at the role.
 *
 * @example warnPlaybook(playbook)[0]?.message // 'role "qa-lead" has no members: anyone may act as it …'
 */
export function warnPlaybook(playbook: Playbook): PathProblem[] {
  const asked = new Map<string, { gates: number; signs: number }>();
  const ask = (role: string, key: 'gates' | 'signs') => {
    const a = asked.get(role) ?? { gates: 0, signs: 0 };
    a[key]++;
    asked.set(role, a);
  };
  const sections = [...playbook.phases.flatMap((p) => p.sections), ...playbook.rollback];
  for (const p of playbook.phases) for (const r of p.gate ?? []) ask(r, 'gates');
  for (const s of sections) {
    for (const r of s.gate ?? []) ask(r, 'gates');
    for (const it of walkItems(s.items)) for (const r of it.sign ?? []) ask(r, 'signs');
  }
  const out: PathProblem[] = [];
  for (const [role, a] of asked) {
    if (playbook.members?.[role]?.length || playbook.roles[role] === undefined) continue;
    const where = [
      a.gates ? `${a.gates} gate${a.gates === 1 ? '' : 's'}` : '',
      a.signs ? `${a.signs} sign item${a.signs === 1 ? '' : 's'}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    out.push({
      path: ['roles', role],
      atKey: true,
      message: `role "${role}" has no members: anyone may act as it until members are named (asked for by ${where})`,
      fix: `name them: roles: { ${role}: { name: ${JSON.stringify(playbook.roles[role])}, members: [alice@example.com] } }`,
    });
  }
  return out;
}

/** More anchors and aliases than any hand-written file has; each alias lookup scans them. */
export const maxYamlAnchors = 1000;
/** Nodes that aliases may add to a document when expanded (an alias bomb adds billions). */
export const maxYamlAliasNodes = 100_000;

/**
 * The plain value of a parsed YAML document, or the problem (with its place) that stops it:
 * an alias to an unknown anchor, an alias inside the node it names, too many anchors, or
 * aliases that expand to more than {@link maxYamlAliasNodes} nodes (a "billion laughs").
 * Ordinary reuse, such as one anchored role list named a hundred times, resolves.
 *
 * @example
 * const r = yamlValue(parseDocument('a: &x [1]\nb: *x\n'), () => ({ file: 'f.yaml' }));
 * // { value: { a: [1], b: [1] } }
 */
export function yamlValue(
  doc: Document.Parsed,
  at: (offset: number | undefined) => Place,
): { value: unknown } | { problem: Problem } {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  let anchorsSeen = 0;
  let added = 0;
  const fail = (node: Node, message: string, fix: string) => ({
    problem: { ...at(node.range?.[0]), message, fix },
  });
  type Failure = ReturnType<typeof fail>;
  // Walks in document order, as YAML resolves an alias to the last anchor before it.
  const sizeOf = (node: unknown): number | Failure => {
    if (!node || typeof node !== 'object') return 0;
    if (isPair(node)) {
      const k = sizeOf(node.key);
      if (typeof k !== 'number') return k;
      const v = sizeOf(node.value);
      return typeof v === 'number' ? k + v : v;
    }
    if (isAlias(node)) {
      if (++anchorsSeen > maxYamlAnchors)
        return fail(
          node,
          `more than ${maxYamlAnchors} anchors and aliases`,
          'write the values out',
        );
      const source = anchors.get(node.source);
      if (!source)
        return fail(
          node,
          `alias *${node.source} names no anchor before it`,
          `define &${node.source} before using *${node.source}`,
        );
      const size = sizes.get(source);
      if (size === undefined)
        return fail(
          node,
          `alias *${node.source} is inside the node it names`,
          'a value cannot contain itself; copy the part you need',
        );
      added += size;
      if (added > maxYamlAliasNodes)
        return fail(
          node,
          `aliases expand to more than ${maxYamlAliasNodes} values`,
          'aliases that repeat aliases grow exponentially; write the values out',
        );
      return size;
    }
    const n = node as Node;
    if (n.anchor) {
      if (++anchorsSeen > maxYamlAnchors)
        return fail(n, `more than ${maxYamlAnchors} anchors and aliases`, 'write the values out');
      anchors.set(n.anchor, n);
    }
    let size = 1;
    if (isCollection(n)) {
      for (const item of n.items) {
        const s = sizeOf(item);
        if (typeof s !== 'number') return s;
        size += s;
      }
    }
    sizes.set(n, size);
    return size;
  };
  const size = sizeOf(doc.contents);
  if (typeof size !== 'number') return size;
  try {
    // Expansion is bounded above, so yaml's own alias heuristic (which refuses a list named
    // more than a hundred times) is off.
    return { value: doc.toJS({ maxAliasCount: -1 }) };
  } catch (e) {
    return {
      problem: {
        ...at(doc.contents?.range?.[0]),
        message: `cannot read the YAML: ${(e as Error).message.split('\n')[0]}`,
        fix: 'fix the YAML',
      },
    };
  }
}

/** The version hash of a compiled playbook. */
export function hashPlaybook(playbook: Playbook): string {
  return sha256(canonicalJson(playbook));
}

function toProblem(
  p: PathProblem,
  placeOf: (path: PropertyKey[], atKey?: boolean) => Place,
): Problem {
  const out: Problem = { ...placeOf(p.path, p.atKey), message: p.message };
  if (p.fix) out.fix = p.fix;
  return out;
}

type Issue = z.core.$ZodIssue;
function flattenIssues(issues: readonly Issue[]): Issue[] {
  // Unions report each branch; keep the branch that got furthest so the message is specific.
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length) {
      const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      const inner = flattenIssues(
        best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue),
      );
      out.push(...(depth(best) > 0 ? inner : [issue]));
    } else out.push(issue);
  }
  return out;
}
function depth(issues: readonly Issue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
}

function sortProblems(list: Problem[]): Problem[] {
  return list.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}
