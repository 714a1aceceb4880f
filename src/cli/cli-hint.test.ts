import { describe, expect, it } from 'vitest';
import { renderHint } from './cli-hint.ts';

describe('renderHint', () => {
  it('renders an item action with its refs and the inputs it needs', () => {
    expect(renderHint({ action: 'item.waive', refs: ['12', '14'], needs: ['note'] })).toBe(
      'gonogo item waive 12 14 --note TEXT',
    );
  });
  it('renders a sign-off with its role and a deploy past the gate', () => {
    expect(renderHint({ action: 'sign.no-go', refs: ['qa-lead'], needs: ['comment'] })).toBe(
      'gonogo sign qa-lead no-go --comment TEXT',
    );
    expect(renderHint({ action: 'deploy.force', refs: ['production'], needs: ['reason'] })).toBe(
      'gonogo deploy production --force --reason TEXT',
    );
  });
  it('puts placeholders where a ref is missing', () => {
    expect(renderHint({ action: 'item.reset' })).toBe('gonogo item reset REF');
    expect(renderHint({ action: 'release.start' })).toBe('gonogo release start VERSION');
  });
});
