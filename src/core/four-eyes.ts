/**
 * Four eyes (`four_eyes: true` on a gate): whoever started a release or acted on its items
 * cannot give that gate's go. This file finds who that is from the release's log. Pure.
 */
import type { ReleaseEvent } from './release-model.ts';

// What an item event's action says a person did; a sign item following its sign-offs is the
// sign-off itself, not work on the item.
const actWords: Record<string, string> = {
  done: 'marked',
  na: 'marked',
  waive: 'waived',
  fail: 'marked',
  reset: 'reset',
  check: 'recorded a check result on',
  deploy: 'deployed, which ticked',
  'sub-items': 'completed the sub-items of',
};

/**
 * Who started the release or acted on its items, by lower-cased name, each with their first
 * such act in words: what a gate with four eyes holds against a go.
 *
 * @example findInvolved('ana@example.com', events)
 * // { 'ana@example.com': 'started the release', 'bo@example.com': 'marked #3 done' }
 */
export function findInvolved(
  createdBy: string,
  events: readonly Pick<ReleaseEvent, 'type' | 'actor' | 'payload'>[],
): Record<string, string> {
  const involved: Record<string, string> = { [createdBy.toLowerCase()]: 'started the release' };
  for (const e of events) {
    if (e.type !== 'item.state') continue;
    const p = e.payload as { item?: number; to?: string; action?: string };
    if (p.action === 'sign-sync') continue;
    const who = e.actor.toLowerCase();
    if (involved[who]) continue;
    const verb = actWords[p.action ?? ''] ?? 'changed';
    const tail = verb === 'marked' ? ` ${p.to === 'na' ? 'n/a' : p.to}` : '';
    involved[who] = `${verb} #${p.item}${tail}`;
  }
  return involved;
}
