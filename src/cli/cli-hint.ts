/**
 * An error's hint (the use case that would help, as data) as the command line that does it.
 */
import type { ErrorHint } from '../core/errors.ts';

const flags: Record<string, string> = {
  note: '--note TEXT',
  reason: '--reason TEXT',
  comment: '--comment TEXT',
  supersedes: '--supersedes VERSION',
  skipUnmatched: '--skip-unmatched',
};

/**
 * The command a person would type for a hint.
 *
 * @example renderHint({ action: 'item.waive', refs: ['12'], needs: ['note'] }) // 'gonogo item waive 12 --note TEXT'
 */
export function renderHint(hint: ErrorHint): string {
  const refs = hint.refs?.join(' ') ?? '';
  const needs = (hint.needs ?? []).map((n) => flags[n] ?? `--${n} VALUE`);
  const words = (() => {
    switch (hint.action) {
      case 'release.start':
        return ['gonogo release start VERSION'];
      case 'release.list':
        return ['gonogo release list'];
      case 'release.show':
        return ['gonogo release show', refs];
      case 'release.retarget':
        return ['gonogo release retarget SHA'];
      case 'release.abandon':
        return ['gonogo release abandon', refs];
      case 'status':
        return ['gonogo status'];
      case 'check.run':
        return ['gonogo check', refs];
      case 'item.done':
      case 'item.na':
      case 'item.waive':
      case 'item.fail':
      case 'item.reset':
        return [`gonogo item ${hint.action.slice(5)}`, refs || 'REF'];
      case 'sign.go':
        return ['gonogo sign', hint.refs?.[0] ?? 'ROLE', 'go'];
      case 'sign.no-go':
        return ['gonogo sign', hint.refs?.[0] ?? 'ROLE', 'no-go'];
      case 'decide':
        return ['gonogo decide'];
      case 'decide.override-window':
        return ['gonogo decide --override-window'];
      case 'deploy':
        return ['gonogo deploy', refs || 'ENV'];
      case 'deploy.force':
        return ['gonogo deploy', refs || 'ENV', '--force'];
      case 'rollback':
        return ['gonogo rollback', refs || 'ENV'];
      case 'playbook.edit':
        return ['gonogo playbook lint'];
      case 'audit.verify':
        return ['gonogo audit verify', refs];
      case 'upgrade':
        return ['npm install -g gonogo@latest'];
    }
  })();
  return [...words, ...needs].filter(Boolean).join(' ');
}
