#!/usr/bin/env node
/**
 * The `gonogo` entry point: checks the Node.js version, finds the command, loads only its
 * module, runs it, and maps errors to exit codes (2 bad usage, input or environment, 3
 * internal) by setting process.exitCode.
 */
import module from 'node:module';
import type { Command } from './cli-command.ts';

// Both set from package.json at build time (scripts/build.ts); absent when run from source.
declare const GONOGO_VERSION: string | undefined;
declare const GONOGO_NODE_MAJOR: number | undefined;

const version = typeof GONOGO_VERSION === 'string' ? GONOGO_VERSION : '0.0.0-source';
const nodeMajor = typeof GONOGO_NODE_MAJOR === 'number' ? GONOGO_NODE_MAJOR : 0;

/**
 * The one line for a Node.js older than gonogo needs, or undefined when it is new enough. Run
 * first, before any chunk loads: on an old Node a chunk may fail to load (node:sqlite) with a
 * message that says nothing about the version.
 */
function checkNodeVersion(): string | undefined {
  const found = process.versions.node;
  if (Number(found.split('.')[0]) >= nodeMajor) return undefined;
  return `gonogo: needs Node.js ${nodeMajor} or newer, found ${found} (${process.execPath}); install Node.js ${nodeMajor} LTS or put it first on PATH\n`;
}

/** Command words → lazily loaded module. Loading only one keeps start-up near bare Node. */
const commands: Record<string, () => Promise<{ default: Command }>> = {
  init: () => import('./commands/init.ts'),
  templates: () => import('./commands/templates.ts'),
  'playbook import': () => import('./commands/playbook-import.ts'),
  'playbook lint': () => import('./commands/playbook-lint.ts'),
  'playbook show': () => import('./commands/playbook-show.ts'),
  'release start': () => import('./commands/release-start.ts'),
  'release list': () => import('./commands/release-list.ts'),
  'release show': () => import('./commands/release-show.ts'),
  'release retarget': () => import('./commands/release-retarget.ts'),
  'release abandon': () => import('./commands/release-abandon.ts'),
  'release resnapshot': () => import('./commands/release-resnapshot.ts'),
  status: () => import('./commands/status.ts'),
  watch: () => import('./commands/watch.ts'),
  'baseline capture': () => import('./commands/baseline-capture.ts'),
  check: () => import('./commands/check.ts'),
  'item done': () => import('./commands/item-action.ts'),
  'item na': () => import('./commands/item-action.ts'),
  'item waive': () => import('./commands/item-action.ts'),
  'item fail': () => import('./commands/item-action.ts'),
  'item reset': () => import('./commands/item-action.ts'),
  'item show': () => import('./commands/item-show.ts'),
  sign: () => import('./commands/sign.ts'),
  decide: () => import('./commands/decide.ts'),
  deploy: () => import('./commands/deploy.ts'),
  rollback: () => import('./commands/rollback.ts'),
  run: () => import('./commands/run.ts'),
  lock: () => import('./commands/lock.ts'),
  unlock: () => import('./commands/unlock.ts'),
  notify: () => import('./commands/notify.ts'),
  env: () => import('./commands/env.ts'),
  export: () => import('./commands/export.ts'),
  notes: () => import('./commands/notes.ts'),
  'audit verify': () => import('./commands/audit-verify.ts'),
  metrics: () => import('./commands/metrics.ts'),
  'incident open': () => import('./commands/incident-open.ts'),
  'incident resolve': () => import('./commands/incident-resolve.ts'),
  'import deployments': () => import('./commands/import-deployments.ts'),
  log: () => import('./commands/log.ts'),
  'admin create': () => import('./commands/admin-create.ts'),
  serve: () => import('./commands/serve.ts'),
  login: () => import('./commands/login.ts'),
  logout: () => import('./commands/logout.ts'),
  'token create': () => import('./commands/token-create.ts'),
  'token list': () => import('./commands/token-list.ts'),
  'token revoke': () => import('./commands/token-revoke.ts'),
};

