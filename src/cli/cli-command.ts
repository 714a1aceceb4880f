/**
 * The shape of a CLI command: its usage line, its options (parsed strictly, with the global
 * ones added) and a run function that returns the exit code (0 ok, 1 "no").
 */
import type { ParseArgsConfig } from 'node:util';
import type { Context } from './cli-context.ts';
import { createContext, parseCommandArgs } from './cli-context.ts';
import { checkOutputFile } from './cli-files.ts';

/** Options that name a file the command writes (`-o`, `--junit`). */
const outputOptions = ['output', 'junit'];

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseCommandArgs<O>>['values'];

export interface Command {
  usage: string;
  summary: string;
  /** `readOnly`: the command only reads the database (see {@link createContext}). */
  execute(argv: string[], opts?: { readOnly?: boolean }): Promise<{ code: number; ctx?: Context }>;
}

/**
 * Declares a command.
 *
 * @example
 * export default defineCommand({ usage: 'gonogo env', summary: '...', options: {}, async run(ctx) { return 0; } });
 */
export function defineCommand<O extends Options>(def: {
  usage: string;
  summary: string;
  options: O;
  /** Positional arguments: [min, max]. */
  positionals?: [number, number];
  run(ctx: Context, values: Values<O>, positionals: string[]): Promise<number>;
}): Command {
  return {
    usage: def.usage,
    summary: def.summary,
    async execute(argv, opts = {}) {
      const { values, positionals } = parseCommandArgs(argv, def.options, def.usage);
      const v = values as Values<O> & {
        json?: boolean;
        db?: string;
        release?: string;
        project?: string;
        help?: boolean;
      };
      if (v.help) {
        process.stdout.write(`usage: ${def.usage}\n\n${def.summary}\n`);
        return { code: 0 };
      }
      const [min, max] = def.positionals ?? [0, 0];
      if (positionals.length < min || positionals.length > max) {
        const { UsageError } = await import('../core/errors.ts');
        throw new UsageError(
          `${positionals.length < min ? 'missing argument' : `unexpected argument "${positionals[max]}"`}\nusage: ${def.usage}`,
        );
      }
      // A file the command will write is checked before it does anything it would record.
      for (const name of outputOptions) {
        const path = (values as Record<string, unknown>)[name];
        if (typeof path === 'string') checkOutputFile(process.cwd(), path);
      }
      const ctx = createContext({
        ...(v.json !== undefined ? { json: v.json } : {}),
        ...(v.db !== undefined ? { db: v.db } : {}),
        ...(v.release !== undefined ? { release: v.release } : {}),
        ...(v.project !== undefined ? { project: v.project } : {}),
        ...(opts.readOnly ? { readOnly: true } : {}),
      });
      try {
        return { code: await def.run(ctx, values as Values<O>, positionals), ctx };
      } finally {
        await ctx.close();
      }
    },
  };
}
