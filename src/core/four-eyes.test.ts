import { describe, expect, it } from 'vitest';
import { findInvolved } from './four-eyes.ts';

const itemEvent = (actor: string, item: number, to: string, action?: string) => ({
  type: 'item.state',
  actor,
  payload: { item, id: `i${item}`, from: 'pending', to, ...(action ? { action } : {}) },
});

describe('findInvolved', () => {
  it('names who started the release and each first act on an item, case-insensitively', () => {
    const involved = findInvolved('RM@example.com', [
      { type: 'release.started', actor: 'RM@example.com', payload: {} },
      itemEvent('Ana@Example.com', 3, 'done', 'done'),
      itemEvent('ana@example.com', 4, 'waived', 'waive'),
      itemEvent('ci@example.com', 1, 'passed', 'check'),
      itemEvent('bo@example.com', 5, 'na', 'na'),
      itemEvent('dep@example.com', 7, 'done', 'deploy'),
    ]);
    expect(involved).toEqual({
      'rm@example.com': 'started the release',
      'ana@example.com': 'marked #3 done',
      'ci@example.com': 'recorded a check result on #1',
      'bo@example.com': 'marked #5 n/a',
      'dep@example.com': 'deployed, which ticked #7',
    });
  });

  it('does not count a sign item following its sign-offs, nor other events', () => {
    const involved = findInvolved('rm@example.com', [
      itemEvent('qa@example.com', 6, 'passed', 'sign-sync'),
      { type: 'signoff.recorded', actor: 'qa@example.com', payload: {} },
      { type: 'decision.recorded', actor: 'lead@example.com', payload: {} },
    ]);
    expect(involved).toEqual({ 'rm@example.com': 'started the release' });
  });
});