/** The commands that only read the database: they can show one this user may not write. */
const readers = new Set([
  'status',
  'log',
  'export',
  'notes',
  'env',
  'release list',
  'release show',
  'item show',
  'audit verify',
  'metrics',
]);

/** Global options that take a value, and those that do not, accepted before the command too. */
const valueOptions = new Set(['--db', '--release', '--project']);
const flagOptions = new Set(['--json']);

const help = `gonogo ${version}: a release checklist that checks itself

usage: gonogo <command> [options]

playbooks
  init [--template NAME | --from FILE]   write gonogo.yaml from a template or a checklist
  templates                              list the built-in templates
  playbook import FILE [-o OUT] [--force]
                                         Markdown/text checklist -> gonogo.yaml, with the fate of each heading
  playbook lint [FILE]                   validate; every problem as FILE:LINE:COL
  playbook show [FILE]                   the compiled playbook: phases, items, kinds, ids
releases
  release start VERSION [--type T] [--commit SHA] [--playbook FILE] [--supersedes V]
  release list | show [VERSION] | retarget SHA
  release abandon [VERSION] --reason TEXT
                                         end a release that will not ship
  release resnapshot [--playbook FILE] [--dry-run]
                                         take the edited playbook into the release in progress
  status [VERSION]                       state, progress, blockers or follow-ups due, next actions
  check [REF...] [--phase P | --all] [--env ENV] [--junit F]
                                         run the checks in front of the next gate (or those named),
                                         record results (exit 1 on failure)
  item done|na|waive|fail|reset REF... [--note TEXT] [--evidence URL] [--skip-unmatched]
                                         REF: 12, 9-14, an id, a section or phase (pre-release/code-quality)
  item show REF                          an item with its history and evidence
  sign ROLE go|no-go [--gate G] [-m TEXT] a role's go or no-go for one gate or sign item, at the commit
  decide [--phase P]                     GO (exit 0) or NO-GO with blockers (exit 1)
  deploy ENV [--force --reason TEXT]     record a deployment; every gate in front of ENV must say GO
  rollback ENV --reason TEXT             record a rollback; the rollback procedure comes next
  run REF [--dry-run] [--yes]            run a run item at the release commit, live; record done/failed with evidence
  lock ENV --reason TEXT | unlock ENV    refuse deployments to ENV (forced ones too) until unlocked
  notify REF | --log | --enable CHANNEL  perform a notify item (exit 1 when a delivery failed) | the
                                         delivery log | turn a channel on again after a 410
  watch [--once]                         measure the due watch windows, judge them, tick or fail their
                                         items (exit 1 when a window failed); --once: what is due now
  baseline capture                       store each metric's value now, for criteria like 2x baseline
  env                                    what runs in each environment, since when, after which rollback
  export [--format md|json|github]       the release as Markdown / JSON / a GitHub issue body
  notes [VERSION] [--format md|html|slack]
                                         release notes: the changelog's section for the version
                                         (at the release commit) with the GO, waivers, deployments
  log [VERSION]                          the event log, one line per event: when, who, what, note
  audit verify [VERSION]                 replay the log: chain, anchored head, tables (exit 1 if changed)
  metrics [--since D] [--until D] [--env ENV] [--tz Z] [--bands 2023|2021]
                                         DORA's four keys with levels and the trend (docs/metrics.md)
  incident open ENV --reason T | incident resolve [ID]
                                         an incident on what runs in ENV (a change failure) | its end
  import deployments --from-tags [PATTERN] [--env ENV]
                                         git tags as deployments (marked imported): metrics on day one
team server
  serve [--port N] [--host H] [--demo]   the web UI and the HTTP API on --db (SQLite) or a postgres://
                                         URL (DATABASE_URL); --demo fills an empty one with a demo project
  admin create --email E [--name N]      the server's first administrator (password asked, never an argument)
  login --server URL [--email E]         store an API token, or sign in with e-mail and password
  logout [--everywhere]                  end the stored login's session (--everywhere: all of yours), remove it
  token create --project P --name N [--role R]... [--expires 30d]
                                         an API token for CI or the CLI, shown once
  token list | revoke ID                 your API tokens | stop one at once

global options (before or after the command)
  --json          machine-readable output on stdout
  --db PATH|URL   database (default .gonogo/gonogo.db at the repository root, or GONOGO_DB)
  --release V     act on release V instead of the newest one in progress
  -h, --help      help for a command

exit codes: 0 ok, 1 a gate or check said no, 2 bad usage, input or environment, 3 internal error
identity: GONOGO_USER, else git config user.email; against a server (GONOGO_SERVER=URL), the
  API token (GONOGO_TOKEN, else the stored login) says who acts
testing aid: GONOGO_NOW=ISO-TIME fixes the clock (e.g. to judge release windows on a set day);
  every event it touches keeps the real time beside it, and status, log and audit verify say so`;

