/** Times, commits and states in the words the pages use. */

/**
 * A time as the reader's local date and time, minutes precision.
 *
 * @example formatTime('2026-11-24T10:00:00Z') // '24 Nov 2026, 11:00' (in Berlin)
 */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A commit's short form.
 *
 * @example shortCommit('3f2a9c0d1e2f3a4b') // '3f2a9c0'
 */
export function shortCommit(commit: string | undefined): string {
  return commit ? commit.slice(0, 7) : '—';
}

export const stateWords: Record<string, string> = {
  pending: 'open',
  running: 'running',
  passed: 'passed',
  failed: 'failed',
  done: 'done',
  na: 'n/a',
  waived: 'waived',
};

/** Accepted states: what a gate counts as finished. */
export const acceptedStates = new Set(['done', 'passed', 'na', 'waived']);

/** A release's state in the words `gonogo status` uses. */
export const releaseStateWords: Record<string, string> = {
  active: 'in progress',
  deployed: 'deployed',
  'rolled-back': 'rolled back',
  finished: 'finished',
  abandoned: 'abandoned',
  superseded: 'superseded',
};
