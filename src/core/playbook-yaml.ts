/**
 * Loads `gonogo.yaml`: YAML → schema → compiled playbook, reporting every problem at once as
 * `FILE:LINE:COL message (fix)`. Pure: it takes the text, not a path to read.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { z } from 'zod';
import { PlaybookError } from './errors.ts';
import type { Place, Problem } from './errors.ts';
import { canonicalJson, sha256 } from './hash.ts';
import { compilePlaybook, suggestName } from './playbook.ts';
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

/** The largest playbook or checklist gonogo reads: far above any real one. */
export const maxInputBytes = 2 * 1024 * 1024;

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
  'suggest',
  'timeout',
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

/** Like {@link loadPlaybook} but returns the problems instead of throwing. */
export function lintPlaybook(
  text: string,
  file = 'gonogo.yaml',
): { problems: Problem[]; loaded?: LoadedPlaybook } {
  const inputProblem = checkInputText(text, file);
  if (inputProblem) return { problems: [inputProblem] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { file };
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col };
  };
  for (const e of doc.errors) {
    problems.push({
      ...at(e.pos[0]),
      message: e.message.split('\n')[0]!,
      fix: 'fix the YAML syntax',
    });
  }
  if (problems.length) return { problems };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
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
    return { problems: sortProblems(problems) };
  }
  const { playbook, problems: semantic } = compilePlaybook(parsed.data);
  for (const p of semantic) problems.push(toProblem(p, placeOf));
  if (problems.length) return { problems: sortProblems(problems) };
  return { problems, loaded: { playbook, hash: hashPlaybook(playbook) } };
}

/** The version hash of a compiled playbook. */
export function hashPlaybook(playbook: Playbook): string {
  return sha256(canonicalJson(playbook));
}

/**
 * Rejects what is not a text gonogo should read: too large, or binary.
 * Returns the problem, or undefined when the text is fine.
 */
export function checkInputText(text: string, file: string): Problem | undefined {
  if (text.length > maxInputBytes) {
    return {
      file,
      message: `file is too large (${Math.round(text.length / 1024)} KiB; the limit is ${maxInputBytes / 1024} KiB)`,
      fix: 'a checklist or playbook is a text file of a few pages; check the file name',
    };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const line = before.split('\n').length;
    return {
      file,
      line,
      col: nul - before.lastIndexOf('\n'),
      message: 'file is binary (it contains a NUL byte)',
      fix: 'give a Markdown, text or YAML file',
    };
  }
  return undefined;
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