async function main(argv: string[]): Promise<number> {
  const {
    leading,
    rest: words,
    help: wantsHelp,
    version: wantsVersion,
    problem,
  } = splitLeading(argv);
  if (problem) {
    const { UsageError } = await import('../core/errors.ts');
    throw new UsageError(problem);
  }
  if (wantsVersion) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (words.length === 0 || words[0] === 'help') {
    process.stdout.write(`${help}\n`);
    return words.length === 0 && !wantsHelp ? 2 : 0;
  }
  if (words[0] === 'version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const two = words.slice(0, 2).join(' ');
  const key = commands[two] ? two : words[0]!;
  const load = commands[key];
  if (!load) {
    const group = groupOf(words[0]!);
    if (group && (wantsHelp || words.length === 1 || words[1]!.startsWith('-'))) {
      // `gonogo item` alone is a usage error; `gonogo item --help` asked for this list.
      const asked = wantsHelp || words.slice(1).some((w) => w === '--help' || w === '-h');
      process.stdout.write(`${groupHelp(group)}\n`);
      return asked ? 0 : 2;
    }
    throw await unknownCommand(words, group);
  }
  const rest = words.slice(key.split(' ').length);
  const command = (await load()).default;
  // Options given before the command go first: parseArgs reads them the same there.
  const own = [...leading, ...(wantsHelp ? ['--help'] : []), ...rest];
  // item actions share one module: it needs to know which action was asked for.
  const args = key.startsWith('item ') && key !== 'item show' ? [key.split(' ')[1]!, ...own] : own;
  return (await command.execute(args, { readOnly: readers.has(key) })).code;
}

/**
 * Separates the global options written before the command (`gonogo --json status`) from the
 * command and its own arguments.
 */
function splitLeading(argv: string[]): {
  leading: string[];
  rest: string[];
  help: boolean;
  version: boolean;
  /** Why the options cannot be used, as a usage message. */
  problem?: string;
} {
  const leading: string[] = [];
  let help = false;
  let version = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-' || arg === '--') break;
    const name = arg.split('=')[0]!;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--version' || arg === '-V') version = true;
    else if (flagOptions.has(arg)) leading.push(arg);
    else if (valueOptions.has(name)) {
      if (arg.includes('=')) leading.push(arg);
      else if (i + 1 < argv.length) leading.push(arg, argv[++i]!);
      else {
        const example = name === '--db' ? '.gonogo/gonogo.db' : '1.4.0';
        return {
          leading,
          rest: [],
          help,
          version,
          problem: `option ${arg} needs a value (e.g. ${arg} ${example})`,
        };
      }
    } else {
      const problem = `unknown option ${arg} before the command: a command's own options go after it (gonogo COMMAND ${arg} ...); run \`gonogo --help\``;
      return { leading, rest: [], help, version, problem };
    }
  }
  return { leading, rest: argv.slice(i), help, version };
}

/** The command group a word names (`item`, `release`, `playbook`, `audit`), if any. */
function groupOf(word: string): string | undefined {
  return Object.keys(commands).some((k) => k.startsWith(`${word} `)) ? word : undefined;
}

