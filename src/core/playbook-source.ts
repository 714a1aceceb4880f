/**
 * The YAML text each compiled playbook was loaded from. A compiled playbook is not its source
 * (ids, kinds and defaults are filled in), and the team server compiles the text itself, so the
 * HTTP client must send the text the playbook came from. `loadPlaybook` remembers it here; a
 * WeakMap, so the text goes when the playbook does. Memory of a pure function's input, no I/O.
 */
import type { Playbook } from './playbook.ts';

const sources = new WeakMap<Playbook, string>();

/**
 * Remembers that `playbook` was compiled from `text`.
 *
 * @example rememberPlaybookSource(loaded.playbook, text)
 */
export function rememberPlaybookSource(playbook: Playbook, text: string): void {
  sources.set(playbook, text);
}

/**
 * The YAML text `playbook` was loaded from, or undefined for one built another way.
 *
 * @example playbookSourceOf(loadPlaybook(text).playbook) === text // true
 */
export function playbookSourceOf(playbook: Playbook): string | undefined {
  return sources.get(playbook);
}
