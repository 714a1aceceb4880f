/**
 * Which imported checklist items a machine can verify, and with which check: "All unit tests
 * passing" → `command` (the command the item names, else the project's test command),
 * "CHANGELOG.md updated" → `changelog`, "No secrets committed to git" → `secrets`, and so on.
 * The importer writes the suggestion as the item's `check:`, so the item becomes automated.
 * A command the checklist names becomes a check only when it is a known verifier
 * (`playbook-import-verifiers.ts`); anything else stays text that nothing runs.
 * Pure: the project's test command is passed in by the caller that can look at the project.
 */
import type { RawItem } from './playbook-schema.ts';
import { matchVerifier } from './playbook-import-verifiers.ts';

export interface CheckHints {
  /** The project's test command (`npm test`, `pytest`, ...), when the caller detected one. */
  testCommand?: string;
  /** Health-check URLs found anywhere in the checklist (code fences included). */
  healthUrls: string[];
}

type CheckValue = RawItem['check'];

function looksLikeCommand(text: string): boolean {
  // A command starts with a program name, a path to one, or a substitution; file names such
  // as `.env.example` are not commands.
  return (
    /^(?:[a-z][\w.-]*(?:\s|$)|\.{0,2}\/\S|\$\(|`)/i.test(text) &&
    !/^[\w-]+\.(md|txt|json|ya?ml|toml|cfg|py|example)$/i.test(text)
  );
}

/** The named commands as one check, when together they are a known verifier; else nothing. */
function commandCheck(commands: string[], hints: CheckHints): CheckValue | undefined {
  const match = matchVerifier(commands.join(' && '), hints.testCommand);
  if (!match) return undefined;
  const run = match.commands.join(' && ');
  return { command: match.commands.length > 1 ? { run, shell: 'sh' } : run };
}

/** Work a person does elsewhere or by hand: a command named beside it is not its check. */
const notHere =
  /\b(manual(ly)?|staging|production|load|smoke|end-to-end test suite|in development|devices|networks?)\b/i;

const rules: {
  test: RegExp;
  unless?: RegExp;
  suggest: (item: Matched, hints: CheckHints) => CheckValue | undefined;
}[] = [
  {
    // "All unit tests passing", "Run full test suite one final time", "All the test cases passed"
    test: /\b(tests?|test suite|test cases)\b.*\b(pass|passes|passing|passed|green|one final time)\b|\brun (the )?full test suite\b/i,
    unless: notHere,
    suggest: (m, h) =>
      m.commands.length
        ? commandCheck(m.commands, h)
        : h.testCommand
          ? { command: h.testCommand }
          : undefined,
  },
  {
    // "Code coverage >= 80%", "coverage at least 75%"
    test: /\bcoverage\b.*?(>=|≥|at least|above|minimum of|of)\s*(\d{1,3})\s*%/i,
    suggest: (m) => {
      const pct = Number(/(\d{1,3})\s*%/.exec(m.title)![1]);
      return pct <= 100 ? { coverage: pct } : undefined;
    },
  },
  {
    // "CHANGELOG.md updated", "Changelog was included in the new build", "Update CHANGELOG"
    test: /\bchange ?log\b.*\b(updated?|included|written|has|contains)\b|\bupdated?\b.*\bchange ?log\b/i,
    unless: /\b(release notes from|generate)\b/i,
    suggest: () => 'changelog',
  },
  {
    // "Version bump", "New version was bumped", "Confirm/update project version"
    test: /\bversion\b.*\b(bump|bumped)\b|\bbump(ed)?\b.*\bversion\b|^version bump$/i,
    suggest: () => 'version',
  },
  {
    // "Create git tag for release", "New version was ... pushed using git tag"
    test: /\bgit tag\b|\b(create|created|push|pushed)\b.*\btag\b/i,
    suggest: () => 'git-tag',
  },
  {
    // "No secrets committed to git", "No secrets are stored in version control"
    test: /\bno secrets?\b|\bsecrets?\b.*\b(not )?(committed|stored in version control|in git)\b/i,
    unless: /\b(rotated|manager|configured|encrypted)\b/i,
    suggest: () => 'secrets',
  },
  {
    // "All environment variables documented in `.env.example`"
    test: /\benvironment variables?\b.*\bdocumented\b|\.env\.example/i,
    suggest: () => 'env-documented',
  },
  {
    // "Do NOT release on Friday or weekend"
    test: /\b(do not|don't|never|no)\b.*\b(release|deploy)\w*\b.*\b(friday|saturday|sunday|weekend|monday|tuesday|wednesday|thursday)s?\b/i,
    suggest: () => 'window',
  },
  {
    // "Branch is up to date with main"
    test: /\bup[- ]to[- ]date with (main|master|develop|trunk)\b/i,
    suggest: (m) => ({
      'git-up-to-date': /\b(master|develop|trunk)\b/i.exec(m.title)?.[1]?.toLowerCase() ?? 'main',
    }),
  },
  {
    // "Git commits message was squashed up", "Commits follow Conventional Commits"
    test: /\bcommits?\b.*\b(squashed|conventional commits?)\b/i,
    suggest: (m) =>
      /conventional/i.test(m.title) ? 'commits' : { commits: { convention: 'any' } },
  },
  {
    // "No critical security vulnerabilities (`safety check`, `bandit -r app/`)", "Any packages need to update? (ie. security issue?)"
    test: /\bvulnerab\w*\b|\bpackages? need to update\b.*\bsecurity\b/i,
    unless: /\bintroduced\b|\bowasp\b/i,
    suggest: (m, h) =>
      m.commands.length
        ? commandCheck(m.commands, h)
        : { audit: /\bcritical\b/i.test(m.title) ? 'critical' : 'high' },
  },
  {
    // "The milestone was fully implemented"
    test: /\bmilestone\b.*\b(fully implemented|complete|completed|closed|done)\b/i,
    suggest: () => 'milestone',
  },
  {
    // "Health checks passing", "Health check endpoints responding correctly"
    test: /\bhealth ?checks?\b.*\b(pass|passing|responding|green|ok)\b/i,
    unless: /\b(aws|logs?)\b/i,
    suggest: (_m, h) => (h.healthUrls[0] ? { http: { url: h.healthUrls[0] } } : undefined),
  },
  {
    // "Type check passes (`tsc --noEmit`)", "Run `npm test`", a fence with `pytest -q`: any item
    // whose named commands are all known verifiers.
    test: /./,
    unless: notHere,
    suggest: (m, h) => (m.commands.length ? commandCheck(m.commands, h) : undefined),
  },
];

interface Matched {
  title: string;
  commands: string[];
}

/**
 * The check a machine could run for an imported item, or undefined. The commands an item
 * names are the inline code of its line that reads as a command ("All tests passing
 * (`pytest`)"), else the lines of the code fence attached to it.
 *
 * @example suggestCheck('CHANGELOG.md updated with new features/fixes', [], { healthUrls: [] }) // 'changelog'
 * @example suggestCheck('Run the tests', [], { healthUrls: [] }, 'npm test') // { command: 'npm test' }
 */
export function suggestCheck(
  title: string,
  inlineCode: string[],
  hints: CheckHints,
  fence?: string,
): CheckValue | undefined {
  const inline = inlineCode.map((c) => c.trim()).filter(looksLikeCommand);
  const matched: Matched = { title, commands: inline.length ? inline : fenceCommands(fence) };
  for (const rule of rules) {
    if (!rule.test.test(title) || rule.unless?.test(title)) continue;
    const check = rule.suggest(matched, hints);
    if (check !== undefined) return check;
  }
  return undefined;
}

/**
 * The command lines of a code fence: comments, blank lines and `$ ` prompts left out. A line
 * ending in `\` (continued) stays as it is, so the verifier match refuses it.
 */
function fenceCommands(fence: string | undefined): string[] {
  if (!fence) return [];
  return fence
    .split('\n')
    .map((l) => l.trim().replace(/^\$\s+/, ''))
    .filter((l) => l && !l.startsWith('#'));
}

/** Health-check URLs written anywhere in a checklist, most specific first. */
export function findHealthUrls(text: string): string[] {
  const urls = [...text.matchAll(/https?:\/\/[^\s'"`)<>]+\/health[\w/.-]*/g)].map((m) => m[0]);
  return [...new Set(urls)];
}