/** A group's commands: its lines of the main help, so the two never disagree. */
function groupHelp(group: string): string {
  const listed = help.split('\n').filter((l) => l.startsWith(`  ${group} `));
  // A group the main help does not list yet (groundwork) still names its commands.
  const lines = listed.length
    ? listed
    : Object.keys(commands)
        .filter((k) => k.startsWith(`${group} `))
        .map((k) => `  ${k}`);
  return [
    `usage: gonogo ${group} <command> [options]`,
    '',
    ...lines,
    '',
    `run \`gonogo ${group} <command> --help\` for a command's options`,
  ].join('\n');
}

/** The usage error for an unknown command, with the nearest known one. */
async function unknownCommand(words: string[], group: string | undefined): Promise<Error> {
  const [{ UsageError }, { suggestName }] = await Promise.all([
    import('../core/errors.ts'),
    import('../core/names.ts'),
  ]);
  if (group) {
    const subs = Object.keys(commands)
      .filter((k) => k.startsWith(`${group} `))
      .map((k) => k.slice(group.length + 1));
    const near = suggestName(words[1]!, subs);
    return new UsageError(
      `unknown command "${group} ${words[1]}"; ${near ? `did you mean "${group} ${near}"?` : `the ${group} commands are ${subs.join(', ')}`} (run \`gonogo ${group} --help\`)`,
    );
  }
  const tops = [...new Set(Object.keys(commands).map((k) => k.split(' ')[0]!))];
  const near = suggestName(words[0]!, tops);
  return new UsageError(
    `unknown command "${words[0]}"${near ? `; did you mean "${near}"?` : ''} (run \`gonogo --help\`)`,
  );
}

/** Maps an error to its exit code and prints it (JSON on stdout with --json). */
async function report(error: unknown, argv: string[]): Promise<number> {
  const { GonogoError } = await import('../core/errors.ts');
  // A message may quote what someone typed or recorded: shown without control characters.
  const { escapeJsonControls, sanitizeText } = await import('../core/text-safety.ts');
  const json = argv.includes('--json');
  if (error instanceof GonogoError) {
    const problems = 'problems' in error ? (error as { problems: unknown }).problems : undefined;
    const fix = 'fix' in error ? (error as { fix: unknown }).fix : undefined;
    const place = 'place' in error ? (error as { place: unknown }).place : undefined;
    // A closed gate (a refused deployment) carries every blocker, each with its gate.
    const blockers =
      'blockers' in error
        ? (error as { blockers: { gate?: string; message: string }[] }).blockers
        : undefined;
    const { renderHint } = await import('./cli-hint.ts');
    const command = error.hint ? renderHint(error.hint) : undefined;
    if (json)
      process.stdout.write(
        `${escapeJsonControls(JSON.stringify({ error: { code: error.code, message: error.message, problems, place, fix, blockers, field: error.field, hint: error.hint, command } }))}\n`,
      );
    // Blockers quote people's comments: recorded text, shown safe.
    const lines = (blockers ?? []).map(
      (b) => `  ✗ ${b.gate ? `${b.gate}: ` : ''}${sanitizeText(b.message, { oneLine: true })}\n`,
    );
    process.stderr.write(
      `gonogo: ${sanitizeText(error.message)}\n${lines.join('')}${command ? `  try: ${sanitizeText(command)}\n` : ''}`,
    );
    return error.exitCode;
  }
  if (json)
    process.stdout.write(
      `${escapeJsonControls(JSON.stringify({ error: { code: 'internal', message: String(error) } }))}\n`,
    );
  process.stderr.write(
    `gonogo: internal error: ${sanitizeText((error as Error)?.stack ?? String(error))}\n`,
  );
  return 3;
}

// A reader that stops early (`gonogo export | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

const tooOld = checkNodeVersion();
if (tooOld) {
  process.stderr.write(tooOld);
  process.exitCode = 2;
} else {
  // V8 keeps the compiled bundle in a cache directory between runs: start-up near bare Node.
  module.enableCompileCache?.();
  const argv = process.argv.slice(2);
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    async (error: unknown) => {
      process.exitCode = await report(error, argv);
    },
  );
}
