#!/usr/bin/env node
/**
 * The `gonogo` entry point: finds the command, loads only its module, runs it, and maps errors
 * to exit codes (2 bad usage or input, 3 internal) by setting process.exitCode.
 */
import module from 'node:module';
import type { Command } from './cli-command.ts';

// V8 keeps the compiled bundle in a cache directory between runs: start-up near bare Node.
module.enableCompileCache?.();

const version = '0.1.0';

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
  status: () => import('./commands/status.ts'),
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
  env: () => import('./commands/env.ts'),
  export: () => import('./commands/export.ts'),
  'audit verify': () => import('./commands/audit-verify.ts'),
  log: () => import('./commands/log.ts'),
};

const help = `gonogo ${version}: a release checklist that checks itself

usage: gonogo <command> [options]

playbooks
  init [--template NAME | --from FILE]   write gonogo.yaml from a template or a checklist
  templates                              list the built-in templates
  playbook import FILE [-o OUT]          Markdown/text checklist -> gonogo.yaml
  playbook lint [FILE]                   validate; every problem as FILE:LINE:COL
  playbook show [FILE]                   the compiled playbook: phases, items, kinds, ids
releases
  release start VERSION [--type T] [--commit SHA] [--playbook FILE]
  release list | show [VERSION] | retarget SHA
  status [VERSION]                       progress per phase, blockers, next actions
  check [REF...] [--phase P] [--junit F] run the automated checks, record results (exit 1 on failure)
  item done|na|waive|fail|reset REF... [--note TEXT] [--evidence URL]
  item show REF                          an item with its history and evidence
  sign ROLE go|no-go [--gate G] [--comment TEXT]
                                         a role's sign-off for one gate or sign item, pinned to the commit
  decide [--phase P]                     GO (exit 0) or NO-GO with blockers (exit 1)
  deploy ENV [--force --reason TEXT]     record a deployment; every gate in front of ENV must say GO
  rollback ENV --reason TEXT             record a rollback and add the rollback procedure
  env                                    what runs in each environment, since when
  export [--format md|json|github]       the release as Markdown / JSON / a GitHub issue body
  log [VERSION]                          the release's event log
  audit verify [VERSION]                 recompute the event hash chain

global options
  --json          machine-readable output on stdout
  --db PATH|URL   database (default .gonogo/gonogo.db at the repository root, or GONOGO_DB)
  --release V     act on release V instead of the newest one in progress
  -h, --help      help for a command

exit codes: 0 ok, 1 a gate or check said no, 2 bad usage or input, 3 internal error
identity: GONOGO_USER, else git config user.email
testing aid: GONOGO_NOW=ISO-TIME fixes the clock (e.g. to judge release windows on a set day)`;

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${help}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const two = argv.slice(0, 2).join(' ');
  const key = commands[two] ? two : argv[0]!;
  const load = commands[key];
  if (!load) {
    const { UsageError } = await import('../core/errors.ts');
    const { suggestName } = await import('../core/playbook.ts');
    const words = [
      ...new Set(
        Object.keys(commands).map((k) => (k.startsWith(argv[0]! + ' ') ? k : k.split(' ')[0]!)),
      ),
    ];
    const near = suggestName(argv[0]!, words) ?? suggestName(two, Object.keys(commands));
    throw new UsageError(
      `unknown command "${argv.slice(0, 2).join(' ')}"${near ? `; did you mean "${near}"?` : ''} (run \`gonogo --help\`)`,
    );
  }
  const rest = argv.slice(key.split(' ').length);
  const command = (await load()).default;
  // item actions share one module: it needs to know which action was asked for.
  const args =
    key.startsWith('item ') && key !== 'item show' ? [key.split(' ')[1]!, ...rest] : rest;
  return (await command.execute(args)).code;
}

/** Maps an error to its exit code and prints it (JSON on stdout with --json). */
async function report(error: unknown, argv: string[]): Promise<number> {
  const { GonogoError } = await import('../core/errors.ts');
  const json = argv.includes('--json');
  if (error instanceof GonogoError) {
    const problems = 'problems' in error ? (error as { problems: unknown }).problems : undefined;
    // A closed gate (a refused deployment) carries every blocker, each with its gate.
    const blockers =
      'blockers' in error
        ? (error as { blockers: { gate?: string; message: string }[] }).blockers
        : undefined;
    const { renderHint } = await import('./cli-hint.ts');
    const command = error.hint ? renderHint(error.hint) : undefined;
    if (json)
      process.stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, problems, blockers, field: error.field, hint: error.hint, command } })}\n`,
      );
    // Blockers quote people's comments: text is data, shown without control characters.
    // eslint-disable-next-line no-control-regex
    const controls = /[\u0000-\u001f\u007f]/g;
    const lines = (blockers ?? []).map(
      (b) => `  ✗ ${b.gate ? `${b.gate}: ` : ''}${b.message.replace(controls, ' ')}\n`,
    );
    process.stderr.write(
      `gonogo: ${error.message}\n${lines.join('')}${command ? `  try: ${command}\n` : ''}`,
    );
    return error.exitCode;
  }
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: { code: 'internal', message: String(error) } })}\n`,
    );
  process.stderr.write(`gonogo: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  return 3;
}

// A reader that stops early (`gonogo export | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.exitCode = await report(error, argv);
  },
);
